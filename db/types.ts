import type { SQL } from 'drizzle-orm';
import type { SqliteRemoteDatabase } from 'drizzle-orm/sqlite-proxy';

export type Engine = 'sqlite' | 'pg';

type Builders = Pick<SqliteRemoteDatabase, 'select' | 'selectDistinct' | 'insert' | 'update' | 'delete'>;

/**
 * What service code may use, on either engine: drizzle's query builders typed
 * by the SQLite schema (db/schema, the source of truth), always awaited, plus
 * raw SQL written with drizzle's `sql` tag (placeholders per engine).
 * Builders' own `.get()/.all()/.run()` are SQLite-only: never call them
 * (tests/server/data-layer.test.ts checks the sources).
 */
export interface Tx extends Builders {
  readonly engine: Engine;
  /** True for a transaction's tx, false for the top-level db. */
  readonly inTransaction: boolean;
  /** Raw SQL; rows as objects keyed by the selected column names. */
  rows<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
  /** Raw SQL for its effect (DDL, a statement without result rows). */
  exec(query: SQL): Promise<void>;
  /**
   * One statement given as text with `?` placeholders and its parameters in
   * order; rows as objects keyed by column name. For the hottest reads
   * (session lookups on every request): SQLite runs its cached prepared
   * statement directly, without drizzle building SQL or mapping rows (about
   * 25 µs a lookup); PostgreSQL runs it as a parameterized query.
   */
  statement<T = Record<string, unknown>>(text: string, params: unknown[]): Promise<T[]>;
}

export interface Db extends Tx {
  /**
   * One transaction. The callback may await anything; every statement in it
   * goes through `tx`. Using the top-level `db` inside the callback is a bug
   * (it would not see the transaction's writes, and on SQLite a write would
   * wait for the lock its own transaction holds): it throws.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

export type DbOrTx = Tx;

export interface MigrationStatus {
  current: boolean;
  applied: number;
  expected: number;
}

/** An open database of either engine, with what operations need beyond queries. */
export interface DatabaseHandle {
  readonly engine: Engine;
  readonly db: Db;
  /** Which database this is, for people: the SQLite file, or the PostgreSQL URL without its password. */
  readonly name: string;
  /** SQLite only: the raw connections (backup, the hand-planned queue, bulk fixtures, bench). */
  readonly sqlite?: { writer: import('better-sqlite3').Database; reader: import('better-sqlite3').Database };
  /** PostgreSQL only: the pool. */
  readonly pool?: import('pg').Pool;
  /**
   * SQLite only: a stamp of the committed state as the reader connection sees
   * it (PRAGMA data_version, about a microsecond). The same number twice means
   * no connection committed in between (this process's writer, another
   * process such as the CLI), so rows read at the first stamp are still what
   * the database holds. PostgreSQL has no such cheap signal across instances:
   * undefined there, and callers read again.
   */
  dataVersion?(): number;
  ping(): Promise<void>;
  migrationStatus(): Promise<MigrationStatus>;
  close(): Promise<void>;
}
