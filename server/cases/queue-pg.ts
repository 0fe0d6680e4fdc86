import { count } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { cases } from '../../db/schema/index.ts';
import type { ListQuery } from '../platform/list-query.ts';
import { caseListView, caseOrder, caseWhere, type CaseFilterSpec, type CaseListResult, type CaseSortField, type ListCasesOptions } from './queue.ts';

/** The queue on PostgreSQL: the filter as written (caseWhere), the planner and indexes do the rest. */
export async function listCasesPg(db: Db, q: ListQuery<CaseSortField>, _spec: CaseFilterSpec, now: Date, me: number, options: ListCasesOptions = {}): Promise<CaseListResult> {
  const where = caseWhere(q.filter, now, me);
  const rows = await db.select().from(cases).where(where).orderBy(...caseOrder(q)).limit(q.limit).offset(q.offset);
  const view = rows.map((r) => caseListView(r, now));
  if (options.total === false) return { rows: view, total: null, totalIsEstimate: false };
  const [{ n }] = await db.select({ n: count() }).from(cases).where(where);
  return { rows: view, total: Number(n), totalIsEstimate: false };
}
