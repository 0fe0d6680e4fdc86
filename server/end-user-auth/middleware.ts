import { createRoute } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../deps.ts';
import type { AppEnv } from '../http.ts';
import { AppError } from '../errors.ts';
import { clientIp } from '../http.ts';
import { requestBudget } from '../platform/rate-limit.ts';
import { requireUser } from './session.ts';

type RouteConfig = Parameters<typeof createRoute>[0];

/** An end-user route behind a bearer session. */
export function userRoute<const R extends RouteConfig>(deps: Deps, config: R) {
  return createRoute({ ...config, middleware: [requireUser(deps)], security: [{ bearerSession: [] }] } as R);
}

/**
 * A per-IP request budget for anonymous endpoints (sign-in, recovery):
 * requestBudget, in the database on PostgreSQL and in memory on SQLite (the
 * lockouts after wrong passwords and codes stay in the database on both).
 */
export function ipBudget(deps: Deps, name: string, limit: number, windowMs: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ip = clientIp(c, deps.config.trustProxy) ?? 'unknown';
    const taken = await requestBudget(deps.database, `ip:${name}:${ip}`, deps.clock(), limit, windowMs);
    if (!taken.ok) throw new AppError('rate_limited', undefined, { retryAfterSeconds: taken.retryAfterSeconds }, taken.retryAfterSeconds);
    await next();
  };
}
