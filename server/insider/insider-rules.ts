/**
 * Insider signals: patterns in a reviewer's own audit trail that, together,
 * look like a support account being used to take over customers' accounts
 * (the 2020 Twitter and 2025 Coinbase incidents came through support staff).
 *
 * Pure functions: the service loads the staff events and the cases, the clock
 * comes in as `period.now`. Each rule answers a figure, whether it is flagged,
 * and the ids of the audit events and cases behind it, so a supervisor can
 * check the figure instead of trusting it. A flag is a reason to look, never a
 * verdict: every threshold below is named and reported with the figures.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Usual hours and the reveal baseline come from the four weeks before the window. */
export const REFERENCE_DAYS = 28;

/** A rate above the team's must also be unlikely to be chance: a binomial z-score against the team's rate. */
export const RATE_MIN_Z = 2;

/** Approval rate: flagged when clearly above the rest of the team's, on enough decisions. */
export const APPROVAL_RATE_MIN_DECISIONS = 5;
export const APPROVAL_RATE_MIN_PEER_DECISIONS = 5;
export const APPROVAL_RATE_MARGIN = 0.15; // 15 percentage points above the rest of the team

/**
 * Approvals of high-risk or cross-account cases: flagged at this many when the
 * reviewer approves such cases clearly more often than the rest of the team
 * does (or when the team has decided none to compare with).
 */
export const RISKY_APPROVALS_MIN = 2;
export const RISKY_APPROVAL_RATE_MARGIN = 0.3;

/** Reveals of personal data: flagged at this many in the window, at this multiple of the reviewer's own daily baseline. */
export const REVEALS_MIN = 5;
export const REVEALS_BASELINE_RATIO = 3;

/**
 * Usual hours (UTC) are the hours in which, counting two hours either side,
 * the reviewer did at least this share of their reference-period actions;
 * judged only with enough reference actions.
 */
export const USUAL_HOUR_NEIGHBOURS = 2;
export const USUAL_HOUR_MIN_SHARE = 0.05;
export const USUAL_HOURS_MIN_REFERENCE_ACTIONS = 50;
export const OFF_HOURS_MIN = 3;
export const OFF_HOURS_MIN_SHARE = 0.1;

/** Decisions faster than N seconds after opening the case; N is a parameter (30 s by default). */
export const FAST_DECISION_DEFAULT_SECONDS = 30;
export const FAST_DECISIONS_MIN = 3;

/** At most this many evidence ids per figure (newest first); `total` says how many there are. */
export const EVIDENCE_LIMIT = 50;

/** Risk signals that look across accounts (server/cases/risk.ts). */
export const CROSS_ACCOUNT_SIGNALS = ['ip_on_other_accounts', 'device_on_other_accounts', 'txid_on_other_cases', 'txid_other_account'] as const;

export const INSIDER_THRESHOLDS = {
  referenceDays: REFERENCE_DAYS,
  approvalRateMinDecisions: APPROVAL_RATE_MIN_DECISIONS,
  approvalRateMargin: APPROVAL_RATE_MARGIN,
  rateMinZ: RATE_MIN_Z,
  riskyApprovalsMin: RISKY_APPROVALS_MIN,
  riskyApprovalRateMargin: RISKY_APPROVAL_RATE_MARGIN,
  revealsMin: REVEALS_MIN,
  revealsBaselineRatio: REVEALS_BASELINE_RATIO,
  usualHourNeighbours: USUAL_HOUR_NEIGHBOURS,
  usualHourMinShare: USUAL_HOUR_MIN_SHARE,
  usualHoursMinReferenceActions: USUAL_HOURS_MIN_REFERENCE_ACTIONS,
  offHoursMin: OFF_HOURS_MIN,
  offHoursMinShare: OFF_HOURS_MIN_SHARE,
  fastDecisionsMin: FAST_DECISIONS_MIN,
} as const;

/** One audit event whose actor is a staff member. */
export interface StaffEvent {
  id: number;
  ts: Date;
  staffId: number;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
}

/** What the rules need of a case: its band and signals now. */
export interface CaseRisk {
  id: number;
  riskBand: 'low' | 'medium' | 'high' | null;
  signals: string[];
}

