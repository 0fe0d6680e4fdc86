import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, type DatabaseHandle } from '../../db/client.ts';

/**
 * Which engine the server tests run on: SQLite unless this process is the
 * PostgreSQL run of the suite (vitest project "server-pg", which sets
 * REBIND_TEST_ENGINE=pg and needs TEST_DATABASE_URL).
 */
export const testEngine: 'sqlite' | 'pg' = process.env.REBIND_TEST_ENGINE === 'pg' ? 'pg' : 'sqlite';

const opened: DatabaseHandle[] = [];
const databases: string[] = [];
let template: Promise<string> | undefined;
const filePrefix = `rebind_test_${process.pid}_${randomBytes(3).toString('hex')}`;

// Outside a test file (scripts that borrow the helpers, vitest's global setup) there is no suite to hook into.
try {
  afterAll(async () => {
    for (const handle of opened.splice(0)) await handle.close().catch(() => undefined);
    for (const name of databases.splice(0).reverse()) await dropDatabase(name).catch(() => undefined);
  }, 60_000);
} catch {
  /* not collecting a test file */
}

/** The server the PostgreSQL run uses (TEST_DATABASE_URL), as a URL to one of its databases. */
function serverUrl(database: string): string {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('The PostgreSQL run of the suite needs TEST_DATABASE_URL (postgres://user@host:port/db).');
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function dropDatabase(name: string): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** The file's migrated template database (PostgreSQL): migrated once, copied for each context. */
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const name = `${filePrefix}_tpl`;
    await adminQuery(`CREATE DATABASE "${name}"`);
    databases.push(name);
    const { openPostgres } = await import('../../db/pg-engine.ts');
    const handle = await openPostgres(serverUrl(name), { max: 1 });
    await handle.close();
    return name;
  })();
  return template;
}

/**
 * A fresh, migrated, empty database for one test context, closed (and
 * removed) after the file. SQLite: a temp file. PostgreSQL: databases of the
 * test file's own (created here from its migrated template, dropped after the
 * file).
 */
export async function openTestDatabase(): Promise<DatabaseHandle> {
  let handle: DatabaseHandle;
  if (testEngine === 'pg') {
    const source = await migratedTemplate();
    const name = `${filePrefix}_${databases.length}`;
    await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${source}"`);
    databases.push(name);
    const { openPostgres } = await import('../../db/pg-engine.ts');
    handle = await openPostgres(serverUrl(name), { max: 4, migrate: false });
  } else {
    handle = await openDatabase({ path: ':memory:' });
  }
  opened.push(handle);
  return handle;
}

/**
 * Every stored value of every table as text: what someone with a copy of the
 * database reads. (On SQLite the raw file and its WAL are checked as well.)
 */
export async function dumpDatabase(handle: DatabaseHandle): Promise<string> {
  const tables =
    handle.engine === 'pg'
      ? (
          await handle.db.rows<{ name: string }>(sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`)
        ).map((t) => t.name)
      : (await handle.db.rows<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1`)).map((t) => t.name);
  const parts: string[] = [];
  for (const table of tables) {
    for (const row of await handle.db.rows<Record<string, unknown>>(sql`SELECT * FROM ${sql.identifier(table)}`)) {
      parts.push(
        Object.values(row)
          .map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v)))
          .join('\u0000'),
      );
    }
  }
  if (handle.sqlite) {
    const file = handle.sqlite.writer.name;
    for (const suffix of ['', '-wal']) if (existsSync(file + suffix)) parts.push(readFileSync(file + suffix).toString('latin1'));
  }
  return parts.join('\n');
}
