import { AsyncLocalStorage } from 'node:async_hooks';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzleSync } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzleRemote } from 'drizzle-orm/sqlite-proxy';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import { AsyncMutex, transactionGuardEnabled } from './async-lock.ts';
import { startCheckpointer } from './checkpointer.ts';
import { journalHead } from './migration-journal.ts';
import type { DatabaseHandle, Db, Tx } from './types.ts';

export const sqliteMigrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

type Method = 'run' | 'all' | 'values' | 'get';

/** Prepared statements per connection, most recently used kept (better-sqlite3 statements are cheap to keep). */
class StatementCache {
  private map = new Map<string, Database.Statement>();
  constructor(
    private readonly conn: Database.Database,
    private readonly max = 500,
  ) {}
  get(text: string): Database.Statement {
    let st = this.map.get(text);
    if (st) {
      this.map.delete(text);
      this.map.set(text, st);
      return st;
    }
    st = this.conn.prepare(text);
    this.map.set(text, st);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
    return st;
  }
}

/**
 * drizzle sends `.limit(n)` / `.offset(n)` as parameters. SQLite runs such a
 * statement several times slower than the same one with the numbers written
 * in (measured: a session lookup by primary key with `limit ?` 39–50 µs, with
 * `limit 1` 8–17 µs), so a trailing `limit ?` (and `offset ?`) whose values
 * are safe integers is written in; statements are cached per text, and the
 * same few limits recur.
 */
function inlineLimit(text: string, params: unknown[]): [string, unknown[]] {
  if (!text.endsWith('?') || !/ limit \?( offset \?)?$/.test(text)) return [text, params];
  const n = text.endsWith(' offset ?') ? 2 : 1;
  const values = params.slice(params.length - n);
  if (!values.every((v) => Number.isSafeInteger(v))) return [text, params];
  return [
    text.slice(0, text.lastIndexOf(' limit ?')) + (n === 2 ? ` limit ${values[0]} offset ${values[1]}` : ` limit ${values[0]}`),
    params.slice(0, params.length - n),
  ];
}

function execute(cache: StatementCache, rawText: string, rawParams: unknown[], method: Method | 'objects'): { rows: any } {
  const [text, params] = inlineLimit(rawText, rawParams);
  const st = cache.get(text);
  if (!st.reader) {
    st.run(...params);
    return { rows: [] };
  }
  if (method === 'objects') return { rows: st.raw(false).all(...params) };
  st.raw(true);
  if (method === 'get') return { rows: st.get(...params) };
  if (method === 'run') {
    st.all(...params);
    return { rows: [] };
  }
  return { rows: st.all(...params) };
}

const isRead = (text: string, method: Method | 'objects') => method !== 'run' && /^\s*(select|with)\b/i.test(text);

function configure(conn: Database.Database, durable: boolean) {
  conn.pragma('journal_mode = WAL');
  conn.pragma('foreign_keys = ON');
  conn.pragma('busy_timeout = 5000');
  conn.pragma(durable ? 'synchronous = NORMAL' : 'synchronous = OFF');
}

