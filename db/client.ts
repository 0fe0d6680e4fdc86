/**
 * The data layer: one asynchronous service code path for SQLite and PostgreSQL.
 *
 * How one code path serves both engines:
 *   - db/schema/*.ts (sqlite-core tables) is the one source of truth for table
 *     and column names. Services import those tables and are typed by them.
 *   - Services see a `Db` / `Tx` (db/types.ts): drizzle's query builders,
 *     always awaited (never the SQLite-only .get()/.all()/.run()), raw SQL
 *     through `rows(sql\`…\`)`, and `transaction(async (tx) => …)`.
 *   - SQLite (db/sqlite-engine.ts): drizzle's async sqlite-proxy driver over
 *     better-sqlite3, one writer connection behind an async mutex and one
 *     reader connection (see there).
 *   - PostgreSQL (db/pg-engine.ts): drizzle's node-postgres driver; the tables
 *     a query starts from are swapped for their pg-core twins, which
 *     db/schema-pg.ts derives from the same sqlite-core definitions (so the
 *     two schemas cannot drift; tests/server/schema-parity.test.ts compares
 *     the migrated databases too).
 *   - Instants are epoch milliseconds on both engines (bigint on PostgreSQL),
 *     so a parameter or a raw expression means the same on either.
 *   - Where the engines truly differ (row locks, SKIP LOCKED, date and JSON
 *     functions, the hand-planned queue) the code asks `tx.engine`, in a few
 *     named places only (db/dialect-sql.ts and the queue).
 */
import { openSqlite } from './sqlite-engine.ts';
import type { DatabaseHandle } from './types.ts';
import * as schema from './schema/index.ts';

export type { Db, Tx, DbOrTx, DatabaseHandle, Engine, MigrationStatus } from './types.ts';

export interface DatabaseTarget {
  /** postgres://… or postgresql://… selects PostgreSQL. */
  url?: string | null;
  /** The SQLite file (':memory:' for a throwaway test database) when there is no url. */
  path?: string;
  migrate?: boolean;
}

export const isPostgresUrl = (url: string | null | undefined): url is string => Boolean(url && /^postgres(ql)?:\/\//i.test(url));

/** Opens (creating if needed) the database and applies pending migrations. */
export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (isPostgresUrl(target.url)) {
    const { openPostgres } = await import('./pg-engine.ts');
    return openPostgres(target.url, { migrate: target.migrate });
  }
  return openSqlite(target.path ?? ':memory:', { migrate: target.migrate });
}

export { schema };
