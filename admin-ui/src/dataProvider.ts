// Stock ra-data-simple-rest over /admin/api, plus one method per command the
// desk sends (claim, approve, reveal…): commands are never a generic PUT of a
// status. Only the HTTP client is ours: it sends the session cookie and, on
// unsafe methods, the CSRF token.

import simpleRestProvider from 'ra-data-simple-rest';
import { fetchUtils, HttpError, type DataProvider, type Identifier } from 'react-admin';
import { getCsrfToken } from './authProvider';
import type { CaseAction, CaseDetail } from './cases/case-types';
import type { QueueStats } from './dashboard/stats-types';
import type { StaffDirectoryEntry } from './staff-directory/staff-directory-types';
import type { ReleaseClaimsResult } from './team/team-types';
import type { InsiderReport } from './insider/insider-types';
import type { RevealRequest, RevealableField, UserDetail } from './users/user-types';
import type { ServiceAccountRecord, ServiceAccountWithKey } from './service-accounts/service-account-types';
import type { WebhookEndpointWithSecret } from './webhooks/webhook-types';

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
  'invalid_state',
  'claim_expired',
  'conflict_of_interest',
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

const postJson = async <T>(path: string, body: unknown): Promise<T> => {
  const { json } = await httpClient(`${ADMIN_API_URL}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  return json as T;
};

export type AuditChainStatus = { ok: true; count: number; headHash: string } | { ok: false; count: number; firstBadEventId: number | string; problem: string };

/** The body of each case command, besides the version every one of them sends. */
export interface CaseActionBodies {
  claim: Record<string, never>;
  release: Record<string, never>;
  approve: { note?: string };
  reject: { reasonCode: string; note?: string };
  'request-info': { reasonCode: string; message: string };
  escalate: { note: string };
  assign: { assigneeId: number; note: string };
}
export type CaseCommand = keyof CaseActionBodies;

export interface RebindDataProvider extends DataProvider {
  /** GET /audit-events/verify: walks the audit log's hash chain. */
  verifyAuditChain: () => Promise<AuditChainStatus>;
  /** POST /cases/:id/<action> with the version the reviewer saw; answers the case detail. */
  caseAction: <A extends CaseCommand>(id: Identifier, action: A, body: CaseActionBodies[A] & { version: number }) => Promise<CaseDetail>;
  /** POST /cases/:id/notes; answers the case detail. */
  addCaseNote: (id: Identifier, note: { body: string; visibility: 'internal' | 'user' }) => Promise<CaseDetail>;
  /** POST /users/:id/reveal: one field in clear, with a justification (audited). */
  revealUserField: (userId: Identifier, request: RevealRequest) => Promise<{ field: RevealableField; value: string }>;
  /** POST /users/:id/unfreeze (supervisors). */
  unfreezeUser: (userId: Identifier, justification: string) => Promise<UserDetail>;
  /** GET /stats: the dashboard's metrics. */
  getStats: () => Promise<QueueStats>;
  /** GET /staff-directory: every colleague's name and role (any staff role may read it). */
  getStaffDirectory: () => Promise<StaffDirectoryEntry[]>;
  /** POST /team/:staffId/release-claims (supervisors): every case they hold back to the queue. */
  releaseAllClaims: (staffId: Identifier, reason?: string) => Promise<ReleaseClaimsResult>;
  /** GET /insider-signals: each reviewer's signals over 7 or 30 days (supervisors and admins). */
  getInsiderSignals: (params: { days: number; fastSeconds: number }) => Promise<InsiderReport>;
  /** POST /service-accounts/:id/rotate (admins): a new key, shown once; the old one works for overlapHours more. */
  rotateServiceKey: (id: Identifier, overlapHours: number) => Promise<ServiceAccountWithKey>;
  /** POST /service-accounts/:id/revoke (admins): the account and every key stop at once. */
  revokeServiceAccount: (id: Identifier) => Promise<ServiceAccountRecord>;
  /** POST /webhook-endpoints/:id/rotate-secret (admins): the new secret, shown once. */
  rotateWebhookSecret: (endpointId: Identifier) => Promise<WebhookEndpointWithSecret>;
  /** POST /webhook-deliveries/:id/redeliver (admins): send it again now. */
  redeliverWebhook: (deliveryId: Identifier) => Promise<{ id: number; status: 'pending' }>;
}

const path = (id: Identifier) => encodeURIComponent(String(id));

export const dataProvider: RebindDataProvider = {
  ...simpleRestProvider(ADMIN_API_URL, httpClient),
  verifyAuditChain: async () => {
    const { json } = await httpClient(`${ADMIN_API_URL}/audit-events/verify`);
    return json as AuditChainStatus;
  },
  caseAction: (id, action, body) => postJson<CaseDetail>(`/cases/${path(id)}/${action}`, body),
  addCaseNote: (id, note) => postJson<CaseDetail>(`/cases/${path(id)}/notes`, note),
  revealUserField: (userId, request) => postJson(`/users/${path(userId)}/reveal`, request),
  unfreezeUser: (userId, justification) => postJson<UserDetail>(`/users/${path(userId)}/unfreeze`, { justification }),
  getStats: async () => {
    const { json } = await httpClient(`${ADMIN_API_URL}/stats`);
    return json as QueueStats;
  },
  getStaffDirectory: async () => {
    const { json } = await httpClient(`${ADMIN_API_URL}/staff-directory`);
    return json as StaffDirectoryEntry[];
  },
  releaseAllClaims: (staffId, reason) => postJson<ReleaseClaimsResult>(`/team/${path(staffId)}/release-claims`, reason ? { reason } : {}),
  getInsiderSignals: async ({ days, fastSeconds }) => {
    const query = new URLSearchParams({ days: String(days), fastSeconds: String(fastSeconds) });
    const { json } = await httpClient(`${ADMIN_API_URL}/insider-signals?${query}`);
    return json as InsiderReport;
  },
  rotateServiceKey: (id, overlapHours) => postJson<ServiceAccountWithKey>(`/service-accounts/${path(id)}/rotate`, { overlapHours }),
  revokeServiceAccount: (id) => postJson<ServiceAccountRecord>(`/service-accounts/${path(id)}/revoke`, {}),
  rotateWebhookSecret: (endpointId) => postJson<WebhookEndpointWithSecret>(`/webhook-endpoints/${path(endpointId)}/rotate-secret`, {}),
  redeliverWebhook: (deliveryId) => postJson(`/webhook-deliveries/${path(deliveryId)}/redeliver`, {}),
};

export default dataProvider;
