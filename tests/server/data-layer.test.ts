import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { rateLimitBuckets, users } from '../../db/schema/index.ts';
import { createTestContext } from './helpers.ts';
import type { Tx } from '../../db/types.ts';

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = new Date('2026-11-26T09:00:00Z');
const newUser = (email: string) => ({ email, passwordHash: 'x', createdAt: now, updatedAt: now });

/**
 * The asynchronous data layer: a transaction may await anything, and no other
 * request's statements join it or see it before it commits, on either engine.
 */
describe('transactions that await', () => {
  it('isolates an open transaction from another request, and rolls back the one that fails', async () => {
    const { deps } = await createTestContext();
    const db = deps.db;
    const seen: string[] = [];
    let releaseA!: () => void;
    const gate = new Promise<void>((resolve) => (releaseA = resolve));

    // Request A: writes, then waits (an argon2 hash, a provider call…) mid-transaction, then fails.
    const a = db.transaction(async (tx) => {
      await tx.insert(users).values(newUser('a@example.com'));
      await gate;
      throw new Error('provider said no');
    });
    await later(20);

    // Request B meanwhile: its reads do not see A's uncommitted row…
    const during = await db.select().from(users).where(eq(users.email, 'a@example.com'));
    seen.push(`B reads A: ${during.length}`);
    // …and its own transaction waits for A instead of joining it.
    const b = db.transaction(async (tx) => {
      seen.push('B starts');
      await tx.insert(users).values(newUser('b@example.com'));
    });
    await later(20);
    seen.push('A fails');
    releaseA();
    await expect(a).rejects.toThrow('provider said no');
    await b;

    // SQLite has one writer: B's transaction waits for A's to end. PostgreSQL runs
    // them side by side (B touches no row of A's); either way B never saw A.
    expect(seen).toEqual(deps.db.engine === 'sqlite' ? ['B reads A: 0', 'A fails', 'B starts'] : ['B reads A: 0', 'B starts', 'A fails']);
    const emails = (await db.select({ email: users.email }).from(users)).map((u) => u.email);
    expect(emails).toEqual(['b@example.com']); // A rolled back, B committed
  });

  it('serialises read-modify-write transactions that await in the middle (no lost update)', async () => {
    const { deps } = await createTestContext();
    const db = deps.db;
    await db.insert(rateLimitBuckets).values({ key: 'k', count: 0, windowStartedAt: now });
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        db.transaction(async (tx) => {
          // SQLite: the writer lock serialises the transactions. PostgreSQL (READ COMMITTED): the row lock does.
          if (tx.engine === 'pg') await tx.rows(sql`SELECT 1 FROM rate_limit_buckets WHERE key = 'k' FOR UPDATE`);
          const [row] = await tx.select().from(rateLimitBuckets).where(eq(rateLimitBuckets.key, 'k'));
          await later(i % 3); // another request would run here
          await tx
            .update(rateLimitBuckets)
            .set({ count: row!.count + 1 })
            .where(eq(rateLimitBuckets.key, 'k'));
        }),
      ),
    );
    const [row] = await db.select().from(rateLimitBuckets).where(eq(rateLimitBuckets.key, 'k'));
    expect(row!.count).toBe(12);
  });

  it('refuses the top-level db inside a transaction (it would read around it or wait for itself)', async () => {
    const { deps } = await createTestContext();
    // drizzle wraps a driver error in "Failed query: …" with the reason as its cause.
    const reason = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (err: Error & { cause?: Error }) => `${err.message} ${err.cause?.message ?? ''}`,
      );
    expect(await reason(deps.db.transaction(async () => deps.db.select().from(users)))).toMatch(/inside a transaction/);
    expect(await reason(deps.db.transaction(async () => deps.db.transaction(async () => 1)))).toMatch(/[Nn]ested transaction/);
    // The failed attempts left nothing locked.
    expect(await deps.db.transaction(async (tx) => (await tx.select().from(users)).length)).toBe(0);
  });

  it('in production (no AsyncLocalStorage guard) still commits, rolls back, and refuses a tx kept past its transaction', async () => {
    const { openDatabase } = await import('../../db/client.ts');
    const saved = process.env.REBIND_TX_GUARD;
    process.env.REBIND_TX_GUARD = 'off';
    try {
      const handle = await openDatabase({ path: ':memory:' });
      const db = handle.db;
      let kept: Tx | undefined;
      await db.transaction(async (tx) => {
        kept = tx;
        await tx.insert(users).values(newUser('kept@example.com'));
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.insert(users).values(newUser('rolled-back@example.com'));
          throw new Error('no');
        }),
      ).rejects.toThrow('no');
      expect((await db.select().from(users)).map((u) => u.email)).toEqual(['kept@example.com']);
      const reason = await kept!
        .select()
        .from(users)
        .then(
          () => 'no error',
          (err: Error & { cause?: Error }) => `${err.message} ${err.cause?.message ?? ''}`,
        );
      expect(reason).toMatch(/used outside its transaction/);
      await handle.close();
    } finally {
      if (saved === undefined) delete process.env.REBIND_TX_GUARD;
      else process.env.REBIND_TX_GUARD = saved;
    }
  });

  it('runs raw SQL with the same placeholders on either engine', async () => {
    const { deps } = await createTestContext();
    await deps.db.insert(users).values(newUser('raw@example.com'));
    const rows = await deps.db.rows<{ email: string; n: number }>(sql`SELECT email, ${41} + 1 AS n FROM users WHERE email = ${'raw@example.com'}`);
    expect(rows.map((r) => ({ ...r, n: Number(r.n) }))).toEqual([{ email: 'raw@example.com', n: 42 }]);
  });
});

describe('one service code path', () => {
  const root = join(import.meta.dirname, '..', '..');
  const sources = (dir: string): string[] =>
    readdirSync(join(root, dir)).flatMap((name) => {
      const path = join(dir, name);
      return statSync(join(root, path)).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
    });

  it('never calls the SQLite-only synchronous executors on a query builder', () => {
    // The hand-planned SQLite queue, the SQLite bulk loader and the backup's checks of the copied file use better-sqlite3 statements on purpose.
    const allowed = new Set(['server/cases/queue.ts', 'fixtures/big.ts', 'server/cli/backup.ts']);
    const offenders: string[] = [];
    for (const file of [...sources('server'), ...sources('fixtures')]) {
      if (allowed.has(file)) continue;
      const text = readFileSync(join(root, file), 'utf8');
      text.split('\n').forEach((line, i) => {
        if (/\)\s*\.(get|all|run|values)\(\)/.test(line) || /^\s*\.(get|all|run)\(\)/.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
