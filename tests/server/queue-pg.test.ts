import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { sql } from 'drizzle-orm';
import { generateBigFixtures } from '../../fixtures/big.ts';
import { copyDatabase } from '../../server/cli/db-copy.ts';
import { pgQueueTuning } from '../../server/cases/queue-pg.ts';
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
});
