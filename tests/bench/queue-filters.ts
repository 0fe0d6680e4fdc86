import { queueStatuses } from '../../server/cases/case-rules.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Values a filter needs from the database it runs on. */
export interface FilterContext {
  now: Date;
  userId: number; // a user with cases
  caseId: number; // an existing case
  caseIds: number[]; // a few existing cases
}

export interface NamedFilter {
  name: string;
  filter: (c: FilterContext) => Record<string, unknown>;
}

const open = [...queueStatuses];

/**
 * Every filter the desk offers: the saved views of the queue (admin-ui
 * case-views.ts), the sidebar and form filters on their own and on top of the
 * default view, and the lookups (search by id or email, a user's cases, ids).
 */
export const queueFilters: NamedFilter[] = [
  { name: 'all', filter: () => ({}) },
  { name: 'view open', filter: () => ({ status: open }) },
  { name: 'view mine', filter: () => ({ assigneeId: 'me', status: 'in_review' }) },
  { name: 'view unassigned', filter: () => ({ assigneeId: 'unassigned', status: ['submitted', 'escalated'] }) },
  { name: 'view sla at risk', filter: (c) => ({ status: open, slaDueAt_lte: new Date(c.now.getTime() + 2 * HOUR).toISOString() }) },
  { name: 'view high risk', filter: () => ({ riskBand: 'high', status: open }) },
  { name: 'view 2nd approval', filter: () => ({ status: 'awaiting_second_approval' }) },
  { name: 'open + band medium', filter: () => ({ status: open, riskBand: 'medium' }) },
  { name: 'open + method bio', filter: () => ({ status: open, method: 'biometric' }) },
  { name: 'open + breached', filter: () => ({ status: open, slaBreached: 'true' }) },
  { name: 'open + not breached', filter: () => ({ status: open, slaBreached: 'false' }) },
  { name: 'band high', filter: () => ({ riskBand: 'high' }) },
  { name: 'bands low+medium', filter: () => ({ riskBand: ['low', 'medium'] }) },
  { name: 'method transfer', filter: () => ({ method: 'transfer_record' }) },
  { name: 'breached', filter: () => ({ slaBreached: 'true' }) },
  { name: 'not breached', filter: () => ({ slaBreached: 'false' }) },
  { name: 'assignee me', filter: () => ({ assigneeId: 'me' }) },
  { name: 'unassigned', filter: () => ({ assigneeId: 'unassigned' }) },
  { name: 'status rejected', filter: () => ({ status: 'rejected' }) },
  { name: 'status approved', filter: () => ({ status: 'approved' }) },
  { name: 'sla due last 7d', filter: (c) => ({ slaDueAt_gte: new Date(c.now.getTime() - 7 * DAY).toISOString(), slaDueAt_lte: c.now.toISOString() }) },
  { name: 'q email prefix', filter: () => ({ q: 'j***@g' }) },
  { name: 'q #id', filter: (c) => ({ q: `#${c.caseId}` }) },
  { name: 'userId', filter: (c) => ({ userId: String(c.userId) }) },
  { name: 'id list', filter: (c) => ({ id: c.caseIds }) },
];

export const queueSorts = ['slaDueAt', 'createdAt', 'riskScore', 'submittedAt', 'id'] as const;
export const sortOrders = ['ASC', 'DESC'] as const;
