import { z } from '@hono/zod-openapi';
import { setCookie, deleteCookie } from 'hono/cookie';
import type { Deps } from '../deps.ts';
import { createRouter, errorResponses, requestContext } from '../http.ts';
import { staffRoute, publicStaffRoute } from './middleware.ts';
import { signInWithPassword, signInWithTotp, signOut } from './service.ts';
import { staffCookieName, type StaffPrincipal } from './session.ts';

const StaffIdentity = z
  .object({ id: z.number(), email: z.string(), name: z.string(), role: z.enum(['agent', 'supervisor', 'auditor', 'admin']) })
  .openapi('StaffIdentity');
const SignedIn = z.object({ staff: StaffIdentity, csrfToken: z.string() }).openapi('StaffSignedIn');

const identity = (p: StaffPrincipal) => ({ staff: { id: p.staffId, email: p.email, name: p.name, role: p.role }, csrfToken: p.csrfToken });

export function staffAuthRoutes(deps: Deps) {
  const app = createRouter();
  const cookieName = staffCookieName(deps.config.secureCookies);

  app.openapi(
    publicStaffRoute({
      method: 'post',
      path: '/auth/login',
      tags: ['staff sign-in'],
      summary: 'Staff sign-in, step 1: password',
      request: {
        body: {
          required: true,
          content: { 'application/json': { schema: z.object({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(1024) }) } },
        },
      },
      responses: {
        200: {
          description: 'Password accepted; send a TOTP code next',
          content: { 'application/json': { schema: z.object({ status: z.literal('totp_required'), challengeId: z.string() }) } },
        },
        ...errorResponses(400, 401, 429),
      },
    }),
    async (c) => {
      const { challengeId } = await signInWithPassword(deps, c.req.valid('json'), requestContext(c, deps.config.trustProxy));
      return c.json({ status: 'totp_required' as const, challengeId }, 200);
    },
  );

  app.openapi(
    publicStaffRoute({
      method: 'post',
      path: '/auth/login/totp',
      tags: ['staff sign-in'],
      summary: 'Staff sign-in, step 2: TOTP code (each time step accepted once)',
      request: {
        body: {
          required: true,
          content: { 'application/json': { schema: z.object({ challengeId: z.string().min(1).max(200), code: z.string().regex(/^\d{6}$/, 'six digits') }) } },
        },
      },
      responses: {
        200: { description: 'Signed in; the session cookie is set', content: { 'application/json': { schema: SignedIn } } },
        ...errorResponses(400, 401, 429),
      },
    }),
    async (c) => {
      const { token, principal } = await signInWithTotp(deps, c.req.valid('json'), requestContext(c, deps.config.trustProxy));
      setCookie(c, cookieName, token, {
        httpOnly: true,
        secure: deps.config.secureCookies,
        sameSite: 'Strict',
        path: '/',
        maxAge: Math.floor(deps.config.staffSessionMaxMs / 1000),
      });
      return c.json(identity(principal), 200);
    },
  );

  app.openapi(
    staffRoute('session.self', {
      method: 'post',
      path: '/auth/logout',
      tags: ['staff sign-in'],
      summary: 'Sign out: revokes the session server-side',
      responses: { 204: { description: 'Signed out' }, ...errorResponses(401, 403) },
    }),
    async (c) => {
      await signOut(deps, c.get('staff')!, requestContext(c, deps.config.trustProxy));
      deleteCookie(c, cookieName, { path: '/', secure: deps.config.secureCookies });
      return c.body(null, 204);
    },
  );

  app.openapi(
    staffRoute('session.self', {
      method: 'get',
      path: '/auth/me',
      tags: ['staff sign-in'],
      summary: 'Who is signed in, and the CSRF token for unsafe requests',
      responses: { 200: { description: 'The signed-in staff member', content: { 'application/json': { schema: SignedIn } } }, ...errorResponses(401) },
    }),
    (c) => c.json(identity(c.get('staff')!), 200),
  );

  return app;
}
