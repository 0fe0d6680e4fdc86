import { z } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import { createRouter, errorResponses } from '../http.ts';
import { staffRoute } from '../staff-auth/middleware.ts';
import { FAST_DECISION_DEFAULT_SECONDS } from './insider-rules.ts';
import { loadInsiderSignals, type InsiderReport } from './service.ts';

const Query = z.object({
  days: z.enum(['7', '30']).default('7').openapi({ description: 'The window: the last 7 or 30 days' }),
  fastSeconds: z.coerce
    .number()
    .int()
    .min(5)
    .max(600)
    .default(FAST_DECISION_DEFAULT_SECONDS)
    .openapi({ description: 'A decision this many seconds or less after opening the case counts as fast' }),
});

const Evidence = z.object({ eventIds: z.array(z.number()), caseIds: z.array(z.number()), total: z.number() });
const signal = <T extends z.ZodRawShape>(figure: T) => z.object({ flagged: z.boolean(), figure: z.object(figure), evidence: Evidence });
const rate = z.number().nullable();

const Reviewer = z.object({
  id: z.number(),
  name: z.string(),
  role: z.string(),
  disabled: z.boolean(),
  flags: z.number(),
  actions: z.number(),
  signals: z.object({
    approvalRate: signal({ approvals: z.number(), decisions: z.number(), rate, teamRate: rate, teamDecisions: z.number() }),
    riskyApprovals: signal({
      count: z.number(),
      highRisk: z.number(),
      crossAccount: z.number(),
      riskyDecisions: z.number(),
      rate,
      teamRate: rate,
      teamRiskyDecisions: z.number(),
    }),
    reveals: signal({ count: z.number(), perDay: z.number(), baselineCount: z.number(), baselinePerDay: z.number() }),
    offHours: signal({ count: z.number(), actions: z.number(), usualHours: z.array(z.number()).nullable(), referenceActions: z.number() }),
    fastDecisions: signal({ count: z.number(), timed: z.number(), fastestSeconds: z.number().nullable(), thresholdSeconds: z.number() }),
  }),
});

const Report = z
  .object({
    generatedAt: z.string(),
    days: z.number(),
    windowStart: z.string(),
    referenceStart: z.string(),
    fastSeconds: z.number(),
    thresholds: z.record(z.string(), z.number()),
    team: z.object({ decisions: z.number(), approvals: z.number(), rate }),
    reviewers: z.array(Reviewer),
    events: z.array(
      z.object({ id: z.number(), ts: z.string(), staffId: z.number(), action: z.string(), targetType: z.string().nullable(), targetId: z.string().nullable() }),
    ),
  })
  .openapi('InsiderSignals');

export function insiderRoutes(deps: Deps) {
  const app = createRouter();

  app.openapi(
    staffRoute('insider.read', {
      method: 'get',
      path: '/insider-signals',
      tags: ['review desk'],
      summary:
        'Insider signals per reviewer: approval rate against the team, risky approvals, reveals against their baseline, off-hours actions, fast decisions; each with its evidence',
      description:
        'Built from the audit trail and the cases. Usual hours and the reveal baseline come from the 28 days before the window; hours are UTC. ' +
        'Every figure names the audit events and cases behind it (at most 50 ids each, newest first; `total` counts them all).',
      request: { query: Query },
      responses: { 200: { description: 'The signals', content: { 'application/json': { schema: Report } } }, ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      const { days, fastSeconds } = c.req.valid('query');
      const report: InsiderReport = await loadInsiderSignals(deps, { days: Number(days) as 7 | 30, fastSeconds });
      return c.json(report as z.infer<typeof Report>, 200);
    },
  );

  return app;
}
