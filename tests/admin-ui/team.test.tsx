// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { forgetStaffSession } from '../../admin-ui/src/authProvider';
import { ADA, afterCommand, ANA, BO, makeCaseDetail, makeCaseSummary, NOW, queueRows, SAM, team } from './fixtures/desk-fixtures';
import { apiError, callsTo, deskHandlers, renderDesk, server, setupDeskTests } from './desk-kit';

setupDeskTests({ width: 1280 });

// SLA chips and "… ago" count from the browser's clock: pin it to the fixtures' "now".
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

const teamHandler = () =>
  http.get('*/admin/api/team', () => HttpResponse.json(team, { headers: { 'Content-Range': `team 0-${team.length - 1}/${team.length}` } }));
const rowOf = (name: string) => screen.getByText(name, { selector: 'strong' }).closest('tr')!;

describe('the Team page (supervisors)', () => {
  it('shows each agent with the cases they hold, the most urgent SLA and a way to their cases', async () => {
    server.use(teamHandler(), ...deskHandlers({ staff: SAM, rows: queueRows }));
    await renderDesk('/team');
    await screen.findByText('Ana Agent', { selector: 'strong' });
    const ana = rowOf('Ana Agent');
    expect(within(ana).getByText('Agent')).toBeTruthy();
    expect(within(ana).getByText('21 h left')).toBeTruthy();
    expect(within(ana).getByText('12 min ago')).toBeTruthy();
    expect(within(ana).getByRole('button', { name: 'Release all' })).toBeTruthy();
    // Nobody to release for someone who holds nothing.
    expect(within(rowOf('Bo Agent')).queryByRole('button', { name: 'Release all' })).toBeNull();
    expect(within(rowOf('Sam Supervisor')).getByText('Supervisor')).toBeTruthy();

    // Their cases: the queue filtered on the assignee, whose name the filter shows.
    await userEvent.click(within(ana).getByRole('link', { name: 'View cases' }));
    await waitFor(() =>
      expect(JSON.parse(callsTo('GET', '/admin/api/cases').at(-1)!.search.get('filter')!)).toEqual({
        assigneeId: String(ANA.id),
        status: 'in_review',
      }),
    );
    expect(await screen.findByRole('combobox', { name: 'Assignee' })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Assignee' }).textContent).toBe('Ana Agent');
  });

  it('releases every claim of an agent who is away, after a confirmation', async () => {
    let released = false;
    server.use(
      http.get('*/admin/api/team', () => {
        const rows = released ? team.map((m) => (m.id === ANA.id ? { ...m, openCases: 0, oldestSlaDueAt: null, lastActivityAt: null } : m)) : team;
        return HttpResponse.json(rows, { headers: { 'Content-Range': `team 0-${rows.length - 1}/${rows.length}` } });
      }),
      http.post('*/admin/api/team/1/release-claims', () => {
        released = true;
        return HttpResponse.json({ staffId: 1, released: [160], skipped: [] });
      }),
      ...deskHandlers({ staff: SAM }),
    );
    await renderDesk('/team');
    await screen.findByText('Ana Agent', { selector: 'strong' });

    // Cancelling sends nothing.
    await userEvent.click(within(rowOf('Ana Agent')).getByRole('button', { name: 'Release all' }));
    let dialog = await screen.findByRole('dialog', { name: 'Release every case Ana Agent holds?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(callsTo('POST', /release-claims/)).toHaveLength(0);

    await userEvent.click(within(rowOf('Ana Agent')).getByRole('button', { name: 'Release all' }));
    dialog = await screen.findByRole('dialog', { name: 'Release every case Ana Agent holds?' });
    expect(within(dialog).getByText(/The case Ana Agent holds goes back to the queue/)).toBeTruthy();
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Reason (optional)' }), 'Off sick today');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Release all' }));

    expect(await screen.findByText('1 case of Ana Agent is back in the queue.')).toBeTruthy();
    expect(callsTo('POST', '/admin/api/team/1/release-claims').map((call) => call.body)).toEqual([{ reason: 'Off sick today' }]);
    await waitFor(() => expect(within(rowOf('Ana Agent')).queryByRole('button', { name: 'Release all' })).toBeNull());
  });

  it('is not on the menu of agents or auditors', async () => {
    for (const staff of [ANA, ADA]) {
      server.use(...deskHandlers({ staff }));
      const { unmount } = await renderDesk('/');
      await screen.findByRole('menuitem', { name: 'Dashboard' });
      expect(screen.queryByRole('menuitem', { name: 'Team' })).toBeNull();
      unmount();
      forgetStaffSession();
    }
  });
});

