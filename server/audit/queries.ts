import { and, asc, count, desc, eq, gt, gte, inArray, type like, lt, lte, or, type SQL } from 'drizzle-orm';
import type { Db, Engine } from '../../db/client.ts';
import { dialectSql } from '../../db/dialect-sql.ts';
import { auditEvents } from '../../db/schema/index.ts';
import { filterDate, filterIds, filterString, type ListQuery } from '../platform/list-query.ts';
import { AppError } from '../errors.ts';

export const auditSortable = ['id', 'ts', 'action', 'actorType'] as const;
export type AuditSortField = (typeof auditSortable)[number];

export interface AuditEventView {
  id: number;
  ts: string;
  actorType: 'staff' | 'user' | 'system' | 'service';
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  hash: string;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

function whereOf(filter: Record<string, unknown>, engine: Engine): SQL | undefined {
  const conditions: (SQL | undefined)[] = [];
  const ids = filterIds(filter);
  if (ids) conditions.push(inArray(auditEvents.id, ids));
  const action = filterString(filter, 'action');
  if (action) {
    conditions.push(action.endsWith('*') ? dialectSql.like(engine, auditEvents.action, `${escapeLike(action.slice(0, -1))}%`) : eq(auditEvents.action, action));
  }
  const actorType = filterString(filter, 'actorType');
  if (actorType) {
    if (!['staff', 'user', 'system', 'service'].includes(actorType))
      throw new AppError('validation_failed', 'filter.actorType must be staff, user, system or service', {
        fields: { 'filter.actorType': 'unknown actor type' },
      });
    conditions.push(eq(auditEvents.actorType, actorType as 'staff'));
  }
  const actorId = filterString(filter, 'actorId');
  if (actorId) conditions.push(eq(auditEvents.actorId, actorId));
  const targetType = filterString(filter, 'targetType');
  if (targetType) conditions.push(eq(auditEvents.targetType, targetType));
  const targetId = filterString(filter, 'targetId');
  if (targetId) conditions.push(eq(auditEvents.targetId, targetId));
  const from = filterDate(filter, 'ts_gte');
  if (from) conditions.push(gte(auditEvents.ts, from));
  const to = filterDate(filter, 'ts_lte');
  if (to) conditions.push(lte(auditEvents.ts, to));
  const q = filterString(filter, 'q');
  if (q) {
    const pattern = `%${escapeLike(q)}%`;
    conditions.push(
      or(
        sqlLike(auditEvents.action, pattern, engine),
        sqlLike(auditEvents.actorLabel, pattern, engine),
        sqlLike(auditEvents.targetId, pattern, engine),
        sqlLike(auditEvents.requestId, pattern, engine),
        sqlLike(auditEvents.ip, pattern, engine),
      ),
    );
  }
  return conditions.length ? and(...conditions) : undefined;
}

function sqlLike(column: Parameters<typeof like>[0], pattern: string, engine: Engine): SQL {
  return dialectSql.like(engine, column, pattern);
}

function orderOf(q: ListQuery<AuditSortField>) {
  const column = { id: auditEvents.id, ts: auditEvents.ts, action: auditEvents.action, actorType: auditEvents.actorType }[q.sortField];
  const dir = q.sortOrder === 'ASC' ? asc : desc;
  // id breaks ties so pages are stable
  return q.sortField === 'id' ? [dir(auditEvents.id)] : [dir(column), dir(auditEvents.id)];
}

function toView(row: typeof auditEvents.$inferSelect): AuditEventView {
  return {
    id: row.id,
    ts: row.ts.toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    actorLabel: row.actorLabel,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    ip: row.ip,
    requestId: row.requestId,
    details: JSON.parse(row.details) as Record<string, unknown>,
    hash: row.hash,
  };
}

export async function listAuditEvents(db: Db, q: ListQuery<AuditSortField>): Promise<{ rows: AuditEventView[]; total: number }> {
  const where = whereOf(q.filter, db.engine);
  const rows = await db
    .select()
    .from(auditEvents)
    .where(where)
    .orderBy(...orderOf(q))
    .limit(q.limit)
    .offset(q.offset);
  const total = (await db.select({ n: count() }).from(auditEvents).where(where).limit(1))[0]?.n ?? 0;
  return { rows: rows.map(toView), total };
}

/**
 * All matching events in sequence order (ascending unless `order` is DESC), read
 * in keyset batches so an export of millions of rows stays in constant memory.
 */
export function iterateAuditEvents(db: Db, filter: Record<string, unknown>, order: 'ASC' | 'DESC' = 'ASC'): AsyncGenerator<AuditEventView> {
  // The filter is checked now, before anything is sent: a bad one is a 400, not a broken download.
  return auditBatches(db, whereOf(filter, db.engine), order);
}

async function* auditBatches(db: Db, where: SQL | undefined, order: 'ASC' | 'DESC'): AsyncGenerator<AuditEventView> {
  let cursor: number | undefined;
  for (;;) {
    const after = cursor === undefined ? undefined : order === 'ASC' ? gt(auditEvents.id, cursor) : lt(auditEvents.id, cursor);
    const batch = await db
      .select()
      .from(auditEvents)
      .where(and(where, after))
      .orderBy(order === 'ASC' ? asc(auditEvents.id) : desc(auditEvents.id))
      .limit(1000);
    for (const row of batch) yield toView(row);
    if (batch.length < 1000) return;
    cursor = batch[batch.length - 1]!.id;
  }
}
