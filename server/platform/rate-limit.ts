import { eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.ts';
import type { DatabaseHandle } from '../../db/types.ts';
import { prepareNamed, preparedQuery } from '../../db/prepared.ts';
import { rateLimitBuckets } from '../../db/schema/index.ts';

export interface FailurePolicy {
  maxFailures: number;
  lockMs: number;
  /** Failures older than this no longer count (defaults to lockMs). */
  windowMs?: number;
}

// Every sign-in step reads a bucket or two: prepared once per db / tx.
const bucketByKey = preparedQuery('rate_limit_bucket', (db: DbOrTx, name) =>
  prepareNamed(
    db
      .select()
      .from(rateLimitBuckets)
      .where(eq(rateLimitBuckets.key, sql.placeholder('key')))
      .limit(1),
    name,
  ),
);

/**
 * The bucket row, created empty if missing, and locked until the transaction
 * ends: several instances counting the same key (a burst of wrong codes
 * spread over them) queue on the row instead of overwriting each other's
 * count. SQLite has one writer at a time: the read is enough.
 */
async function lockedBucket(tx: DbOrTx, key: string, now: Date) {
  await tx.insert(rateLimitBuckets).values({ key, count: 0, windowStartedAt: now, lockedUntil: null }).onConflictDoNothing();
  if (tx.engine === 'pg') await tx.rows(sql`SELECT 1 FROM rate_limit_buckets WHERE key = ${key} FOR UPDATE`);
  return (await bucketByKey(tx).execute({ key }))[0]!;
}

/** Runs `fn` in the caller's transaction, or in a new one when given the top-level db. */
async function atomically<T>(db: DbOrTx, fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
  return db.inTransaction ? fn(db) : (db as Db).transaction(fn);
}

/** Seconds until the key's lock ends (0 when it is not locked), and whether any failure is counted for it. */
export async function failureState(db: DbOrTx, key: string, now: Date): Promise<{ lockedSeconds: number; counted: boolean }> {
  const row = (await bucketByKey(db).execute({ key }))[0];
  if (!row) return { lockedSeconds: 0, counted: false };
  if (!row.lockedUntil || row.lockedUntil <= now) return { lockedSeconds: 0, counted: true };
  return { lockedSeconds: Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000), counted: true };
}

/** Seconds until the key's lock ends, or 0 when it is not locked. */
export async function lockedForSeconds(db: DbOrTx, key: string, now: Date): Promise<number> {
  return (await failureState(db, key, now)).lockedSeconds;
}

/**
 * Counts one failure for `key`; at `maxFailures` consecutive failures the key
 * locks for `lockMs`. Returns the lock's remaining seconds (0 if not locked).
 * Runs inside the caller's transaction so the count and its cause commit together.
 */
export async function recordFailure(db: DbOrTx, key: string, now: Date, policy: FailurePolicy): Promise<number> {
  return atomically(db, async (tx) => await recordFailureIn(tx, key, now, policy));
}

async function recordFailureIn(db: DbOrTx, key: string, now: Date, policy: FailurePolicy): Promise<number> {
  const windowMs = policy.windowMs ?? policy.lockMs;
  const row = await lockedBucket(db, key, now);
  const expired = !row || now.getTime() - row.windowStartedAt.getTime() > windowMs || (row.lockedUntil !== null && row.lockedUntil <= now);
  const count = expired ? 1 : row.count + 1;
  const windowStartedAt = expired ? now : row.windowStartedAt;
  const lockedUntil = count >= policy.maxFailures ? new Date(now.getTime() + policy.lockMs) : null;
  await db
    .insert(rateLimitBuckets)
    .values({ key, count, windowStartedAt, lockedUntil })
    .onConflictDoUpdate({ target: rateLimitBuckets.key, set: { count, windowStartedAt, lockedUntil } });
  return lockedUntil ? Math.ceil(policy.lockMs / 1000) : 0;
}

const deleteBucket = preparedQuery('rate_limit_bucket_delete', (db: DbOrTx, name) =>
  prepareNamed(db.delete(rateLimitBuckets).where(eq(rateLimitBuckets.key, sql.placeholder('key'))), name),
);

/** A success resets the consecutive-failure count (every successful verification runs this: prepared). */
export async function clearFailures(db: DbOrTx, key: string): Promise<void> {
  await deleteBucket(db).execute({ key });
}

/**
 * A plain request budget (e.g. SMS sends per phone per hour): counts the
 * attempt and says whether it is within `limit` per `windowMs`.
 *
 * One upsert (the same SQL on both engines), atomic by itself: the row is
 * created, counted, or restarted when its window has passed, and the count
 * comes back. Every sign-in step pays for this, so it is one statement rather
 * than a transaction of three. Attempts over the limit are counted too; the
 * window's start, which says when the budget returns, does not move.
 */