/** The window looked at, and the reference period before it. */
export interface InsiderPeriod {
  now: Date;
  windowStart: Date;
  referenceStart: Date;
}

export function insiderPeriod(now: Date, days: number): InsiderPeriod {
  const windowStart = new Date(now.getTime() - days * DAY);
  return { now, windowStart, referenceStart: new Date(windowStart.getTime() - REFERENCE_DAYS * DAY) };
}

export interface Evidence {
  eventIds: number[];
  caseIds: number[];
  /** How many evidence events there are (the lists stop at EVIDENCE_LIMIT). */
  total: number;
}

export interface Signal<F> {
  flagged: boolean;
  figure: F;
  evidence: Evidence;
}

export interface Decision {
  eventId: number;
  ts: Date;
  staffId: number;
  caseId: number;
  outcome: 'approve' | 'reject';
  /**
   * `second`: a supervisor's approval or rejection of someone else's first
   * approval, the four-eyes check. The rules on approvals look at first looks
   * (`single` and `first`): the decisions where a reviewer vouches for the
   * evidence themselves.
   */
  stage: 'single' | 'first' | 'second';
}

const firstLook = (d: Decision) => d.stage !== 'second';

const inWindow = (e: { ts: Date }, p: InsiderPeriod) => e.ts.getTime() >= p.windowStart.getTime() && e.ts.getTime() <= p.now.getTime();
const inReference = (e: { ts: Date }, p: InsiderPeriod) => e.ts.getTime() >= p.referenceStart.getTime() && e.ts.getTime() < p.windowStart.getTime();
const caseIdOf = (e: StaffEvent): number | null => (e.targetType === 'case' && e.targetId && /^\d+$/.test(e.targetId) ? Number(e.targetId) : null);

/** Evidence from events, newest first, capped; case ids in the same order, once each. */
export function evidenceOf(events: readonly { id: number; caseId?: number | null }[]): Evidence {
  const newest = [...events].sort((a, b) => b.id - a.id);
  const eventIds = newest.slice(0, EVIDENCE_LIMIT).map((e) => e.id);
  const caseIds = [...new Set(newest.map((e) => e.caseId).filter((id): id is number => typeof id === 'number'))].slice(0, EVIDENCE_LIMIT);
  return { eventIds, caseIds, total: events.length };
}

/** Approvals and rejections in the window, with their four-eyes stage. */
export function decisionsInWindow(events: readonly StaffEvent[], period: InsiderPeriod): Decision[] {
  const decisions: Decision[] = [];
  for (const e of events) {
    if ((e.action !== 'case.approve' && e.action !== 'case.reject') || !inWindow(e, period)) continue;
    const caseId = caseIdOf(e);
    if (caseId === null) continue;
    const fourEyes = e.details.fourEyes;
    const second = (fourEyes !== null && typeof fourEyes === 'object') || e.details.fromStatus === 'awaiting_second_approval';
    const stage = second ? 'second' : fourEyes === 'first_approval' ? 'first' : 'single';
    decisions.push({ eventId: e.id, ts: e.ts, staffId: e.staffId, caseId, outcome: e.action === 'case.approve' ? 'approve' : 'reject', stage });
  }
  return decisions;
}

export interface ApprovalRateFigure {
  approvals: number;
  decisions: number;
  rate: number | null;
  /** The rest of the team: every other reviewer's decisions in the window. */
  teamRate: number | null;
  teamDecisions: number;
}

