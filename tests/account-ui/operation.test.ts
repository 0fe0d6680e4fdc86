// @vitest-environment jsdom
import { screen, within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, apiError, callsTo, overview, overviewHandler, pageOpened, renderAccount, server, SESSION, setupAccountTests } from './account-kit';

setupAccountTests();

const ops = '/me/security/operations';
const sms = {
  id: 9,
  type: 'sms',
  name: 'Phone ending 123',
  status: 'active',
  phone: '+44 ****** 123',
  boundAt: '2026-09-01T08:00:00.000Z',
  lastUsedAt: null,
  revokedAt: null,
};
const totp = overview().factors[0]!;
const op = (patch: Record<string, unknown>) => ({
  operationId: 'op_1',
  action: 'bind',
  factorType: 'totp',
  factorId: null,
  state: 'email_pending',
  expiresAt: '2026-12-01T10:15:00.000Z',
  ...patch,
});
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('bind, change and unbind', () => {
  it('binds a first authenticator app: email code, then the key shown once with the offline advice, then a code', async () => {
    const user = userEvent.setup();
    server.use(
      overviewHandler(overview({ factors: [], protectionLevel: 'none' })),
      http.post(api(ops), () => HttpResponse.json(op({ steps: ['email', 'new_factor', 'new_factor_verify'], emailSentTo: 'a***@e***.com' }), { status: 201 })),
      http.post(api(`${ops}/op_1/email`), () => HttpResponse.json(op({ state: 'new_factor_pending' }))),
      http.post(api(`${ops}/op_1/new-factor`), () =>
        HttpResponse.json(
          op({
            state: 'new_factor_verify',
            totp: { secret: SECRET, otpauthUri: 'otpauth://totp/x', qrDataUrl: 'data:image/png;base64,AAAA', advice: 'Store…' },
          }),
        ),
      ),
      http.post(api(`${ops}/op_1/new-factor/verify`), () =>
        HttpResponse.json(op({ state: 'completed', factor: { ...totp, id: 11 }, withdrawalLockUntil: null })),
      ),
    );
    await renderAccount('/account/security/bind/totp', { session: SESSION });
    await pageOpened('Bind: Authenticator app (TOTP)');
    expect(callsTo('POST', ops)).toHaveLength(0); // nothing is sent until asked
    await user.click(screen.getByRole('button', { name: 'Send me an email code' }));
    expect(callsTo('POST', ops)[0]!.body).toEqual({ action: 'bind', factorType: 'totp' });
    await screen.findByText('We sent a 6-digit code to a***@e***.com. It is valid for 10 minutes.');
    // A first tool: two steps, no existing-2FA check.
    const steps = screen.getByRole('list', { name: 'Steps' });
    expect(
      within(steps)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['1Email verification', '2Set up the new tool']);
    expect(within(steps).getByText('Email verification').closest('li')!.getAttribute('aria-current')).toBe('step');
    expect((screen.getByRole('button', { name: 'New code in 1 min' }) as HTMLButtonElement).disabled).toBe(true);
    await user.type(screen.getByLabelText('Code from the email'), '246810');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.click(await screen.findByRole('button', { name: 'Show my new key' }));
    expect((await screen.findByAltText('QR code of your new authenticator key')).getAttribute('src')).toBe('data:image/png;base64,AAAA');
    expect(screen.getByLabelText('Your 32-character key').textContent).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    expect(screen.getByText('Store this key offline now')).toBeTruthy();
    await user.type(screen.getByLabelText('Code the app shows now'), '135790');
    await user.click(screen.getByRole('button', { name: 'Confirm and bind' }));
    expect(screen.getByText('Store the key first, then tick the box.')).toBeTruthy();
    await user.click(screen.getByLabelText('I have stored the key offline'));
    await user.click(screen.getByRole('button', { name: 'Confirm and bind' }));
    await screen.findByText('Authenticator app is bound');
    expect(callsTo('POST', `${ops}/op_1/new-factor/verify`)[0]!.body).toEqual({ code: '135790' });
    expect(callsTo('POST', `${ops}/op_1/email`)[0]!.body).toEqual({ code: '246810' });
  });

  it('changes the phone: email code, a check with the authenticator app, the new number with a country picker', async () => {
    const user = userEvent.setup();
    server.use(
      overviewHandler(overview({ factors: [totp, sms] })),
      http.post(api(ops), () =>
        HttpResponse.json(
          op({ action: 'change', factorType: 'sms', factorId: 9, emailSentTo: 'a***@e***.com', steps: ['email', '2fa', 'new_factor', 'new_factor_verify'] }),
          { status: 201 },
        ),
      ),
      http.post(api(`${ops}/op_1/email`), () => HttpResponse.json(op({ state: 'twofa_pending' }))),
      http.post(api(`${ops}/op_1/2fa`), () => HttpResponse.json(op({ state: 'new_factor_pending', status: 'verified' }))),
      http.post(api(`${ops}/op_1/new-factor`), () => HttpResponse.json(op({ state: 'new_factor_verify', sms: { sentTo: '+44 ****** 123' } }))),
      http.post(api(`${ops}/op_1/new-factor/verify`), () =>
        HttpResponse.json(op({ state: 'completed', factor: { ...sms, id: 12 }, withdrawalLockUntil: '2026-12-02T10:00:00.000Z' })),
      ),
    );
    await renderAccount('/account/security/change/9', { session: SESSION });
    await pageOpened('Change Phone ending 123');
    expect(screen.getByText(/withdrawals pause for 24 hours after a change/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Send me an email code' }));
    expect(callsTo('POST', ops)[0]!.body).toEqual({ action: 'change', factorType: 'sms', factorId: 9 });
    await user.type(await screen.findByLabelText('Code from the email'), '246810');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { level: 2, name: 'Verify with a current 2FA tool' });
    const choice = screen.getByRole('group', { name: 'Verify with' });
    expect((within(choice).getByLabelText('Authenticator app (TOTP)') as HTMLInputElement).checked).toBe(true);
    await user.type(screen.getByLabelText('Code from your authenticator app'), '112233');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    const country = (await screen.findByLabelText('Country or region')) as HTMLSelectElement;
    expect(screen.getByText(/SMS is the least safe tool/)).toBeTruthy();
    await user.selectOptions(country, 'GB');
    expect(within(country).getByRole('option', { name: 'United Kingdom (+44)' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Text me a code' }));
    expect(screen.getByText('This is not a phone number of the chosen country.')).toBeTruthy(); // empty
    await user.type(screen.getByLabelText('Phone number'), '07700 900123');
    await user.click(screen.getByRole('button', { name: 'Text me a code' }));
    await screen.findByText('Code sent to +44 ****** 123. It is valid for 10 minutes.');
    expect(callsTo('POST', `${ops}/op_1/new-factor`)[0]!.body).toEqual({ factorType: 'sms', phone: '+44 07700900123' });
    await user.type(screen.getByLabelText('Code from the text message'), '445566');
    await user.click(screen.getByRole('button', { name: 'Confirm and bind' }));
    await screen.findByText('Changed: Phone ending 123 is active');
    expect(screen.getByText(/^Withdrawals are paused until /)).toBeTruthy();
    expect(callsTo('POST', `${ops}/op_1/2fa`)[0]!.body).toEqual({ method: 'totp', code: '112233' });
  });

  it('says at the number field when the server finds the number invalid for the country', async () => {
    const user = userEvent.setup();
    server.use(
      overviewHandler(overview({ factors: [totp] })),
      http.post(api(ops), () => HttpResponse.json(op({ factorType: 'sms', emailSentTo: 'a***@e***.com' }), { status: 201 })),
      http.post(api(`${ops}/op_1/email`), () => HttpResponse.json(op({ state: 'twofa_pending' }))),
      http.post(api(`${ops}/op_1/2fa`), () => HttpResponse.json(op({ state: 'new_factor_pending', status: 'verified' }))),
      http.post(api(`${ops}/op_1/new-factor`), () =>
        apiError(400, 'validation_failed', 'Enter the phone number in international format…', {
          fields: { phone: 'not a valid international (E.164) number' },
        }),
      ),
    );
    await renderAccount('/account/security/bind/sms', { session: SESSION });
    await pageOpened('Bind: SMS');
    await user.click(screen.getByRole('button', { name: 'Send me an email code' }));
    await user.type(await screen.findByLabelText('Code from the email'), '246810');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.type(await screen.findByLabelText('Code from your authenticator app'), '112233');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    await user.selectOptions(await screen.findByLabelText('Country or region'), 'DE');
    await user.type(screen.getByLabelText('Phone number'), '12345');
    await user.click(screen.getByRole('button', { name: 'Text me a code' }));
    const field = screen.getByLabelText('Phone number');
    await screen.findByText('This is not a phone number of the chosen country.');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.getAttribute('aria-describedby')).toContain('phone-number-error');
  });

  it('unbinds one of two tools after the email code and a check, and shows the withdrawal lock', async () => {
    const user = userEvent.setup();
    server.use(
      overviewHandler(overview({ factors: [totp, sms] })),
      http.post(api(ops), () => HttpResponse.json(op({ action: 'unbind', factorType: 'sms', factorId: 9, emailSentTo: 'a***@e***.com' }), { status: 201 })),
      http.post(api(`${ops}/op_1/email`), () => HttpResponse.json(op({ state: 'twofa_pending' }))),
      http.post(api(`${ops}/op_1/2fa`), () => HttpResponse.json(op({ state: 'ready_to_commit', status: 'verified' }))),
      http.post(api(`${ops}/op_1/commit`), () => HttpResponse.json(op({ state: 'completed', withdrawalLockUntil: '2026-12-02T10:00:00.000Z' }))),
    );
    await renderAccount('/account/security/unbind/9', { session: SESSION });
    await pageOpened('Unbind Phone ending 123');
    await user.click(screen.getByRole('button', { name: 'Send me an email code' }));
    await user.type(await screen.findByLabelText('Code from the email'), '246810');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.type(await screen.findByLabelText('Code from your authenticator app'), '112233');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    await screen.findByText('Remove Phone ending 123? You cannot use it to sign in any more.');
    await user.click(screen.getByRole('button', { name: 'Unbind Phone ending 123' }));
    await screen.findByText('Phone ending 123 was removed');
    expect(screen.getByText(/^Withdrawals are paused until /)).toBeTruthy();
    expect(callsTo('POST', `${ops}/op_1/commit`)).toHaveLength(1);
  });

  it('refuses to start unbinding the only tool, and says why', async () => {
    server.use(overviewHandler(overview()));
    await renderAccount('/account/security/unbind/7', { session: SESSION });
    await pageOpened('Unbind Authenticator app');
    expect(screen.getByText('This is your only 2FA tool')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Send me an email code' })).toBeNull();
    expect(screen.getByRole('link', { name: 'Change it instead' }).getAttribute('href')).toBe('/account/security/change/7');
    expect(callsTo('POST', ops)).toHaveLength(0);
  });

  it('explains an operation that expired', async () => {
    const user = userEvent.setup();
    server.use(
      overviewHandler(overview({ factors: [] })),
      http.post(api(ops), () => HttpResponse.json(op({ emailSentTo: 'a***@e***.com' }), { status: 201 })),
      http.post(api(`${ops}/op_1/email`), () => apiError(409, 'invalid_state', 'This operation has expired (15 minutes); start again.', { state: 'expired' })),
    );
    await renderAccount('/account/security/bind/totp', { session: SESSION });
    await pageOpened('Bind: Authenticator app (TOTP)');
    await user.click(screen.getByRole('button', { name: 'Send me an email code' }));
    await user.type(await screen.findByLabelText('Code from the email'), '246810');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect((await screen.findByRole('alert')).textContent).toBe('This change took longer than 15 minutes and has expired. Start again.');
  });
});
