import { z } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import { createRouter, errorResponses, requestContext } from '../http.ts';
import { ipBudget, userRoute } from '../end-user-auth/middleware.ts';
import { FactorSchema, ProofSchema, ChallengeResponse } from '../factors/schemas.ts';
import { describeFreeze, freezeAccount, securityOverview, setSecurityQuestions, stepUp } from './service.ts';
import { freezePage } from './freeze-page.ts';

const Overview = z
  .object({
    email: z.string(),
    factors: z.array(FactorSchema),
    protectionLevel: z.enum(['none', 'restricted', 'strong']),
    withdrawalLock: z.object({ locked: z.boolean(), until: z.string().nullable(), reason: z.string().nullable() }),
    frozen: z.boolean(),
    securityQuestions: z.array(z.string()),
    reminders: z.array(z.object({ code: z.string(), message: z.string() })),
  })
  .openapi('SecurityOverview');
const TokenParam = z.object({
  token: z
    .string()
    .min(20)
    .max(100)
    .openapi({ param: { name: 'token', in: 'path' } }),
});

export function accountRoutes(deps: Deps) {
  const app = createRouter();

  app.openapi(
    userRoute(deps, {
      method: 'get',
      path: '/me/security',
      tags: ['account'],
      summary: 'Security overview: tools (no secrets), protection level, withdrawal lock, reminders',
      responses: { 200: { description: 'Overview', content: { 'application/json': { schema: Overview } } }, ...errorResponses(401, 403) },
    }),
    async (c) => c.json((await securityOverview(deps, c.get('user')!.userId)) as z.infer<typeof Overview>, 200),
  );

  app.openapi(
    userRoute(deps, {
      method: 'post',
      path: '/me/security/verify',
      tags: ['account'],
      summary: 'Fresh 2FA verification (step-up) for sensitive settings; valid 10 minutes, used once',
      request: { body: { required: true, content: { 'application/json': { schema: ProofSchema } } } },
      responses: {
        200: { description: 'Challenge or verified', content: { 'application/json': { schema: ChallengeResponse } } },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => c.json(await stepUp(deps, c.get('user')!, c.req.valid('json'), requestContext(c, deps.config.trustProxy)), 200),
  );

  app.openapi(
    userRoute(deps, {
      method: 'put',
      path: '/me/security-questions',
      tags: ['account'],
      summary: 'Set or replace the three security questions (needs a step-up when the account has a tool)',
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({ questions: z.array(z.object({ prompt: z.string().trim().min(5).max(200), answer: z.string().min(1).max(200) })).length(3) }),
            },
          },
        },
      },
      responses: {
        200: { description: 'Saved', content: { 'application/json': { schema: z.object({ securityQuestions: z.array(z.string()) }) } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => c.json(await setSecurityQuestions(deps, c.get('user')!, c.req.valid('json').questions, requestContext(c, deps.config.trustProxy)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/freeze/{token}',
      tags: ['account'],
      summary: '"This wasn\'t me": what freezing will do (HTML for browsers, JSON otherwise)',
      middleware: [ipBudget(deps, 'freeze', 30, 60_000)] as const,
      request: { params: TokenParam },
      responses: {
        200: {
          description: 'What will happen',
          content: {
            'application/json': {
              schema: z.object({ account: z.string(), change: z.string(), alreadyFrozen: z.boolean(), used: z.boolean(), consequences: z.array(z.string()) }),
            },
          },
        },
        ...errorResponses(404, 429),
      },
    }),
    async (c) => {
      const description = await describeFreeze(deps, c.req.valid('param').token);
      if ((c.req.header('accept') ?? '').includes('text/html')) return c.html(freezePage(description)) as never;
      return c.json(description, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/freeze/{token}',
      tags: ['account'],
      summary: 'Freeze the account (no sign-in, no 2FA change, withdrawals locked) until support reviews it',
      middleware: [ipBudget(deps, 'freeze', 30, 60_000)] as const,
      request: { params: TokenParam },
      responses: {
        200: {
          description: 'Frozen',
          content: { 'application/json': { schema: z.object({ frozen: z.boolean(), account: z.string(), consequences: z.array(z.string()) }) } },
        },
        ...errorResponses(404, 409, 429),
      },
    }),
    async (c) => c.json(await freezeAccount(deps, c.req.valid('param').token, requestContext(c, deps.config.trustProxy)), 200),
  );

  return app;
}