/** The reviewer's approval rate on first looks against the rest of the team's. Evidence: their approvals. */
export function approvalRateSignal(staffId: number, decisions: readonly Decision[]): Signal<ApprovalRateFigure> {
  const looks = decisions.filter(firstLook);
  const mine = looks.filter((d) => d.staffId === staffId);
  const peers = looks.filter((d) => d.staffId !== staffId);
  const approvals = mine.filter((d) => d.outcome === 'approve');
  const peerApprovals = peers.filter((d) => d.outcome === 'approve').length;
  const rate = mine.length ? approvals.length / mine.length : null;
  const teamRate = peers.length ? peerApprovals / peers.length : null;
  const flagged =
    mine.length >= APPROVAL_RATE_MIN_DECISIONS &&
    peers.length >= APPROVAL_RATE_MIN_PEER_DECISIONS &&
    clearlyAbove(rate, teamRate, mine.length, APPROVAL_RATE_MARGIN);
  return {
    flagged,
    figure: { approvals: approvals.length, decisions: mine.length, rate, teamRate, teamDecisions: peers.length },
    evidence: evidenceOf(approvals.map((d) => ({ id: d.eventId, caseId: d.caseId }))),
  };
}

export const isCrossAccount = (c: CaseRisk | undefined) => Boolean(c?.signals.some((s) => (CROSS_ACCOUNT_SIGNALS as readonly string[]).includes(s)));

/**
 * A first or only approval of a high-risk case or of a case with a
 * cross-account signal. A supervisor's second approval is the four-eyes
 * control doing its job, so it does not count.
 */
export function isRiskyApproval(d: Decision, c: CaseRisk | undefined): boolean {
  if (d.outcome !== 'approve' || !firstLook(d) || !c) return false;
  return isCrossAccount(c) || c.riskBand === 'high';
}

export interface RiskyApprovalsFigure {
  /** First or only approvals of high-risk or cross-account cases. */
  count: number;
  highRisk: number;
  crossAccount: number;
  /** The high-risk or cross-account cases the reviewer decided (first looks). */
  riskyDecisions: number;
  rate: number | null;
  /** The rest of the team's approval rate on such cases. */
  teamRate: number | null;
  teamRiskyDecisions: number;
}

/**
 * How often the reviewer approves high-risk or cross-account cases, against
 * how often the rest of the team approves them: a rate on those cases, so a
 * reviewer who simply got more of them is not flagged for it.
 */
export function riskyApprovalsSignal(staffId: number, decisions: readonly Decision[], cases: ReadonlyMap<number, CaseRisk>): Signal<RiskyApprovalsFigure> {
  const isRisky = (d: Decision) => {
    const c = cases.get(d.caseId);
    return c !== undefined && (c.riskBand === 'high' || isCrossAccount(c));
  };
  const looks = decisions.filter((d) => firstLook(d) && isRisky(d));
  const mine = looks.filter((d) => d.staffId === staffId);
  const peers = looks.filter((d) => d.staffId !== staffId);
  const risky = mine.filter((d) => isRiskyApproval(d, cases.get(d.caseId)));
  const peerApprovals = peers.filter((d) => d.outcome === 'approve').length;
  const rate = mine.length ? risky.length / mine.length : null;
  const teamRate = peers.length ? peerApprovals / peers.length : null;
  const flagged = risky.length >= RISKY_APPROVALS_MIN && (teamRate === null || clearlyAbove(rate, teamRate, mine.length, RISKY_APPROVAL_RATE_MARGIN));
  return {
    flagged,
    figure: {
      count: risky.length,
      highRisk: risky.filter((d) => cases.get(d.caseId)?.riskBand === 'high').length,
      crossAccount: risky.filter((d) => isCrossAccount(cases.get(d.caseId))).length,
      riskyDecisions: mine.length,
      rate,
      teamRate,
      teamRiskyDecisions: peers.length,
    },
    evidence: evidenceOf(risky.map((d) => ({ id: d.eventId, caseId: d.caseId }))),
  };
}

/** `rate` is at least `margin` above `teamRate` and, on `n` decisions, unlikely to be chance. */
export function clearlyAbove(rate: number | null, teamRate: number | null, n: number, margin: number): boolean {
  if (rate === null || teamRate === null || n === 0) return false;
  if (rate - teamRate < margin) return false;
  const spread = Math.sqrt((teamRate * (1 - teamRate)) / n);
  return spread === 0 || (rate - teamRate) / spread >= RATE_MIN_Z;
}

export interface RevealsFigure {
  count: number;
  perDay: number;
  baselineCount: number;
  baselinePerDay: number;
}

