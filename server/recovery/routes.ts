import { z, createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { createRouter, errorResponses, requestContext, type AppEnv } from '../http.ts';
import { ipBudget } from '../end-user-auth/middleware.ts';
import { userContext } from '../end-user-auth/routes.ts';
import { FactorType, SixDigits } from '../factors/schemas.ts';
import {
  addEvidence,
  cancelCase,
  caseStatusView,
  fileCase,
  handleBiometricWebhook,
  loadCaseForToken,
  rebindInfo,
  rebindNewFactor,
  rebindVerify,
  replyToCase,
  resendCaseEmail,
  submitCase,
  verifyCaseEmail,
} from './service.ts';
import { SIGNATURE_HEADER } from './biometric.ts';

const CaseStatusSchema = z
  .object({
    caseId: z.number(),
    status: z.string(),
    emailVerified: z.boolean(),
    availableMethods: z.array(z.string()),
    questions: z.array(z.string()),
    questionAttemptsLeft: z.number(),
    evidence: z.array(z.object({ method: z.string(), received: z.boolean(), at: z.string() })),
    requestedInformation: z.string().nullable(),
    notes: z.array(z.object({ from: z.string(), body: z.string(), at: z.string() })),
    canSubmit: z.boolean(),
    canCancel: z.boolean(),
    canReply: z.boolean(),
    submittedAt: z.string().nullable(),
    expectedDecision: z
      .object({
        by: z.string().nullable().openapi({ description: 'When a decision is expected; null when even the SLA bound has passed' }),
        basis: z.enum(['queue_median', 'sla', 'overdue']),
        medianHours: z.number().nullable().openapi({ description: "The queue's median hours from submission to decision (last 30 days, all bands)" }),
      })
      .nullable()
      .openapi({
        description:
          "While staff owe a decision: the queue's median time to decision counted from when the case entered the queue, capped by the longest SLA deadline (band-blind, so it says nothing about the evidence); null otherwise",
      }),
  })
  .catchall(z.any())
  .openapi('ResetCaseStatus');

const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const json = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });
const tags = ['reset cases'];

const EvidenceSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('security_questions'), answers: z.array(z.string().max(200)).min(1).max(5) }),
  z.object({ method: z.literal('biometric') }),
  z.object({
    method: z.literal('transfer_record'),
    email: z.string().trim().min(3).max(254),
    platform: z.string().trim().min(1).max(60),
    asset: z.string().trim().min(1).max(20),
    network: z.string().trim().min(1).max(30),
    amount: z
      .string()
      .trim()
      .regex(/^\d+(\.\d+)?$/, 'a decimal amount such as 250.00')
      .max(40),
    txid: z.string().trim().min(8).max(200),
    time: z.iso.datetime({ offset: true }),
  }),
]);

function bearer(c: Context<AppEnv>): string {
  const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(c.req.header('authorization') ?? '');
  if (!match) throw new AppError('unauthenticated', 'Send the token as "Authorization: Bearer <token>".');
  return match[1]!;
}

