import { createRoute } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { and, eq, isNull } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { AppEnv } from '../http.ts';
import { AppError } from '../errors.ts';
import { sha256Hex } from '../crypto/tokens.ts';
import { requestBudget } from '../platform/rate-limit.ts';
import { serviceAccounts, serviceKeys, serviceScopes, type ServiceScope } from '../../db/schema/index.ts';
import type { AuditActor } from '../audit/audit-log.ts';

/** The caller of a /service/v1 request, set by serviceAuth. */
export interface ServicePrincipal {
  id: number;
  name: string;
  scopes: ServiceScope[];
  /** The key used for this request (rate limits count per key). */
  keyId: number;
}

/** `rbk_live_` and 43 base64url characters (32 random bytes). */
export const SERVICE_KEY_PATTERN = /^rbk_live_[A-Za-z0-9_-]{43}$/;

/** The audit actor for changes a service account makes. */
export function serviceActor(principal: ServicePrincipal): AuditActor {
  return { type: 'service', id: principal.id, label: principal.name };
}

export function parseScopes(stored: string): ServiceScope[] {
  const parsed = JSON.parse(stored) as unknown;
  return Array.isArray(parsed) ? parsed.filter((s): s is ServiceScope => (serviceScopes as readonly string[]).includes(s)) : [];
}

/**
 * Authenticates every /service/v1 request: `Authorization: Bearer <service key>`.
 * Only service keys are accepted here; staff cookies are never read and end-user
 * session tokens do not have the key's shape, so both get the same 401 as a
 * missing, unknown, revoked or expired key (no hint which one it was).
 * Then the per-key request budget (in the database on PostgreSQL, so it holds
 * across instances; in memory on SQLite, one instance): 429 with Retry-After beyond it.
 */
export function serviceAuth(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const key = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!SERVICE_KEY_PATTERN.test(key)) throw new AppError('unauthenticated', 'Send a service key as "Authorization: Bearer <key>".');
    const now = deps.clock();
    // One indexed read: the key by its hash, with its account.
    const [row] = await deps.db
      .select({ keyId: serviceKeys.id, expiresAt: serviceKeys.expiresAt, id: serviceAccounts.id, name: serviceAccounts.name, scopes: serviceAccounts.scopes })
      .from(serviceKeys)
      .innerJoin(serviceAccounts, eq(serviceAccounts.id, serviceKeys.accountId))
      .where(and(eq(serviceKeys.keyHash, sha256Hex(key)), isNull(serviceKeys.revokedAt), isNull(serviceAccounts.revokedAt)))
      .limit(1);
    if (!row || (row.expiresAt && row.expiresAt <= now)) throw new AppError('unauthenticated', 'The service key is not valid.');
    const budget = await requestBudget(deps.database, `service-key:${row.keyId}`, now, deps.config.serviceRateLimitPerMinute, 60_000);
    if (!budget.ok) throw new AppError('rate_limited', undefined, { retryAfterSeconds: budget.retryAfterSeconds }, budget.retryAfterSeconds);
    c.set('serviceAccount', { id: row.id, name: row.name, scopes: parseScopes(row.scopes), keyId: row.keyId });
    await next();
  };
}

/** 403 (the usual error body) when the caller's key lacks `scope`. Runs after serviceAuth. */
export function requireScope(scope: ServiceScope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.get('serviceAccount');
    if (!principal) throw new AppError('unauthenticated', 'Send a service key as "Authorization: Bearer <key>".');
    if (!principal.scopes.includes(scope)) throw new AppError('forbidden', `This service key does not have the ${scope} scope.`, { requiredScope: scope });
    await next();
  };
}

type RouteConfig = Parameters<typeof createRoute>[0];

/**
 * A /service/v1 route: the scope is enforced by middleware and recorded in the
 * OpenAPI document (`x-rebind-scope`), which is where the route matrix test
 * finds every service route.
 */
export function serviceRoute<const R extends RouteConfig>(scope: ServiceScope, config: R) {
  return createRoute({ ...config, middleware: [requireScope(scope)], security: [{ serviceKey: [] }], 'x-rebind-scope': scope } as R);
}
