import { describe, expect, it } from 'vitest';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { getTableConfig as getPgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import * as sqliteSchema from '../../db/schema/index.ts';
import * as pgSchema from '../../db/schema-pg.ts';
import { openDatabase } from '../../db/client.ts';
import { openTestDatabase, testEngine } from './test-database.ts';

/** Type families that mean the same on both engines. */
const family = (type: string): string => {
  const t = type.toLowerCase();
  if (t === 'integer' || t === 'bigint') return 'integer';
  if (t === 'text') return 'text';
  if (t === 'real' || t === 'double precision') return 'real';
  if (t === 'blob' || t === 'bytea') return 'blob';
  if (t === 'boolean') return 'integer'; // SQLite stores booleans as integers
  return t;
};

describe('one schema for both engines', () => {
  it('derives a PostgreSQL twin for every SQLite table, with the same columns, indexes and foreign keys', () => {
    const sqliteTables = (Object.values(sqliteSchema) as unknown[]).filter((t): t is SQLiteTable => t instanceof SQLiteTable);
    const pgTables = (Object.values(pgSchema) as unknown[]).filter((t): t is PgTable => t instanceof PgTable);
    expect(pgTables.map((t) => getPgTableConfig(t).name).sort()).toEqual(sqliteTables.map((t) => getTableConfig(t).name).sort());
    for (const table of sqliteTables) {
      const s = getTableConfig(table);
      const p = getPgTableConfig(pgTables.find((t) => getPgTableConfig(t).name === s.name)!);
      expect(
        p.columns.map((c) => [c.name, c.notNull, c.primary]),
        s.name,
      ).toEqual(s.columns.map((c) => [c.name, c.notNull, c.primary]));
      expect(p.indexes.map((i) => i.config.name).sort(), s.name).toEqual(s.indexes.map((i) => i.config.name).sort());
      expect(p.foreignKeys.length, s.name).toBe(s.foreignKeys.length);
    }
  });

  // The migrated databases themselves: both migration sets (drizzle-kit's and the hand-written trigger ones) end in the same tables and columns.
  it.skipIf(testEngine !== 'pg')('migrates SQLite and PostgreSQL to the same tables and columns', async () => {
    const lite = await openDatabase({ path: ':memory:' });
    const pg = await openTestDatabase();
    try {
      const liteTables = (
        await lite.db.rows<{ name: string }>(
          sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' ORDER BY name`,
        )
      ).map((r) => r.name);
      const pgTables = (
        await pg.db.rows<{ name: string }>(sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)
      ).map((r) => r.name);
      expect(pgTables).toEqual(liteTables);
      for (const table of liteTables) {
        const liteColumns = (
          await lite.db.rows<{ name: string; type: string; notnull: number; pk: number }>(
            sql.raw(`SELECT name, type, "notnull", pk FROM pragma_table_info('${table}') ORDER BY cid`),
          )
        ).map((c) => ({ name: c.name, type: family(c.type), notNull: Boolean(c.notnull) || c.pk > 0 }));
        const pgColumns = (
          await pg.db.rows<{ name: string; type: string; nullable: string }>(
            sql`SELECT column_name AS name, data_type AS type, is_nullable AS nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ${table} ORDER BY ordinal_position`,
          )
        ).map((c) => ({ name: c.name, type: family(c.type), notNull: c.nullable === 'NO' }));
        // Order aside: SQLite appends a column added later (ALTER TABLE) where PostgreSQL's fresh CREATE lists it in place.
        const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
        expect(pgColumns.sort(byName), table).toEqual(liteColumns.sort(byName));
      }
      const triggers = (await pg.db.rows<{ name: string }>(sql`SELECT tgname AS name FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1`)).map((r) => r.name);
      const liteTriggers = (await lite.db.rows<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name`)).map((r) => r.name);
      // Same triggers, except that PostgreSQL refuses TRUNCATE too.
      expect(triggers).toEqual([...liteTriggers, 'audit_events_no_truncate'].sort());
    } finally {
      await lite.close();
    }
  });
});
