import { z } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import { createRouter, errorResponses, requestContext } from '../http.ts';
import { AppError } from '../errors.ts';
import { serviceActor, serviceAuth, serviceRoute } from './auth.ts';
import { withdrawalStatusFor, upsertExchangeUser, EXTERNAL_ID_PATTERN, valueTiers } from './users.ts';
import { introspectUserToken } from './introspect.ts';
import { ingestDeposits } from '../ledger/import.ts';
import { eventFeedRoutes } from '../events/feed-routes.ts';

/** The most ledger rows one POST /service/v1/deposits may carry. */
export const MAX_DEPOSIT_BATCH = 1000;

const tags = ['service'];

const WithdrawalStatus = z
  .object({
    userId: z.number(),
    externalId: z.string().nullable(),
    allowed: z.boolean(),
    lockedUntil: z.string().nullable().openapi({ description: 'End of the lock after a 2FA change or reset (ISO-8601), if one is running' }),
    reasons: z.array(z.enum(['frozen', 'disabled', 'security_change'])),
    frozen: z.boolean(),
  })
  .openapi('WithdrawalStatus');

const Introspection = z
  .object({
    active: z.boolean(),
    sub: z.string().optional().openapi({ description: "Rebind's user id" }),
    exp: z.number().optional().openapi({ description: 'Expiry, seconds since the epoch' }),
    iat: z.number().optional().openapi({ description: 'Issued at, seconds since the epoch' }),
    amr: z.array(z.string()).optional().openapi({ description: 'RFC 8176 methods: pwd, otp, sms, pop, mfa' }),
    external_id: z.string().nullable().optional().openapi({ description: "The exchange's id for the user, if known" }),
    token_type: z.string().optional(),
  })
  .openapi('TokenIntrospection');

const isoTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T/, 'an ISO-8601 time')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO-8601 time');

const DepositRow = z
  .object({
    email: z.string().max(320),
    asset: z.string().max(20),
    network: z.string().max(40),
    amount: z.string().max(60).openapi({ description: 'Decimal string, exact', example: '250.00' }),
    txid: z.string().max(200),
    platform: z.string().max(80),
    creditedAt: z.string().max(40).openapi({ description: 'ISO-8601 (the CSV column credited_at)', example: '2026-11-20T10:00:00Z' }),
  })
  .openapi('DepositRow');

const DepositReport = z
  .object({
    rows: z.number(),
    inserted: z.number(),
    duplicates: z.number(),
    unknownAccounts: z.number(),
    rejected: z.number(),
    errors: z.array(z.object({ index: z.number(), message: z.string() })),
  })
  .openapi('DepositReport');

