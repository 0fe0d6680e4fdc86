import { and, asc, eq, gte, inArray } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { auditEvents, cases, staff } from '../../db/schema/index.ts';
import { INSIDER_THRESHOLDS, decisionsInWindow, insiderPeriod, reviewerReports, type CaseRisk, type ReviewerReport, type StaffEvent } from './insider-rules.ts';

export const INSIDER_WINDOWS = [7, 30] as const;
export type InsiderWindowDays = (typeof INSIDER_WINDOWS)[number];

/** An audit event cited as evidence, as much of it as the page shows. */
export interface EvidenceEvent {
  id: number;
  ts: string;
  staffId: number;
  action: string;
  targetType: string | null;
  targetId: string | null;
}

export interface InsiderReport {
  generatedAt: string;
  days: number;
  windowStart: string;
  referenceStart: string;
  fastSeconds: number;
  thresholds: typeof INSIDER_THRESHOLDS;
  team: { decisions: number; approvals: number; rate: number | null };
  reviewers: ReviewerReport[];
  /** Every event a figure cites, by id, so the page can list them without the audit trail permission. */
  events: EvidenceEvent[];
}

const CASE_CHUNK = 500;
/** Decisions carry the four-eyes stage in their details; other events are read without them. */
const DETAILED_ACTIONS = new Set(['case.approve', 'case.reject']);

/**
 * The insider signals of every reviewer (agents and supervisors) for the last
 * `days` days. Three reads, each bounded and on an index: the staff table; the
 * reviewers' own audit events since the reference period began (the actor
 * index, from the first event id at that time, found on the ts index); and
 * the risk of the cases they decided (primary key).
 */
export async function loadInsiderSignals(deps: Deps, options: { days: InsiderWindowDays; fastSeconds: number }): Promise<InsiderReport> {
  const period = insiderPeriod(deps.clock(), options.days);
  const staffRows = await deps.db
    .select({ id: staff.id, name: staff.name, role: staff.role, disabledAt: staff.disabledAt })
    .from(staff)
    .where(inArray(staff.role, ['agent', 'supervisor']))
    .orderBy(asc(staff.id));

  const first = (
    await deps.db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(gte(auditEvents.ts, period.referenceStart))
      .orderBy(asc(auditEvents.ts), asc(auditEvents.id))
      .limit(1)
  )[0];

  const events: StaffEvent[] = [];
  if (first && staffRows.length) {
    const rows = await deps.db
      .select({
        id: auditEvents.id,
        ts: auditEvents.ts,
        actorId: auditEvents.actorId,
        action: auditEvents.action,
        targetType: auditEvents.targetType,
        targetId: auditEvents.targetId,
        details: auditEvents.details,
      })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.actorType, 'staff'),
          inArray(
            auditEvents.actorId,
            staffRows.map((s) => String(s.id)),
          ),
          gte(auditEvents.id, first.id),
        ),
      )
      .orderBy(asc(auditEvents.id));
    const start = period.referenceStart.getTime();
    const end = period.now.getTime();
    for (const r of rows) {
      const t = r.ts.getTime();
      if (t < start || t > end) continue;
      events.push({
        id: r.id,
        ts: r.ts,
        staffId: Number(r.actorId),
        action: r.action,
        targetType: r.targetType,
        targetId: r.targetId,
        details: DETAILED_ACTIONS.has(r.action) ? parseDetails(r.details) : {},
      });
    }
  }

  const decisions = await decisionsInWindow(events, period);
  const caseIds = [...new Set(decisions.map((d) => d.caseId))];
  const risks = new Map<number, CaseRisk>();
  for (let i = 0; i < caseIds.length; i += CASE_CHUNK) {
    const chunk = caseIds.slice(i, i + CASE_CHUNK);
    for (const c of await deps.db
      .select({ id: cases.id, riskBand: cases.riskBand, riskSignals: cases.riskSignals })
      .from(cases)
      .where(inArray(cases.id, chunk))) {
      risks.set(c.id, { id: c.id, riskBand: c.riskBand, signals: signalNames(c.riskSignals) });
    }
  }

  const activeInWindow = new Set(events.filter((e) => e.ts.getTime() >= period.windowStart.getTime()).map((e) => e.staffId));
  const reviewers = staffRows
    .filter((s) => !s.disabledAt || activeInWindow.has(s.id))
    .map((s) => ({ id: s.id, name: s.name, role: s.role, disabled: s.disabledAt !== null }));
  const reports = await reviewerReports({ reviewers, events, cases: risks, period, fastSeconds: options.fastSeconds });

  const cited = new Set(reports.flatMap((r) => Object.values(r.signals).flatMap((s) => s.evidence.eventIds)));
  const approvals = decisions.filter((d) => d.outcome === 'approve').length;
  return {
    generatedAt: period.now.toISOString(),
    days: options.days,
    windowStart: period.windowStart.toISOString(),
    referenceStart: period.referenceStart.toISOString(),
    fastSeconds: options.fastSeconds,
    thresholds: INSIDER_THRESHOLDS,
    team: { decisions: decisions.length, approvals, rate: decisions.length ? approvals / decisions.length : null },
    reviewers: reports,
    events: events
      .filter((e) => cited.has(e.id))
      .map((e) => ({ id: e.id, ts: e.ts.toISOString(), staffId: e.staffId, action: e.action, targetType: e.targetType, targetId: e.targetId })),
  };
}

function parseDetails(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function signalNames(json: string | null): string[] {
  if (!json) return [];
  try {
    const list: unknown = JSON.parse(json);
    return Array.isArray(list) ? list.map((s) => (s && typeof s === 'object' ? String((s as { signal?: unknown }).signal) : '')).filter(Boolean) : [];
  } catch {
    return [];
  }
}
