import { AsyncLocalStorage } from 'node:async_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Column, SQL, Table, is, sql } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { columnTwin, pgTwin } from './schema-pg.ts';
import { journalHead } from './migration-journal.ts';
import { transactionGuardEnabled } from './async-lock.ts';
import type { DatabaseHandle, Db, Tx } from './types.ts';

export const pgMigrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations-pg');

/** Advisory lock key that serialises migrations of instances starting together. */
const MIGRATION_LOCK = 8_270_311;

// bigint (ids, counters, epoch milliseconds) and numeric (sums) as JavaScript numbers: every value Rebind stores
// fits. Set process-wide because drizzle's node-postgres driver passes its own per-query parsers, which fall back
// to pg's global ones.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value: string) => Number(value));

type PgDb = NodePgDatabase | Parameters<Parameters<NodePgDatabase['transaction']>[0]>[0];

/** Select fields and returning lists: SQLite columns and tables become their PostgreSQL twins. */
function mapFields(fields: unknown): unknown {
  if (fields === undefined || fields === null) return fields;
  if (is(fields, Column)) return columnTwin(fields);
  if (is(fields, Table)) return pgTwin(fields);
  if (is(fields, SQL) || is(fields, SQL.Aliased)) return fields;
  if (typeof fields === 'object') return Object.fromEntries(Object.entries(fields as Record<string, unknown>).map(([k, v]) => [k, mapFields(v)]));
  return fields;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the adapter forwards drizzle's builders untyped; services see them typed by db/types.ts */
function patchReturning(q: any): any {
  if (typeof q?.returning === 'function') {
    const returning = q.returning.bind(q);
    q.returning = (fields?: unknown) => returning(fields === undefined ? undefined : mapFields(fields));
  }
  return q;
}

function patchJoins(q: any): any {
  for (const join of ['leftJoin', 'rightJoin', 'innerJoin', 'fullJoin'] as const) {
    if (typeof q[join] !== 'function') continue;
    const original = q[join].bind(q);
    q[join] = (table: unknown, on: unknown) => original(pgTwin(table), on);
  }
  return q;
}

function patchFrom(builder: any): any {
  const from = builder.from.bind(builder);
  builder.from = (source: unknown) => patchJoins(from(pgTwin(source)));
  return builder;
}

/**
 * The service-facing Tx over a drizzle node-postgres database or transaction:
 * each query starts from the pg-core twin of the SQLite table it names
 * (columns inside conditions render the same on both engines; their values are
 * encoded alike since instants are epoch milliseconds on both).
 */
function adapt(pgdb: PgDb, guard: () => void, inTransaction: boolean): Tx {
  return {
    engine: 'pg',
    inTransaction,
    select: ((fields?: unknown) => {
      guard();
      return patchFrom(fields === undefined ? pgdb.select() : pgdb.select(mapFields(fields) as any));
    }) as any,
    selectDistinct: ((fields?: unknown) => {
      guard();
      return patchFrom(fields === undefined ? pgdb.selectDistinct() : pgdb.selectDistinct(mapFields(fields) as any));
    }) as any,
    insert: ((table: any) => {
      guard();
      const builder: any = pgdb.insert(pgTwin(table));
      const values = builder.values.bind(builder);
      builder.values = (v: unknown) => patchReturning(values(v));
      return builder;
    }) as any,
    update: ((table: any) => {
      guard();
      const builder: any = pgdb.update(pgTwin(table));
      const set = builder.set.bind(builder);
      builder.set = (v: unknown) => patchReturning(set(v));
      return builder;
    }) as any,
    delete: ((table: any) => {
      guard();
      return patchReturning(pgdb.delete(pgTwin(table)));
    }) as any,
    async rows<R>(query: SQL): Promise<R[]> {
      guard();
      return (await pgdb.execute(query)).rows as R[];
    },
    async exec(query: SQL): Promise<void> {
      guard();
      await pgdb.execute(query);
    },
    async statement<R>(text: string, params: unknown[]): Promise<R[]> {
      guard();
      const parts = text.split('?');
      if (parts.length !== params.length + 1) throw new Error(`statement: ${parts.length - 1} placeholders, ${params.length} parameters`);
      const chunks: SQL[] = [sql.raw(parts[0]!)];
      for (let i = 0; i < params.length; i++) chunks.push(sql`${params[i]}`, sql.raw(parts[i + 1]!));
      return (await pgdb.execute(sql.join(chunks))).rows as R[];
    },
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** PostgreSQL error codes worth one more try of the whole transaction. */
const RETRYABLE = new Set(['40P01', '40001']); // deadlock detected, serialization failure

function errorCode(err: unknown): string | undefined {
  let e = err as { code?: string; cause?: unknown } | undefined;
  for (let i = 0; e && i < 3; i++, e = e.cause as typeof e) if (typeof e.code === 'string') return e.code;
  return undefined;
}

/** The URL without its password, to name the database to people. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres (unparsable URL)';
  }
}

/**
 * PostgreSQL behind the asynchronous data layer: a pool, transactions at
 * READ COMMITTED (compare-and-swap updates re-check their WHERE on the row
 * they wait for), retried on a deadlock or serialization failure. `schema`
 * (tests) puts every table in its own schema of the database.
 */
export async function openPostgres(url: string, options: { migrate?: boolean; schema?: string; max?: number } = {}): Promise<DatabaseHandle> {
  const poolConfig: pg.PoolConfig = { connectionString: url, max: options.max ?? 10 };
  const settings: string[] = [];
  if (options.schema) settings.push(`-c search_path=${options.schema}`);
  // The planner's cost of a random page read, for Rebind's sessions only. PostgreSQL's default (4)
  // models spinning disks: it made the queue walk a correlated sort index past a million rows (2.4 s
  // at 10M cases) instead of the exact index on (band, sort). 1.1 is the usual figure for SSDs;
  // REBIND_PG_RANDOM_PAGE_COST overrides it, and an empty value keeps the server's own setting.
  const randomPageCost = process.env.REBIND_PG_RANDOM_PAGE_COST ?? '1.1';
  if (randomPageCost !== '') {
    if (!/^\d+(\.\d+)?$/.test(randomPageCost)) throw new Error('REBIND_PG_RANDOM_PAGE_COST must be a number (or empty to keep the server setting)');
    settings.push(`-c random_page_cost=${randomPageCost}`);
  }
  if (settings.length) poolConfig.options = settings.join(' ');
  const pool = new pg.Pool(poolConfig);
  pool.on('error', () => undefined); // an idle client lost (server restart): the pool replaces it
  const root = drizzle(pool);
  const als = new AsyncLocalStorage<{ open: boolean }>();

  if (options.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema.replace(/"/g, '')}"`);
  if (options.migrate !== false) {
    const client = await pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        await migrate(drizzle(client), { migrationsFolder: pgMigrationsFolder, migrationsSchema: options.schema ?? 'drizzle' });
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      }
    } finally {
      client.release();
    }
  }

  const guard = transactionGuardEnabled();
  const guardTop = () => {
    if (guard && als.getStore()?.open) throw new Error("The top-level db was used inside a transaction: use the transaction callback's tx.");
  };
  const db = adapt(root, guardTop, false) as Db;
  (db as { transaction: Db['transaction'] }).transaction = async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    if (guard && als.getStore()?.open) throw new Error("Nested transaction: pass the open transaction's tx instead.");
    for (let attempt = 1; ; attempt++) {
      const token = { open: true };
      try {
        return await root.transaction((ptx) => (guard ? als.run(token, () => fn(adapt(ptx, () => undefined, true))) : fn(adapt(ptx, () => undefined, true))));
      } catch (err) {
        if (attempt >= 4 || !RETRYABLE.has(errorCode(err) ?? '')) throw err;
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt * Math.random()));
      } finally {
        token.open = false;
      }
    }
  };

  const { count, lastWhen } = journalHead(pgMigrationsFolder);
  const migrationsTable = `"${(options.schema ?? 'drizzle').replace(/"/g, '')}"."__drizzle_migrations"`;
  let closed = false;
  return {
    engine: 'pg',
    db,
    name: `postgres:${describePostgresUrl(url)}${options.schema ? ` (schema ${options.schema})` : ''}`,
    pool,
    async ping() {
      await pool.query('SELECT 1');
    },
    async migrationStatus() {
      try {
        const r = await pool.query(`SELECT count(*) AS n, max(created_at) AS last FROM ${migrationsTable}`);
        const row = r.rows[0] as { n: number; last: number | null };
        return { current: row.last !== null && Number(row.last) >= lastWhen, applied: Number(row.n), expected: count };
      } catch {
        return { current: false, applied: 0, expected: count };
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