export function recoveryRoutes(deps: Deps) {
  const app = createRouter();
  const limit = ipBudget(deps, 'recovery', 60, 60_000);
  const caseOf = async (c: Context<AppEnv>, id: number) => await loadCaseForToken(deps, id, bearer(c));
  const caseRoute = <const R extends Parameters<typeof createRoute>[0]>(r: R) => createRoute({ ...r, middleware: [limit], security: [{ caseToken: [] }] } as R);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/recovery/cases',
      tags,
      summary: 'File a reset case, step 1: the account password (an email code is sent)',
      middleware: [limit] as const,
      request: json(z.object({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(1024) })),
      responses: {
        201: {
          description: 'Draft case; keep the caseToken',
          content: {
            'application/json': {
              schema: z.object({ caseId: z.number(), caseToken: z.string(), status: z.string(), emailSentTo: z.string(), next: z.string() }),
            },
          },
        },
        ...errorResponses(400, 401, 409, 422, 429),
      },
    }),
    async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await fileCase(deps, c.req.valid('json'), userContext(c, deps)), 201);
    },
  );

  app.openapi(
    caseRoute({
      method: 'get',
      path: '/recovery/cases/{id}',
      tags,
      summary: 'Case status, the methods available and what is asked of you',
      request: { params: IdParam },
      responses: { 200: { description: 'Status', content: { 'application/json': { schema: CaseStatusSchema } } }, ...errorResponses(401, 404, 429) },
    }),
    async (c) => c.json(await caseStatusView(deps, (await caseOf(c, c.req.valid('param').id)).id), 200),
  );

  app.openapi(
    caseRoute({
      method: 'post',
      path: '/recovery/cases/{id}/email',
      tags,
      summary: 'Step 2: the email code',
      request: { params: IdParam, ...json(z.object({ code: SixDigits })) },
      responses: {
        200: { description: 'Verified', content: { 'application/json': { schema: CaseStatusSchema } } },
        ...errorResponses(400, 401, 404, 409, 429),
      },
    }),
    async (c) => c.json(await verifyCaseEmail(deps, await caseOf(c, c.req.valid('param').id), c.req.valid('json').code, userContext(c, deps)), 200),
  );

  app.openapi(
    caseRoute({
      method: 'post',
      path: '/recovery/cases/{id}/email/resend',
      tags,
      summary: 'Send a new email code',
      request: { params: IdParam },
      responses: {
        200: { description: 'Sent', content: { 'application/json': { schema: z.object({ emailSentTo: z.string() }) } } },
        ...errorResponses(401, 404, 409, 429),
      },
    }),
    async (c) => c.json(await resendCaseEmail(deps, await caseOf(c, c.req.valid('param').id)), 200),
  );

  app.openapi(
    caseRoute({
      method: 'post',
      path: '/recovery/cases/{id}/evidence',
      tags,
      summary: 'Step 3: identity evidence (security answers, a biometric session, or a transfer record). The answer never says what matched.',
      request: { params: IdParam, ...json(EvidenceSchema) },
      responses: {
        200: {
          description: 'Received',
          content: { 'application/json': { schema: z.object({ received: z.boolean(), method: z.string() }).catchall(z.any()) } },
        },
        ...errorResponses(400, 401, 404, 409, 422, 429),
      },
    }),
    async (c) => c.json(await addEvidence(deps, await caseOf(c, c.req.valid('param').id), c.req.valid('json'), userContext(c, deps)), 200),
  );

  for (const [path, summary, run] of [
    [
      'submit',
      'Submit the case to the review queue; the confirmation email links back to the status page with this case token',
      async (row: Awaited<ReturnType<typeof loadCaseForToken>>, ctx: ReturnType<typeof userContext>, token: string) => await submitCase(deps, row, ctx, token),
    ],
    [
      'cancel',
      'Cancel the case (before a decision)',
      async (row: Awaited<ReturnType<typeof loadCaseForToken>>, ctx: ReturnType<typeof userContext>) => await cancelCase(deps, row, ctx),
    ],
  ] as const) {
    app.openapi(
      caseRoute({
        method: 'post',
        path: `/recovery/cases/{id}/${path}`,
        tags,
        summary,
        request: { params: IdParam },
        responses: { 200: { description: 'Done', content: { 'application/json': { schema: CaseStatusSchema } } }, ...errorResponses(401, 404, 409, 422, 429) },
      }),
      async (c) => c.json(await run(await caseOf(c, c.req.valid('param').id), userContext(c, deps), bearer(c)), 200),
    );
  }

  app.openapi(
    caseRoute({
      method: 'post',
      path: '/recovery/cases/{id}/reply',
      tags,
      summary: 'Answer a request for more information (re-queues the case)',
      request: { params: IdParam, ...json(z.object({ message: z.string().trim().min(1).max(2000) })) },
      responses: {
        200: { description: 'Re-queued', content: { 'application/json': { schema: CaseStatusSchema } } },
        ...errorResponses(400, 401, 404, 409, 429),
      },
    }),
    async (c) => c.json(await replyToCase(deps, await caseOf(c, c.req.valid('param').id), c.req.valid('json').message, userContext(c, deps)), 200),
  );

  const rebindRoute = <const R extends Parameters<typeof createRoute>[0]>(r: R) =>
    createRoute({ ...r, middleware: [limit], security: [{ rebindToken: [] }] } as R);
  app.openapi(
    rebindRoute({
      method: 'get',
      path: '/recovery/rebind',
      tags,
      summary: 'After approval: what the rebind link is for (masked account, link expiry, withdrawal lock, the tools it can bind)',
      responses: {
        200: {
          description: 'The approved case behind the link',
          content: {
            'application/json': {
              schema: z
                .object({
                  caseId: z.number(),
                  account: z.string(),
                  expiresAt: z.string(),
                  withdrawalLockUntil: z.string().nullable(),
                  factorTypes: z.array(FactorType),
                })
                .openapi('RebindLink'),
            },
          },
        },
        ...errorResponses(401, 429),
      },
    }),
    async (c) => c.json(await rebindInfo(deps, bearer(c)), 200),
  );
  app.openapi(
    rebindRoute({
      method: 'post',
      path: '/recovery/rebind/new-factor',
      tags,
      summary: 'After approval: set up the new tool (bearer rebind token; same body as an operation step 3a)',
      request: json(z.object({ factorType: FactorType, phone: z.string().max(40).optional() })),
      responses: {
        200: { description: 'Setup data', content: { 'application/json': { schema: z.object({ state: z.string() }).catchall(z.any()) } } },
        ...errorResponses(400, 401, 409, 429),
      },
    }),
    async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await rebindNewFactor(deps, bearer(c), c.req.valid('json'), userContext(c, deps)), 200);
    },
  );
  app.openapi(
    rebindRoute({
      method: 'post',
      path: '/recovery/rebind/new-factor/verify',
      tags,
      summary: 'After approval: prove the new tool; completes the case',
      request: json(
        z.object({ code: SixDigits.optional(), response: z.record(z.string(), z.unknown()).optional(), name: z.string().trim().max(60).optional() }),
      ),
      responses: {
        200: { description: 'Bound; the case is completed', content: { 'application/json': { schema: z.object({ state: z.string() }).catchall(z.any()) } } },
        ...errorResponses(400, 401, 409, 429),
      },
    }),
    async (c) => c.json(await rebindVerify(deps, bearer(c), c.req.valid('json'), userContext(c, deps)), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks/biometric',
      tags: ['webhooks'],
      summary:
        'Biometric provider callback, signed: X-Rebind-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>, 5 min tolerance, idempotent on eventId',
      description: 'Body: {"eventId","sessionRef","caseId","liveness":0-1,"faceMatch":0-1,"decision"}',
      middleware: [ipBudget(deps, 'webhook', 600, 60_000)] as const,
      responses: {
        200: { description: 'Accepted (or a duplicate)', content: { 'application/json': { schema: z.object({ ok: z.boolean(), duplicate: z.boolean() }) } } },
        ...errorResponses(400, 401, 404, 409),
      },
    }),
    async (c) => c.json(await handleBiometricWebhook(deps, await c.req.text(), c.req.header(SIGNATURE_HEADER), requestContext(c, deps.config.trustProxy)), 200),
  );

  return app;
}
