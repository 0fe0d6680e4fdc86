import { and, count, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/types.ts';
import type { Deps } from '../deps.ts';
import type { CaseStatus } from '../../db/schema/index.ts';
import { cases } from '../../db/schema/index.ts';
import { decidedStatuses } from '../cases/case-rules.ts';

const DAY = 86_400_000;
const MEDIAN_WINDOW_MS = 30 * DAY;
const MEDIAN_CACHE_MS = 10 * 60_000;
/** Fewer decisions than this and the median says little: the SLA bound alone is used. */
export const MIN_DECISIONS_FOR_MEDIAN = 5;

/** Statuses in which the requester is waiting for staff (not for themself, not decided). */
const awaitingDecision: readonly CaseStatus[] = ['submitted', 'in_review', 'escalated', 'awaiting_second_approval'];

export interface ExpectedDecision {
  /** When a decision is expected; null once even the SLA bound has passed ("taking longer than usual"). */
  by: string | null;
  basis: 'queue_median' | 'sla' | 'overdue';
  /** The queue's median time from submission to decision over the last 30 days (all risk bands). */
  medianHours: number | null;
}

/**
 * When the requester can expect a decision (pure). The typical answer is the
 * queue's current median time to decision counted from when the case entered
 * the queue; it is never later than the SLA bound, the latest deadline the
 * desk commits to. That bound is the SLA policy's longest deadline, not the
 * case's own: the case's deadline follows its risk band (4 / 12 / 24 h), and
 * the band follows how well the evidence matched, so showing it would tell an
 * impostor whether their answers were right (the no-oracle rule).
 */
export function expectedDecision(input: {
  status: CaseStatus;
  queuedAt: Date | null;
  now: Date;
  medianMs: number | null;
  slaBoundMs: number;
}): ExpectedDecision | null {
  if (!awaitingDecision.includes(input.status) || !input.queuedAt) return null;
  const queued = input.queuedAt.getTime();
  const now = input.now.getTime();
  const bound = queued + input.slaBoundMs;
  const medianHours = input.medianMs === null ? null : Math.round((input.medianMs / 3_600_000) * 10) / 10;
  if (input.medianMs !== null) {
    const typical = queued + input.medianMs;
    if (typical > now && typical <= bound) return { by: new Date(typical).toISOString(), basis: 'queue_median', medianHours };
  }
  if (bound > now) return { by: new Date(bound).toISOString(), basis: 'sla', medianHours };
  return { by: null, basis: 'overdue', medianHours };
}

const medianCache = new WeakMap<Deps, { at: number; medianMs: number | null }>();

/**
 * The median time from submission to decision over the decisions of the last
 * 30 days, all risk bands together. Cached for ten minutes per process: the
 * figure moves slowly and every status page asks for it.
 */
export async function queueMedianDecisionMs(deps: Deps, db: DbOrTx = deps.db): Promise<number | null> {
  const now = deps.clock().getTime();
  const cached = medianCache.get(deps);
  if (cached && now - cached.at >= 0 && now - cached.at < MEDIAN_CACHE_MS) return cached.medianMs;
  const decided = and(gte(cases.decidedAt, new Date(now - MEDIAN_WINDOW_MS)), inArray(cases.status, [...decidedStatuses]), isNotNull(cases.submittedAt));
  const total = Number((await db.select({ n: count() }).from(cases).where(decided).limit(1))[0]?.n ?? 0);
  let medianMs: number | null = null;
  if (total >= MIN_DECISIONS_FOR_MEDIAN) {
    // The middle row(s) of the durations in order; the database sorts, nothing large is read.
    const duration = sql<number>`${cases.decidedAt} - ${cases.submittedAt}`;
    const middle = (
      await db
        .select({ ms: duration })
        .from(cases)
        .where(decided)
        .orderBy(duration)
        .limit(total % 2 ? 1 : 2)
        .offset(total % 2 ? (total - 1) / 2 : total / 2 - 1)
    ).map((r) => Number(r.ms));
    medianMs = middle.reduce((a, b) => a + b, 0) / middle.length;
  }
  medianCache.set(deps, { at: now, medianMs });
  return medianMs;
}

/** Forget the cached median (tests that decide cases and then read the estimate). */
export function forgetQueueMedian(deps: Deps): void {
  medianCache.delete(deps);
}
