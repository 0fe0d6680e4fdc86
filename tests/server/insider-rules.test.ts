import { describe, expect, it } from 'vitest';
import {
  APPROVAL_RATE_MIN_DECISIONS,
  EVIDENCE_LIMIT,
  approvalRateSignal,
  decisionsInWindow,
  evidenceOf,
  fastDecisionsSignal,
  insiderPeriod,
  isRiskyApproval,
  offHoursSignal,
  revealsSignal,
  reviewerReports,
  riskyApprovalsSignal,
  usualHours,
  type CaseRisk,
  type Decision,
  type StaffEvent,
} from '../../server/insider/insider-rules.ts';

const NOW = new Date('2026-11-26T09:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const period = insiderPeriod(NOW, 7);

let nextId = 1;
/** An event `msAgo` before NOW. */
const event = (
  staffId: number,
  action: string,
  msAgo: number,
  target: { case?: number; user?: number } = {},
  details: Record<string, unknown> = {},
): StaffEvent => ({
  id: nextId++,
  ts: new Date(NOW.getTime() - msAgo),
  staffId,
  action,
  targetType: target.case !== undefined ? 'case' : target.user !== undefined ? 'user' : null,
  targetId: target.case !== undefined ? String(target.case) : target.user !== undefined ? String(target.user) : null,
  details,
});
/** An instant on day `daysAgo` (counted from NOW's date) at `hour`:`minute` UTC. */
const atHour = (daysAgo: number, hour: number, minute = 0) => NOW.getTime() - Date.UTC(2026, 10, 26 - daysAgo, hour, minute);

let decisionId = 1000;
const decision = (staffId: number, outcome: 'approve' | 'reject', caseId = decisionId, stage: Decision['stage'] = 'single'): Decision => ({
  eventId: decisionId++,
  ts: new Date(NOW.getTime() - HOUR),
  staffId,
  caseId,
  outcome,
  stage,
});
const repeat = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);

describe('the period', () => {
  it('looks at the last N days and learns from the 28 days before them', () => {
    expect(period.windowStart.toISOString()).toBe('2026-11-19T09:00:00.000Z');
    expect(period.referenceStart.toISOString()).toBe('2026-10-22T09:00:00.000Z');
    expect(insiderPeriod(NOW, 30).windowStart.toISOString()).toBe('2026-10-27T09:00:00.000Z');
  });
});

describe('decisions in the window', () => {
  it('reads approvals and rejections of cases with their four-eyes stage, inside the window only', () => {
    const events = [
      event(1, 'case.approve', HOUR, { case: 10 }),
      event(1, 'case.approve', HOUR, { case: 11 }, { fourEyes: 'first_approval' }),
      event(2, 'case.approve', HOUR, { case: 11 }, { fourEyes: { firstApproverId: 1, secondApproverId: 2 } }),
      event(2, 'case.reject', 2 * HOUR, { case: 12 }),
      event(2, 'case.reject', 2 * HOUR, { case: 15 }, { fromStatus: 'awaiting_second_approval', toStatus: 'rejected' }),
      event(1, 'case.approve', 8 * DAY, { case: 13 }), // before the window
      event(1, 'case.claim', HOUR, { case: 14 }),
      event(1, 'user.reveal', HOUR, { user: 3 }),
    ];
    expect(decisionsInWindow(events, period).map((d) => [d.staffId, d.caseId, d.outcome, d.stage])).toEqual([
      [1, 10, 'approve', 'single'],
      [1, 11, 'approve', 'first'],
      [2, 11, 'approve', 'second'],
      [2, 12, 'reject', 'single'],
      [2, 15, 'reject', 'second'],
    ]);
  });
});

describe('evidence', () => {
  it('lists events newest first and each case once, capped, with the full count', () => {
    expect(
      evidenceOf([
        { id: 3, caseId: 7 },
        { id: 9, caseId: 7 },
        { id: 5, caseId: null },
        { id: 4, caseId: 8 },
      ]),
    ).toEqual({ eventIds: [9, 5, 4, 3], caseIds: [7, 8], total: 4 });
    const many = evidenceOf(Array.from({ length: EVIDENCE_LIMIT + 10 }, (_, i) => ({ id: i + 1, caseId: i + 1 })));
    expect(many.eventIds).toHaveLength(EVIDENCE_LIMIT);
    expect(many.eventIds[0]).toBe(EVIDENCE_LIMIT + 10);
    expect(many.caseIds).toHaveLength(EVIDENCE_LIMIT);
    expect(many.total).toBe(EVIDENCE_LIMIT + 10);
  });
});

