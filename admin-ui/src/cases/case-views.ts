// The queue's saved views: one click to the slices a Monday morning needs.
import { OPEN_STATUSES } from './case-types';
import { SLA_AT_RISK_MS } from './SlaChip';

export type CaseFilter = Record<string, unknown>;

export interface CaseView {
  id: string;
  /** The filter to apply, built when clicked (the SLA view needs the time). */
  filter: (now: number) => CaseFilter;
  /** The order it reads best in; the queue's default is the most urgent SLA first. */
  sort?: { field: string; order: 'ASC' | 'DESC' };
}

export const DEFAULT_CASE_SORT = { field: 'slaDueAt', order: 'ASC' } as const;

export const CASE_VIEWS: CaseView[] = [
  { id: 'open', filter: () => ({ status: [...OPEN_STATUSES] }) },
  { id: 'mine', filter: () => ({ assigneeId: 'me', status: 'in_review' }) },
  { id: 'unassigned', filter: () => ({ assigneeId: 'unassigned', status: ['submitted', 'escalated'] }) },
  {
    id: 'sla_at_risk',
    filter: (now) => ({ status: [...OPEN_STATUSES], slaDueAt_lte: new Date(now + SLA_AT_RISK_MS).toISOString() }),
  },
  { id: 'high_risk', filter: () => ({ riskBand: 'high', status: [...OPEN_STATUSES] }) },
  { id: 'second_approval', filter: () => ({ status: 'awaiting_second_approval' }) },
  // Decided and unsubmitted cases have no SLA: newest first reads better.
  { id: 'all', filter: () => ({}), sort: { field: 'id', order: 'DESC' } },
];

export const DEFAULT_CASE_FILTER: CaseFilter = CASE_VIEWS[0].filter(0);

// Compares filters as the server reads them: a one-item list is the item;
// list order does not matter; an SLA cut-off matches any cut-off (it moves with the clock).
const normalise = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.length === 1 ? String(value[0]) : value.map(String).sort().join(',');
  return value === undefined || value === null || value === '' ? undefined : String(value);
};

export const filterMatchesView = (filter: CaseFilter, view: CaseView): boolean => {
  const expected = view.filter(0);
  const keys = new Set([...Object.keys(filter), ...Object.keys(expected)]);
  for (const key of keys) {
    const actual = normalise(filter[key]);
    const wanted = normalise(expected[key]);
    if (key === 'slaDueAt_lte') {
      if ((actual === undefined) !== (wanted === undefined)) return false;
    } else if (actual !== wanted) {
      return false;
    }
  }
  return true;
};

export const activeViewOf = (filter: CaseFilter): CaseView | undefined => CASE_VIEWS.find((view) => filterMatchesView(filter, view));

/** A link to the queue with a filter (and the default order: most urgent first). */
export const caseListLink = (filter: CaseFilter): string =>
  `/cases?${new URLSearchParams({ filter: JSON.stringify(filter), sort: 'slaDueAt', order: 'ASC', page: '1' })}`;
