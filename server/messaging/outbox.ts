import { and, asc, eq, gt, lt } from 'drizzle-orm';
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

const MAX_ATTEMPTS = 5;
const bodyContext = (id: number) => `outbox.body:${id}`;
const recipientContext = (id: number) => `outbox.recipient:${id}`;

/**
 * Writes a message inside the caller's transaction (transactional outbox): it
 * exists if and only if the change that caused it commits. Bodies carry codes
 * and links, so they are sealed. Without a provider for the channel, the
 * message stays as `dev` for the development outbox.
 */
export function enqueueMessage(tx: DbOrTx, deps: Deps, message: OutgoingMessage): number {
  const configured = message.channel === 'email' ? deps.transports.email : deps.transports.sms;
  const row = tx
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
    .get();
  tx.update(outbox)
    .set({ recipientEnc: deps.keyring.seal(message.to, recipientContext(row.id)), bodyEnc: deps.keyring.seal(message.body, bodyContext(row.id)) })
    .where(eq(outbox.id, row.id))
    .run();
  return row.id;
}

export function openMessage(deps: Deps, row: typeof outbox.$inferSelect): { to: string; body: string | null } {
  return {
    to: deps.keyring.open(row.recipientEnc, recipientContext(row.id)),
    body: row.bodyEnc ? deps.keyring.open(row.bodyEnc, bodyContext(row.id)) : null,
  };
}

let draining: Promise<void> | null = null;

/**
 * Hands pending messages to the providers. After a successful hand-over the
 * body is erased (the code or link in it must not outlive its delivery).
 * Errors are recorded without the body; after 5 attempts a message is failed.
 */
export function dispatchPending(deps: Deps): Promise<void> {
  if (!deps.transports.email && !deps.transports.sms) return Promise.resolve();
  draining ??= (async () => {
    try {
      // One sweep in id order: a failing message waits for the next sweep (the caller's interval is the back-off).
      let cursor = 0;
      for (;;) {
        const batch = deps.db.select().from(outbox).where(and(eq(outbox.status, 'pending'), lt(outbox.attempts, MAX_ATTEMPTS), gt(outbox.id, cursor))).orderBy(asc(outbox.id)).limit(20).all();
        if (batch.length === 0) return;
        cursor = batch[batch.length - 1]!.id;
        for (const row of batch) {
          const { to, body } = openMessage(deps, row);
          try {
            if (row.channel === 'email') await deps.transports.email!.sendEmail({ from: deps.config.mailFrom, to, subject: row.subject, text: body ?? '' });
            else await deps.transports.sms!.sendSms({ to, text: body ?? '' });
            deps.db.update(outbox).set({ status: 'sent', sentAt: deps.clock(), bodyEnc: '', attempts: row.attempts + 1, lastError: null }).where(eq(outbox.id, row.id)).run();
          } catch (err) {
            const attempts = row.attempts + 1;
            deps.db.update(outbox).set({ attempts, lastError: String((err as Error).message).slice(0, 200), status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending' }).where(eq(outbox.id, row.id)).run();
            deps.logger.warn({ outboxId: row.id, channel: row.channel, attempts }, 'message delivery failed');
          }
        }
      }
    } finally {
      draining = null;
    }
  })();
  return draining;
}
