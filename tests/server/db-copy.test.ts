import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../db/client.ts';
import { seedDemo } from '../../fixtures/seed.ts';
import { copyDatabase } from '../../server/cli/db-copy.ts';
import { createTestContext, signedInStaff } from './helpers.ts';
import { openTestDatabase, testEngine } from './test-database.ts';

const counts = async (db: import('../../db/client.ts').Db, table: string) =>
  Number((await db.rows<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql.identifier(table)}`))[0]!.n);

describe.skipIf(testEngine !== 'pg')('moving a SQLite deployment to PostgreSQL (db copy)', () => {
  it('copies every row into an empty database, keeps ids, rebuilds the queue counters, and the audit chain verifies there', async () => {
    const source = await openDatabase({ path: ':memory:' });
    try {
      const lite = await createTestContext({}, source);
      await seedDemo(lite.deps);
      const target = await openTestDatabase();
      const indexes = sql`SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1`;
      const migratedIndexes = await target.db.rows(indexes);
      const report = await copyDatabase(source, target);
      // The copy drops secondary indexes while it loads and builds them again: the same set as migrated.
      expect(await target.db.rows(indexes)).toEqual(migratedIndexes);
      expect(report.audit).toMatchObject({ ok: true });
      for (const table of ['users', 'cases', 'audit_events', 'outbox', 'staff', 'user_factors', 'case_evidence', 'reason_codes']) {
        expect(await counts(target.db, table), table).toBe(await counts(source.db, table));
        expect(report.tables[table], table).toBe(await counts(source.db, table));
      }
      const order = sql`SELECT status, coalesce(risk_band, '') AS b, coalesce(assignee_id, 0) AS a, methods, n FROM case_counts WHERE n > 0 ORDER BY 1, 2, 3, 4`;
      const norm = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, a: Number(r.a), n: Number(r.n) }));
      expect(norm(await target.db.rows(order))).toEqual(norm(await source.db.rows(order)));

      // The copy is a working deployment: staff sign in, new rows get fresh ids, and the chain goes on.
      const ctx = await createTestContext({}, target);
      const { client } = await signedInStaff(ctx, 'admin');
      expect((await client.get('/admin/api/audit-events/verify')).status).toBe(200);
      expect(((await (await client.get('/admin/api/audit-events/verify')).json()) as { ok: boolean }).ok).toBe(true);

      // And it refuses to copy into a database that has data.
      await expect(copyDatabase(source, target)).rejects.toThrow(/not empty/);
    } finally {
      await source.close();
    }
  }, 120_000);
});