describe('approval rate against the rest of the team', () => {
  const team = [
    ...repeat(12, () => decision(2, 'approve')),
    ...repeat(8, () => decision(2, 'reject')),
    ...repeat(6, () => decision(3, 'approve')),
    ...repeat(4, () => decision(3, 'reject')),
  ]; // 60%

  it('flags a reviewer who approves everything while the team approves 60%', () => {
    const mine = repeat(8, () => decision(1, 'approve'));
    const signal = approvalRateSignal(1, [...team, ...mine]);
    expect(signal.flagged).toBe(true);
    expect(signal.figure).toEqual({ approvals: 8, decisions: 8, rate: 1, teamRate: 0.6, teamDecisions: 30 });
    expect(signal.evidence.eventIds).toEqual(mine.map((d) => d.eventId).reverse());
    expect(signal.evidence.caseIds).toHaveLength(8);
  });

  it('does not flag a rate in line with the team, or one a few points above it', () => {
    expect(approvalRateSignal(1, [...team, ...repeat(6, () => decision(1, 'approve')), ...repeat(4, () => decision(1, 'reject'))]).flagged).toBe(false);
    expect(approvalRateSignal(1, [...team, ...repeat(7, () => decision(1, 'approve')), ...repeat(3, () => decision(1, 'reject'))]).flagged).toBe(false); // 70%: +10 points
  });

  it('does not judge on too few decisions, or chance', () => {
    const few = repeat(APPROVAL_RATE_MIN_DECISIONS - 1, () => decision(1, 'approve'));
    expect(approvalRateSignal(1, [...team, ...few]).flagged).toBe(false);
    // 5 of 6 (83%) against 60%: 23 points above, but z = 1.15 on six decisions.
    expect(approvalRateSignal(1, [...team, ...repeat(5, () => decision(1, 'approve')), decision(1, 'reject')]).flagged).toBe(false);
  });

  it('has no team rate without colleagues, and never flags then', () => {
    const signal = approvalRateSignal(
      1,
      repeat(10, () => decision(1, 'approve')),
    );
    expect(signal.figure.teamRate).toBeNull();
    expect(signal.flagged).toBe(false);
    expect(approvalRateSignal(1, []).figure.rate).toBeNull();
  });

  it('counts first looks only: a supervisor’s second approvals are the four-eyes check', () => {
    const secondLooks = repeat(10, () => decision(3, 'approve', undefined, 'second'));
    const signal = approvalRateSignal(3, [...team, ...secondLooks, decision(3, 'reject')]);
    expect(signal.figure).toMatchObject({ approvals: 6, decisions: 11 });
    expect(approvalRateSignal(1, [...team, ...secondLooks]).figure.teamDecisions).toBe(30);
  });

  it('flags against a team that approves nothing', () => {
    expect(approvalRateSignal(1, [...repeat(10, () => decision(2, 'reject')), ...repeat(5, () => decision(1, 'approve'))]).flagged).toBe(true);
  });
});

