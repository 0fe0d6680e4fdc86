import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { DbOrTx } from '../../db/client.ts';
import { eventDeliveries, securityEvents, users, webhookEndpoints } from '../../db/schema/index.ts';
import { lockChainHead } from '../audit/audit-log.ts';
import type { SecurityEventType } from './event-types.ts';

export { securityEventTypes, type SecurityEventType } from './event-types.ts';

/** Ids and states only: never a secret, a code, an email, a phone number or free text. */
export type SecurityEventData = Record<string, string | number | boolean | null>;

export type SecurityEventRow = typeof securityEvents.$inferSelect;

/**
 * Appends a security event inside the transaction of the change it describes
 * (it exists if and only if the change commits), and queues a delivery for
 * every enabled webhook endpoint that wants its type.
 *
 * The id is the feed cursor. It is assigned as max(id) + 1 while holding the
 * audit chain head lock (the same lock every audit append takes, and every
 * change that emits an event also appends an audit event). So event appends
 * are serialised and commit in id order: a reader never sees id n + 1 before
 * id n has committed, and ids have no holes (a rolled-back transaction gives
 * its id back). On PostgreSQL a sequence could not promise that: ids from
 * nextval() commit out of order and a cursor reader would skip the late one.
 * Call it next to the change's recordAuditEvent, after the change's own row
 * updates (the head lock is then taken in the same order as before).
 */
export async function appendSecurityEvent(
  tx: DbOrTx,
  deps: Deps,
  input: { type: SecurityEventType; userId: number; data?: SecurityEventData },
): Promise<SecurityEventRow> {
  if (!tx.inTransaction) throw new Error('appendSecurityEvent runs inside the transaction of the change it records');
  await lockChainHead(tx);
  const [last] = await tx.rows<{ id: number | string | null }>(sql`SELECT max(id) AS "id" FROM security_events`);
  const id = Number(last?.id ?? 0) + 1;
  const now = deps.clock();
  const row = (
    await tx
      .insert(securityEvents)
      .values({
        id,
        publicId: `evt_${deps.random(15).toString('base64url')}`,
        type: input.type,
        userId: input.userId,
        userExternalId: await externalIdOf(tx, input.userId),
        occurredAt: now,
        data: JSON.stringify(input.data ?? {}),
      })
      .returning()
  )[0]!;
  const endpoints = await tx
    .select({ id: webhookEndpoints.id, eventTypes: webhookEndpoints.eventTypes })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.enabled, true));
  const wanted = endpoints.filter((e) => endpointWants(e.eventTypes, input.type));
  if (wanted.length) {
    await tx
      .insert(eventDeliveries)
      .values(wanted.map((e) => ({ endpointId: e.id, eventId: id, userId: input.userId, status: 'pending' as const, nextAttemptAt: now, createdAt: now })));
  }
  return row;
}

async function externalIdOf(tx: DbOrTx, userId: number): Promise<string | null> {
  return (await tx.select({ externalId: users.externalId }).from(users).where(eq(users.id, userId)).limit(1))[0]?.externalId ?? null;
}

export function endpointWants(eventTypes: string, type: string): boolean {
  return eventTypes === '' || eventTypes.split(',').includes(type);
}

/** The public shape of an event, in the feed and in webhook bodies (Standard Webhooks: type, timestamp, data). */
export function eventView(e: SecurityEventRow) {
  return {
    id: e.publicId,
    cursor: String(e.id),
    type: e.type,
    timestamp: e.occurredAt.toISOString(),
    data: { userId: e.userId, externalId: e.userExternalId, ...(JSON.parse(e.data) as SecurityEventData) },
  };
}

export type SecurityEventView = ReturnType<typeof eventView>;

/** The feed: events after the cursor, in id order. Ids commit in order (see appendSecurityEvent), so this never skips one. */
export async function readEventsAfter(db: DbOrTx, after: number, limit: number): Promise<{ rows: SecurityEventRow[]; hasMore: boolean }> {
  const rows = await db
    .select()
    .from(securityEvents)
    .where(gt(securityEvents.id, after))
    .orderBy(asc(securityEvents.id))
    .limit(limit + 1);
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
}

export async function eventsOfUser(db: DbOrTx, userId: number): Promise<SecurityEventRow[]> {
  return db
    .select()
    .from(securityEvents)
    .where(and(eq(securityEvents.userId, userId)))
    .orderBy(asc(securityEvents.id));
}
