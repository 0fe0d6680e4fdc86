import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseStatuses, evidenceMethods, staffRoles } from '../../db/schema/index.ts';
import { queueStatuses } from '../../server/cases/case-rules.ts';
import { CASE_STATUSES, EVIDENCE_METHODS, OPEN_STATUSES } from '../../admin-ui/src/cases/case-types';
import { activeViewOf, CASE_VIEWS, caseListLink, filterMatchesView } from '../../admin-ui/src/cases/case-views';
import { slaStateOf } from '../../admin-ui/src/cases/SlaChip';
import { decisionsPerDay, queueDepthByStatus } from '../../admin-ui/src/dashboard/dashboard-data';
import { formatDuration, formatHours } from '../../admin-ui/src/layout/duration';
import { makeTranslate } from '../../admin-ui/src/i18n/translate-message';
import en from '../../admin-ui/src/i18n/en';
import zh from '../../admin-ui/src/i18n/zh';
import { STAFF_ROLES } from '../../admin-ui/src/roles';
import { NOW, stats } from './fixtures/desk-fixtures';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('the desk mirrors the server', () => {
  // roles.ts imports the server's permission table itself; what the desk still
  // keeps its own copy of (kept out of the sign-in chunk) is the list of roles.
  it('knows every staff role the server has', () => {
    expect([...STAFF_ROLES].sort()).toEqual([...staffRoles].sort());
  });

  it('knows every case status, open status and evidence method', () => {
    expect([...CASE_STATUSES].sort()).toEqual([...caseStatuses].sort());
    expect([...OPEN_STATUSES]).toEqual([...queueStatuses]);
    expect([...EVIDENCE_METHODS].sort()).toEqual([...evidenceMethods].sort());
  });

  it('names every risk signal the server can raise, in both languages', () => {
    const risk = readFileSync(join(import.meta.dirname, '../../server/cases/risk.ts'), 'utf8');
    const signals = [...risk.matchAll(/add\('([a-z_]+)'/g)].map((match) => match[1]).concat('base');
    expect(signals.length).toBeGreaterThan(15);
    for (const catalog of [en, zh]) {
      const names = (catalog.resources as any).cases.signals.names as Record<string, string>;
      expect(signals.filter((signal) => !names[signal])).toEqual([]);
    }
  });
});

describe('saved views', () => {
  const view = (id: string) => CASE_VIEWS.find((v) => v.id === id)!;

  it('recognise the filter they set, whatever the SLA cut-off and list order', () => {
    expect(activeViewOf(view('sla_at_risk').filter(NOW))?.id).toBe('sla_at_risk');
    expect(activeViewOf({ status: [...OPEN_STATUSES].reverse(), slaDueAt_lte: 'x' })?.id).toBe('sla_at_risk');
    expect(activeViewOf({ status: ['escalated', 'submitted'], assigneeId: 'unassigned' })?.id).toBe('unassigned');
    expect(activeViewOf({ status: ['awaiting_second_approval'] })?.id).toBe('second_approval');
    expect(activeViewOf({ status: 'in_review' })).toBeUndefined();
    expect(filterMatchesView({ assigneeId: 'me', status: 'in_review', riskBand: 'high' }, view('mine'))).toBe(false);
  });

  it('put the SLA cut-off two hours from now', () => {
    expect(view('sla_at_risk').filter(NOW).slaDueAt_lte).toBe(new Date(NOW + 2 * HOUR).toISOString());
  });

  it('link to the queue in react-admin’s URL dialect', () => {
    const url = new URL(caseListLink({ status: 'submitted' }), 'http://desk.test');
    expect(url.pathname).toBe('/cases');
    expect(JSON.parse(url.searchParams.get('filter')!)).toEqual({ status: 'submitted' });
    expect(url.searchParams.get('sort')).toBe('slaDueAt');
  });
});

describe('SLA and durations', () => {
  const translate = makeTranslate(en, 'en');
  const translateZh = makeTranslate(zh, 'zh');

  it('classifies the SLA like the server’s stats: overdue, at risk within 2 h, closed once decided', () => {
    const due = (ms: number) => new Date(NOW + ms).toISOString();
    expect(slaStateOf({ status: 'submitted', slaDueAt: due(-MIN) }, NOW).state).toBe('overdue');
    expect(slaStateOf({ status: 'in_review', slaDueAt: due(2 * HOUR) }, NOW).state).toBe('at_risk');
    expect(slaStateOf({ status: 'in_review', slaDueAt: due(2 * HOUR + MIN) }, NOW).state).toBe('on_track');
    expect(slaStateOf({ status: 'approved', slaDueAt: due(-HOUR) }, NOW).state).toBe('closed');
    expect(slaStateOf({ status: 'submitted', slaDueAt: null }, NOW).state).toBe('closed');
  });

  it('reads durations in two units at most', () => {
    expect(formatDuration(30_000, translate)).toBe('< 1 min');
    expect(formatDuration(-(HOUR + 52 * MIN), translate)).toBe('1 h 52 min');
    expect(formatDuration(26 * HOUR + 5 * MIN, translate)).toBe('1 d 2 h');
    expect(formatDuration(3 * 24 * HOUR, translate)).toBe('3 d');
    expect(formatHours(8.1, translate)).toBe('8 h 6 min');
    expect(formatDuration(HOUR + 5 * MIN, translateZh)).toBe('1小时5分钟');
  });
});

describe('dashboard data', () => {
  it('gives every open status a row, split by band', () => {
    const rows = queueDepthByStatus(stats);
    expect(rows.map((row) => row.status)).toEqual([...OPEN_STATUSES]);
    expect(rows.find((row) => row.status === 'submitted')).toMatchObject({ total: 3 });
    expect(rows.find((row) => row.status === 'escalated')).toMatchObject({ total: 0 });
    expect(rows.find((row) => row.status === 'submitted')!.bands.map((b) => b.count)).toEqual([1, 1, 1, 0]);
  });

  it('fills 30 days of approvals and rejections, per method or summed', () => {
    const all = decisionsPerDay(stats, 'all');
    expect(all).toHaveLength(30);
    expect(all.at(-1)!.day).toBe('2026-11-26');
    expect(all.find((d) => d.day === '2026-11-24')).toEqual({ day: '2026-11-24', approved: 4, rejected: 1 });
    expect(decisionsPerDay(stats, 'transfer_record').reduce((sum, d) => sum + d.rejected, 0)).toBe(2);
  });
});
