import { z } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import { createRouter, errorResponses, requestContext, type AppEnv } from '../http.ts';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ProofSchema, ChallengeResponse } from '../factors/schemas.ts';
import { ipBudget, userRoute } from './middleware.ts';
import { loginWithPassword, loginWithSecondFactor, logoutUser, type UserContext } from './service.ts';
import { deviceIdOf } from './session.ts';

export function userContext(c: Context<AppEnv>, deps: Deps): UserContext {
  return { ...requestContext(c, deps.config.trustProxy), deviceId: deviceIdOf(c.req.header('x-device-id')) };
}

export function endUserAuthRoutes(deps: Deps) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/login',
      tags: ['end-user sign-in'],
      summary: 'Sign-in step 1: password (unknown email and wrong password answer alike)',
      middleware: [ipBudget(deps, 'login', deps.config.userSigninIpLimitPerMinute, 60_000)] as const,
      request: {
        body: {
          required: true,
          content: { 'application/json': { schema: z.object({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(1024) }) } },
        },
      },
      responses: {
        200: {
          description: '`{token}` when the account has no tool, else `{status:"2fa_required", challengeId, methods}`',
          content: {
            'application/json': {
              schema: z.object({
                token: z.string().optional(),
                status: z.literal('2fa_required').optional(),
                challengeId: z.string().optional(),
                methods: z.array(z.string()).optional(),
              }),
            },
          },
        },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => c.json(await loginWithPassword(deps, c.req.valid('json'), userContext(c, deps)), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/login/2fa',
      tags: ['end-user sign-in'],
      summary: 'Sign-in step 2 with any active tool (challenge pattern)',
      middleware: [ipBudget(deps, 'login-2fa', deps.config.userSigninIpLimitPerMinute, 60_000)] as const,
      request: {
        body: { required: true, content: { 'application/json': { schema: ProofSchema.and(z.object({ challengeId: z.string().min(1).max(200) })) } } },
      },
      responses: {
        200: { description: '`{token}`, or the challenge (SMS sent / passkey options)', content: { 'application/json': { schema: ChallengeResponse } } },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => c.json(await loginWithSecondFactor(deps, c.req.valid('json'), userContext(c, deps)), 200),
  );

  app.openapi(
    userRoute(deps, {
      method: 'post',
      path: '/auth/logout',
      tags: ['end-user sign-in'],
      summary: 'Revoke this session',
      responses: { 204: { description: 'Signed out' }, ...errorResponses(401) },
    }),
    async (c) => {
      await logoutUser(deps, c.get('user')!, requestContext(c, deps.config.trustProxy));
      return c.body(null, 204);
    },
  );

  return app;
}
