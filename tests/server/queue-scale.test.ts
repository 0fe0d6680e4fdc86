import Database from 'better-sqlite3';
import { describe, expect, it, beforeAll } from 'vitest';
import { count, sql } from 'drizzle-orm';
import { cases } from '../../db/schema/index.ts';
import { caseListView, caseOrder, caseWhere, listCases, queueTuning, rememberedPageStats, type CaseSortField } from '../../server/cases/queue.ts';
import type { ListQuery } from '../../server/platform/list-query.ts';
import { generateBigFixtures } from '../../fixtures/big.ts';
import { queueFilters, queueSorts, sortOrders, type FilterContext } from '../bench/queue-filters.ts';
import { testEngine } from './test-database.ts';
import { createTestContext, makeStaff, signedInStaff, type StaffClient, type TestContext } from './helpers.ts';

/**
 * The optimized queue (index merges, anchors for deep pages, counted totals)
 * must answer exactly what the straightforward query answers.
 */
const CASES = 4000;

let ctx: TestContext;
let me: number;
let client: StaffClient;
let fc: FilterContext;

async function naive(q: ListQuery<CaseSortField>) {
  const now = ctx.clock();
  const where = caseWhere(q.filter, now, me);
  const rows = await ctx.deps.db
    .select()
    .from(cases)
    .where(where)
    .orderBy(...caseOrder(q))
    .limit(q.limit)
    .offset(q.offset);
  const total = (await ctx.deps.db.select({ n: count() }).from(cases).where(where).limit(1))[0]!.n;
  return { rows: rows.map((r) => caseListView(r, now)), total };
}

async function compare(q: ListQuery<CaseSortField>, label: string) {
  const expected = await naive(q);
  const got = await listCases(ctx.deps.database, q, ctx.clock(), me);
  expect(got.rows, label).toEqual(expected.rows);
  if (got.totalIsEstimate) {
    if (got.rows.length) expect(got.total!, label).toBeGreaterThanOrEqual(q.offset + got.rows.length);
    else expect(got.total!, label).toBeLessThanOrEqual(q.offset);
    expect(got.total!, label).toBeGreaterThan(expected.total * 0.5);
    expect(got.total!, label).toBeLessThan(expected.total * 1.5 + 10);
  } else expect(got.total, label).toBe(expected.total);
  return { expected, got };
}