const ExchangeUser = z
  .object({
    id: z.number(),
    externalId: z.string(),
    email: z.string(),
    displayName: z.string(),
    country: z.string().nullable(),
    kycLevel: z.number().nullable(),
    valueTier: z.string(),
    status: z.string(),
    passwordChangedAt: z.string().nullable(),
    emailChangedAt: z.string().nullable(),
    accountCreatedAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ExchangeUser');

const ExchangeUserInput = z
  .object({
    email: z
      .string()
      .trim()
      .max(320)
      .regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an email address'),
    displayName: z.string().trim().max(200).optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, e.g. GB')
      .nullable()
      .optional(),
    kycLevel: z.number().int().min(0).max(9).nullable().optional().openapi({ description: "The exchange's KYC level, 0 = none" }),
    valueTier: z.enum(valueTiers).optional(),
    passwordChangedAt: isoTime.nullable().optional(),
    emailChangedAt: isoTime.nullable().optional(),
    accountCreatedAt: isoTime.optional().openapi({ description: 'When the account was opened at the exchange' }),
  })
  .strict()
  .openapi('ExchangeUserInput');

const UserRefParam = z.object({
  id: z
    .string()
    .max(140)
    .openapi({ param: { name: 'id', in: 'path' }, description: "Rebind's numeric user id, or ext:<the exchange's id>", example: 'ext:u-1001' }),
});
const ExternalIdParam = z.object({
  externalId: z
    .string()
    .regex(EXTERNAL_ID_PATTERN, 'letters, digits, . _ : - (1–128)')
    .openapi({ param: { name: 'externalId', in: 'path' }, example: 'u-1001' }),
});

const toDate = (s: string | null | undefined) => (s === undefined ? undefined : s === null ? null : new Date(s));

/**
 * The service API (/service/v1): machine callers inside the exchange, each
 * with its own key and scopes. serviceAuth runs first on every path (so an
 * unknown path under /service/v1 is a 401 before it is a 404); each route then
 * checks its one scope (serviceRoute).
 */
export function serviceRoutes(deps: Deps) {
  const router = createRouter();
  router.use('*', serviceAuth(deps));

  router.openapi(
    serviceRoute('withdrawals:read', {
      method: 'get',
      path: '/users/{id}/withdrawal-status',
      tags,
      summary: 'May this user withdraw now? The wallet asks before every withdrawal',
      request: { params: UserRefParam },
      responses: {
        200: { description: 'The answer', content: { 'application/json': { schema: WithdrawalStatus } } },
        ...errorResponses(400, 401, 403, 404, 429),
      },
    }),
    async (c) => c.json(await withdrawalStatusFor(deps, c.req.valid('param').id), 200),
  );

  router.openapi(
    serviceRoute('tokens:introspect', {
      method: 'post',
      path: '/tokens/introspect',
      tags,
      summary: 'Is this end-user session token live? (RFC 7662 shape; an inactive token gets {active:false} only)',
      request: { body: { required: true, content: { 'application/json': { schema: z.object({ token: z.string().max(1000) }) } } } },
      responses: {
        200: { description: 'The introspection', content: { 'application/json': { schema: Introspection } } },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => c.json(await introspectUserToken(deps, c.req.valid('json').token), 200),
  );

  router.openapi(
    serviceRoute('ledger:write', {
      method: 'post',
      path: '/deposits',
      tags,
      summary: `Deposit ledger rows in (at most ${MAX_DEPOSIT_BATCH}); idempotent on platform + txid; all or nothing`,
      request: {
        body: { required: true, content: { 'application/json': { schema: z.object({ deposits: z.array(DepositRow).min(1).max(MAX_DEPOSIT_BATCH) }) } } },
      },
      responses: {
        200: { description: 'Counts: inserted, duplicates (already there, nothing added)', content: { 'application/json': { schema: DepositReport } } },
        ...errorResponses(400, 401, 403, 413, 429),
      },
    }),
    async (c) => {
      const ctx = requestContext(c, deps.config.trustProxy);
      const report = await ingestDeposits(deps, c.req.valid('json').deposits, {
        actor: serviceActor(c.get('serviceAccount')!),
        source: 'service_api',
        ip: ctx.ip,
        requestId: ctx.requestId,
      });
      if (report.rejected > 0) throw new AppError('validation_failed', `${report.rejected} row(s) were rejected; nothing was recorded.`, { ...report });
      return c.json(report, 200);
    },
  );

  router.openapi(
    serviceRoute('users:write', {
      method: 'put',
      path: '/users/{externalId}',
      tags,
      summary: "Create or update an end user from the exchange's records (keyed by the exchange's id)",
      request: { params: ExternalIdParam, body: { required: true, content: { 'application/json': { schema: ExchangeUserInput } } } },
      responses: {
        200: { description: 'Updated (or unchanged)', content: { 'application/json': { schema: ExchangeUser } } },
        201: { description: 'Created', content: { 'application/json': { schema: ExchangeUser } } },
        ...errorResponses(400, 401, 403, 409, 429),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const result = await upsertExchangeUser(
        deps,
        c.req.valid('param').externalId,
        {
          ...body,
          passwordChangedAt: toDate(body.passwordChangedAt),
          emailChangedAt: toDate(body.emailChangedAt),
          accountCreatedAt: toDate(body.accountCreatedAt) ?? undefined,
        },
        serviceActor(c.get('serviceAccount')!),
        requestContext(c, deps.config.trustProxy),
      );
      return result.created ? c.json(result.user, 201) : c.json(result.user, 200);
    },
  );

  router.route('/', eventFeedRoutes(deps));
  return router;
}