export async function takeToken(
  db: DbOrTx,
  key: string,
  now: Date,
  limit: number,
  windowMs: number,
): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
  const at = now.getTime();
  const [row] = await db.rows<{ count: number; windowStartedAt: number }>(sql`
    INSERT INTO rate_limit_buckets (key, count, window_started_at, locked_until) VALUES (${key}, 1, ${at}, NULL)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN ${at} - rate_limit_buckets.window_started_at >= ${windowMs} THEN 1 ELSE rate_limit_buckets.count + 1 END,
      window_started_at = CASE WHEN ${at} - rate_limit_buckets.window_started_at >= ${windowMs} THEN ${at} ELSE rate_limit_buckets.window_started_at END
    RETURNING count, window_started_at AS "windowStartedAt"`);
  const count = Number(row!.count);
  if (count <= limit) return { ok: true };
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((Number(row!.windowStartedAt) + windowMs - at) / 1000)) };
}

/**
 * takeToken's budget in one statement, for hot paths (every service API call):
 * an upsert that starts a new window or counts one more in the current one and
 * returns the count, atomic on both engines without an explicit transaction
 * (PostgreSQL locks the row for the ON CONFLICT update; SQLite has one writer).
 * Unlike takeToken it also counts refused requests, which only keeps a caller
 * that ignores 429s refused until the window ends.
 */
export async function countRequest(
  db: DbOrTx,
  key: string,
  now: Date,
  limit: number,
  windowMs: number,
): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
  const windowEnded = sql`${rateLimitBuckets.windowStartedAt} <= ${now.getTime() - windowMs}`;
  const [row] = await db
    .insert(rateLimitBuckets)
    .values({ key, count: 1, windowStartedAt: now, lockedUntil: null })
    .onConflictDoUpdate({
      target: rateLimitBuckets.key,
      set: {
        count: sql`CASE WHEN ${windowEnded} THEN 1 ELSE ${rateLimitBuckets.count} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${windowEnded} THEN ${now.getTime()} ELSE ${rateLimitBuckets.windowStartedAt} END`,
      },
    })
    .returning({ count: rateLimitBuckets.count, windowStartedAt: rateLimitBuckets.windowStartedAt });
  if (row!.count <= limit) return { ok: true };
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((row!.windowStartedAt.getTime() + windowMs - now.getTime()) / 1000)) };
}

/**
 * takeToken's budget kept in this process's memory, for one-instance
 * deployments (SQLite): the same windows and counts, without a database write
 * on every sign-in step. Bounded: past `maxKeys` the keys whose window has
 * ended are dropped, then the oldest windows (a flood of new addresses gives
 * the oldest ones a fresh budget rather than growing without end).
 */
export class MemoryBudgets {
  private readonly windows = new Map<string, { count: number; windowStartedAt: number }>();

  constructor(private readonly maxKeys = 100_000) {}

  take(key: string, now: Date, limit: number, windowMs: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const at = now.getTime();
    let bucket = this.windows.get(key);
    if (!bucket || at - bucket.windowStartedAt >= windowMs) {
      // A new window goes to the end of the map, which stays in order of window start.
      this.windows.delete(key);
      bucket = { count: 0, windowStartedAt: at };
      this.windows.set(key, bucket);
      if (this.windows.size > this.maxKeys) this.sweep(at, windowMs);
    }
    bucket.count++;
    if (bucket.count <= limit) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((bucket.windowStartedAt + windowMs - at) / 1000)) };
  }

  get size(): number {
    return this.windows.size;
  }

  private sweep(at: number, windowMs: number) {
    for (const [key, bucket] of this.windows) {
      if (this.windows.size <= this.maxKeys && at - bucket.windowStartedAt < windowMs) break;
      this.windows.delete(key);
    }
  }
}

/** The in-process budgets that go with one database handle (one per app; tests open many). */
const budgetsByDatabase = new WeakMap<DatabaseHandle, MemoryBudgets>();

/**
 * A request budget checked before any work (per client address, per service
 * key): counted in this process's memory on SQLite, which serves from one
 * instance (no write per request; a restart starts the window again), and in
 * the database on PostgreSQL, where the instances share it (countRequest).
 * Budgets counted with their cause inside a transaction (SMS and email sends,
 * case steps) use takeToken on the transaction instead.
 */
export async function requestBudget(
  database: DatabaseHandle,
  key: string,
  now: Date,
  limit: number,
  windowMs: number,
): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
  if (database.engine !== 'sqlite') return countRequest(database.db, key, now, limit, windowMs);
  let budgets = budgetsByDatabase.get(database);
  if (!budgets) budgetsByDatabase.set(database, (budgets = new MemoryBudgets()));
  return budgets.take(key, now, limit, windowMs);
}