const numbers = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, a: Number(r.a), n: Number(r.n) }));
async function countsFromTable() {
  return numbers(
    await ctx.deps.db.rows(
      sql`SELECT status, coalesce(risk_band, '') AS b, coalesce(assignee_id, 0) AS a, methods, count(*) AS n FROM cases GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    ),
  );
}
async function countsFromCounter() {
  return numbers(await ctx.deps.db.rows(sql`SELECT status, risk_band AS b, assignee_id AS a, methods, n FROM case_counts WHERE n > 0 ORDER BY 1, 2, 3, 4`));
}

beforeAll(async () => {
  if (testEngine === 'pg') return;
  ctx = await createTestContext();
  const signedIn = await signedInStaff(ctx, 'agent');
  await makeStaff(ctx, 'agent');
  await makeStaff(ctx, 'supervisor');
  me = signedIn.account.id;
  client = signedIn.client;
  await generateBigFixtures(ctx.deps, { cases: CASES });
  const some = await ctx.deps.db.rows<{ id: number; user_id: number }>(sql`SELECT id, user_id FROM cases WHERE id % 97 = 0 ORDER BY id LIMIT 8`);
  const [busy] = await ctx.deps.db.rows<{ user_id: number }>(sql`SELECT user_id FROM cases GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1`);
  fc = { now: ctx.clock(), userId: busy.user_id, caseId: some[0]!.id, caseIds: some.map((r) => r.id) };
}, 60_000);

// The hand-planned SQLite queue against the plain query (PostgreSQL runs the plain query itself: queue-pg.ts).
describe.skipIf(testEngine === 'pg')('the queue at scale answers what the plain query answers', () => {
  it('generated data: the expected mix, and case_counts equals a GROUP BY', async () => {
    const n = (await ctx.deps.db.select({ n: count() }).from(cases).limit(1))[0]!.n;
    expect(n).toBe(CASES);
    const open = (
      await ctx.deps.db
        .select({ n: count() })
        .from(cases)
        .where(sql`status IN ('submitted','in_review','info_requested','escalated','awaiting_second_approval')`)
        .limit(1)
    )[0]!.n;
    expect(open / CASES).toBeGreaterThan(0.01);
    expect(open / CASES).toBeLessThan(0.04);
    expect(await countsFromCounter()).toEqual(await countsFromTable());
    // A small batch on top goes through the indexes and triggers as they are.
    const before = ctx.deps.database.sqlite!.writer.prepare('SELECT count(*) AS n FROM sqlite_master WHERE tbl_name = ?').get('cases');
    await generateBigFixtures(ctx.deps, { cases: 30, seed: 7 });
    expect(ctx.deps.database.sqlite!.writer.prepare('SELECT count(*) AS n FROM sqlite_master WHERE tbl_name = ?').get('cases')).toEqual(before);
    expect(await countsFromCounter()).toEqual(await countsFromTable());
  });

  it('case_sla_bounds holds how far SLA times lie from creation and submission', async () => {
    const bounds = () => ctx.deps.database.sqlite!.writer.prepare('SELECT * FROM case_sla_bounds').get() as Record<string, number>;
    const actual = () =>
      ctx.deps.database
        .sqlite!.writer.prepare(
          `SELECT min(sla_due_at - created_at) AS cmin, max(sla_due_at - created_at) AS cmax, min(sla_due_at - submitted_at) AS smin, max(sla_due_at - submitted_at) AS smax, max(submitted_at IS NULL) AS unb, max(risk_score IS NULL) AS rm FROM cases WHERE sla_due_at IS NOT NULL`,
        )
        .get() as Record<string, number>;
    let b = bounds();
    let a = actual();
    expect([b.created_min, b.created_max, b.submitted_min, b.submitted_max, b.submitted_unbounded, b.risk_missing]).toEqual([
      a.cmin,
      a.cmax,
      a.smin,
      a.smax,
      a.unb,
      a.rm,
    ]);
    // Widened by writes, never narrowed (so still true after an update moves back).
    const id = fc.caseIds[0]!;
    ctx.deps.database.sqlite!.writer.prepare('UPDATE cases SET sla_due_at = created_at + 40 * 86400000 WHERE id = ?').run(id);
    b = bounds();
    expect(b.created_max).toBeGreaterThanOrEqual(40 * 86_400_000);
    ctx.deps.database.sqlite!.writer.prepare('UPDATE cases SET sla_due_at = submitted_at + 3600000 WHERE id = ?').run(id);
    a = actual();
    expect(bounds().created_max).toBeGreaterThanOrEqual(a.cmax);
    expect(bounds().created_min).toBeLessThanOrEqual(a.cmin);
  });

  it('every filter × sort × direction, first and deep pages, totals', async () => {
    let checked = 0;
    for (const f of queueFilters) {
      const filter = f.filter(fc);
      for (const sortField of queueSorts) {
        for (const sortOrder of sortOrders) {
          const base = { filter, sortField, sortOrder, limit: 25 } as const;
          const { expected } = await compare({ ...base, offset: 0 }, `${f.name} ${sortField} ${sortOrder} @0`);
          const offsets = new Set([25, 64, 65, 200, 1000, Math.max(0, expected.total - 10), expected.total + 5]);
          for (const offset of offsets) await compare({ ...base, offset }, `${f.name} ${sortField} ${sortOrder} @${offset}`);
          checked++;
        }
      }
    }
    expect(checked).toBe(queueFilters.length * 10);
  });

  it('estimated totals and exact pages with a small counting budget and stride', async () => {
    const saved = { ...queueTuning };
    Object.assign(queueTuning, { exactBudget: 20, stride: 4, maxAnchors: 5, estimateTtlMs: 0, countBudget: 300, idFloorScan: 40 });
    try {
      let estimated = 0;
      for (const f of queueFilters) {
        for (const sortField of ['slaDueAt', 'createdAt'] as const) {
          for (const offset of [0, 5, 30, 333]) {
            const { got } = await compare(
              { filter: f.filter(fc), sortField, sortOrder: 'DESC', offset, limit: 25 },
              `${f.name} ${sortField} @${offset} (small budget)`,
            );
            if (got.totalIsEstimate) estimated++;
          }
        }
      }
      expect(estimated).toBeGreaterThan(20);
    } finally {
      Object.assign(queueTuning, saved);
    }
  });

  it('lists that move with the clock (slaBreached): remembered positions shift as cases fall due', async () => {
    const saved = { ...queueTuning };
    Object.assign(queueTuning, { stride: 4, clockReuseMs: 86_400_000 });
    const start = ctx.clock().getTime();
    const open = ['submitted', 'in_review', 'info_requested', 'escalated', 'awaiting_second_approval'];
    const filters = [
      { slaBreached: 'true' },
      { slaBreached: 'false' },
      { status: open, slaBreached: true },
      { status: open, slaBreached: false, riskBand: ['low', 'medium'] },
    ];
    const check = async (when: string) => {
      for (const filter of filters) {
        for (const sortField of queueSorts) {
          for (const sortOrder of sortOrders) {
            for (const offset of [4, 9, 17, 30, 55])
              await compare({ filter, sortField, sortOrder, offset, limit: 10 }, `${JSON.stringify(filter)} ${sortField} ${sortOrder} @${offset} ${when}`);
          }
        }
      }
    };
    try {
      await check('at start');
      for (const step of [60_000, 7 * 60_000, 3 * 3_600_000, 9 * 3_600_000, -3_600_000, 2 * 86_400_000]) {
        ctx.clock.advance(step);
        await check(`after ${step / 60_000} min`);
      }
    } finally {
      ctx.clock.set(new Date(start));
      Object.assign(queueTuning, saved);
    }
  });

  it('the route: Content-Range stays numeric, estimates are flagged, Prefer: count=none skips the total', async () => {
    const get = (filter: object, range = [0, 24], headers: Record<string, string> = {}) =>
      client.request(
        'GET',
        `/admin/api/cases?filter=${encodeURIComponent(JSON.stringify(filter))}&sort=${encodeURIComponent('["createdAt","DESC"]')}&range=${encodeURIComponent(JSON.stringify(range))}`,
        undefined,
        headers,
      );
    const exact = await get({ status: 'rejected' });
    expect(exact.status).toBe(200);
    expect(exact.headers.get('content-range')).toMatch(/^cases 0-24\/\d+$/);
    expect(exact.headers.get('x-total-is-estimate')).toBeNull();
    const saved = { ...queueTuning };
    Object.assign(queueTuning, { exactBudget: 20 });
    try {
      const estimated = await get({ slaDueAt_lte: fc.now.toISOString() });
      expect(estimated.headers.get('content-range')).toMatch(/^cases 0-24\/\d+$/);
      expect(estimated.headers.get('x-total-is-estimate')).toBe('true');
    } finally {
      Object.assign(queueTuning, saved);
    }
    const none = await get({ status: 'rejected' }, [25, 49], { prefer: 'count=none' });
    expect(none.headers.get('content-range')).toBe('cases 25-49/*');
    expect(((await none.json()) as unknown[]).length).toBe(25);
  });

  it('pages of 100 and 1, and the end of the list', async () => {
    for (const f of queueFilters.slice(0, 12)) {
      for (const [offset, limit] of [
        [0, 100],
        [130, 100],
        [3999, 1],
        [640, 1],
      ] as const) {
        await compare({ filter: f.filter(fc), sortField: 'createdAt', sortOrder: 'DESC', offset, limit }, `${f.name} @${offset}+${limit}`);
      }
    }
  });

  it('changes after anchors were remembered: triggers keep counts and invalidate positions', async () => {
    const views = [queueFilters[0]!, queueFilters[1]!, queueFilters[11]!, queueFilters[13]!];
    const pages = async () => {
      for (const f of views)
        for (const sortField of queueSorts)
          await compare({ filter: f.filter(fc), sortField, sortOrder: 'ASC', offset: 300, limit: 25 }, `${f.name} ${sortField} after change`);
      for (const sortField of queueSorts)
        await compare({ filter: queueFilters[1]!.filter(fc), sortField, sortOrder: 'DESC', offset: 70, limit: 25 }, `open ${sortField} after change`);
    };
    await pages();
    const db = ctx.deps.database.sqlite!.writer;
    // Moves between cells, a new case, a deleted one, a key that moves.
    db.prepare(
      `UPDATE cases SET status = 'rejected', assignee_id = NULL WHERE id IN (SELECT id FROM cases WHERE status = 'submitted' ORDER BY id LIMIT 5)`,
    ).run();
    db.prepare(
      `UPDATE cases SET risk_band = 'high', risk_score = 90 WHERE id IN (SELECT id FROM cases WHERE risk_band = 'low' ORDER BY id DESC LIMIT 7)`,
    ).run();
    db.prepare(
      `UPDATE cases SET assignee_id = ?, status = 'in_review' WHERE id IN (SELECT id FROM cases WHERE status = 'submitted' ORDER BY id DESC LIMIT 3)`,
    ).run(me);
    db.prepare(
      `UPDATE cases SET created_at = created_at - 86400000 * 400, methods = 'biometric' WHERE id IN (SELECT id FROM cases ORDER BY id DESC LIMIT 4)`,
    ).run();
    db.prepare(`INSERT INTO cases (user_id, status, methods, masked_email, risk_score, risk_band, sla_due_at, case_token_hash, submitted_at, created_at, updated_at)
      SELECT user_id, 'submitted', 'transfer_record', masked_email, 50, 'medium', ?, 'x', ?, ?, ? FROM cases WHERE id = ?`).run(
      fc.now.getTime() + 3_600_000,
      fc.now.getTime() - 60_000,
      fc.now.getTime() - 120_000,
      fc.now.getTime(),
      fc.caseId,
    );
    db.prepare(`DELETE FROM cases WHERE id = (SELECT id FROM cases WHERE status = 'completed' ORDER BY id LIMIT 1 OFFSET 100)`).run();
    expect(await countsFromCounter()).toEqual(await countsFromTable());
    await pages();
    // A case with an SLA but no risk score: SLA filters sorted by risk stop skipping unscored cases.
    const slaFilters = [queueFilters.find((f) => f.name === 'sla due last 7d')!, queueFilters.find((f) => f.name === 'breached')!];
    const byRisk = async () => {
      for (const f of slaFilters)
        for (const sortOrder of sortOrders)
          for (const offset of [0, 40])
            await compare({ filter: f.filter(fc), sortField: 'riskScore', sortOrder, offset, limit: 25 }, `${f.name} risk ${sortOrder} @${offset}`);
    };
    await byRisk();
    db.prepare(
      `UPDATE cases SET risk_score = NULL WHERE id = (SELECT id FROM cases WHERE status = 'submitted' AND sla_due_at < ? ORDER BY id DESC LIMIT 1)`,
    ).run(fc.now.getTime());
    expect((db.prepare('SELECT risk_missing FROM case_sla_bounds').get() as { risk_missing: number }).risk_missing).toBe(1);
    await byRisk();
  });

  it('a deep page down the SLA leaves out open cases without one when the filter bounds the SLA', async () => {
    // Rows with no SLA come last going down; past an anchor, only the ranges of set SLAs are bounded by it.
    const db = ctx.deps.database.sqlite!.writer;
    db.prepare(`UPDATE cases SET sla_due_at = NULL WHERE id IN (SELECT id FROM cases WHERE status = 'in_review' ORDER BY id LIMIT 40)`).run();
    for (const name of ['breached', 'open + breached', 'view sla at risk', 'sla due last 7d'])
      for (const offset of [0, 40, 300, 1000]) {
        const f = queueFilters.find((x) => x.name === name)!;
        await compare({ filter: f.filter(fc), sortField: 'slaDueAt', sortOrder: 'DESC', offset, limit: 25 }, `${name} sla DESC @${offset}`);
      }
  });

  it('a page asked again comes from memory until a change a list shows; SLA breaches are worked out at each asking', async () => {
    const path = `/admin/api/cases?filter=${encodeURIComponent(JSON.stringify({ status: 'submitted' }))}&sort=${encodeURIComponent('["slaDueAt","DESC"]')}&range=${encodeURIComponent('[0,9]')}`;
    type Row = { id: number; version: number; firstApproverId: number | null; slaBreached: boolean; slaDueAt: string | null };
    const page = async () => {
      const res = await client.request('GET', path);
      expect(res.status).toBe(200);
      return { rows: (await res.json()) as Row[], range: res.headers.get('content-range') };
    };
    const first = await page();
    const hits = rememberedPageStats.hits;
    expect(await page()).toEqual(first);
    expect(rememberedPageStats.hits).toBe(hits + 1);
    // A commit from another connection (as the CLI's) that no list shows: the data version moves, the list's does not.
    const db = ctx.deps.database.sqlite!.writer;
    const other = new Database(db.name);
    other.prepare('UPDATE staff SET name = name WHERE id = ?').run(me);
    expect(await page()).toEqual(first);
    expect(rememberedPageStats.hits).toBe(hits + 2);
    // A case changed from that connection, in columns the rows show but no filter or sort uses: the page is read again.
    const target = first.rows[3]!;
    other.prepare('UPDATE cases SET version = version + 1, first_approver_id = ? WHERE id = ?').run(me, target.id);
    other.close();
    let changed = await page();
    expect(rememberedPageStats.hits).toBe(hits + 2);
    expect(changed.rows[3]).toMatchObject({ id: target.id, version: target.version + 1, firstApproverId: me });
    // Its SLA moved an hour ahead: first of the list, in time.
    const due = ctx.clock().getTime() + 3_600_000 + 433_123; // later than any other submitted case
    db.prepare('UPDATE cases SET sla_due_at = ? WHERE id = ?').run(due, target.id);
    changed = await page();
    expect(changed.rows[0]).toMatchObject({ id: target.id, slaBreached: false, slaDueAt: new Date(due).toISOString() });
    // The clock passes the SLA of the first case still in time: no change to any case, yet the row says breached.
    const q = { filter: { status: 'submitted' }, sortField: 'slaDueAt' as const, sortOrder: 'DESC' as const, offset: 0, limit: 10 };
    expect((await listCases(ctx.deps.database, q, ctx.clock(), me)).rows).toEqual(changed.rows);
    expect(rememberedPageStats.hits).toBe(hits + 3);
    const later = await listCases(ctx.deps.database, q, new Date(due + 1), me);
    expect(rememberedPageStats.hits).toBe(hits + 4);
    expect(later.rows[0]).toMatchObject({ id: target.id, slaBreached: true });
    expect(later.rows).toEqual(changed.rows.map((r) => ({ ...r, slaBreached: r.slaDueAt !== null && Date.parse(r.slaDueAt) <= due })));
  });

  it('answers without a total when asked, and validates like before', async () => {
    const got = await listCases(
      ctx.deps.database,
      { filter: { status: 'submitted' }, sortField: 'id', sortOrder: 'ASC', offset: 0, limit: 5 },
      ctx.clock(),
      me,
      { total: false },
    );
    expect(got.total).toBeNull();
    expect(got.rows).toHaveLength(5);
    await expect(
      listCases(ctx.deps.database, { filter: { status: 'nope' }, sortField: 'id', sortOrder: 'ASC', offset: 0, limit: 5 }, ctx.clock(), me),
    ).rejects.toThrow(/unknown value nope/);
    await expect(
      listCases(ctx.deps.database, { filter: { assigneeId: 'x1' }, sortField: 'id', sortOrder: 'ASC', offset: 0, limit: 5 }, ctx.clock(), me),
    ).rejects.toThrow(/assigneeId/);
    // An empty list matches nothing (the plain query's `IN ()` is not even valid SQL).
    for (const filter of [{ status: [] }, { method: [] }, { id: [] }, { riskBand: [] }]) {
      expect(await listCases(ctx.deps.database, { filter, sortField: 'id', sortOrder: 'ASC', offset: 0, limit: 25 }, ctx.clock(), me)).toEqual({
        rows: [],
        total: 0,
        totalIsEstimate: false,
      });
    }
    for (const filter of [{ userId: 'abc' }, { q: '%' }, { q: '_***' }, { q: '#0' }, { q: 'J***@' }, { status: ['rejected', 'rejected'] }]) {
      await compare({ filter, sortField: 'id', sortOrder: 'ASC', offset: 0, limit: 25 }, JSON.stringify(filter));
    }
  });
});