// Test databases (':memory:') are temp files: two connections cannot share an
// in-memory database. One migrated template per process is copied for each.
let scratchDir: string | undefined;
let template: string | undefined;
let scratchCount = 0;
function scratchFile(): string {
  if (!scratchDir) {
    scratchDir = mkdtempSync(join(tmpdir(), 'rebind-db-'));
    const dir = scratchDir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  if (!template) {
    template = join(scratchDir, 'template.db');
    const conn = new Database(template);
    conn.pragma('foreign_keys = ON');
    migrate(drizzleSync(conn), { migrationsFolder: sqliteMigrationsFolder });
    conn.close();
  }
  const file = join(scratchDir, `ctx-${++scratchCount}.db`);
  copyFileSync(template, file);
  return file;
}

interface TxToken {
  open: boolean;
  owner: object;
}

/**
 * SQLite behind the asynchronous data layer. better-sqlite3 is synchronous and
 * one connection is one transaction, so:
 *   - a writer connection behind an async mutex: `transaction()` takes the
 *     mutex, runs BEGIN IMMEDIATE … COMMIT (or ROLLBACK) around a callback
 *     that may await, and only that callback's `tx` reaches the writer while
 *     it is open; a write outside a transaction waits for the mutex;
 *   - a reader connection (WAL) for reads outside transactions: they see the
 *     last committed state and never an open transaction's writes;
 *   - AsyncLocalStorage marks the transaction's async context, so the
 *     top-level db used inside it throws instead of deadlocking or reading
 *     around the transaction (outside production: see transactionGuardEnabled).
 */
export function openSqlite(path: string, options: { migrate?: boolean } = {}): DatabaseHandle {
  const scratch = path === ':memory:';
  const file = scratch ? scratchFile() : path;
  if (!scratch) mkdirSync(dirname(file), { recursive: true });
  const writer = new Database(file);
  configure(writer, !scratch);
  // Fault injection for the reliability suite only: a database that cannot grow (the disk is full).
  const maxPages = process.env.NODE_ENV !== 'production' ? Number(process.env.REBIND_FAULT_SQLITE_MAX_PAGES ?? 0) : 0;
  if (maxPages > 0) writer.pragma(`max_page_count = ${Math.max(maxPages, Number(writer.pragma('page_count', { simple: true })))}`);
  if (options.migrate !== false && !scratch) migrate(drizzleSync(writer), { migrationsFolder: sqliteMigrationsFolder });
  const reader = new Database(file);
  configure(reader, !scratch);
  // A scratch database (tests) syncs nothing, so checkpointing in the commit costs little there.
  const checkpointer = scratch
    ? undefined
    : startCheckpointer(file, writer, {
        onError: (err) => process.emitWarning(`SQLite checkpoints are back in the commits: ${err.message}`, 'RebindCheckpointWarning'),
      });
  const writes = new StatementCache(writer);
  const reads = new StatementCache(reader);
  const mutex = new AsyncMutex();
  const als = new AsyncLocalStorage<TxToken>();
  const owner = {};
  const dialect = new SQLiteAsyncDialect();

  const guard = transactionGuardEnabled();
  /** The transaction open on the writer, if any (SQLite has one at a time). */
  let openToken: TxToken | undefined;
  const insideOwnTransaction = () => {
    if (!guard) return false;
    const token = als.getStore();
    return token !== undefined && token.open && token.owner === owner;
  };

  const topLevel = async (text: string, params: unknown[], method: Method | 'objects') => {
    if (insideOwnTransaction()) throw new Error("The top-level db was used inside a transaction: use the transaction callback's tx.");
    if (isRead(text, method)) return execute(reads, text, params, method);
    if (!mutex.locked) return execute(writes, text, params, method); // no transaction is open: runs alone
    const release = await mutex.acquire();
    try {
      return execute(writes, text, params, method);
    } finally {
      release();
    }
  };

  const inTransaction = async (text: string, params: unknown[], method: Method | 'objects') => {
    if (guard ? !insideOwnTransaction() : !openToken?.open) throw new Error("A transaction's tx was used outside its transaction.");
    return execute(writes, text, params, method);
  };

  const withRaw = <T extends object>(base: T, run: typeof topLevel, inTx: boolean) =>
    Object.assign(base, {
      engine: 'sqlite' as const,
      inTransaction: inTx,
      async rows<R>(query: SQL): Promise<R[]> {
        const q = dialect.sqlToQuery(query);
        return (await run(q.sql, q.params, 'objects')).rows as R[];
      },
      async exec(query: SQL): Promise<void> {
        const q = dialect.sqlToQuery(query);
        await run(q.sql, q.params, 'run');
      },
      async statement<R>(text: string, params: unknown[]): Promise<R[]> {
        return (await run(text, params, 'objects')).rows as R[];
      },
    });

  const tx = withRaw(
    drizzleRemote((text, params, method) => inTransaction(text, params, method)),
    inTransaction,
    true,
  ) as unknown as Tx;
  const db = withRaw(
    drizzleRemote((text, params, method) => topLevel(text, params, method)),
    topLevel,
    false,
  ) as unknown as Db;
  (db as { transaction: Db['transaction'] }).transaction = async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    if (insideOwnTransaction()) throw new Error("Nested transaction: pass the open transaction's tx instead.");
    const release = await mutex.acquire();
    const token: TxToken = { open: true, owner };
    openToken = token;
    try {
      writer.exec('BEGIN IMMEDIATE');
      try {
        const result = guard ? await als.run(token, () => fn(tx)) : await fn(tx);
        writer.exec('COMMIT');
        return result;
      } catch (err) {
        if (writer.inTransaction) writer.exec('ROLLBACK');
        throw err;
      }
    } finally {
      token.open = false;
      if (openToken === token) openToken = undefined;
      release();
    }
  };

  const { lastWhen, count } = journalHead(sqliteMigrationsFolder);
  let pingStatement: Database.Statement | undefined;
  const dataVersion = reader.prepare('PRAGMA data_version').pluck();
  let closed = false;
  return {
    engine: 'sqlite',
    db,
    name: scratch ? 'sqlite (test database)' : `sqlite:${file}`,
    sqlite: { writer, reader },
    dataVersion: () => dataVersion.get() as number,
    async ping() {
      (pingStatement ??= reader.prepare('SELECT 1')).get();
    },
    async migrationStatus() {
      const table = reader.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`).get();
      if (!table) return { current: false, applied: 0, expected: count };
      const r = reader.prepare('SELECT count(*) AS n, max(created_at) AS last FROM __drizzle_migrations').get() as { n: number; last: number | null };
      return { current: r.last !== null && Number(r.last) >= lastWhen, applied: r.n, expected: count };
    },
    async close() {
      if (closed) return;
      closed = true;
      await checkpointer?.stop();
      const release = await mutex.acquire();
      try {
        reader.close();
        writer.close();
      } finally {
        release();
      }
      if (scratch) for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) rmSync(file + suffix, { force: true });
    },
  };
}