describe('approvals of high-risk or cross-account cases', () => {
  const risk = (id: number, riskBand: CaseRisk['riskBand'], signals: string[] = []): [number, CaseRisk] => [id, { id, riskBand, signals }];
  const cases = new Map<number, CaseRisk>([
    risk(1, 'low'),
    risk(2, 'medium'),
    risk(3, 'high'),
    risk(4, 'medium', ['ip_on_other_accounts']),
    risk(5, 'high', ['txid_other_account']),
    risk(6, 'high'),
  ]);

  it('counts first and only approvals of high-risk or cross-account cases, not second approvals or rejections', () => {
    expect(isRiskyApproval(decision(1, 'approve', 3), cases.get(3))).toBe(true);
    expect(isRiskyApproval(decision(1, 'approve', 3, 'first'), cases.get(3))).toBe(true);
    expect(isRiskyApproval(decision(2, 'approve', 3, 'second'), cases.get(3))).toBe(false);
    expect(isRiskyApproval(decision(2, 'approve', 4, 'second'), cases.get(4))).toBe(false);
    expect(isRiskyApproval(decision(1, 'reject', 5), cases.get(5))).toBe(false);
    expect(isRiskyApproval(decision(1, 'approve', 2), cases.get(2))).toBe(false);
    expect(isRiskyApproval(decision(1, 'approve', 99), undefined)).toBe(false);
  });

  it('flags a reviewer who approves risky cases the team mostly turns down', () => {
    // The rest of the team decided 9 risky cases and approved 2.
    const team = [
      decision(2, 'approve', 3, 'first'),
      decision(2, 'reject', 3),
      decision(2, 'reject', 5),
      decision(2, 'reject', 6),
      decision(2, 'approve', 1),
      decision(3, 'approve', 4),
      decision(3, 'reject', 4),
      decision(3, 'reject', 6),
      decision(3, 'reject', 5),
      decision(3, 'reject', 3),
    ];
    const mine = [decision(1, 'approve', 3, 'first'), decision(1, 'approve', 4), decision(1, 'approve', 5, 'first'), decision(1, 'approve', 1)];
    const signal = riskyApprovalsSignal(1, [...team, ...mine], cases);
    expect(signal.flagged).toBe(true);
    expect(signal.figure).toEqual({ count: 3, highRisk: 2, crossAccount: 2, riskyDecisions: 3, rate: 1, teamRate: 2 / 9, teamRiskyDecisions: 9 });
    expect(signal.evidence.caseIds).toEqual([5, 4, 3]);
    expect(signal.evidence.eventIds).toEqual([mine[2]!.eventId, mine[1]!.eventId, mine[0]!.eventId]);
  });

  it('does not flag one risky approval, nor a rate like the team’s, however many risky cases came their way', () => {
    expect(
      riskyApprovalsSignal(1, [decision(1, 'approve', 3), decision(1, 'approve', 1), decision(2, 'reject', 3), decision(2, 'reject', 6)], cases).flagged,
    ).toBe(false);
    const team = [decision(2, 'approve', 3), decision(2, 'reject', 6), decision(2, 'approve', 1), decision(2, 'approve', 5), decision(2, 'reject', 4)]; // 2 of 4 risky
    const mine = [
      decision(1, 'approve', 3),
      decision(1, 'reject', 6),
      decision(1, 'approve', 6),
      decision(1, 'reject', 3),
      decision(1, 'approve', 5),
      decision(1, 'reject', 4),
    ]; // 3 of 6
    const signal = riskyApprovalsSignal(1, [...team, ...mine], cases);
    expect(signal.figure).toMatchObject({ count: 3, rate: 0.5, teamRate: 0.5 });
    expect(signal.flagged).toBe(false);
  });

  it('flags two risky approvals when nobody else decided a risky case to compare with', () => {
    const signal = riskyApprovalsSignal(1, [decision(1, 'approve', 3), decision(1, 'approve', 6), decision(2, 'approve', 1)], cases);
    expect(signal.figure).toMatchObject({ count: 2, teamRate: null, teamRiskyDecisions: 0 });
    expect(signal.flagged).toBe(true);
  });

  it('is not fooled by a supervisor’s second approvals of high-risk cases', () => {
    const second = [decision(2, 'approve', 3, 'second'), decision(2, 'approve', 5, 'second'), decision(2, 'approve', 3, 'second'), decision(2, 'approve', 1)];
    const signal = riskyApprovalsSignal(2, second, cases);
    expect(signal.figure).toMatchObject({ count: 0, riskyDecisions: 0 });
    expect(signal.flagged).toBe(false);
  });
});

describe('reveals per day against the reviewer’s own baseline', () => {
  it('flags a burst of reveals against a quiet baseline (here: none)', () => {
    const events = repeat(7, () => event(1, 'user.reveal', 2 * DAY, { user: 4 }));
    const signal = revealsSignal(1, events, period);
    expect(signal.flagged).toBe(true);
    expect(signal.figure).toEqual({ count: 7, perDay: 1, baselineCount: 0, baselinePerDay: 0 });
    expect(signal.evidence.eventIds).toHaveLength(7);
    expect(signal.evidence.caseIds).toEqual([]);
  });

  it('does not flag someone whose job is many reveals every day', () => {
    // 28 per week in the reference period too: 1 a day, as now.
    const events = [...repeat(7, () => event(1, 'user.reveal', 2 * DAY, { user: 4 })), ...repeat(28, () => event(1, 'user.reveal', 10 * DAY, { user: 4 }))];
    const signal = revealsSignal(1, events, period);
    expect(signal.figure.baselinePerDay).toBe(1);
    expect(signal.flagged).toBe(false);
  });

  it('flags at three times the baseline, not below', () => {
    const base = repeat(8, () => event(1, 'user.reveal', 10 * DAY, { user: 4 })); // 2 a week
    expect(revealsSignal(1, [...base, ...repeat(6, () => event(1, 'user.reveal', DAY, { user: 4 }))], period).flagged).toBe(true);
    expect(revealsSignal(1, [...base, ...repeat(5, () => event(1, 'user.reveal', DAY, { user: 4 }))], period).flagged).toBe(false);
  });

  it('needs a minimum count and counts only this reviewer, inside the window', () => {
    expect(
      revealsSignal(
        1,
        repeat(4, () => event(1, 'user.reveal', DAY, { user: 4 })),
        period,
      ).flagged,
    ).toBe(false);
    expect(
      revealsSignal(
        1,
        repeat(9, () => event(2, 'user.reveal', DAY, { user: 4 })),
        period,
      ).figure.count,
    ).toBe(0);
    expect(
      revealsSignal(
        1,
        repeat(9, () => event(1, 'user.reveal', 40 * DAY, { user: 4 })),
        period,
      ).figure,
    ).toEqual({ count: 0, perDay: 0, baselineCount: 0, baselinePerDay: 0 });
  });
});

