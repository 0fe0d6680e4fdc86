import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { dialectSql } from '../../db/dialect-sql.ts';
import type { Deps } from '../deps.ts';
import type { DbOrTx } from '../../db/client.ts';
import { outbox } from '../../db/schema/index.ts';

export interface OutgoingMessage {
  channel: 'email' | 'sms';
  to: string;
  recipientMasked: string;
  subject: string;
  body: string;
  template: string;
  userId?: number | null;
}

/** Attempts before a message is given up as failed: with the doubling wait (capped at RETRY_CAP_MS) about an hour of provider outage at the default 5 s. */
export const MAX_ATTEMPTS = 12;
const RETRY_CAP_MS = 15 * 60_000;

/** The wait after the n-th failed attempt: base, 2·base, 4·base, … capped. */
export function retryDelayMs(baseMs: number, attempts: number): number {
  return Math.min(RETRY_CAP_MS, baseMs * 2 ** Math.max(0, attempts - 1));
}
const bodyContext = (id: number) => `outbox.body:${id}`;
const recipientContext = (id: number) => `outbox.recipient:${id}`;

/**
 * Writes a message inside the caller's transaction (transactional outbox): it
 * exists if and only if the change that caused it commits. Bodies carry codes
 * and links, so they are sealed. Without a provider for the channel, the
 * message stays as `dev` for the development outbox.
 */
export async function enqueueMessage(tx: DbOrTx, deps: Deps, message: OutgoingMessage): Promise<number> {
  const configured = message.channel === 'email' ? deps.transports.email : deps.transports.sms;
  const row = (
    await tx
      .insert(outbox)
      .values({
        channel: message.channel,
        recipientEnc: 'pending',
        recipientMasked: message.recipientMasked,
        subject: message.subject,
        bodyEnc: 'pending',
        template: message.template,
        userId: message.userId ?? null,
        status: configured ? 'pending' : 'dev',
        createdAt: deps.clock(),
      })
      .returning({ id: outbox.id })
  )[0];
  await tx
    .update(outbox)
    .set({ recipientEnc: deps.keyring.seal(message.to, recipientContext(row.id)), bodyEnc: deps.keyring.seal(message.body, bodyContext(row.id)) })
    .where(eq(outbox.id, row.id));
  return row.id;
}

export function openMessage(deps: Deps, row: typeof outbox.$inferSelect): { to: string; body: string | null } {
  return {
    to: deps.keyring.open(row.recipientEnc, recipientContext(row.id)),
    body: row.bodyEnc ? deps.keyring.open(row.bodyEnc, bodyContext(row.id)) : null,
  };
}

let current: Promise<void> | null = null;

/** The dispatch in progress, if any (shutdown waits for it). */
export function draining(): Promise<void> | null {
  return current;
}

/** How long an instance may hold a claimed message before another may retry it. */
export const OUTBOX_LEASE_MS = 60_000;
const BATCH = 20;

/**
 * Claims up to BATCH deliverable messages for this instance: pending ones, and
 * ones whose claimer's lease ran out (it crashed mid-send). One UPDATE … WHERE
 * id IN (… FOR UPDATE SKIP LOCKED): on PostgreSQL two instances never claim the
 * same row (the status test is re-checked on the locked row too); SQLite has
 * one writer, so the statement alone is atomic.
 */
async function claimBatch(deps: Deps, now: Date, afterId: number): Promise<(typeof outbox.$inferSelect)[]> {
  const db = deps.db;
  // A pending message whose lease_until lies ahead is waiting out its back-off after a failure.
  const deliverable = or(
    and(eq(outbox.status, 'pending'), or(isNull(outbox.leaseUntil), lt(outbox.leaseUntil, now))),
    and(eq(outbox.status, 'sending'), lt(outbox.leaseUntil, now)),
  );
  const candidates = sql`(SELECT ${outbox.id} FROM ${outbox} WHERE ${deliverable} AND ${outbox.attempts} < ${MAX_ATTEMPTS} AND ${outbox.id} > ${afterId} ORDER BY ${outbox.id} LIMIT ${BATCH}${dialectSql.forUpdateSkipLocked(db.engine)})`;
  const claimed = await db
    .update(outbox)
    .set({ status: 'sending', leaseUntil: new Date(now.getTime() + OUTBOX_LEASE_MS) })
    .where(and(inArray(outbox.id, candidates), deliverable))
    .returning();
  return claimed.sort((a, b) => a.id - b.id);
}

/**
 * Hands pending messages to the providers, each once across every instance
 * (see claimBatch). After a successful hand-over the body is erased (the code
 * or link in it must not outlive its delivery). Errors are recorded without
 * the body; after 5 attempts a message is failed.
 */
export function dispatchPending(deps: Deps): Promise<void> {
  if (!deps.transports.email && !deps.transports.sms) return Promise.resolve();
  current ??= (async () => {
    try {
      // One sweep in id order: a failing message goes back to pending, not to be claimed again before its back-off ends.
      let cursor = 0;
      for (;;) {
        const batch = await claimBatch(deps, deps.clock(), cursor);
        if (batch.length === 0) return;
        cursor = batch[batch.length - 1]!.id;
        for (const row of batch) {
          const { to, body } = openMessage(deps, row);
          try {
            if (row.channel === 'email') await deps.transports.email!.sendEmail({ from: deps.config.mailFrom, to, subject: row.subject, text: body ?? '' });
            else await deps.transports.sms!.sendSms({ to, text: body ?? '' });
            await deps.db
              .update(outbox)
              .set({ status: 'sent', sentAt: deps.clock(), bodyEnc: '', attempts: row.attempts + 1, lastError: null, leaseUntil: null })
              .where(and(eq(outbox.id, row.id), eq(outbox.status, 'sending')));
          } catch (err) {
            const attempts = row.attempts + 1;
            const retryAt = attempts >= MAX_ATTEMPTS ? null : new Date(deps.clock().getTime() + retryDelayMs(deps.config.outboxRetryBaseMs, attempts));
            await deps.db
              .update(outbox)
              .set({ attempts, lastError: String((err as Error).message).slice(0, 200), status: retryAt ? 'pending' : 'failed', leaseUntil: retryAt })
              .where(and(eq(outbox.id, row.id), eq(outbox.status, 'sending')));
            deps.logger.warn({ outboxId: row.id, channel: row.channel, attempts, retryAt: retryAt?.toISOString() ?? null }, 'message delivery failed');
          }
        }
      }
    } finally {
      current = null;
    }
  })();
  return current;
}
