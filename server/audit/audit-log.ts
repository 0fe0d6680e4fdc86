import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { DbOrTx } from '../../db/client.ts';
import { auditEvents, auditHead } from '../../db/schema/index.ts';
import { canonicalJson } from './canonical.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditActor {
  type: 'staff' | 'user' | 'system';
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
 * The one function that writes audit events. Call it inside the transaction of
 * the change it records (SQLite serialises writers, so the chain stays linear).
 */
export function recordAuditEvent(tx: DbOrTx, now: Date, input: AuditInput): { id: number; hash: string } {
  const head = tx.select().from(auditHead).where(eq(auditHead.id, 1)).get();
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
  tx.insert(auditEvents).values({ ...fields, actorType: input.actor.type, ts: new Date(fields.ts), prevHash, hash }).run();
  tx.insert(auditHead)
    .values({ id: 1, lastId: fields.id, lastHash: hash })
    .onConflictDoUpdate({ target: auditHead.id, set: { lastId: fields.id, lastHash: hash } })
    .run();
  return { id: fields.id, hash };
}

export type ChainProblem = 'edited' | 'missing' | 'reordered' | 'truncated' | 'head_mismatch';

export type ChainVerdict =
  | { ok: true; count: number; headHash: string }
  | { ok: false; count: number; firstBadEventId: number; problem: ChainProblem; message: string };

/**
 * Walks the whole chain in sequence order (streaming, constant memory) and names
 * the first event that was edited, deleted or moved, or events cut off the end.
 */
export function verifyAuditChain(sqlite: Database.Database): ChainVerdict {
  const rows = sqlite
    .prepare(
      `SELECT id, ts, actor_type AS actorType, actor_id AS actorId, actor_label AS actorLabel, action,
              target_type AS targetType, target_id AS targetId, ip, request_id AS requestId, details,
              prev_hash AS prevHash, hash
       FROM audit_events ORDER BY id`,
    )
    .iterate() as IterableIterator<ChainedFields & { prevHash: string; hash: string }>;
  let expectedId = 1;
  let running = GENESIS_HASH;
  let count = 0;
  for (const row of rows) {
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
  const head = sqlite.prepare('SELECT last_id AS lastId, last_hash AS lastHash FROM audit_head WHERE id = 1').get() as
    | { lastId: number; lastHash: string }
    | undefined;
  const lastId = expectedId - 1;
  if (head && head.lastId > lastId) {
    return bad(count, lastId + 1, 'truncated', `events ${lastId + 1}–${head.lastId} are missing (deleted from the end)`);
  }
  if ((head && (head.lastId !== lastId || head.lastHash !== running)) || (!head && count > 0)) {
    return bad(count, lastId, 'head_mismatch', `the chain head does not match event ${lastId}`);
  }
  return { ok: true, count, headHash: running };
}

function bad(count: number, id: number, problem: ChainProblem, message: string): ChainVerdict {
  return { ok: false, count, firstBadEventId: id, problem, message };
}