describe('actions outside the reviewer’s usual hours', () => {
  /** Office hours in the reference period: 09:00–16:59 UTC, 60 actions. */
  const officeDays = () => Array.from({ length: 60 }, (_, i) => event(1, 'case.view', atHour(10 + (i % 15), 9 + (i % 8), 15), { case: 50 + i }));
  const OFFICE = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];

  it('learns usual hours from the reference period, with two hours either side', () => {
    expect(usualHours(officeDays())).toEqual(OFFICE);
    expect(usualHours(officeDays().slice(0, 49))).toBeNull();
    // A lone 3 a.m. among 60 day-time actions stays unusual.
    expect(usualHours([...officeDays(), event(1, 'case.view', atHour(12, 3), { case: 9 })])).toEqual(OFFICE);
  });

  it('flags actions at 3 a.m. when the reviewer works days', () => {
    const night = [
      event(1, 'user.reveal', atHour(2, 3, 5), { user: 4 }),
      event(1, 'case.view', atHour(2, 3, 10), { case: 7 }),
      event(1, 'case.approve', atHour(1, 2, 40), { case: 7 }),
    ];
    const day = [event(1, 'case.view', atHour(1, 10), { case: 8 })];
    const signal = offHoursSignal(1, [...officeDays(), ...night, ...day], period);
    expect(signal.flagged).toBe(true);
    expect(signal.figure).toEqual({ count: 3, actions: 4, usualHours: OFFICE, referenceActions: 60 });
    expect(signal.evidence.eventIds).toEqual(night.map((e) => e.id).reverse());
    expect(signal.evidence.caseIds).toEqual([7]);
  });

  it('does not flag an evening now and then, and does not judge without history', () => {
    const evening = [event(1, 'case.view', atHour(1, 20), { case: 9 }), event(1, 'case.view', atHour(2, 20), { case: 9 })];
    const days = repeat(20, () => event(1, 'case.view', atHour(1, 11), { case: 8 }));
    expect(offHoursSignal(1, [...officeDays(), ...evening, ...days], period).flagged).toBe(false);
    const noHistory = offHoursSignal(1, [...evening, ...repeat(5, () => event(1, 'case.view', atHour(1, 3), { case: 8 }))], period);
    expect(noHistory.figure.usualHours).toBeNull();
    expect(noHistory.flagged).toBe(false);
  });

  it('does not count many night actions as off hours when nights are the reviewer’s shift', () => {
    const nightShift = Array.from({ length: 60 }, (_, i) => event(1, 'case.view', atHour(10 + (i % 15), 1 + (i % 5)), { case: 8 }));
    const signal = offHoursSignal(1, [...nightShift, ...repeat(6, () => event(1, 'case.approve', atHour(1, 3), { case: 8 }))], period);
    expect(signal.figure.count).toBe(0);
    expect(signal.flagged).toBe(false);
  });
});