/** Reveals of personal data per day in the window, against the reviewer's own reference-period rate. */
export function revealsSignal(staffId: number, events: readonly StaffEvent[], period: InsiderPeriod): Signal<RevealsFigure> {
  const reveals = events.filter((e) => e.staffId === staffId && e.action === 'user.reveal');
  const recent = reveals.filter((e) => inWindow(e, period));
  const baseline = reveals.filter((e) => inReference(e, period));
  const windowDays = (period.now.getTime() - period.windowStart.getTime()) / DAY;
  const referenceDays = (period.windowStart.getTime() - period.referenceStart.getTime()) / DAY;
  const perDay = windowDays > 0 ? recent.length / windowDays : 0;
  const baselinePerDay = referenceDays > 0 ? baseline.length / referenceDays : 0;
  const flagged = recent.length >= REVEALS_MIN && perDay >= REVEALS_BASELINE_RATIO * baselinePerDay;
  return {
    flagged,
    figure: { count: recent.length, perDay: round2(perDay), baselineCount: baseline.length, baselinePerDay: round2(baselinePerDay) },
    evidence: evidenceOf(recent.map((e) => ({ id: e.id, caseId: caseIdOf(e) }))),
  };
}

/**
 * The UTC hours in which a reviewer usually works: an hour counts when it and
 * the USUAL_HOUR_NEIGHBOURS hours either side hold at least
 * USUAL_HOUR_MIN_SHARE of their actions, so a lone early morning does not make
 * early mornings usual, and a quiet hour inside a working day is not unusual.
 * Null when there are too few actions to tell.
 */
export function usualHours(actions: readonly { ts: Date }[]): number[] | null {
  if (actions.length < USUAL_HOURS_MIN_REFERENCE_ACTIONS) return null;
  const byHour = new Array<number>(24).fill(0);
  for (const a of actions) byHour[a.ts.getUTCHours()]! += 1;
  const hours: number[] = [];
  for (let h = 0; h < 24; h++) {
    let around = 0;
    for (let d = -USUAL_HOUR_NEIGHBOURS; d <= USUAL_HOUR_NEIGHBOURS; d++) around += byHour[(h + d + 24) % 24]!;
    if (around / actions.length >= USUAL_HOUR_MIN_SHARE) hours.push(h);
  }
  return hours;
}

export interface OffHoursFigure {
  count: number;
  actions: number;
  /** UTC hours learnt from the reference period; null when it had too few actions. */
  usualHours: number[] | null;
  referenceActions: number;
}

/** Window actions outside the hours the reviewer worked in the reference period. */
export function offHoursSignal(staffId: number, events: readonly StaffEvent[], period: InsiderPeriod): Signal<OffHoursFigure> {
  const mine = events.filter((e) => e.staffId === staffId);
  const recent = mine.filter((e) => inWindow(e, period));
  const reference = mine.filter((e) => inReference(e, period));
  const hours = usualHours(reference);
  const usual = new Set(hours ?? []);
  const off = hours ? recent.filter((e) => !usual.has(e.ts.getUTCHours())) : [];
  const flagged = hours !== null && off.length >= OFF_HOURS_MIN && off.length / Math.max(1, recent.length) >= OFF_HOURS_MIN_SHARE;
  return {
    flagged,
    figure: { count: off.length, actions: recent.length, usualHours: hours, referenceActions: reference.length },
    evidence: evidenceOf(off.map((e) => ({ id: e.id, caseId: caseIdOf(e) }))),
  };
}

/** Events after which a reviewer's next look at a case is a fresh opening. */
const CLOSING_ACTIONS = new Set(['case.approve', 'case.reject', 'case.request_info', 'case.escalate', 'case.release']);
/** What "opening" a case leaves in the trail: the audited view of its page, or the claim. */
const OPENING_ACTIONS = new Set(['case.view', 'case.claim']);

export interface FastDecisionsFigure {
  count: number;
  /** Decisions whose opening is in the trail (the others cannot be timed). */
  timed: number;
  fastestSeconds: number | null;
  thresholdSeconds: number;
}

