import { z } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import { createRouter, errorResponses } from '../http.ts';
import { staffRoute } from '../staff-auth/middleware.ts';
import { queueStatuses } from './case-rules.ts';

const DAY = 86_400_000;
const AT_RISK_MS = 2 * 3_600_000;

/** Queue metrics for the dashboard, computed with grouped SQL over indexed columns. */
export function caseStats(deps: Deps, staffId: number) {
  const now = deps.clock().getTime();
  const since = now - 30 * DAY;
  const open = queueStatuses.map((s) => `'${s}'`).join(',');
  const all = <T>(sql: string, ...params: unknown[]) => deps.sqlite.prepare(sql).all(...params) as T[];
  const one = <T>(sql: string, ...params: unknown[]) => deps.sqlite.prepare(sql).get(...params) as T;

  const depth = all<{ status: string; band: string | null; n: number }>(`SELECT status, risk_band AS band, count(*) AS n FROM cases WHERE status IN (${open}) GROUP BY status, risk_band`);
  const breached = one<{ n: number }>(`SELECT count(*) AS n FROM cases WHERE status IN (${open}) AND sla_due_at < ?`, now).n;
  const atRisk = one<{ n: number }>(`SELECT count(*) AS n FROM cases WHERE status IN (${open}) AND sla_due_at >= ? AND sla_due_at < ?`, now, now + AT_RISK_MS).n;
  const mine = one<{ n: number }>(`SELECT count(*) AS n FROM cases WHERE assignee_id = ? AND status = 'in_review'`, staffId).n;
  const awaitingSecond = one<{ n: number }>(`SELECT count(*) AS n FROM cases WHERE status = 'awaiting_second_approval'`).n;

  // Decisions of the last 30 days: approved (whatever happened after) or rejected.
  const decided = `FROM cases WHERE decided_at >= ? AND status IN ('approved','completed','expired','rejected') AND submitted_at IS NOT NULL`;
  const durations = all<{ ms: number }>(`SELECT decided_at - submitted_at AS ms ${decided} ORDER BY ms`, since).map((r) => r.ms);
  const median = durations.length ? (durations.length % 2 ? durations[(durations.length - 1) / 2]! : (durations[durations.length / 2 - 1]! + durations[durations.length / 2]!) / 2) : null;
  const byMethod = all<{ method: string; approved: number; total: number }>(
    `SELECT m.value AS method, sum(c.status != 'rejected') AS approved, count(*) AS total
     FROM cases c, json_each('["' || replace(c.methods, ',', '","') || '"]') m
     WHERE c.decided_at >= ? AND c.status IN ('approved','completed','expired','rejected') AND c.methods != ''
     GROUP BY m.value ORDER BY m.value`,
    since,
  );
  const byAgent = all<{ staffId: number; name: string; approved: number; total: number }>(
    `SELECT s.id AS staffId, s.name AS name, sum(c.status != 'rejected') AS approved, count(*) AS total
     FROM cases c JOIN staff s ON s.id = c.decided_by_id
     WHERE c.decided_at >= ? AND c.status IN ('approved','completed','expired','rejected')
     GROUP BY s.id ORDER BY total DESC`,
    since,
  );
  const trend = all<{ day: string; method: string; approved: number; rejected: number }>(
    `SELECT date(c.decided_at / 1000, 'unixepoch') AS day, m.value AS method, sum(c.status != 'rejected') AS approved, sum(c.status = 'rejected') AS rejected
     FROM cases c, json_each('["' || replace(c.methods, ',', '","') || '"]') m
     WHERE c.decided_at >= ? AND c.status IN ('approved','completed','expired','rejected') AND c.methods != ''
     GROUP BY day, m.value ORDER BY day, m.value`,
    since,
  );
  return {
    generatedAt: new Date(now).toISOString(),
    queueDepth: depth.map((d) => ({ status: d.status, riskBand: d.band, count: d.n })),
    openTotal: depth.reduce((s, d) => s + d.n, 0),
    slaBreached: breached,
    slaAtRisk: atRisk,
    myOpenCases: mine,
    awaitingSecondApproval: awaitingSecond,
    decisionsLast30Days: durations.length,
    medianTimeToDecisionHours: median === null ? null : Math.round((median / 3_600_000) * 10) / 10,
    approvalRateByMethod: byMethod.map((r) => ({ method: r.method, approved: r.approved, total: r.total, rate: r.total ? r.approved / r.total : null })),
    approvalRateByAgent: byAgent.map((r) => ({ staffId: r.staffId, name: r.name, approved: r.approved, total: r.total, rate: r.total ? r.approved / r.total : null })),
    decisionsByDay: trend,
  };
}

export function statsRoutes(deps: Deps) {
  const app = createRouter();
  app.openapi(
    staffRoute('stats.read', {
      method: 'get',
      path: '/stats',
      tags: ['review desk'],
      summary: 'Queue depth per status and band, SLA breaches, my open cases, median time to decision, approval rates per method and per agent, decisions per day (30 days)',
      responses: { 200: { description: 'Metrics', content: { 'application/json': { schema: z.record(z.string(), z.any()) } } }, ...errorResponses(401, 403) },
    }),
    (c) => c.json(caseStats(deps, c.get('staff')!.staffId), 200),
  );
  return app;
}
