import { z } from '@hono/zod-openapi';
import { sql, type SQL } from 'drizzle-orm';
import { dialectSql } from '../../db/dialect-sql.ts';
import type { Deps } from '../deps.ts';
import { createRouter, errorResponses } from '../http.ts';
import { staffRoute } from '../staff-auth/middleware.ts';
import { queueStatuses } from './case-rules.ts';

const DAY = 86_400_000;
const AT_RISK_MS = 2 * 3_600_000;

/** Queue metrics for the dashboard, computed with grouped SQL over indexed columns. */
export async function caseStats(deps: Deps, staffId: number) {
  const db = deps.db;
  const now = deps.clock().getTime();
  const since = now - 30 * DAY;
  const open = sql.raw(queueStatuses.map((s) => `'${s}'`).join(','));
  const one = async <T>(query: SQL) => (await db.rows<T>(query))[0]!;
  const decidedStatuses = sql.raw(`'approved','completed','expired','rejected'`);
  const approvedSum = sql.raw(`sum(CASE WHEN c.status <> 'rejected' THEN 1 ELSE 0 END)`);
  const methodOf = dialectSql.splitList(db.engine, sql.raw('c.methods'), 'm');

  const depth = await db.rows<{ status: string; band: string | null; n: number }>(
    sql`SELECT status, risk_band AS band, count(*) AS n FROM cases WHERE status IN (${open}) GROUP BY status, risk_band`,
  );
  const breached = Number((await one<{ n: number }>(sql`SELECT count(*) AS n FROM cases WHERE status IN (${open}) AND sla_due_at < ${now}`)).n);
  const atRisk = Number(
    (await one<{ n: number }>(sql`SELECT count(*) AS n FROM cases WHERE status IN (${open}) AND sla_due_at >= ${now} AND sla_due_at < ${now + AT_RISK_MS}`)).n,
  );
  const mine = Number((await one<{ n: number }>(sql`SELECT count(*) AS n FROM cases WHERE assignee_id = ${staffId} AND status = 'in_review'`)).n);
  const awaitingSecond = Number((await one<{ n: number }>(sql`SELECT count(*) AS n FROM cases WHERE status = 'awaiting_second_approval'`)).n);

  // Decisions of the last 30 days: approved (whatever happened after) or rejected.
  const durations = (
    await db.rows<{ ms: number }>(
      sql`SELECT decided_at - submitted_at AS ms FROM cases WHERE decided_at >= ${since} AND status IN (${decidedStatuses}) AND submitted_at IS NOT NULL ORDER BY ms`,
    )
  ).map((r) => Number(r.ms));
  const median = durations.length
    ? durations.length % 2
      ? durations[(durations.length - 1) / 2]!
      : (durations[durations.length / 2 - 1]! + durations[durations.length / 2]!) / 2
    : null;
  const byMethod = await db.rows<{ method: string; approved: number; total: number }>(
    sql`SELECT m.value AS method, ${approvedSum} AS approved, count(*) AS total
     FROM cases c, ${methodOf}
     WHERE c.decided_at >= ${since} AND c.status IN (${decidedStatuses}) AND c.methods <> ''
     GROUP BY m.value ORDER BY m.value`,
  );
  const byAgent = await db.rows<{ staffId: number; name: string; approved: number; total: number }>(
    sql`SELECT s.id AS "staffId", s.name AS name, ${approvedSum} AS approved, count(*) AS total
     FROM cases c JOIN staff s ON s.id = c.decided_by_id
     WHERE c.decided_at >= ${since} AND c.status IN (${decidedStatuses})
     GROUP BY s.id, s.name ORDER BY total DESC, s.id`,
  );
  const day = dialectSql.utcDay(db.engine, sql.raw('c.decided_at'));
  const trend = (
    await db.rows<{ day: string; method: string; approved: number; rejected: number }>(
      sql`SELECT ${day} AS day, m.value AS method, ${approvedSum} AS approved, sum(CASE WHEN c.status = 'rejected' THEN 1 ELSE 0 END) AS rejected
     FROM cases c, ${methodOf}
     WHERE c.decided_at >= ${since} AND c.status IN (${decidedStatuses}) AND c.methods <> ''
     GROUP BY 1, 2 ORDER BY 1, 2`,
    )
  ).map((r) => ({ day: r.day, method: r.method, approved: Number(r.approved), rejected: Number(r.rejected) }));
  return {
    generatedAt: new Date(now).toISOString(),
    queueDepth: depth.map((d) => ({ status: d.status, riskBand: d.band, count: Number(d.n) })),
    openTotal: depth.reduce((s, d) => s + Number(d.n), 0),
    slaBreached: breached,
    slaAtRisk: atRisk,
    myOpenCases: mine,
    awaitingSecondApproval: awaitingSecond,
    decisionsLast30Days: durations.length,
    medianTimeToDecisionHours: median === null ? null : Math.round((median / 3_600_000) * 10) / 10,
    approvalRateByMethod: byMethod.map((r) => ({
      method: r.method,
      approved: Number(r.approved),
      total: Number(r.total),
      rate: Number(r.total) ? Number(r.approved) / Number(r.total) : null,
    })),
    approvalRateByAgent: byAgent.map((r) => ({
      staffId: Number(r.staffId),
      name: r.name,
      approved: Number(r.approved),
      total: Number(r.total),
      rate: Number(r.total) ? Number(r.approved) / Number(r.total) : null,
    })),
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
      summary:
        'Queue depth per status and band, SLA breaches, my open cases, median time to decision, approval rates per method and per agent, decisions per day (30 days)',
      responses: { 200: { description: 'Metrics', content: { 'application/json': { schema: z.record(z.string(), z.any()) } } }, ...errorResponses(401, 403) },
    }),
    async (c) => c.json(await caseStats(deps, c.get('staff')!.staffId), 200),
  );
  return app;
}
