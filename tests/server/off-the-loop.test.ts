import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../db/client.ts';
import { BACKSTOP_PAGES } from '../../db/checkpointer.ts';
import { argon2Hash, argon2Verify, configureArgon2 } from '../../server/crypto/argon2-pool.ts';

/**
 * Work that would stall the event loop runs on other threads: WAL checkpoints
 * (they wait for fsync) and argon2 (on threads that yield the CPU to the loop).
 */
const linux = process.platform === 'linux' && existsSync('/proc/self/task');
const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` in a new temporary directory, removed afterwards. */
async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rebind-off-the-loop-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.runIf(!process.env.REBIND_TEST_ENGINE)('SQLite checkpoints off the request path', () => {
  it('commits only append to the WAL; a checkpoint thread moves the pages into the database file, and closing leaves no WAL', async () => {
    await inTempDir(async (dir) => {
      const file = join(dir, 'rebind.db');
      const handle = await openDatabase({ path: file });
      const writer = handle.sqlite!.writer;
      expect(writer.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
      await handle.db.exec(sql`CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)`);
      const before = statSync(file).size;
      // ~8 MB through the WAL in one commit (2000 pages of 4 KiB): past SQLite's default autocheckpoint of 1000 pages.
      await handle.db.transaction(async (tx) => {
        for (let i = 0; i < 2000; i++) await tx.exec(sql`INSERT INTO filler (body) VALUES (randomblob(4000))`);
      });
      // The checkpoint thread (every 200 ms) copies them into the database file, without the writer's help.
      let grown = statSync(file).size;
      for (let waited = 0; grown < before + 7_000_000 && waited < 5000; waited += 50) {
        await later(50);
        grown = statSync(file).size;
      }
      expect(grown).toBeGreaterThan(before + 7_000_000);
      // Once caught up, the next write starts the WAL over: it does not grow past the first big commit.
      const walAfterFirst = statSync(`${file}-wal`).size;
      await later(300);
      await handle.db.transaction(async (tx) => {
        for (let i = 0; i < 2000; i++) await tx.exec(sql`INSERT INTO filler (body) VALUES (randomblob(4000))`);
      });
      expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(walAfterFirst + 100_000);
      const rows = await handle.db.rows<{ n: number }>(sql`SELECT count(*) AS n FROM filler`);
      expect(Number(rows[0]!.n)).toBe(4000);
      await handle.close();
      expect(existsSync(`${file}-wal`)).toBe(false);
      // Everything is in the file: a fresh open reads it back.
      const again = await openDatabase({ path: file });
      expect(Number((await again.db.rows<{ n: number }>(sql`SELECT count(*) AS n FROM filler`))[0]!.n)).toBe(4000);
      await again.close();
    });
  });
});

describe.runIf(!process.env.REBIND_TEST_ENGINE)('closing a database with its checkpoint thread', () => {
  it('lets a script that opens and closes a database end normally (the thread is waited for, not left to hold or drop the process)', async () => {
    await inTempDir(async (dir) => {
      const script = join(dir, 'close.mts');
      writeFileSync(
        script,
        `import { openDatabase } from ${JSON.stringify(join(process.cwd(), 'db/client.ts'))};\nconst handle = await openDatabase({ path: process.argv[2] });\nawait handle.close();\nconsole.log('closed');\n`,
      );
      // An unsettled top-level await ends Node with exit code 13: execFileSync throws on it.
      const out = execFileSync('node_modules/.bin/tsx', [script, join(dir, 'rebind.db')], { encoding: 'utf8' });
      expect(out.trim()).toBe('closed');
      expect(existsSync(join(dir, 'rebind.db-wal'))).toBe(false);
    });
  });
});

describe.runIf(!process.env.REBIND_TEST_ENGINE)('the WAL under writes that never pause', () => {
  it('stays bounded: the writer checkpoints itself past the backstop, and the file is cut back when the WAL starts over', async () => {
    await inTempDir(async (dir) => {
      const file = join(dir, 'rebind.db');
      const handle = await openDatabase({ path: file });
      await handle.db.exec(sql`CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)`);
      // 3 × the backstop in small commits, back to back (a seed, a burst): the checkpoint thread is never quite done.
      let largest = 0;
      for (let i = 0; i < 3 * BACKSTOP_PAGES; i += 50) {
        await handle.db.transaction(async (tx) => {
          for (let j = 0; j < 50; j++) await tx.exec(sql`INSERT INTO filler (body) VALUES (randomblob(3900))`);
        });
        // Rewrite the same rows too: the database stays small while the WAL would keep growing.
        await handle.db.exec(sql`DELETE FROM filler`);
        if (i % 1000 === 0) largest = Math.max(largest, statSync(`${file}-wal`).size);
      }
      largest = Math.max(largest, statSync(`${file}-wal`).size);
      // Without the backstop this reaches ~3 × 40 MB; with it, one backstop's worth and a little.
      expect(largest).toBeLessThan(1.3 * BACKSTOP_PAGES * 4096);
      await handle.close();
    });
  }, 60_000);
});

/** Scheduling policy of each thread of this process (field 41 of /proc/…/stat: 0 normal, 5 SCHED_IDLE). */
function threadPolicies(): number[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return [Number(fields[38])];
    } catch {
      return [];
    }
  });
}

describe('argon2 threads', () => {
  it.runIf(linux && existsSync('/usr/bin/chrt'))('hash and verify on threads under SCHED_IDLE, so a waking event loop takes the core at once', async () => {
    configureArgon2({ nice: 'idle' });
    const hash = await argon2Hash('correct horse battery staple', { memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(await argon2Verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await argon2Verify(hash, 'wrong horse')).toBe(false);
    expect(threadPolicies().filter((p) => p === 5).length).toBeGreaterThanOrEqual(1);
    // The process's own thread (the event loop) keeps the normal policy.
    const own = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    expect(Number(own[38])).toBe(0);
  });
});
