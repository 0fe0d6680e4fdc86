import { ilike, like, sql, type SQL } from 'drizzle-orm';
import type { Engine } from './types.ts';

/**
 * The few SQL expressions that differ between SQLite and PostgreSQL, named.
 * Everything else in raw SQL is written once in the common subset
 * (CASE instead of boolean sums, explicit casts where PostgreSQL needs them).
 */
export const dialectSql = {
  /** A FROM item listing each comma-separated value of `column` as `alias.value`. */
  splitList(engine: Engine, column: SQL, alias: string): SQL {
    return engine === 'pg'
      ? sql`unnest(string_to_array(${column}, ',')) AS ${sql.raw(alias)}(value)`
      : sql`json_each('["' || replace(${column}, ',', '","') || '"]') ${sql.raw(alias)}`;
  },
  /** The UTC calendar day (YYYY-MM-DD) of an epoch-milliseconds column. */
  utcDay(engine: Engine, ms: SQL): SQL {
    return engine === 'pg' ? sql`to_char(to_timestamp(${ms} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')` : sql`date(${ms} / 1000, 'unixepoch')`;
  },
  /** LIKE as SQLite has it (case-insensitive for ASCII) on both engines: ILIKE on PostgreSQL. */
  like(engine: Engine, column: Parameters<typeof like>[0], pattern: string): SQL {
    return engine === 'pg' ? ilike(column, pattern) : like(column, pattern);
  },
  /** Row locking for a work queue: other instances skip rows one has claimed (SQLite has one writer: nothing to add). */
  forUpdateSkipLocked(engine: Engine): SQL {
    return engine === 'pg' ? sql` FOR UPDATE SKIP LOCKED` : sql``;
  },
};
