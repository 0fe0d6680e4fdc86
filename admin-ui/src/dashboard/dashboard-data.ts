// Pure shaping of GET /stats for the charts (tested on its own).
import { OPEN_STATUSES, RISK_BANDS, type RiskBand } from '../cases/case-types';
import type { QueueStats } from './stats-types';
import type { DailyOutcome } from './charts/DailyColumns';

const DAY_MS = 86_400_000;

/** Open cases per status (queue order) and band; statuses with none still get a row. */
export const queueDepthByStatus = (stats: QueueStats) =>
  OPEN_STATUSES.map((status) => {
    const rows = stats.queueDepth.filter((entry) => entry.status === status);
    const byBand = (band: RiskBand | null) => rows.filter((entry) => entry.riskBand === band).reduce((sum, entry) => sum + entry.count, 0);
    return {
      status,
      bands: [...RISK_BANDS.map((band) => ({ band, count: byBand(band) })), { band: null, count: byBand(null) }],
      total: rows.reduce((sum, entry) => sum + entry.count, 0),
    };
  });

/**
 * Approvals and rejections per day over the 30 days ending at `generatedAt`,
 * for one method or all (a case with two methods counts once per method, as
 * the server groups them; "all" sums the methods).
 */
export const decisionsPerDay = (stats: QueueStats, method: string | 'all', days = 30): DailyOutcome[] => {
  const end = Date.parse(stats.generatedAt.slice(0, 10));
  const slots = new Map<string, DailyOutcome>();
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(end - i * DAY_MS).toISOString().slice(0, 10);
    slots.set(day, { day, approved: 0, rejected: 0 });
  }
  for (const entry of stats.decisionsByDay) {
    if (method !== 'all' && entry.method !== method) continue;
    const slot = slots.get(entry.day);
    if (!slot) continue;
    slot.approved += entry.approved;
    slot.rejected += entry.rejected;
  }
  return [...slots.values()];
};
