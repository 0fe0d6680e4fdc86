// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, apiError, callsTo, overview, overviewHandler, pageOpened, renderAccount, server, SESSION, setupAccountTests } from './account-kit';

setupAccountTests();

const TOKEN = 'case-token-0123456789abcdefghijklmnopqrstu';
const status = (patch: Record<string, unknown> = {}) => ({
  caseId: 42,
  status: 'draft',
  emailVerified: true,
  availableMethods: ['security_questions', 'biometric', 'transfer_record'],
  questions: ['First pet?', 'Birth city?', 'Favourite teacher?'],
  questionAttemptsLeft: 3,
  evidence: [],
  requestedInformation: null,
  decision: null,
  notes: [],
  canSubmit: false,
  canCancel: true,
  canReply: false,
  submittedAt: null,
  expectedDecision: null,
  ...patch,
});

describe('the reset wizard', () => {
  it('reads first, then files with password and email, takes the email code, evidence, and submits after a review', async () => {
    const user = userEvent.setup();
    let evidence: { method: string; received: boolean; at: string }[] = [];
    server.use(
      http.post(api('/recovery/cases'), () =>
        HttpResponse.json({ caseId: 42, caseToken: TOKEN, status: 'draft', emailSentTo: 'a***@e***.com', next: 'verify_email' }, { status: 201 }),
      ),
      http.post(api('/recovery/cases/42/email'), () => HttpResponse.json(status())),
      http.post(api('/recovery/cases/42/evidence'), async ({ request }) => {
        const body = (await request.json()) as { method: string };
        evidence = [...evidence, { method: body.method, received: true, at: '2026-11-26T09:05:00.000Z' }];
        return HttpResponse.json(
          body.method === 'security_questions' ? { received: true, method: body.method, questionAttemptsLeft: 2 } : { received: true, method: body.method },
        );
      }),
      http.get(api('/recovery/cases/42'), () =>
        HttpResponse.json(
          status({ evidence, canSubmit: evidence.length > 0, questionAttemptsLeft: 3 - evidence.filter((e) => e.method === 'security_questions').length }),
        ),
      ),
      http.post(api('/recovery/cases/42/submit'), () => {
        evidence = evidence.slice();
        return HttpResponse.json(status({ status: 'submitted', evidence, submittedAt: '2026-11-26T09:06:00.000Z' }));
      }),
    );
    await renderAccount('/account/reset');
    await pageOpened('Reset 2FA');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(screen.getByText('Tick the box to continue.')).toBeTruthy();
    await user.click(screen.getByLabelText('I have read this and want to reset my 2FA'));
    await user.click(screen.getByRole('button', { name: 'Continue' }));

    await user.type(await screen.findByLabelText('Email'), 'alice.martin@example.com');
    await user.type(screen.getByLabelText('Password'), 'demo-user-password-2026');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByText('We sent a 6-digit code to a***@e***.com. It is valid for 10 minutes.');
    expect(sessionStorage.getItem('rebind.case.42')).toBe(TOKEN);
    await user.type(screen.getByLabelText('Code from the email'), '123456');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(callsTo('POST', '/recovery/cases/42/email')[0]).toMatchObject({ body: { code: '123456' }, authorization: `Bearer ${TOKEN}` });

    // Evidence: nothing to submit before something is received.
    await screen.findByRole('heading', { level: 2, name: 'Identity verification' });
    expect((screen.getByRole('button', { name: 'Review the request' }) as HTMLButtonElement).disabled).toBe(true);
    await user.click(screen.getByText('Answer your security questions'));
    await user.type(screen.getByLabelText('First pet?'), 'Rex');
    await user.type(screen.getByLabelText('Birth city?'), 'Lisbon');
    await user.type(screen.getByLabelText('Favourite teacher?'), 'Ms Okafor');
    await user.click(screen.getByRole('button', { name: 'Send the answers' }));
    await screen.findByText('Received. Our team checks it during the review; we do not say here whether it matched.');
    expect(callsTo('POST', '/recovery/cases/42/evidence')[0]!.body).toEqual({ method: 'security_questions', answers: ['Rex', 'Lisbon', 'Ms Okafor'] });

    // The transfer record, with help for each field; bad values are caught before sending.
    await user.click(screen.getByText('Transfer record from another platform'));
    expect(screen.getByText('The chain it travelled on, as the platform names it, e.g. TRC20 or ERC20.')).toBeTruthy();
    const txid = screen.getByLabelText('Transaction id (txid / hash)');
    expect(document.getElementById(txid.getAttribute('aria-describedby')!)!.textContent).toBe(
      "The transaction's id on the chain, from the platform's withdrawal details.",
    );
    await user.type(screen.getByLabelText('Email of this account'), 'alice.martin@example.com');
    await user.type(screen.getByLabelText('Platform you sent from'), 'Kraken');
    await user.type(screen.getByLabelText('Asset'), 'USDT');
    await user.type(screen.getByLabelText('Network'), 'TRC20');
    await user.type(screen.getByLabelText('Amount'), '250,00');
    await user.type(txid, '0xabc123def456');
    await user.type(screen.getByLabelText('Time of the transfer'), '2026-11-21T14:05');
    await user.click(screen.getByRole('button', { name: 'Send the transfer record' }));
    expect(screen.getByText('Use digits and a dot, e.g. 250.00.')).toBeTruthy();
    await user.clear(screen.getByLabelText('Amount'));
    await user.type(screen.getByLabelText('Amount'), '250.00');
    await user.click(screen.getByRole('button', { name: 'Send the transfer record' }));
    await waitFor(() => expect(callsTo('POST', '/recovery/cases/42/evidence')).toHaveLength(2));
    expect(callsTo('POST', '/recovery/cases/42/evidence')[1]!.body).toEqual({
      method: 'transfer_record',
      email: 'alice.martin@example.com',
      platform: 'Kraken',
      asset: 'USDT',
      network: 'TRC20',
      amount: '250.00',
      txid: '0xabc123def456',
      time: new Date('2026-11-21T14:05').toISOString(),
    });

    await waitFor(() => expect((screen.getByRole('button', { name: 'Review the request' }) as HTMLButtonElement).disabled).toBe(false));
    await user.click(screen.getByRole('button', { name: 'Review the request' }));
    const review = await screen.findByRole('heading', { level: 2, name: 'Review and submit' });
    expect(
      within(review.parentElement!)
        .getAllByRole('listitem')
        .map((li) => li.textContent?.split(':')[0]),
    ).toEqual(['Security questions', 'Transfer record']);
    await user.click(screen.getByRole('button', { name: 'Submit for review' }));
    await pageOpened('Reset request #42');
    expect(location.pathname).toBe('/account/case/42');
  });

  it('says when a request is already open, or a rejection is cooling down', async () => {
    const user = userEvent.setup();
    server.use(http.post(api('/recovery/cases'), () => apiError(409, 'case_open', 'A reset request for this account is already open…')));
    await renderAccount('/account/reset');
    await pageOpened('Reset 2FA');
    await user.click(screen.getByLabelText('I have read this and want to reset my 2FA'));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.type(await screen.findByLabelText('Email'), 'alice.martin@example.com');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/already open\. Follow it with the link in the email/);
    server.use(http.post(api('/recovery/cases'), () => apiError(422, 'cooldown', 'A recent request was not approved…', { until: '2026-12-03T09:00:00.000Z' })));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/^A recent reset request was not approved; you can file again after 3 Dec 2026/));
  });

  it('picks up a draft left in this tab at the evidence step', async () => {
    sessionStorage.setItem('rebind.case.42', TOKEN);
    sessionStorage.setItem('rebind.case.current', '42');
    server.use(http.get(api('/recovery/cases/42'), () => HttpResponse.json(status())));
    await renderAccount('/account/reset');
    await screen.findByRole('heading', { level: 2, name: 'Identity verification' });
    expect(screen.getByRole('list', { name: 'Steps of the reset' }).querySelector('[aria-current=step]')!.textContent).toBe('3Identity verification');
  });
});

