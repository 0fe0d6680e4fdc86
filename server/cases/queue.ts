import { and, asc, count, desc, eq, gte, inArray, isNull, like, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { cases, caseStatuses, evidenceMethods, type CaseStatus } from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { filterDate, filterIds, filterString, type ListQuery } from '../platform/list-query.ts';
import { queueStatuses } from './case-rules.ts';

export const caseSortable = ['slaDueAt', 'createdAt', 'riskScore', 'id', 'submittedAt'] as const;
export type CaseSortField = (typeof caseSortable)[number];

type CaseRow = typeof cases.$inferSelect;

export function caseListView(c: CaseRow, now: Date) {
  return {
    id: c.id,
    status: c.status,
    version: c.version,
    userId: c.userId,
    maskedEmail: c.maskedEmail,
    methods: c.methods ? c.methods.split(',') : [],
    riskScore: c.riskScore,
    riskBand: c.riskBand,
    slaDueAt: c.slaDueAt?.toISOString() ?? null,
    slaBreached: Boolean(c.slaDueAt && c.slaDueAt < now && queueStatuses.includes(c.status)),
    assigneeId: c.assigneeId,
    firstApproverId: c.firstApproverId,
    createdAt: c.createdAt.toISOString(),
    submittedAt: c.submittedAt?.toISOString() ?? null,
    decidedAt: c.decidedAt?.toISOString() ?? null,
  };
}

const listOf = (filter: Record<string, unknown>, key: string, allowed: readonly string[]): string[] | undefined => {
  const v = filter[key];
  if (v === undefined || v === null || v === '') return undefined;
  const list = (Array.isArray(v) ? v : [v]).map(String);
  const bad = list.find((x) => !allowed.includes(x));
  if (bad) throw new AppError('validation_failed', `filter.${key}: unknown value ${bad}`, { fields: { [`filter.${key}`]: `one of ${allowed.join(', ')}` } });
  return list;
};

/** The WHERE clause of the queue: every filter the desk offers. */
export function caseWhere(filter: Record<string, unknown>, now: Date, me: number): SQL | undefined {
  const conditions: (SQL | undefined)[] = [];
  const ids = filterIds(filter);
  if (ids) conditions.push(inArray(cases.id, ids));
  const statuses = listOf(filter, 'status', caseStatuses) as CaseStatus[] | undefined;
  if (statuses) conditions.push(statuses.length === 1 ? eq(cases.status, statuses[0]!) : inArray(cases.status, statuses));
  const bands = listOf(filter, 'riskBand', ['low', 'medium', 'high']) as ('low' | 'medium' | 'high')[] | undefined;
  if (bands) conditions.push(bands.length === 1 ? eq(cases.riskBand, bands[0]!) : inArray(cases.riskBand, bands));
  const method = listOf(filter, 'method', evidenceMethods);
  if (method) conditions.push(sql`instr(${cases.methods}, ${method[0]}) > 0`);
  const assignee = filterString(filter, 'assigneeId');
  if (assignee === 'me') conditions.push(eq(cases.assigneeId, me));
  else if (assignee === 'unassigned') conditions.push(isNull(cases.assigneeId));
  else if (assignee !== undefined) {
    if (!/^\d+$/.test(assignee)) throw new AppError('validation_failed', 'filter.assigneeId: an id, "me" or "unassigned"', { fields: { 'filter.assigneeId': 'invalid' } });
    conditions.push(eq(cases.assigneeId, Number(assignee)));
  }
  if (filter.slaBreached !== undefined) {
    const breached = filter.slaBreached === true || filter.slaBreached === 'true';
    conditions.push(breached ? lt(cases.slaDueAt, now) : gte(cases.slaDueAt, now));
    if (!statuses) conditions.push(inArray(cases.status, [...queueStatuses]));
  }
  const dueFrom = filterDate(filter, 'slaDueAt_gte');
  if (dueFrom) conditions.push(gte(cases.slaDueAt, dueFrom));
  const dueTo = filterDate(filter, 'slaDueAt_lte');
  if (dueTo) conditions.push(lte(cases.slaDueAt, dueTo));
  const userId = filterString(filter, 'userId');
  if (userId) conditions.push(eq(cases.userId, Number(userId)));
  const q = filterString(filter, 'q')?.trim();
  if (q) {
    const id = /^#?(\d+)$/.exec(q);
    if (id) conditions.push(eq(cases.id, Number(id[1])));
    else conditions.push(like(cases.maskedEmail, `${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`));
  }
  return conditions.length ? and(...conditions) : undefined;
}

export function caseOrder(q: ListQuery<CaseSortField>) {
  const dir = q.sortOrder === 'ASC' ? asc : desc;
  const column = { slaDueAt: cases.slaDueAt, createdAt: cases.createdAt, riskScore: cases.riskScore, id: cases.id, submittedAt: cases.submittedAt }[q.sortField];
  return q.sortField === 'id' ? [dir(cases.id)] : [dir(column), dir(cases.id)];
}

export function listCases(db: Db, q: ListQuery<CaseSortField>, now: Date, me: number) {
  const where = caseWhere(q.filter, now, me);
  const rows = db.select().from(cases).where(where).orderBy(...caseOrder(q)).limit(q.limit).offset(q.offset).all();
  const total = db.select({ n: count() }).from(cases).where(where).get()?.n ?? 0;
  return { rows: rows.map((r) => caseListView(r, now)), total };
}
