// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { forgetStaffSession } from '../../admin-ui/src/authProvider';
import { ADA, afterCommand, ANA, makeCaseDetail, NOW, queueRows, SAM } from './fixtures/desk-fixtures';
import { apiError, callsTo, deskHandlers, renderDesk, server, setupDeskTests } from './desk-kit';

setupDeskTests({ width: 1280 });

// The SLA chips count from the browser's clock: pin it to the fixtures' "now".
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

const lastListFilter = () => JSON.parse(callsTo('GET', '/admin/api/cases').at(-1)!.search.get('filter')!);
const rowOf = (id: number) => screen.getByRole('link', { name: `#${id}` }).closest('tr')!;

describe('the queue', () => {
  it('lists open cases, most urgent SLA first, with risk and SLA chips', async () => {
    server.use(...deskHandlers({ staff: ANA, rows: queueRows }));
    await renderDesk('/cases');
    await screen.findByRole('link', { name: '#157' });
    const first = callsTo('GET', '/admin/api/cases')[0].search;
    expect(JSON.parse(first.get('sort')!)).toEqual(['slaDueAt', 'ASC']);
    expect(JSON.parse(first.get('range')!)).toEqual([0, 24]);
    expect(JSON.parse(first.get('filter')!)).toEqual({
      status: ['submitted', 'in_review', 'info_requested', 'escalated', 'awaiting_second_approval'],
    });

    expect(within(rowOf(157)).getByText('Overdue 1 h 54 min')).toBeTruthy();
    expect(within(rowOf(157)).getByText('High · 100')).toBeTruthy();
    expect(within(rowOf(156)).getByText('4 h left')).toBeTruthy();
    expect(within(rowOf(161)).getByText('Low · 18')).toBeTruthy();
    expect(within(rowOf(160)).getByText('Me')).toBeTruthy();
    // Claim is offered on submitted cases only.
    expect(within(rowOf(161)).getByRole('button', { name: 'Claim' })).toBeTruthy();
    expect(within(rowOf(160)).queryByRole('button', { name: 'Claim' })).toBeNull();
    expect(within(rowOf(158)).queryByRole('button', { name: 'Claim' })).toBeNull();
  });

  it('applies a saved view in one click', async () => {
    server.use(...deskHandlers({ staff: ANA, rows: queueRows }));
    await renderDesk('/cases');
    const views = await screen.findByRole('toolbar', { name: 'Saved views' });
    expect(within(views).getByRole('button', { name: 'Open queue' }).getAttribute('aria-pressed')).toBe('true');

    await userEvent.click(within(views).getByRole('button', { name: 'My cases' }));
    await waitFor(() => expect(lastListFilter()).toEqual({ assigneeId: 'me', status: 'in_review' }));
    expect(within(views).getByRole('button', { name: 'My cases' }).getAttribute('aria-pressed')).toBe('true');

    await userEvent.click(within(views).getByRole('button', { name: 'Unassigned' }));
    await waitFor(() => expect(lastListFilter()).toEqual({ assigneeId: 'unassigned', status: ['submitted', 'escalated'] }));

    await userEvent.click(within(views).getByRole('button', { name: 'SLA at risk' }));
    await waitFor(() => expect(lastListFilter().slaDueAt_lte).toBe(new Date(NOW + 2 * 3_600_000).toISOString()));

    await userEvent.click(within(views).getByRole('button', { name: 'High risk' }));
    await waitFor(() => expect(lastListFilter()).toMatchObject({ riskBand: 'high' }));

    await userEvent.click(within(views).getByRole('button', { name: 'Waiting for second approval' }));
    await waitFor(() => expect(lastListFilter()).toEqual({ status: 'awaiting_second_approval' }));

    // Every case, newest first (most have no SLA any more).
    await userEvent.click(within(views).getByRole('button', { name: 'All cases' }));
    await waitFor(() => expect(lastListFilter()).toEqual({}));
    expect(JSON.parse(callsTo('GET', '/admin/api/cases').at(-1)!.search.get('sort')!)).toEqual(['id', 'DESC']);
  });

  it('claims from the list and opens the case', async () => {
    const claimed = afterCommand(makeCaseDetail({ id: 161, status: 'submitted', version: 4, assigneeId: null }), {
      status: 'in_review',
      assigneeId: ANA.id,
      assigneeName: ANA.name,
    });
    server.use(
      http.post('*/admin/api/cases/161/claim', () => HttpResponse.json(claimed)),
      ...deskHandlers({ staff: ANA, rows: queueRows, details: [claimed] }),
    );
    await renderDesk('/cases');
    await userEvent.click(within(await waitFor(() => rowOf(161))).getByRole('button', { name: 'Claim' }));
    expect(await screen.findByText('Case #161 is yours.')).toBeTruthy();
    expect(callsTo('POST', '/admin/api/cases/161/claim')[0].body).toEqual({ version: 4 });
    expect(await screen.findByRole('heading', { level: 1, name: 'Case #161' })).toBeTruthy();
    expect(screen.getByText(/You hold this case/)).toBeTruthy();
  });

  it('explains a claim that lost the race and refreshes the queue', async () => {
    server.use(
      http.post('*/admin/api/cases/161/claim', () => apiError(409, 'invalid_state', 'A in_review case cannot be claimed.')),
      ...deskHandlers({ staff: ANA, rows: queueRows }),
    );
    await renderDesk('/cases');
    await userEvent.click(within(await waitFor(() => rowOf(161))).getByRole('button', { name: 'Claim' }));
    expect(await screen.findByText(/Case #161 is no longer in a state that allows this/)).toBeTruthy();
    await waitFor(() => expect(callsTo('GET', '/admin/api/cases').length).toBeGreaterThan(1));
    expect(screen.queryByRole('heading', { level: 1, name: 'Case #161' })).toBeNull();
  });

  it('lets supervisors claim escalated cases, and auditors claim nothing', async () => {
    const rows = [...queueRows, { ...queueRows[0], id: 170, status: 'escalated' as const }];
    server.use(...deskHandlers({ staff: SAM, rows }));
    const { unmount } = await renderDesk('/cases');
    expect(within(await waitFor(() => rowOf(170))).getByRole('button', { name: 'Claim' })).toBeTruthy();
    unmount();
    forgetStaffSession();

    server.use(...deskHandlers({ staff: ADA, rows }));
    await renderDesk('/cases');
    await screen.findByRole('link', { name: '#170' });
    expect(screen.queryByRole('button', { name: 'Claim' })).toBeNull();
    expect(screen.queryByRole('columnheader', { name: 'Action' })).toBeNull();
  });
});
