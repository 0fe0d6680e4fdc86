// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ANA, ROOT, SAM } from './fixtures/desk-fixtures';
import { insiderReport } from './fixtures/insider-fixtures';
import { hourRanges } from '../../admin-ui/src/insider/insider-types';
import { apiError, callsTo, deskHandlers, renderDesk, server, setupDeskTests } from './desk-kit';

setupDeskTests();

const insiderHandler = (report = insiderReport) =>
  http.get('*/admin/api/insider-signals', ({ request }) => {
    const url = new URL(request.url);
    return HttpResponse.json({ ...report, days: Number(url.searchParams.get('days')), fastSeconds: Number(url.searchParams.get('fastSeconds')) });
  });

const auditHandlers = [
  http.get('*/admin/api/audit-events/verify', () => HttpResponse.json({ ok: true, count: 910, headHash: 'ab'.repeat(32) })),
  http.get('*/admin/api/audit-events', () => HttpResponse.json([], { headers: { 'Content-Range': 'audit-events 0-0/0' } })),
];

const openEvidence = async (name: RegExp) => {
  await userEvent.click(await screen.findByRole('button', { name }));
  return screen.findByRole('dialog');
};

describe('insider signals', () => {
  it('is in the menu of supervisors and admins only', async () => {
    for (const [staff, shown] of [
      [ANA, false],
      [SAM, true],
      [ROOT, true],
    ] as const) {
      server.use(insiderHandler(), ...deskHandlers({ staff }));
      const { unmount } = await renderDesk('/');
      await screen.findByRole('menuitem', { name: 'Dashboard' });
      expect(screen.queryByRole('menuitem', { name: 'Insider signals' }) !== null, staff.name).toBe(shown);
      unmount();
      (await import('../../admin-ui/src/authProvider')).forgetStaffSession();
    }
  });

  it('shows each reviewer’s figures, flagged ones highlighted, and the cases and events behind a figure', async () => {
    server.use(insiderHandler(), ...deskHandlers({ staff: SAM }));
    await renderDesk('/');
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Insider signals' }));
    const table = await screen.findByRole('table', { name: 'Insider signals per reviewer over the last 7 days' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getByRole('rowheader').textContent)).toEqual([
      'Max AgentAgent · 3 flags',
      'Ana AgentAgent · 0 flags',
      'Sam SupervisorSupervisor · 0 flags',
    ]);
    expect(callsTo('GET', '/admin/api/insider-signals')[0]!.search.toString()).toBe('days=7&fastSeconds=30');

    // Max's flagged figures say so; Ana's do not, and a figure without evidence is no button.
    const max = within(rows[0]!);
    expect(max.getByRole('button', { name: 'Approval rate of Max Agent: 100%, flagged' })).toBeTruthy();
    expect(max.getByRole('button', { name: 'Reveals of Max Agent: 2.29 a day, flagged' })).toBeTruthy();
    expect(max.getByRole('button', { name: 'Risky approvals of Max Agent: 1' })).toBeTruthy();
    expect(max.getByText('of 37 · usual 08:00–17:59 UTC')).toBeTruthy();
    expect(within(rows[1]!).queryAllByRole('button')).toEqual([]);
    expect(within(rows[1]!).getByLabelText('Approval rate of Ana Agent: 43%')).toBeTruthy();
    expect(within(rows[2]!).getByText('not enough history (30 earlier actions)')).toBeTruthy();
    expect(within(rows[2]!).getByText('no decision to time')).toBeTruthy();

    const dialog = await openEvidence(/^Fast decisions of Max Agent: 3, flagged$/);
    expect(within(dialog).getByRole('heading', { name: 'Fast decisions: Max Agent' })).toBeTruthy();
    expect(within(dialog).getByText('3 cases')).toBeTruthy();
    // Each case links to its page, and all of them to the queue filtered on them.
    expect(
      within(dialog)
        .getAllByRole('link', { name: /^Case #/ })
        .map((link) => link.getAttribute('href')),
    ).toEqual(['/cases/173/show', '/cases/172/show', '/cases/171/show']);
    const queue = within(dialog).getByRole('link', { name: 'Open these cases in the queue' });
    expect(JSON.parse(new URL(queue.getAttribute('href')!, 'http://desk.test').searchParams.get('filter')!)).toEqual({ id: [173, 172, 171] });
    // The events: the decision and the view that opened each case, newest first.
    const events = within(within(dialog).getByRole('table', { name: '6 audit events' }))
      .getAllByRole('row')
      .slice(1);
    expect(
      events.map((row) =>
        within(row)
          .getAllByRole('cell')
          .slice(0, 1)
          .concat(within(row).getAllByRole('cell').slice(2))
          .map((cell) => cell.textContent),
      ),
    ).toEqual([
      ['905', 'case.approve', 'case #173'],
      ['904', 'case.view', 'case #173'],
      ['903', 'case.approve', 'case #172'],
      ['902', 'case.view', 'case #172'],
      ['901', 'case.approve', 'case #171'],
      ['900', 'case.view', 'case #171'],
    ]);
    expect(within(events[0]!).getByText(/\b0?3:10:12\b.* UTC$/)).toBeTruthy();
    // A supervisor may not read the audit log: no link there.
    expect(within(dialog).queryByRole('link', { name: 'Open in the audit log' })).toBeNull();

    await userEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    // Reveals are about users: their events link to the user pages.
    const reveals = await openEvidence(/^Reveals of Max Agent/);
    expect(within(reveals).getByText('The newest 2 of 16 audit events')).toBeTruthy();
    expect(within(reveals).getByText('No cases: these events are about users.')).toBeTruthy();
    expect(within(reveals).getByRole('link', { name: 'user #23' }).getAttribute('href')).toBe('/users/23/show');
  });

  it('links an admin to the audit log filtered on the events behind the figure', async () => {
    server.use(insiderHandler(), ...auditHandlers, ...deskHandlers({ staff: ROOT }));
    await renderDesk('/insider-signals');
    const dialog = await openEvidence(/^Fast decisions of Max Agent/);
    const link = within(dialog).getByRole('link', { name: 'Open in the audit log' });
    const url = new URL(link.getAttribute('href')!, 'http://desk.test');
    expect(url.pathname).toBe('/audit-events');
    expect(JSON.parse(url.searchParams.get('filter')!)).toEqual({ id: [905, 904, 903, 902, 901, 900] });
    await userEvent.click(link);
    // The audit log asks the server for exactly those events.
    await waitFor(() => expect(callsTo('GET', '/admin/api/audit-events').length).toBeGreaterThan(0));
    expect(JSON.parse(callsTo('GET', '/admin/api/audit-events').at(-1)!.search.get('filter')!)).toEqual({ id: [905, 904, 903, 902, 901, 900] });
  });

  it('switches the window and the fast-decision threshold', async () => {
    server.use(insiderHandler(), ...deskHandlers({ staff: SAM }));
    await renderDesk('/insider-signals');
    await screen.findByRole('table', { name: 'Insider signals per reviewer over the last 7 days' });
    await userEvent.click(within(screen.getByRole('group', { name: 'Window' })).getByRole('button', { name: 'Last 30 days' }));
    expect(await screen.findByRole('table', { name: 'Insider signals per reviewer over the last 30 days' })).toBeTruthy();
    await userEvent.click(within(screen.getByRole('group', { name: 'Fast means under' })).getByRole('button', { name: '60 seconds' }));
    await waitFor(() => expect(callsTo('GET', '/admin/api/insider-signals').at(-1)!.search.toString()).toBe('days=30&fastSeconds=60'));
    expect(screen.getByRole('button', { name: 'Last 30 days' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('does not crash while loading, on an empty team or on an error', async () => {
    let answer: () => Response = () => HttpResponse.json({ ...insiderReport, reviewers: [], events: [] });
    server.use(
      http.get('*/admin/api/insider-signals', () => answer()),
      ...deskHandlers({ staff: SAM }),
    );
    await renderDesk('/insider-signals');
    expect(await screen.findByText('There are no agents or supervisors yet.')).toBeTruthy();
    answer = () => apiError(500, 'internal_error', 'Something went wrong on the server.');
    await userEvent.click(screen.getByRole('button', { name: 'Last 30 days' }));
    expect(await screen.findByText('The signals could not be loaded. Try again in a moment.')).toBeTruthy();
    expect(screen.queryByText(/Something went wrong/)).toBeNull();
  });

  it('writes usual hours as ranges, across midnight too', () => {
    expect(hourRanges([8, 9, 10, 11, 12, 13, 14, 15, 16, 17])).toEqual([[8, 17]]);
    expect(hourRanges([22, 23, 0, 1, 9, 10])).toEqual([
      [9, 10],
      [22, 1],
    ]);
    expect(hourRanges([...Array(24).keys()])).toEqual([[0, 23]]);
    expect(hourRanges([])).toEqual([]);
  });

  it('speaks Chinese', async () => {
    server.use(insiderHandler(), ...deskHandlers({ staff: SAM }));
    await renderDesk('/insider-signals', { locale: 'zh' });
    expect(await screen.findByRole('table', { name: '最近 7 天每位审核员的内部风险信号' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Max Agent 的快速决定：3，已标记' })).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/\b(resources|rebind|ra)\.[a-z_-]+\.[a-z_.-]+/);
  });
});