describe('the case status page', () => {
  it('takes the token from the emailed link, hides it, and shows status and the expected decision time', async () => {
    server.use(
      http.get(api('/recovery/cases/42'), () =>
        HttpResponse.json(
          status({
            status: 'in_review',
            evidence: [{ method: 'transfer_record', received: true, at: '2026-11-26T09:05:00.000Z' }],
            submittedAt: '2026-11-26T09:06:00.000Z',
            expectedDecision: { by: '2026-11-26T15:06:00.000Z', basis: 'queue_median', medianHours: 6 },
          }),
        ),
      ),
    );
    await renderAccount(`/account/case/42#token=${TOKEN}`);
    await pageOpened('Reset request #42');
    expect(location.hash).toBe('');
    expect(sessionStorage.getItem('rebind.case.42')).toBe(TOKEN);
    expect(callsTo('GET', '/recovery/cases/42')[0]!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(screen.getByText('In review')).toBeTruthy();
    expect(screen.getByText('A reviewer is checking your evidence. You do not need to do anything now.')).toBeTruthy();
    const expected = screen.getByRole('group', { name: 'Expected decision' });
    expect(expected.textContent).toMatch(/^Expected decision by 26 Nov 2026, \d\d:\d\d\./);
    expect(expected.textContent).toContain('Requests currently take 6 h to decide, half of them faster.');
    expect(screen.getByText('The review team checks the evidence; this page never says whether it matched.')).toBeTruthy();
  });

  it('shows what support asks, takes new evidence and a reply, and puts the case back in the queue', async () => {
    const user = userEvent.setup();
    server.use(
      http.get(api('/recovery/cases/42'), () =>
        HttpResponse.json(
          status({
            status: 'info_requested',
            canReply: true,
            availableMethods: ['transfer_record'],
            requestedInformation: 'Please send the exact amount of your last deposit.',
            notes: [{ from: 'support', body: 'The amount differs from our records.', at: '2026-11-26T10:00:00.000Z' }],
          }),
        ),
      ),
      http.post(api('/recovery/cases/42/reply'), () =>
        HttpResponse.json(
          status({
            status: 'submitted',
            canReply: false,
            notes: [
              { from: 'support', body: 'The amount differs from our records.', at: '2026-11-26T10:00:00.000Z' },
              { from: 'you', body: 'It was 250.00 USDT.', at: '2026-11-26T10:05:00.000Z' },
            ],
          }),
        ),
      ),
    );
    sessionStorage.setItem('rebind.case.42', TOKEN);
    await renderAccount('/account/case/42');
    await pageOpened('Reset request #42');
    expect(screen.getByText('Please send the exact amount of your last deposit.')).toBeTruthy();
    expect(screen.getByText('The amount differs from our records.')).toBeTruthy();
    expect(screen.getByText('Transfer record from another platform')).toBeTruthy(); // new evidence can go with the reply
    await user.click(screen.getByRole('button', { name: 'Send the reply' }));
    expect(screen.getByText('Fill this in.')).toBeTruthy();
    await user.type(screen.getByLabelText('Your reply'), 'It was 250.00 USDT.');
    await user.click(screen.getByRole('button', { name: 'Send the reply' }));
    await screen.findByText('Reply sent. The request is back in the review queue.');
    expect(callsTo('POST', '/recovery/cases/42/reply')[0]!.body).toEqual({ message: 'It was 250.00 USDT.' });
    expect(screen.getByText('Waiting for review')).toBeTruthy();
  });

  it('cancels only after a confirmation', async () => {
    const user = userEvent.setup();
    server.use(
      http.get(api('/recovery/cases/42'), () => HttpResponse.json(status({ status: 'submitted', submittedAt: '2026-11-26T09:06:00.000Z' }))),
      http.post(api('/recovery/cases/42/cancel'), () => HttpResponse.json(status({ status: 'cancelled', canCancel: false }))),
    );
    sessionStorage.setItem('rebind.case.42', TOKEN);
    await renderAccount('/account/case/42');
    await pageOpened('Reset request #42');
    await user.click(screen.getByRole('button', { name: 'Cancel this request' }));
    expect(callsTo('POST', '/recovery/cases/42/cancel')).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Yes, cancel it' }));
    await screen.findByText('The request is cancelled.');
    expect(screen.getByText('This request was cancelled. Nothing changed on your account.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Cancel this request' })).toBeNull();
  });

  it('asks for the emailed link when the page has no token, or a wrong one', async () => {
    await renderAccount('/account/case/42');
    await pageOpened('Reset request #42');
    expect(screen.getByText('Open this page with the link from the email we sent when you submitted the request.')).toBeTruthy();
  });

  it('tells a rejected requester the reason category', async () => {
    server.use(
      http.get(api('/recovery/cases/42'), () =>
        HttpResponse.json(status({ status: 'rejected', canCancel: false, decision: { reasonCategory: 'We could not verify your identity.' } })),
      ),
    );
    sessionStorage.setItem('rebind.case.42', TOKEN);
    await renderAccount('/account/case/42');
    await pageOpened('Reset request #42');
    expect(screen.getByText('Not approved')).toBeTruthy();
    expect(screen.getByText('We could not verify your identity.')).toBeTruthy();
  });
});

