import { createRoute } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../deps.ts';
import type { AppEnv } from '../http.ts';
import { AppError } from '../errors.ts';
import { clientIp } from '../http.ts';
import { memoryBudgetsFor, takeToken } from '../platform/rate-limit.ts';
import { requireUser } from './session.ts';

type RouteConfig = Parameters<typeof createRoute>[0];

/** An end-user route behind a bearer session. */
export function userRoute<const R extends RouteConfig>(deps: Deps, config: R) {
  return createRoute({ ...config, middleware: [requireUser(deps)], security: [{ bearerSession: [] }] } as R);
}

/**
 * A per-IP request budget for anonymous endpoints (sign-in, recovery). On
 * PostgreSQL, where several instances serve, counted in the database (one
 * upsert, takeToken), so the budget holds across them. On SQLite, one instance
 * by design, counted in this process's memory: the same limit and window,
 * without a write transaction on every sign-in step (a restart starts the
 * minute again; the lockouts after wrong passwords and codes stay in the database).
 */
export function ipBudget(deps: Deps, name: string, limit: number, windowMs: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ip = clientIp(c, deps.config.trustProxy) ?? 'unknown';
    const key = `ip:${name}:${ip}`;
    let taken: Awaited<ReturnType<typeof takeToken>>;
    if (deps.database.engine === 'sqlite') taken = memoryBudgetsFor(deps.database).take(key, deps.clock(), limit, windowMs);
    else taken = await takeToken(deps.db, key, deps.clock(), limit, windowMs);
    if (!taken.ok) throw new AppError('rate_limited', undefined, { retryAfterSeconds: taken.retryAfterSeconds }, taken.retryAfterSeconds);
    await next();
  };
}
