// Stock ra-data-simple-rest over /admin/api. Only the HTTP client is ours: it
// sends the session cookie and, on unsafe methods, the CSRF token.

import simpleRestProvider from 'ra-data-simple-rest';
import { fetchUtils, HttpError, type DataProvider } from 'react-admin';
import { getCsrfToken } from './authProvider';

export const ADMIN_API_URL = '/admin/api';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// Error codes that say all there is to say: react-admin shows the error's
// message through translate(), so these become keys of rebind.errors.*. The
// others (validation_failed, rule_violation, conflict…) keep the server's
// message, which names the specifics, in English.
const TRANSLATED_ERROR_CODES = new Set([
    'unauthenticated',
    'session_expired',
    'forbidden',
    'csrf_failed',
    'not_found',
    'stale_version',
    'already_exists',
    'payload_too_large',
    'self_action',
    'last_factor',
    'rate_limited',
    'internal_error',
]);

export const httpClient = async (url: string, options: fetchUtils.Options = {}) => {
    const headers = new Headers(options.headers);
    if (!headers.has('Accept')) headers.set('Accept', 'application/json');
    const method = (options.method ?? 'GET').toUpperCase();
    const csrfToken = getCsrfToken();
    if (UNSAFE_METHODS.has(method) && csrfToken) headers.set('X-CSRF-Token', csrfToken);
    try {
        return await fetchUtils.fetchJson(url, { ...options, headers, credentials: 'same-origin' });
    } catch (error) {
        const code: unknown = error instanceof HttpError ? error.body?.code : undefined;
        if (error instanceof HttpError && typeof code === 'string' && TRANSLATED_ERROR_CODES.has(code)) {
            throw new HttpError(`rebind.errors.${code}`, error.status, error.body);
        }
        throw error;
    }
};

export type AuditChainStatus =
    | { ok: true; count: number; headHash: string }
    | { ok: false; count: number; firstBadEventId: number | string; problem: string };

export interface RebindDataProvider extends DataProvider {
    /** GET /audit-events/verify: walks the audit log's hash chain. */
    verifyAuditChain: () => Promise<AuditChainStatus>;
}

export const dataProvider: RebindDataProvider = {
    ...simpleRestProvider(ADMIN_API_URL, httpClient),
    verifyAuditChain: async () => {
        const { json } = await httpClient(`${ADMIN_API_URL}/audit-events/verify`);
        return json as AuditChainStatus;
    },
};

export default dataProvider;
