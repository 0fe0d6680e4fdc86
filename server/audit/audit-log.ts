import { createHash } from 'node:crypto';
import { asc, eq, gt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { prepareNamed, preparedQuery } from '../../db/prepared.ts';
import { auditEvents, auditHead } from '../../db/schema/index.ts';
import { canonicalJson } from './canonical.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditActor {
  type: 'staff' | 'user' | 'system' | 'service';
  id?: string | number | null;
  label?: string | null;
}

export interface AuditInput {
  actor: AuditActor;
  action: string; // noun.verb, e.g. staff.login, case.approve
  target?: { type: string; id: string | number } | null;
  ip?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

interface ChainedFields {
  id: number;
  ts: number;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  requestId: string | null;
  details: string;
}

/** SHA-256 over the previous hash and the canonical event. */
export function hashAuditEvent(prevHash: string, event: ChainedFields): string {
  const canonical = canonicalJson({
    id: event.id,
    ts: event.ts,
    actorType: event.actorType,
    actorId: event.actorId,
    actorLabel: event.actorLabel,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    ip: event.ip,
    requestId: event.requestId,
    details: JSON.parse(event.details),
  });
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

/**
 * The chain head, locked until the caller's transaction ends. SQLite has one
 * writer at a time (BEGIN IMMEDIATE), so reading it is enough. On PostgreSQL
 * several instances append at once: the head row (created by the migration)
 * is read FOR UPDATE, so appends queue on it and the chain stays one line.
 */
export async function lockChainHead(tx: DbOrTx): Promise<{ lastId: number; lastHash: string } | undefined> {
  if (tx.engine === 'pg') {
    const [row] = await tx.rows<{ lastId: number; lastHash: string }>(
      sql`SELECT last_id AS "lastId", last_hash AS "lastHash" FROM audit_head WHERE id = 1 FOR UPDATE`,
    );
    if (row) return { lastId: Number(row.lastId), lastHash: row.lastHash };
  }
  return (await chainHead(tx).execute())[0];
}

// Every state change and every audited read appends an event: its three statements are prepared once per tx
// (SQLite's tx is one long-lived object; see db/prepared.ts).
const chainHead = preparedQuery('audit_head_read', (tx: DbOrTx, name) => prepareNamed(tx.select().from(auditHead).where(eq(auditHead.id, 1)).limit(1), name));
const p = (name: string) => sql.placeholder(name);
const insertEvent = preparedQuery('audit_event_insert', (tx: DbOrTx, name) =>
  prepareNamed(
    tx.insert(auditEvents).values({
      id: p('id'),
      ts: p('ts'),
      actorType: p('actorType'),
      actorId: p('actorId'),
      actorLabel: p('actorLabel'),
      action: p('action'),
      targetType: p('targetType'),
      targetId: p('targetId'),
      ip: p('ip'),
      requestId: p('requestId'),
      details: p('details'),
      prevHash: p('prevHash'),
      hash: p('hash'),
    }),
    name,
  ),
);
const moveHead = preparedQuery('audit_head_move', (tx: DbOrTx, name) =>
  prepareNamed(
    tx
      .insert(auditHead)
      .values({ id: 1, lastId: p('lastId'), lastHash: p('lastHash') })
      .onConflictDoUpdate({ target: auditHead.id, set: { lastId: sql`excluded.last_id`, lastHash: sql`excluded.last_hash` } }),
    name,
  ),
);

/**
 * The one function that writes audit events. Call it inside the transaction of
 * the change it records: the event exists if and only if the change commits.
 */
export async function recordAuditEvent(tx: DbOrTx, now: Date, input: AuditInput): Promise<{ id: number; hash: string }> {
  const head = await lockChainHead(tx);
  const prevHash = head?.lastHash ?? GENESIS_HASH;
  const fields: ChainedFields = {
    id: (head?.lastId ?? 0) + 1,
    ts: now.getTime(),
    actorType: input.actor.type,
    actorId: input.actor.id == null ? null : String(input.actor.id),
    actorLabel: input.actor.label ?? null,
    action: input.action,
    targetType: input.target?.type ?? null,
    targetId: input.target ? String(input.target.id) : null,
    ip: input.ip ?? null,
    requestId: input.requestId ?? null,
    details: canonicalJson(input.details ?? {}),
  };
  const hash = hashAuditEvent(prevHash, fields);
  await insertEvent(tx).execute({ ...fields, ts: new Date(fields.ts), prevHash, hash });
  await moveHead(tx).execute({ lastId: fields.id, lastHash: hash });
  return { id: fields.id, hash };
}

export type ChainProblem = 'edited' | 'missing' | 'reordered' | 'truncated' | 'head_mismatch';

export type ChainVerdict =
  | { ok: true; count: number; headHash: string }
  | { ok: false; count: number; firstBadEventId: number; problem: ChainProblem; message: string };

/**
 * Walks the whole chain in sequence order (keyset batches, constant memory) and
 * names the first event that was edited, deleted or moved, or events cut off the end.
 */
export async function verifyAuditChain(db: DbOrTx): Promise<ChainVerdict> {
  let expectedId = 1;
  let running = GENESIS_HASH;
  let count = 0;
  let cursor = 0;
  for (;;) {
    const batch = await db.select().from(auditEvents).where(gt(auditEvents.id, cursor)).orderBy(asc(auditEvents.id)).limit(VERIFY_BATCH);
    for (const event of batch) {
      const row = { ...event, ts: event.ts.getTime() };
      if (row.id !== expectedId) {
        return bad(count, expectedId, 'missing', `event ${expectedId} is missing (deleted); the chain continues at ${row.id}`);
      }
      let recomputed: string;
      try {
        recomputed = hashAuditEvent(row.prevHash, row);
      } catch {
        recomputed = '';
      }
      if (recomputed !== row.hash) {
        return bad(count, row.id, 'edited', `event ${row.id} was edited: its contents no longer match its hash`);
      }
      if (row.prevHash !== running) {
        return bad(count, row.id, 'reordered', `event ${row.id} does not follow event ${row.id - 1}: the chain was reordered or rewritten`);
      }
      running = row.hash;
      expectedId++;
      count++;
    }
    if (batch.length < VERIFY_BATCH) break;
    cursor = batch[batch.length - 1]!.id;
  }
  const [head] = await db.select().from(auditHead).where(eq(auditHead.id, 1)).limit(1);
  const lastId = expectedId - 1;
  if (head && head.lastId > lastId) {
    return bad(count, lastId + 1, 'truncated', `events ${lastId + 1}–${head.lastId} are missing (deleted from the end)`);
  }
  if ((head && (head.lastId !== lastId || head.lastHash !== running)) || (!head && count > 0)) {
    return bad(count, lastId, 'head_mismatch', `the chain head does not match event ${lastId}`);
  }
  return { ok: true, count, headHash: running };
}

const VERIFY_BATCH = 5000;

function bad(count: number, id: number, problem: ChainProblem, message: string): ChainVerdict {
  return { ok: false, count, firstBadEventId: id, problem, message };
}
