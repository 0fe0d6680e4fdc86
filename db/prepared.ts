import { sql } from 'drizzle-orm';
import type { Tx } from './types.ts';

/**
 * A query of a hot path (session lookup, sign-in, TOTP step), built once per
 * database or transaction object instead of on every call: building drizzle's
 * SQL costs about 100 µs a statement on SQLite, running a prepared one about
 * 20 µs. Values go in through `sql.placeholder('name')` and `.execute({ name })`.
 *
 * `name` names the statement on PostgreSQL (a server-side prepared statement,
 * parsed once per connection); SQLite's prepare() takes no name (better-sqlite3
 * statements are cached by text in db/sqlite-engine.ts).
 *
 * The query stays bound to the object it was built on: one built on the
 * top-level db is for use outside transactions, one built on a transaction's
 * tx for use inside it (SQLite's tx is one long-lived object; PostgreSQL's is
 * new per transaction, where this saves nothing but costs nothing either).
 */
export function preparedQuery<D extends Tx, Q>(name: string, build: (db: D, name: string) => Q): (db: D) => Q {
  const built = new WeakMap<D, Q>();
  return (db) => {
    let query = built.get(db);
    if (!query) built.set(db, (query = build(db, name)));
    return query;
  };
}

/** `builder.prepare(name)`: typed as SQLite's prepare() (no name), named on PostgreSQL. */
export function prepareNamed<B extends { prepare(): unknown }>(builder: B, name: string): ReturnType<B['prepare']> {
  return (builder.prepare as (name?: string) => ReturnType<B['prepare']>).call(builder, name);
}

/**
 * A placeholder for an UPDATE's `set()`. drizzle wraps it in a Param bound to
 * the column, so the value given to `execute()` goes through the column's
 * encoder (a Date becomes SQLite's integer) as in `values()`; only set()'s
 * types leave placeholders out. `T` is the column's value type.
 */
export function setPlaceholder<T>(name: string): T {
  return sql.placeholder(name) as unknown as T;
}