describe('decisions made fast after opening the case', () => {
  const SEC = 1000;
  /** View, claim and decide case `id`, `secondsToDecide` after the view, some time on `daysAgo`. */
  const look = (staffId: number, id: number, daysAgo: number, secondsToDecide: number, outcome = 'case.approve') => {
    const viewed = daysAgo * DAY;
    return [
      event(staffId, 'case.view', viewed, { case: id }),
      event(staffId, 'case.claim', viewed - 2 * SEC, { case: id }),
      event(staffId, 'case.view', viewed - 3 * SEC, { case: id }),
      event(staffId, outcome, viewed - secondsToDecide * SEC, { case: id }),
    ];
  };

  it('times each decision from the first view or claim and flags three under N seconds', () => {
    const looks = [look(1, 1, 1, 12), look(1, 2, 2, 20, 'case.reject'), look(1, 3, 3, 29), look(1, 4, 4, 300)];
    const signal = fastDecisionsSignal(1, looks.flat(), period, 30);
    expect(signal.flagged).toBe(true);
    expect(signal.figure).toEqual({ count: 3, timed: 4, fastestSeconds: 12, thresholdSeconds: 30 });
    // The decision and the opening view of each fast one.
    expect(signal.evidence.eventIds).toEqual(
      [looks[0]![3]!.id, looks[0]![0]!.id, looks[1]![3]!.id, looks[1]![0]!.id, looks[2]![3]!.id, looks[2]![0]!.id].sort((a, b) => b - a),
    );
    expect(signal.evidence.caseIds.sort()).toEqual([1, 2, 3]);
    expect(signal.evidence.total).toBe(6);
  });

  it('takes N as a parameter', () => {
    const looks = [look(1, 1, 1, 12), look(1, 2, 2, 20), look(1, 3, 3, 29)].flat();
    expect(fastDecisionsSignal(1, looks, period, 15).figure.count).toBe(1);
    expect(fastDecisionsSignal(1, looks, period, 60).figure.count).toBe(3);
  });

  it('starts a new look after the reviewer’s own request for information', () => {
    const viewed = 2 * DAY;
    const events = [
      event(1, 'case.view', viewed, { case: 5 }),
      event(1, 'case.claim', viewed - 60 * SEC, { case: 5 }),
      event(1, 'case.request_info', viewed - 600 * SEC, { case: 5 }),
      event(1, 'case.claim', DAY, { case: 5 }), // the user answered; a quick re-check
      event(1, 'case.approve', DAY - 10 * SEC, { case: 5 }),
    ];
    expect(fastDecisionsSignal(1, events, period, 30).figure).toMatchObject({ count: 1, timed: 1, fastestSeconds: 10 });
  });

  it('cannot time a decision without an opening in the trail, or someone else’s', () => {
    const events = [event(2, 'case.view', DAY, { case: 6 }), event(1, 'case.approve', DAY - 5 * SEC, { case: 6 })];
    expect(fastDecisionsSignal(1, events, period, 30).figure).toEqual({ count: 0, timed: 0, fastestSeconds: null, thresholdSeconds: 30 });
  });

  it('counts decisions in the window only, but openings from before it', () => {
    const before = look(1, 7, 9, 5); // decided 9 days ago: outside a 7-day window
    const across = [event(1, 'case.view', 7 * DAY + HOUR, { case: 8 }), event(1, 'case.approve', 7 * DAY - HOUR, { case: 8 })];
    expect(fastDecisionsSignal(1, [...before, ...across], period, 30).figure).toMatchObject({ count: 0, timed: 1, fastestSeconds: 7200 });
  });
});

describe('the report of every reviewer', () => {
  it('runs every rule per reviewer and puts the flagged first', () => {
    const events = [
      ...repeat(6, () => event(1, 'user.reveal', DAY, { user: 4 })),
      ...[1, 2, 3].flatMap((id) => [event(1, 'case.view', 2 * DAY, { case: id }), event(1, 'case.approve', 2 * DAY - 5_000, { case: id })]),
      event(2, 'case.view', DAY, { case: 9 }),
    ];
    const reports = reviewerReports({
      reviewers: [
        { id: 2, name: 'Ana Agent', role: 'agent', disabled: false },
        { id: 1, name: 'Max Agent', role: 'agent', disabled: false },
        { id: 3, name: 'Sam Supervisor', role: 'supervisor', disabled: false },
      ],
      events,
      cases: new Map(),
      period,
      fastSeconds: 30,
    });
    expect(reports.map((r) => [r.name, r.flags, r.actions])).toEqual([
      ['Max Agent', 2, 12],
      ['Ana Agent', 0, 1],
      ['Sam Supervisor', 0, 0],
    ]);
    expect(reports[0]!.signals.reveals.flagged).toBe(true);
    expect(reports[0]!.signals.fastDecisions.flagged).toBe(true);
    expect(reports[0]!.signals.approvalRate.figure.rate).toBe(1);
    expect(reports[2]!.signals.approvalRate.figure.rate).toBeNull();
  });
});