/**
 * Decisions made less than `fastSeconds` after the reviewer opened the case:
 * their first view or claim of it since their own last closing action on it
 * (a request for information, say, starts a new look). Evidence: the decision
 * and the opening event of each.
 */
export function fastDecisionsSignal(staffId: number, events: readonly StaffEvent[], period: InsiderPeriod, fastSeconds: number): Signal<FastDecisionsFigure> {
  const opened = new Map<number, StaffEvent>(); // case id → the opening of the current look
  const fast: { decision: StaffEvent; opening: StaffEvent; seconds: number }[] = [];
  let timed = 0;
  let fastest: number | null = null;
  const mine = events.filter((e) => e.staffId === staffId).sort((a, b) => a.ts.getTime() - b.ts.getTime() || a.id - b.id);
  for (const e of mine) {
    const caseId = caseIdOf(e);
    if (caseId === null) continue;
    if (OPENING_ACTIONS.has(e.action)) {
      if (!opened.has(caseId)) opened.set(caseId, e);
      continue;
    }
    if ((e.action === 'case.approve' || e.action === 'case.reject') && inWindow(e, period)) {
      const opening = opened.get(caseId);
      if (opening) {
        const seconds = (e.ts.getTime() - opening.ts.getTime()) / 1000;
        timed += 1;
        fastest = fastest === null ? seconds : Math.min(fastest, seconds);
        if (seconds < fastSeconds) fast.push({ decision: e, opening, seconds });
      }
    }
    if (CLOSING_ACTIONS.has(e.action)) opened.delete(caseId);
  }
  return {
    flagged: fast.length >= FAST_DECISIONS_MIN,
    figure: { count: fast.length, timed, fastestSeconds: fastest === null ? null : Math.round(fastest), thresholdSeconds: fastSeconds },
    evidence: evidenceOf(
      fast.flatMap((f) => [
        { id: f.decision.id, caseId: caseIdOf(f.decision) },
        { id: f.opening.id, caseId: caseIdOf(f.opening) },
      ]),
    ),
  };
}

export interface ReviewerSignals {
  approvalRate: Signal<ApprovalRateFigure>;
  riskyApprovals: Signal<RiskyApprovalsFigure>;
  reveals: Signal<RevealsFigure>;
  offHours: Signal<OffHoursFigure>;
  fastDecisions: Signal<FastDecisionsFigure>;
}

export interface Reviewer {
  id: number;
  name: string;
  role: string;
  disabled: boolean;
}

export interface ReviewerReport extends Reviewer {
  flags: number;
  actions: number;
  signals: ReviewerSignals;
}

/**
 * Every rule for every reviewer. `events` are the reviewers' staff events from
 * the start of the reference period to now; `cases` the risk of every case
 * decided in the window. Reviewers with flags come first.
 */
export function reviewerReports(input: {
  reviewers: readonly Reviewer[];
  events: readonly StaffEvent[];
  cases: ReadonlyMap<number, CaseRisk>;
  period: InsiderPeriod;
  fastSeconds: number;
}): ReviewerReport[] {
  const { reviewers, events, cases, period, fastSeconds } = input;
  const decisions = decisionsInWindow(events, period);
  const byStaff = new Map<number, StaffEvent[]>();
  for (const e of events) {
    const list = byStaff.get(e.staffId) ?? [];
    list.push(e);
    byStaff.set(e.staffId, list);
  }
  const reports = reviewers.map((r): ReviewerReport => {
    const own = byStaff.get(r.id) ?? [];
    const signals: ReviewerSignals = {
      approvalRate: approvalRateSignal(r.id, decisions),
      riskyApprovals: riskyApprovalsSignal(r.id, decisions, cases),
      reveals: revealsSignal(r.id, own, period),
      offHours: offHoursSignal(r.id, own, period),
      fastDecisions: fastDecisionsSignal(r.id, own, period, fastSeconds),
    };
    const flags = Object.values(signals).filter((s) => s.flagged).length;
    return { ...r, flags, actions: own.filter((e) => inWindow(e, period)).length, signals };
  });
  return reports.sort((a, b) => b.flags - a.flags || a.name.localeCompare(b.name) || a.id - b.id);
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
