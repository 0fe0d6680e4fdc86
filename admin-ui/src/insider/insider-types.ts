// The answer of GET /admin/api/insider-signals (server/insider/service.ts).

export const INSIDER_WINDOWS = [7, 30] as const;
export type InsiderWindow = (typeof INSIDER_WINDOWS)[number];
export const FAST_SECONDS_CHOICES = [15, 30, 60] as const;

export interface Evidence {
  eventIds: number[];
  caseIds: number[];
  total: number;
}

export interface Signal<F> {
  flagged: boolean;
  figure: F;
  evidence: Evidence;
}

export interface ReviewerSignals {
  approvalRate: Signal<{ approvals: number; decisions: number; rate: number | null; teamRate: number | null; teamDecisions: number }>;
  riskyApprovals: Signal<{
    count: number;
    highRisk: number;
    crossAccount: number;
    riskyDecisions: number;
    rate: number | null;
    teamRate: number | null;
    teamRiskyDecisions: number;
  }>;
  reveals: Signal<{ count: number; perDay: number; baselineCount: number; baselinePerDay: number }>;
  offHours: Signal<{ count: number; actions: number; usualHours: number[] | null; referenceActions: number }>;
  fastDecisions: Signal<{ count: number; timed: number; fastestSeconds: number | null; thresholdSeconds: number }>;
}

export type SignalName = keyof ReviewerSignals;
export const SIGNAL_NAMES: SignalName[] = ['approvalRate', 'riskyApprovals', 'reveals', 'offHours', 'fastDecisions'];

export interface ReviewerReport {
  id: number;
  name: string;
  role: string;
  disabled: boolean;
  flags: number;
  actions: number;
  signals: ReviewerSignals;
}

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
  thresholds: Record<string, number>;
  team: { decisions: number; approvals: number; rate: number | null };
  reviewers: ReviewerReport[];
  events: EvidenceEvent[];
}

/** Usual UTC hours as ranges: [8,9,10,11,22,23,0] → "22:00–00:59, 08:00–11:59" style pairs. */
export const hourRanges = (hours: number[]): [number, number][] => {
  const set = new Set(hours);
  if (set.size === 0) return [];
  if (set.size === 24) return [[0, 23]];
  // Start at an hour whose predecessor is not usual, so a range across midnight stays whole.
  const start = [...set].sort((a, b) => a - b).find((h) => !set.has((h + 23) % 24))!;
  const ranges: [number, number][] = [];
  for (let i = 0; i < 24; i++) {
    const h = (start + i) % 24;
    if (!set.has(h)) continue;
    const last = ranges.at(-1);
    if (last && (last[1] + 1) % 24 === h) last[1] = h;
    else ranges.push([h, h]);
  }
  return ranges.sort((a, b) => a[0] - b[0]);
};