describe('security questions', () => {
  it('asks for a fresh check with a tool, then saves three different questions', async () => {
    const user = userEvent.setup();
    server.use(
      overviewHandler(overview()),
      http.post(api('/me/security/verify'), () => HttpResponse.json({ status: 'verified', validUntil: '2026-11-26T09:10:00.000Z' })),
      http.put(api('/me/security-questions'), async ({ request }) =>
        HttpResponse.json({ securityQuestions: ((await request.json()) as { questions: { prompt: string }[] }).questions.map((q) => q.prompt) }),
      ),
    );
    await renderAccount('/account/security/questions', { session: SESSION });
    await pageOpened('Security questions');
    expect(screen.getByText('Before you change your security questions, confirm it is you with one of your 2FA tools.')).toBeTruthy();
    await user.type(screen.getByLabelText('Code from your authenticator app'), '123456');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    const second = await screen.findByRole('group', { name: 'Question 2' });
    await user.selectOptions(within(second).getByLabelText('Question'), 'questions.s.pet');
    await user.click(screen.getByRole('button', { name: 'Save the questions' }));
    expect(screen.getAllByText('Choose three different questions.')).toHaveLength(1);
    expect(screen.getAllByText('An answer needs at least 2 characters.')).toHaveLength(3);
    await user.selectOptions(within(second).getByLabelText('Question'), 'custom');
    await user.type(within(second).getByLabelText('Your question'), 'Name of my first bike?');
    for (const [i, answer] of ['Rex', 'Bluey', 'Ms Okafor'].entries())
      await user.type(within(screen.getByRole('group', { name: `Question ${i + 1}` })).getByLabelText('Answer'), answer);
    await user.click(screen.getByRole('button', { name: 'Save the questions' }));
    await screen.findByText('Security questions saved');
    expect(callsTo('POST', '/me/security/verify')[0]!.body).toEqual({ method: 'totp', code: '123456' });
    expect(callsTo('PUT', '/me/security-questions')[0]!.body).toEqual({
      questions: [
        { prompt: 'What was the name of your first pet?', answer: 'Rex' },
        { prompt: 'Name of my first bike?', answer: 'Bluey' },
        { prompt: 'What was the name of your favourite teacher?', answer: 'Ms Okafor' },
      ],
    });
  });
});
