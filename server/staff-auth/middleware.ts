import { createRoute } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { safeEqual } from '../crypto/tokens.ts';
import { findStaffSession, staffCookieName } from './session.ts';
import { roleHasPermission, type Permission } from './permissions.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The session cookie's value, read straight from the Cookie header: the token
 * is base64url (no quoting or %-escapes to undo), and every desk request reads
 * it, so this skips parsing every other cookie (hono's getCookie cost 7 µs of
 * a 190 µs list request). A malformed value is simply not a session.
 */
export function sessionCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{1,200}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/** Loads the staff session (if any) for every /admin/api request. Never rejects by itself. */
export function loadStaffSession(deps: Deps): MiddlewareHandler<AppEnv> {
  const cookieName = staffCookieName(deps.config.secureCookies);
  return async (c, next) => {
    const token = sessionCookie(c.req.header('cookie'), cookieName);
    if (token) {
      // Read once per request: the session and a remembered queue page are both checked against it.
      const stamp = deps.database.dataVersion?.();
      if (stamp !== undefined) c.set('dataVersion', stamp);
      const found = await findStaffSession(deps, token, stamp);
      if (found === 'expired') c.set('staffSessionProblem', 'expired');
      else if (found) c.set('staff', found);
    }
    await next();
  };
}

/**
 * The checks every protected /admin/api route opens with, in this order:
 * signed in (401), CSRF token on unsafe methods (403), permission (403).
 */
export function requireStaff(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.get('staff');
    if (!principal) {
      throw c.get('staffSessionProblem') === 'expired' ? new AppError('session_expired') : new AppError('unauthenticated');
    }
    if (UNSAFE.has(c.req.method)) {
      const sent = c.req.header('x-csrf-token') ?? '';
      if (!principal.csrfToken || !safeEqual(sent, principal.csrfToken)) throw new AppError('csrf_failed');
    }
    if (!roleHasPermission(principal.role, permission)) throw new AppError('forbidden');
    await next();
  };
}

type RouteConfig = Parameters<typeof createRoute>[0];

/**
 * A back-office route: the permission is enforced by middleware and recorded in
 * the OpenAPI document (`x-rebind-permission`), which is where the route × role
 * test matrix finds every route.
 */
export function staffRoute<const R extends RouteConfig>(permission: Permission, config: R) {
  return createRoute({ ...config, middleware: [requireStaff(permission)], security: [{ staffSession: [] }], 'x-rebind-permission': permission } as R);
}

/** A back-office route open to anonymous callers (the sign-in steps). */
export function publicStaffRoute<const R extends RouteConfig>(config: R) {
  return createRoute({ ...config, 'x-rebind-permission': 'public' } as R);
}
