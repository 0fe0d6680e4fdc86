import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { sql } from 'drizzle-orm';
import { generateBigFixtures } from '../../fixtures/big.ts';
import { copyDatabase } from '../../server/cli/db-copy.ts';
import { pgAnchorStats, pgQueueTuning } from '../../server/cases/queue-pg.ts';
import { listCases } from '../../server/cases/queue.ts';
import { queueFilters, queueSorts, sortOrders } from '../bench/queue-filters.ts';
import { createTestContext, makeStaff } from './helpers.ts';
import { openTestDatabase, testEngine } from './test-database.ts';

/**
 * The same cases on both engines answer every queue filter × sort the same:
 * PostgreSQL's plain query (queue-pg.ts) against SQLite's hand-planned one.
 */
describe.skipIf(testEngine !== 'pg')('the queue on PostgreSQL answers what it answers on SQLite', () => {
  it('every filter × sort × direction, first and later pages, totals', async () => {
    const source = await openDatabase({ path: ':memory:' });
    try {
      const lite = await createTestContext({}, source);
      const me = (await makeStaff(lite, 'agent')).id;
      await makeStaff(lite, 'supervisor');
      await generateBigFixtures(lite.deps, { cases: 1500 });
      const target = await openTestDatabase();
      await copyDatabase(source, target);
      const some = await source.db.rows<{ id: number; user_id: number }>(sql`SELECT id, user_id FROM cases WHERE id % 97 = 0 ORDER BY id LIMIT 8`);
      const fc = { now: lite.clock(), userId: some[2]!.user_id, caseId: some[0]!.id, caseIds: some.map((r) => r.id) };
      let checked = 0;
      for (const f of queueFilters) {
        for (const sortField of queueSorts) {
          for (const sortOrder of sortOrders) {
            for (const offset of [0, 40, 1010]) {
              // 1010: past DEFERRED_JOIN_FROM, the keys-first deep page
              const q = { filter: f.filter(fc), sortField, sortOrder, offset, limit: 25 };
              const onSqlite = await listCases(source, q, fc.now, me);
              const onPostgres = await listCases(target, q, fc.now, me);
              const label = `${f.name} ${sortField} ${sortOrder} @${offset}`;
              expect(onPostgres.rows, label).toEqual(onSqlite.rows);
              if (!onSqlite.totalIsEstimate) expect(onPostgres.total, label).toBe(onSqlite.total);
              checked++;
            }
          }
        }
      }
      expect(checked).toBe(queueFilters.length * queueSorts.length * 6);

      // Past the exact budget, a total case_counts cannot give is the planner's estimate, flagged.
      const budget = pgQueueTuning.exactBudget;
      pgQueueTuning.exactBudget = 100;
      try {
        const filter = { slaDueAt_lte: new Date(fc.now.getTime() + 30 * 86_400_000).toISOString() };
        const q = { filter, sortField: 'slaDueAt' as const, sortOrder: 'ASC' as const, offset: 0, limit: 25 };
        const exact = (await listCases(source, { ...q, offset: 0 }, fc.now, me)).total!;
        expect(exact).toBeGreaterThan(200);
        const estimated = await listCases(target, q, fc.now, me);
        expect(estimated.totalIsEstimate).toBe(true);
        expect(estimated.rows).toEqual((await listCases(source, q, fc.now, me)).rows);
        expect(estimated.total!).toBeGreaterThan(exact / 3);
        expect(estimated.total!).toBeLessThan(exact * 3);
        // A small list stays exact.
        const one = await listCases(target, { ...q, filter: { userId: String(fc.userId) } }, fc.now, me);
        expect(one.totalIsEstimate).toBe(false);
      } finally {
        pgQueueTuning.exactBudget = budget;
      }
    } finally {
      await source.close();
    }
  }, 180_000);
  it('deep pages seek from remembered anchors, and forget them when a change commits (on any connection)', async () => {
    const source = await openDatabase({ path: ':memory:' });
    const saved = { ...pgQueueTuning };
    Object.assign(pgQueueTuning, { deferredJoinFrom: 10, stride: 7, maxAnchors: 30, anchorLists: 1000 });
    try {
      const lite = await createTestContext({}, source);
      const me = (await makeStaff(lite, 'agent')).id;
      await generateBigFixtures(lite.deps, { cases: 600 });
      const target = await openTestDatabase();
      await copyDatabase(source, target);
      const fc = { now: lite.clock(), userId: 0, caseId: 0, caseIds: [] };
      const stable = queueFilters.filter((f) => !/breached|userId|id list|#id/.test(f.name));
      const compare = async (round: string) => {
        for (const f of stable) {
          for (const sortField of queueSorts) {
            for (const sortOrder of sortOrders) {
              // 10, 24: the first anchors; 215: past maxAnchors × stride (skips from the last); 5000: past the end
              for (const offset of [10, 24, 100, 215, 5000]) {
                const q = { filter: f.filter(fc), sortField, sortOrder, offset, limit: 9 };
                const label = `${round}: ${f.name} ${sortField} ${sortOrder} @${offset}`;
                expect((await listCases(target, q, fc.now, me, { total: false })).rows, label).toEqual(
                  (await listCases(source, q, fc.now, me, { total: false })).rows,
                );
              }
            }
          }
        }
      };
      const stats = () => ({ ...pgAnchorStats });
      const first = stats();
      await compare('first read');
      const afterFirst = stats();
      expect(afterFirst.seeks - first.seeks).toBeGreaterThan(stable.length * queueSorts.length * sortOrders.length * 2); // lists shorter than a stride need none
      expect(afterFirst.reads).toBeGreaterThan(first.reads);
      // From the anchors now remembered: every deep page is one seek, no list is read up to its offset again.
      await compare('remembered');
      expect(stats().reads).toBe(afterFirst.reads);
      expect(stats().seeks - afterFirst.seeks).toBe(afterFirst.seeks - first.seeks);
      const version = async () => Number((await target.db.rows<{ v: number }>(sql`SELECT v FROM case_list_version`))[0]!.v);
      const before = await version();
      // A change that moves cases in every list, made on both engines; on PostgreSQL in a transaction of
      // its own connection (as another instance would), invisible until it commits.
      const change =
        "UPDATE cases SET status = CASE WHEN status = 'submitted' THEN 'in_review' ELSE 'submitted' END, risk_score = NULL, submitted_at = CASE WHEN id % 3 = 0 THEN NULL ELSE submitted_at END WHERE id % 5 = 0";
      source.sqlite!.writer.exec(change);
      const other = await target.pool!.connect();
      try {
        await other.query('BEGIN');
        await other.query(change);
        expect(await version()).toBe(before); // not committed: the old lists stand
        await other.query('COMMIT');
      } finally {
        other.release();
      }
      expect(await version()).toBe(before + 1); // one bump for the whole transaction
      const beforeChange = stats();
      await compare('after a change');
      // Every list's anchors were found stale by its first page's own version and read again.
      expect(stats().stale - beforeChange.stale).toBeGreaterThan(0);
      expect(stats().reads - beforeChange.reads).toBeGreaterThan(0);
      // Lists on the clock: cases fall due as time passes; anchors read a moment ago are shifted by them.
      const soon = "UPDATE cases SET sla_due_at = ? + (id % 90) * 1000 WHERE id % 4 = 0 AND status IN ('submitted', 'in_review', 'escalated')";
      const t0 = fc.now.getTime();
      source.sqlite!.writer.prepare(soon).run(t0);
      await target.db.rows(sql`UPDATE cases SET sla_due_at = ${t0} + (id % 90) * 1000 WHERE id % 4 = 0 AND status IN ('submitted', 'in_review', 'escalated')`);
      const onClock = queueFilters.filter((f) => /breached/.test(f.name));
      const at = async (ms: number) => {
        const when = new Date(t0 + ms);
        for (const f of onClock)
          for (const sortField of queueSorts)
            for (const sortOrder of sortOrders)
              for (const offset of [10, 24, 100]) {
                const q = { filter: f.filter(fc), sortField, sortOrder, offset, limit: 9 };
                const label = `+${ms / 1000} s: ${f.name} ${sortField} ${sortOrder} @${offset}`;
                expect((await listCases(target, q, when, me, { total: false })).rows, label).toEqual(
                  (await listCases(source, q, when, me, { total: false })).rows,
                );
              }
      };
      await at(0);
      const shifted = stats();
      await at(40_000); // about 40 cases fell due: the same anchors, shifted
      expect(stats().reads).toBe(shifted.reads);
      await at(100_000);
      expect(stats().reads).toBe(shifted.reads);
      await at(400_000); // past clockReuseMs: read again
      expect(stats().reads).toBeGreaterThan(shifted.reads);

      // A change to a column no list uses leaves the anchors standing.
      const standing = await version();
      await target.db.rows(sql`UPDATE cases SET last_activity_at = updated_at WHERE id % 7 = 0`);
      expect(await version()).toBe(standing);
    } finally {
      Object.assign(pgQueueTuning, saved);
      await source.close();
    }
  }, 300_000);
});
