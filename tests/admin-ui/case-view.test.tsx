// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ANA, afterCommand, BO, makeCaseDetail, questionsEvidence, SAM, transferEvidence } from './fixtures/desk-fixtures';
import { apiError, callsTo, deskHandlers, renderDesk, server, setupDeskTests } from './desk-kit';

setupDeskTests();

const actionBar = () => screen.findByRole('toolbar', { name: 'Case actions' });

describe('the case view', () => {
  it('shows each evidence method beside what the system checked', async () => {
    const detail = makeCaseDetail({
      methods: ['security_questions', 'biometric', 'transfer_record'],
      evidence: [
        questionsEvidence([
          [true, false, false],
          [true, true, false],
        ]),
        makeCaseDetail().evidence[0],
        transferEvidence(),
      ],
      request: { ...makeCaseDetail().request, ipSeenBefore: false },
    });
    server.use(...deskHandlers({ staff: ANA, details: [detail] }));
    await renderDesk('/cases/160/show');

    // Security questions: one column per attempt, "answers matched n/3".
    const questions = await screen.findByRole('table', { name: 'Security questions' });
    expect(within(questions).getByText('answers matched 1/3')).toBeTruthy();
    expect(within(questions).getByText('answers matched 2/3')).toBeTruthy();
    expect(screen.getByText('Best 2/3')).toBeTruthy();
    expect(screen.getByText('2 of 3 attempts used.')).toBeTruthy();

    // Biometric: scores against the thresholds.
    expect(screen.getByRole('img', { name: 'Liveness: 0.98 / 0.9 (pass)' })).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Face match with the KYC selfie: 0.94 / 0.85 (pass)' })).toBeTruthy();

    // Transfer record: the record beside the ledger row, the differing field marked.
    const transfer = screen.getByRole('table', { name: 'Transfer record' });
    const amountRow = within(transfer).getByRole('row', { name: /Amount/ });
    expect(within(amountRow).getByText('99.00')).toBeTruthy();
    expect(within(amountRow).getByText('22912.00')).toBeTruthy();
    expect(within(amountRow).getByLabelText('Differs')).toBeTruthy();
    expect(within(within(transfer).getByRole('row', { name: /Asset/ })).queryByLabelText('Differs')).toBeNull();
    expect(screen.getByText('Partial match')).toBeTruthy();

    // Signals with their weights, the request's novelty, the email verification time.
    expect(screen.getByText('Biometric check passed')).toBeTruthy();
    expect(screen.getByText('-30')).toBeTruthy();
    expect(screen.getByText('never seen')).toBeTruthy();
    expect(screen.getByText('Email verified')).toBeTruthy();
  });

  it('offers only the actions the server lists, and warns on a case about your own account', async () => {
    server.use(
      ...deskHandlers({
        staff: BO,
        details: [
          makeCaseDetail({ id: 159, status: 'submitted', assigneeId: null, assigneeName: null, ownAccount: true, availableActions: [] }),
          makeCaseDetail({ id: 161, status: 'submitted', assigneeId: null, assigneeName: null, availableActions: ['claim', 'note'] }),
        ],
      }),
    );
    await renderDesk('/cases/159/show');
    expect(await screen.findByText(/This case is about your own account/)).toBeTruthy();
    expect(screen.queryByRole('toolbar', { name: 'Case actions' })).toBeNull();
    expect(screen.queryByRole('textbox', { name: 'Add a note' })).toBeNull();
  });

  it('shows who gave the first approval of a four-eyes case', async () => {
    server.use(
      ...deskHandlers({
        staff: SAM,
        details: [
          makeCaseDetail({
            id: 158,
            status: 'awaiting_second_approval',
            riskBand: 'high',
            riskScore: 75,
            assigneeId: null,
            assigneeName: null,
            firstApproverId: 1,
            firstApproverName: 'Ana Agent',
            firstApprovedAt: '2026-11-26T08:19:00.000Z',
            availableActions: ['approve', 'reject', 'note'],
          }),
        ],
      }),
    );
    await renderDesk('/cases/158/show');
    expect(await screen.findByText(/First approval given by Ana Agent/)).toBeTruthy();
    const bar = await actionBar();
    expect(
      within(bar)
        .getAllByRole('button')
        .map((button) => button.textContent),
    ).toEqual(['Approve', 'Reject']);
    await userEvent.click(within(bar).getByRole('button', { name: 'Approve' }));
    const dialog = await screen.findByRole('dialog', { name: 'Give the second approval to case #158?' });
    expect(within(dialog).getByText(/First approval by Ana Agent/)).toBeTruthy();
  });

  it('approves after a confirmation, sending the version it showed', async () => {
    const detail = makeCaseDetail();
    server.use(
      ...deskHandlers({ staff: ANA, details: [detail] }),
      http.post('*/admin/api/cases/160/approve', () =>
        HttpResponse.json(
          afterCommand(detail, {
            status: 'approved',
            assigneeId: null,
            decidedAt: '2026-11-26T09:00:00.000Z',
            decidedByName: 'Ana Agent',
            availableActions: ['note'],
          }),
        ),
      ),
    );
    await renderDesk('/cases/160/show');
    await userEvent.click(within(await actionBar()).getByRole('button', { name: 'Approve' }));
    const dialog = await screen.findByRole('dialog', { name: 'Approve case #160?' });
    expect(within(dialog).getByText(/All of the user's 2FA tools and sessions will be revoked/)).toBeTruthy();
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Internal note (optional)' }), 'Liveness and match well above the thresholds.');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));

    expect(await screen.findByText('Case #160 approved.')).toBeTruthy();
    expect(callsTo('POST', '/admin/api/cases/160/approve').map((call) => call.body)).toEqual([
      { version: 5, note: 'Liveness and match well above the thresholds.' },
    ]);
    await waitFor(() => expect(screen.queryByRole('toolbar', { name: 'Case actions' })).toBeNull());
    expect(screen.getByText(/Decided by Ana Agent/)).toBeTruthy();
    // The answer replaced the case: no second GET (each one is an audited view).
    expect(callsTo('GET', '/admin/api/cases/160')).toHaveLength(1);
  });

  it('rejects with an active reason code of the right kind only', async () => {
    const detail = makeCaseDetail();
    server.use(
      ...deskHandlers({ staff: ANA, details: [detail] }),
      http.post('*/admin/api/cases/160/reject', () =>
        HttpResponse.json(afterCommand(detail, { status: 'rejected', reasonCode: 'identity_not_verified', availableActions: ['note'] })),
      ),
    );
    await renderDesk('/cases/160/show');
    await userEvent.click(within(await actionBar()).getByRole('button', { name: 'Reject' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reject case #160?' });
    const confirm = within(dialog).getByRole('button', { name: 'Reject' });
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(within(dialog).getByRole('combobox', { name: /Reason/ }));
    const options = (await screen.findAllByRole('option')).map((option) => option.textContent);
    expect(options).toEqual(['Identity not verified', 'Evidence inconsistent with our records']);
    await userEvent.click(screen.getByRole('option', { name: 'Identity not verified' }));
    expect(within(dialog).getByText(/The user will read: "We could not verify/)).toBeTruthy();
    await userEvent.click(confirm);
    expect(await screen.findByText('Case #160 rejected.')).toBeTruthy();
    expect(callsTo('POST', '/admin/api/cases/160/reject')[0].body).toEqual({ version: 5, reasonCode: 'identity_not_verified' });
  });

  it('explains a 409 (someone else decided first) and reloads the case instead of failing', async () => {
    let decided = false;
    const detail = makeCaseDetail();
    server.use(
      http.get('*/admin/api/cases/160', () =>
        HttpResponse.json(
          decided
            ? afterCommand(detail, {
                status: 'approved',
                assigneeId: null,
                decidedAt: '2026-11-26T09:00:00.000Z',
                decidedByName: 'Sam Supervisor',
                availableActions: ['note'],
              })
            : detail,
        ),
      ),
      http.post('*/admin/api/cases/160/escalate', () => {
        decided = true;
        return apiError(409, 'stale_version', 'Someone else changed this case: reload it to see what happened.', { status: 'approved', version: 6 });
      }),
      ...deskHandlers({ staff: ANA }),
    );
    await renderDesk('/cases/160/show');
    await userEvent.click(within(await actionBar()).getByRole('button', { name: 'Escalate' }));
    const dialog = await screen.findByRole('dialog', { name: 'Escalate case #160 to supervisors?' });
    await userEvent.type(within(dialog).getByRole('textbox', { name: /Why/ }), 'Biometric passed but the device is new to us.');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Escalate' }));

    expect(await screen.findByText(/Someone else decided or changed case #160 while you were looking at it/)).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await screen.findByText(/Decided by Sam Supervisor/)).toBeTruthy();
    expect(callsTo('GET', '/admin/api/cases/160')).toHaveLength(2);
  });

  it('keeps the dialog open with the server’s words on a 400', async () => {
    server.use(
      ...deskHandlers({ staff: ANA, details: [makeCaseDetail()] }),
      http.post('*/admin/api/cases/160/request-info', () =>
        apiError(400, 'validation_failed', 'Not an active request-info reason code.', { fields: { reasonCode: 'unknown or retired' } }),
      ),
    );
    await renderDesk('/cases/160/show');
    await userEvent.click(within(await actionBar()).getByRole('button', { name: 'Request info' }));
    const dialog = await screen.findByRole('dialog', { name: 'Ask for more information on case #160' });
    await userEvent.click(within(dialog).getByRole('combobox', { name: /Reason/ }));
    await userEvent.click(await screen.findByRole('option', { name: 'Needs an exact transfer record' }));
    await userEvent.type(within(dialog).getByRole('textbox', { name: /Message to the user/ }), 'Send the exact amount of your last deposit.');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Send request' }));
    expect(await within(dialog).findByText('Not an active request-info reason code. (reasonCode: unknown or retired)')).toBeTruthy();
    expect(screen.getByRole('dialog')).toBeTruthy();
  });

  it('reveals a masked email only with a justification', async () => {
    server.use(
      ...deskHandlers({ staff: ANA, details: [makeCaseDetail()] }),
      http.post('*/admin/api/users/2/reveal', () => HttpResponse.json({ field: 'email', value: 'bruno.costa@example.com' })),
    );
    await renderDesk('/cases/160/show');
    await userEvent.click(await screen.findByRole('button', { name: 'Reveal the email' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reveal the email address' });
    const confirm = within(dialog).getByRole('button', { name: 'Reveal' }) as HTMLButtonElement;
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Justification' }), 'too short');
    expect(confirm.disabled).toBe(true);
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Justification' }), ' — user called from a new number');
    await userEvent.click(confirm);
    expect(await screen.findByText('bruno.costa@example.com')).toBeTruthy();
    expect(callsTo('POST', '/admin/api/users/2/reveal')[0].body).toEqual({
      field: 'email',
      justification: 'too short — user called from a new number',
    });
  });

  it('adds an internal note, or one the user will see', async () => {
    const detail = makeCaseDetail();
    server.use(
      ...deskHandlers({ staff: ANA, details: [detail] }),
      http.post('*/admin/api/cases/160/notes', async ({ request }) => {
        const body = (await request.json()) as { body: string; visibility: 'internal' | 'user' };
        return HttpResponse.json({
          ...detail,
          notes: [
            {
              id: 9,
              authorType: 'staff',
              staffId: 1,
              staffName: 'Ana Agent',
              visibility: body.visibility,
              body: body.body,
              createdAt: '2026-11-26T09:00:00.000Z',
            },
          ],
        });
      }),
    );
    await renderDesk('/cases/160/show');
    await userEvent.type(await screen.findByRole('textbox', { name: 'Add a note' }), 'We will call you back today.');
    await userEvent.click(screen.getByRole('switch', { name: 'Visible to the user' }));
    await userEvent.click(screen.getByRole('button', { name: 'Add note' }));
    expect(await screen.findByText('We will call you back today.')).toBeTruthy();
    expect(callsTo('POST', '/admin/api/cases/160/notes')[0].body).toEqual({ body: 'We will call you back today.', visibility: 'user' });
  });
});
