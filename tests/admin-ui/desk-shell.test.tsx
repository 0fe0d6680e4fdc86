// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ADA, ANA, frozenUser, makeCaseDetail, questionsEvidence, ROOT, SAM, transferEvidence } from './fixtures/desk-fixtures';
import { callsTo, deskHandlers, renderDesk, server, setupDeskTests } from './desk-kit';

setupDeskTests();
afterEach(() => vi.useRealTimers());

const menuItems = async () => {
  await screen.findByRole('menuitem', { name: 'Dashboard' });
  return screen.getAllByRole('menuitem').map((item) => item.textContent);
};

describe('the desk around the queue', () => {
  it('draws the dashboard from /stats as charts, not only numbers', async () => {
    server.use(...deskHandlers({ staff: ANA }));
    await renderDesk('/');
    expect(await screen.findByRole('heading', { name: 'Welcome, Ana Agent' })).toBeTruthy();
    expect(await screen.findByRole('img', { name: 'Open cases by status and risk band: 6 cases in all' })).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Approvals (6) and rejections (3) per day over 30 days' })).toBeTruthy();
    expect(screen.getAllByRole('img', { name: 'Approval rate by evidence method (30 days)' })).toHaveLength(1);
    expect(screen.getByText('67% (54 of 81)')).toBeTruthy();
    expect(screen.getByText('8 h 6 min')).toBeTruthy();
    // A status bar is a link to those cases in the queue (keyboard too).
    const submitted = screen.getByRole('link', { name: 'Submitted: 3' });
    submitted.focus();
    await userEvent.keyboard('{Enter}');
    expect(await screen.findByRole('toolbar', { name: 'Saved views' })).toBeTruthy();
    await waitFor(() => expect(JSON.parse(callsTo('GET', '/admin/api/cases').at(-1)!.search.get('filter')!)).toEqual({ status: 'submitted' }));
  });

  it('filters the approvals chart by method', async () => {
    server.use(...deskHandlers({ staff: ANA }));
    await renderDesk('/');
    await userEvent.click(await screen.findByRole('button', { name: 'Transfer record' }));
    expect(screen.getByRole('img', { name: 'Approvals (2) and rejections (2) per day over 30 days' })).toBeTruthy();
  });

  it('shows each role the menus its permissions allow', async () => {
    const expected: [typeof ANA | typeof SAM | typeof ADA | typeof ROOT, string[]][] = [
      [ANA, ['Dashboard', 'Queue', 'Users']],
      [SAM, ['Dashboard', 'Queue', 'Team', 'Users', 'Insider signals']],
      [ADA, ['Dashboard', 'Queue', 'Users', 'Audit log']],
      [ROOT, ['Dashboard', 'Queue', 'Users', 'Audit log', 'Insider signals', 'Reason codes', 'Staff', 'Service accounts', 'Webhooks', 'Outbox']],
    ];
    for (const [staff, menus] of expected) {
      server.use(...deskHandlers({ staff }));
      const { unmount } = await renderDesk('/');
      expect(await menuItems()).toEqual(menus);
      expect(
        await screen.findByText(`${staff.name} (${{ agent: 'Agent', supervisor: 'Supervisor', auditor: 'Auditor', admin: 'Administrator' }[staff.role]})`),
      ).toBeTruthy();
      unmount();
      (await import('../../admin-ui/src/authProvider')).forgetStaffSession();
    }
  });

  it('speaks Chinese throughout a case, with no key left untranslated', async () => {
    const detail = makeCaseDetail({
      status: 'awaiting_second_approval',
      firstApproverId: 1,
      firstApproverName: 'Ana Agent',
      firstApprovedAt: '2026-11-26T08:00:00.000Z',
      evidence: [questionsEvidence(), makeCaseDetail().evidence[0], transferEvidence()],
      notes: [{ id: 1, authorType: 'staff', staffId: 1, staffName: 'Ana Agent', visibility: 'user', body: '…', createdAt: '2026-11-26T08:00:00.000Z' }],
      relatedCases: [
        {
          id: 148,
          status: 'rejected',
          createdAt: '2026-11-25T08:00:00.000Z',
          maskedEmail: 'f***@e***.com',
          sameAccount: false,
          sameIp: true,
          sameDevice: true,
        },
      ],
      txidOnOtherCases: [{ caseId: 161, txid: 'abc' }],
      availableActions: ['approve', 'reject', 'note'],
    });
    server.use(...deskHandlers({ staff: SAM, details: [detail] }));
    await renderDesk('/cases/160/show', { locale: 'zh' });
    expect(await screen.findByRole('heading', { level: 1, name: '案件 #160' })).toBeTruthy();
    expect(screen.getByText('答案匹配 2/3')).toBeTruthy();
    expect(within(screen.getByRole('toolbar', { name: '案件操作' })).getByRole('button', { name: '批准' })).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/\b(resources|rebind|ra)\.[a-z_-]+\.[a-z_.-]+/);

    server.use(...deskHandlers({ staff: SAM }));
    await userEvent.click(screen.getByRole('menuitem', { name: '首页' }));
    expect(await screen.findByRole('heading', { name: '欢迎，Sam Supervisor' })).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/\b(resources|rebind|ra)\.[a-z_-]+\.[a-z_.-]+/);
  });

  it('warns two minutes before the idle sign-out, and signs out at 30 minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], shouldAdvanceTime: true });
    server.use(...deskHandlers({ staff: ANA }));
    await renderDesk('/');
    await screen.findByRole('heading', { name: 'Welcome, Ana Agent' });

    await act(() => vi.advanceTimersByTime(28 * 60_000 + 1_000));
    const dialog = await screen.findByRole('dialog', { name: 'Still there?' });
    expect(within(dialog).getByText(/signed out in 1:59/)).toBeTruthy();
    const meCalls = callsTo('GET', '/admin/api/auth/me').length;
    await userEvent.click(within(dialog).getByRole('button', { name: 'Stay signed in' }), { advanceTimers: vi.advanceTimersByTime });
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Still there?' })).toBeNull());
    await waitFor(() => expect(callsTo('GET', '/admin/api/auth/me').length).toBeGreaterThan(meCalls)); // the server hears of it

    await act(() => vi.advanceTimersByTime(30 * 60_000 + 1_000));
    await waitFor(() => expect(callsTo('POST', '/admin/api/auth/logout')).toHaveLength(1));
    expect(await screen.findByText('You were signed out after 30 minutes of inactivity.')).toBeTruthy();
  });

  it('lets a supervisor unfreeze an account with a justification', async () => {
    server.use(
      http.get('*/admin/api/users/7', () => HttpResponse.json(frozenUser)),
      http.post('*/admin/api/users/7/unfreeze', () => HttpResponse.json({ ...frozenUser, status: 'active', frozenAt: null, frozenReason: null })),
      ...deskHandlers({ staff: SAM }),
    );
    await renderDesk('/users/7/show');
    expect(await screen.findByText(/Frozen by the owner/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Unfreeze' }));
    const dialog = await screen.findByRole('dialog', { name: 'Unfreeze user #7?' });
    await userEvent.type(within(dialog).getByRole('textbox', { name: /Justification/ }), 'Owner confirmed by video call, ticket 4411.');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Unfreeze' }));
    expect(await screen.findByText('The account is unfrozen.')).toBeTruthy();
    expect(callsTo('POST', '/admin/api/users/7/unfreeze')[0].body).toEqual({ justification: 'Owner confirmed by video call, ticket 4411.' });
    await waitFor(() => expect(screen.queryByText(/Frozen by the owner/)).toBeNull());
  });

  it('does not offer unfreeze or reveal to an auditor', async () => {
    server.use(
      http.get('*/admin/api/users/7', () => HttpResponse.json(frozenUser)),
      ...deskHandlers({ staff: ADA }),
    );
    await renderDesk('/users/7/show');
    expect(await screen.findByText(/Frozen by the owner/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Unfreeze' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Reveal the email' })).toBeNull();
    expect(screen.getByText('g***@e***.com')).toBeTruthy();
  });
});