describe('assigning a case (supervisors)', () => {
  const waiting = makeCaseDetail({
    id: 161,
    status: 'submitted',
    version: 4,
    assigneeId: null,
    assigneeName: null,
    claimExpiresAt: null,
    availableActions: ['claim', 'note', 'assign'],
    assignees: [
      { id: ANA.id, name: ANA.name, role: 'agent' },
      { id: BO.id, name: BO.name, role: 'agent' },
      { id: SAM.id, name: SAM.name, role: 'supervisor' },
    ],
  });

  it('picks a colleague by name and needs a note; the answer replaces the case', async () => {
    server.use(
      ...deskHandlers({ staff: SAM, details: [waiting] }),
      http.post('*/admin/api/cases/161/assign', () =>
        HttpResponse.json(
          afterCommand(waiting, { status: 'in_review', assigneeId: BO.id, assigneeName: BO.name, availableActions: ['release', 'note', 'assign'] }),
        ),
      ),
    );
    await renderDesk('/cases/161/show');
    const bar = await screen.findByRole('toolbar', { name: 'Case actions' });
    await userEvent.click(within(bar).getByRole('button', { name: 'Assign' }));
    const dialog = await screen.findByRole('dialog', { name: 'Assign case #161' });
    const confirm = within(dialog).getByRole('button', { name: 'Assign' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await userEvent.click(within(dialog).getByRole('combobox', { name: /Assign to/ }));
    expect((await screen.findAllByRole('option')).map((option) => option.textContent)).toEqual([
      'Ana Agent (Agent)',
      'Bo Agent (Agent)',
      'Sam Supervisor (Supervisor)',
    ]);
    await userEvent.click(screen.getByRole('option', { name: 'Bo Agent (Agent)' }));
    expect(confirm.disabled).toBe(true); // the note is required
    await userEvent.type(within(dialog).getByRole('textbox', { name: /Why/ }), 'Bo speaks Portuguese.');
    await userEvent.click(confirm);

    expect(await screen.findByText('Case #161 assigned.')).toBeTruthy();
    expect(callsTo('POST', '/admin/api/cases/161/assign').map((call) => call.body)).toEqual([{ version: 4, assigneeId: BO.id, note: 'Bo speaks Portuguese.' }]);
    expect(await screen.findByText('Held by Bo Agent.')).toBeTruthy();
    expect(within(await screen.findByRole('toolbar', { name: 'Case actions' })).getByRole('button', { name: 'Reassign' })).toBeTruthy();
  });

  it('keeps the dialog open with the server’s words on a 400, and explains a 409', async () => {
    let calls = 0;
    server.use(
      ...deskHandlers({ staff: SAM, details: [waiting] }),
      http.post('*/admin/api/cases/161/assign', () => {
        calls += 1;
        return calls === 1
          ? apiError(400, 'validation_failed', 'Choose a staff member to assign the case to.', { fields: { assigneeId: 'no such staff member' } })
          : apiError(409, 'stale_version', 'Someone else changed this case: reload it to see what happened.');
      }),
    );
    await renderDesk('/cases/161/show');
    await userEvent.click(within(await screen.findByRole('toolbar', { name: 'Case actions' })).getByRole('button', { name: 'Assign' }));
    const dialog = await screen.findByRole('dialog', { name: 'Assign case #161' });
    await userEvent.click(within(dialog).getByRole('combobox', { name: /Assign to/ }));
    await userEvent.click(await screen.findByRole('option', { name: 'Ana Agent (Agent)' }));
    await userEvent.type(within(dialog).getByRole('textbox', { name: /Why/ }), 'Knows the customer.');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Assign' }));
    expect(await within(dialog).findByText(/no such staff member/)).toBeTruthy();

    await userEvent.click(within(dialog).getByRole('button', { name: 'Assign' }));
    expect(await screen.findByText(/Someone else decided or changed case #161/)).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(callsTo('GET', '/admin/api/cases/161')).toHaveLength(2));
  });

  it('is not offered to agents', async () => {
    server.use(...deskHandlers({ staff: ANA, details: [{ ...waiting, availableActions: ['claim', 'note'], assignees: [] }] }));
    await renderDesk('/cases/161/show');
    const bar = await screen.findByRole('toolbar', { name: 'Case actions' });
    expect(within(bar).queryByRole('button', { name: 'Assign' })).toBeNull();
  });
});

describe('people by name, not number', () => {
  it('names the assignee in the queue, and the actors of the timeline and notes', async () => {
    const rows = [makeCaseSummary({ id: 162, status: 'in_review', assigneeId: BO.id }), ...queueRows];
    server.use(...deskHandlers({ staff: ANA, rows }));
    const { unmount } = await renderDesk('/cases');
    const row = (await screen.findByRole('link', { name: '#162' })).closest('tr')!;
    expect(await within(row).findByText('Bo Agent')).toBeTruthy();
    expect(screen.queryByText(/Staff #/)).toBeNull();
    unmount();
    forgetStaffSession();

    const detail = makeCaseDetail({
      assigneeName: null, // the directory names them, whatever the response carries
      notes: [
        {
          id: 9,
          authorType: 'staff',
          staffId: SAM.id,
          staffName: null,
          visibility: 'internal',
          body: 'Ana, this one is yours.',
          createdAt: '2026-11-26T08:50:00.000Z',
        },
      ],
      timeline: [
        ...makeCaseDetail().timeline,
        {
          id: 651,
          ts: '2026-11-26T08:50:00.000Z',
          action: 'case.assign',
          actorType: 'staff',
          actorId: String(SAM.id),
          actorLabel: SAM.email,
          details: { fromStatus: 'in_review', toStatus: 'in_review', from: BO.id, to: ANA.id },
        },
      ],
    });
    server.use(...deskHandlers({ staff: BO, details: [detail] }));
    await renderDesk('/cases/160/show');
    expect(await screen.findByText('Held by Ana Agent.')).toBeTruthy();
    await screen.findByText('by Sam Supervisor');
    const timeline = screen.getByRole('heading', { name: 'Timeline' }).closest('section')!;
    expect(within(timeline).getByText('by Ana Agent')).toBeTruthy();
    expect(within(timeline).getByText('by Sam Supervisor')).toBeTruthy();
    expect(within(timeline).getByText('from Bo Agent to Ana Agent')).toBeTruthy();
    expect(within(timeline).queryByText(/@staff\.example\.com/)).toBeNull();
    const notes = screen.getByRole('heading', { name: 'Notes' }).closest('section')!;
    expect(within(notes).getByText('Sam Supervisor')).toBeTruthy();
  });

  it('names staff actors and targets in the audit log', async () => {
    const events = [
      {
        id: 12,
        ts: '2026-11-26T08:50:00.000Z',
        actorType: 'staff',
        actorId: String(SAM.id),
        actorLabel: SAM.email,
        action: 'case.assign',
        targetType: 'case',
        targetId: '160',
        ip: '192.0.2.9',
        requestId: 'r1',
        details: {},
      },
      {
        id: 11,
        ts: '2026-11-26T08:40:00.000Z',
        actorType: 'staff',
        actorId: '5',
        actorLabel: 'root.admin@staff.example.com',
        action: 'staff.update',
        targetType: 'staff',
        targetId: String(BO.id),
        ip: '192.0.2.9',
        requestId: 'r2',
        details: {},
      },
    ];
    server.use(
      http.get('*/admin/api/audit-events', () => HttpResponse.json(events, { headers: { 'Content-Range': 'audit-events 0-1/2' } })),
      http.get('*/admin/api/audit-events/verify', () => HttpResponse.json({ ok: true, count: 2, headHash: 'ab'.repeat(32) })),
      ...deskHandlers({ staff: ADA }),
    );
    await renderDesk('/audit-events');
    const samRow = (await screen.findByText('Sam Supervisor')).closest('tr')!;
    expect(within(samRow).getByText(/staff\.example\.com/)).toBeTruthy(); // the recorded label stays visible
    const rootRow = screen.getByText('Root Admin').closest('tr')!;
    expect(within(rootRow).getByText('staff Bo Agent')).toBeTruthy();
  });
});
