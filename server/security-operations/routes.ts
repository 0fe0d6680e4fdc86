import { z } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import { createRouter, errorResponses } from '../http.ts';
import { userRoute } from '../end-user-auth/middleware.ts';
import { userContext } from '../end-user-auth/routes.ts';
import { FactorType, ProofSchema, SixDigits, ChallengeResponse } from '../factors/schemas.ts';
import {
  commitUnbind,
  getOperation,
  resendOperationEmail,
  startNewFactor,
  startOperation,
  verifyNewFactor,
  verifyOperationEmail,
  verifyOperationSecondFactor,
} from './service.ts';

const Operation = z
  .object({
    operationId: z.string(),
    action: z.enum(['bind', 'change', 'unbind']),
    factorType: FactorType,
    factorId: z.number().nullable(),
    state: z.string(),
    expiresAt: z.string(),
  })
  .catchall(z.any())
  .openapi('SecurityOperation');
const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const json = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });

export function securityOperationRoutes(deps: Deps) {
  const app = createRouter();
  const base = '/me/security/operations';
  const tags = ['security operations'];

  app.openapi(
    userRoute(deps, {
      method: 'post',
      path: base,
      tags,
      summary: 'Start a bind / change / unbind; an email code is sent (step 1)',
      request: json(z.object({ action: z.enum(['bind', 'change', 'unbind']), factorType: FactorType, factorId: z.number().int().positive().optional() })),
      responses: {
        201: { description: 'Started', content: { 'application/json': { schema: Operation.extend({ steps: z.array(z.string()), emailSentTo: z.string() }) } } },
        ...errorResponses(400, 401, 403, 404, 422, 429),
      },
    }),
    async (c) => c.json(await startOperation(deps, c.get('user')!.userId, c.req.valid('json'), userContext(c, deps)), 201),
  );

  app.openapi(
    userRoute(deps, {
      method: 'get',
      path: `${base}/{id}`,
      tags,
      summary: 'An operation and its state',
      request: { params: IdParam },
      responses: { 200: { description: 'The operation', content: { 'application/json': { schema: Operation } } }, ...errorResponses(401, 404) },
    }),
    async (c) => c.json(await getOperation(deps, c.get('user')!.userId, c.req.valid('param').id), 200),
  );

  app.openapi(
    userRoute(deps, {
      method: 'post',
      path: `${base}/{id}/email/resend`,
      tags,
      summary: 'Send a new email code (the failure count carries over)',
      request: { params: IdParam },
      responses: { 200: { description: 'Sent', content: { 'application/json': { schema: Operation } } }, ...errorResponses(401, 404, 409, 429) },
    }),
    async (c) => c.json(await resendOperationEmail(deps, c.get('user')!.userId, c.req.valid('param').id), 200),
  );

  app.openapi(
    userRoute(deps, {
      method: 'post',
      path: `${base}/{id}/email`,
      tags,
      summary: 'Step 1: the email code',
      request: { params: IdParam, ...json(z.object({ code: SixDigits })) },
      responses: { 200: { description: 'Verified', content: { 'application/json': { schema: Operation } } }, ...errorResponses(400, 401, 404, 409, 429) },
    }),
    async (c) => c.json(await verifyOperationEmail(deps, c.get('user')!.userId, c.req.valid('param').id, c.req.valid('json').code, userContext(c, deps)), 200),
  );

  app.openapi(
    userRoute(deps, {
      method: 'post',
      path: `${base}/{id}/2fa`,
      tags,
      summary: 'Step 2: an existing tool (challenge pattern)',
      request: { params: IdParam, ...json(ProofSchema) },
      responses: {
        200: { description: 'Challenge or verified', content: { 'application/json': { schema: ChallengeResponse } } },
        ...errorResponses(400, 401, 404, 409, 429),
      },
    }),
    async (c) =>
      c.json(await verifyOperationSecondFactor(deps, c.get('user')!.userId, c.req.valid('param').id, c.req.valid('json'), userContext(c, deps)), 200),
  );

  app.openapi(
    userRoute(deps, {
      method: 'post',
      path: `${base}/{id}/new-factor`,
      tags,
      summary: 'Step 3a: set up the new tool (TOTP key + QR shown once, SMS code to the new number, or passkey options)',
      request: { params: IdParam, ...json(z.object({ factorType: FactorType, phone: z.string().max(40).optional() })) },
      responses: {
        200: { description: 'Setup data', content: { 'application/json': { schema: Operation } } },
        ...errorResponses(400, 401, 404, 409, 422, 429),
      },
    }),
    async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await startNewFactor(deps, c.get('user')!.userId, c.req.valid('param').id, c.req.valid('json'), userContext(c, deps)), 200);
    },
  );

  app.openapi(
    userRoute(deps, {
      method: 'post',
      path: `${base}/{id}/new-factor/verify`,
      tags,
      summary: 'Step 3b: prove the new tool; completes bind / change',
      request: {
        params: IdParam,
        ...json(z.object({ code: SixDigits.optional(), response: z.record(z.string(), z.unknown()).optional(), name: z.string().trim().max(60).optional() })),
      },
      responses: { 200: { description: 'Completed', content: { 'application/json': { schema: Operation } } }, ...errorResponses(400, 401, 404, 409, 429) },
    }),
    async (c) => c.json(await verifyNewFactor(deps, c.get('user')!.userId, c.req.valid('param').id, c.req.valid('json'), userContext(c, deps)), 200),
  );

  app.openapi(
    userRoute(deps, {
      method: 'post',
      path: `${base}/{id}/commit`,
      tags,
      summary: 'Completes an unbind (refused for the last tool: 422 last_factor)',
      request: { params: IdParam },
      responses: { 200: { description: 'Completed', content: { 'application/json': { schema: Operation } } }, ...errorResponses(401, 404, 409, 422) },
    }),
    async (c) => c.json(await commitUnbind(deps, c.get('user')!.userId, c.req.valid('param').id, userContext(c, deps)), 200),
  );

  return app;
}
