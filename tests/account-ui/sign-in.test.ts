// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { api, apiError, callsTo, overview, overviewHandler, pageOpened, renderAccount, server, setupAccountTests } from './account-kit';

vi.mock('@simplewebauthn/browser', () => ({
  startAuthentication: vi.fn(async () => ({ id: 'cred-1', type: 'public-key', response: { signature: 'sig' } })),
  startRegistration: vi.fn(),
}));

setupAccountTests();

const typePassword = async (user: ReturnType<typeof userEvent.setup>) => {
  await pageOpened('Sign in');
  await user.type(screen.getByLabelText('Email'), 'alice.martin@example.com');
  await user.type(screen.getByLabelText('Password'), 'demo-user-password-2026');
  await user.click(screen.getByRole('button', { name: 'Continue' }));
};
const twofaRequired = (methods: string[]) =>
  http.post(api('/auth/login'), () => HttpResponse.json({ status: '2fa_required', challengeId: 'challenge-1', methods }));

describe('sign-in', () => {
  it('takes the password, then an authenticator code, and opens the Security page', async () => {
    const user = userEvent.setup();
    server.use(
      twofaRequired(['totp']),
      http.post(api('/auth/login/2fa'), () => HttpResponse.json({ status: 'verified', token: 'session-abc' })),
      overviewHandler(overview()),
    );
    await renderAccount('/account/sign-in');
    // The page's heading takes the focus, so a screen reader starts there.
    await pageOpened('Sign in');
    await typePassword(user);
    await screen.findByRole('heading', { level: 1, name: 'Security verification' });
    // A code of the wrong shape is caught before any request.
    await user.type(screen.getByLabelText('Code from your authenticator app'), '12a4');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(screen.getByText('Enter the 6 digits.')).toBeTruthy();
    expect(callsTo('POST', '/auth/login/2fa')).toHaveLength(0);
    await user.type(screen.getByLabelText('Code from your authenticator app'), '5678');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    await screen.findByRole('heading', { level: 1, name: 'Security' });
    expect(callsTo('POST', '/auth/login')[0]!.body).toEqual({ email: 'alice.martin@example.com', password: 'demo-user-password-2026' });
    // Letters never reach the field; six digits at most.
    expect(callsTo('POST', '/auth/login/2fa')[0]!.body).toEqual({ challengeId: 'challenge-1', method: 'totp', code: '124567' });
    expect(callsTo('GET', '/me/security')[0]!.authorization).toBe('Bearer session-abc');
    expect(callsTo('GET', '/me/security')[0]!.deviceId).toMatch(/^web-/);
    expect(location.pathname).toBe('/account/security');
  });

  it('says when the email or password is wrong, and when sign-in is locked, with the time left', async () => {
    const user = userEvent.setup();
    server.use(http.post(api('/auth/login'), () => apiError(401, 'invalid_credentials', 'The email or password is not correct.')));
    await renderAccount('/account/sign-in');
    await typePassword(user);
    expect((await screen.findByRole('alert')).textContent).toBe('The email or password is not correct.');

    server.use(
      http.post(api('/auth/login'), () =>
        apiError(429, 'locked', 'Too many failed attempts; try again in 14 minute(s).', { retryAfterSeconds: 840 }, { 'Retry-After': '840' }),
      ),
    );
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    const alert = await screen.findByRole('alert');
    await waitFor(() => expect(alert.textContent).toContain('Sign-in is locked for now'));
    expect(alert.textContent).toMatch(/Try again in 1[34] min\./);
  });

  it('explains a frozen account and what happens next', async () => {
    const user = userEvent.setup();
    server.use(
      http.post(api('/auth/login'), () => apiError(403, 'account_frozen', 'This account is frozen until our support team has reviewed it. Contact support.')),
    );
    await renderAccount('/account/sign-in');
    await typePassword(user);
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Your account is frozen')).toBeTruthy();
    expect(alert.textContent).toContain('Our support team reviews the account and contacts you by email');
  });

  it('texts a code, counts down before a resend, and says when the code is wrong', async () => {
    const user = userEvent.setup();
    let sent = 0;
    server.use(
      twofaRequired(['sms']),
      http.post(api('/auth/login/2fa'), async ({ request }) => {
        const body = (await request.json()) as { code?: string };
        if (!body.code) return HttpResponse.json({ status: 'challenge_sent', method: 'sms', sentTo: `+44 ****** 12${++sent}` });
        return apiError(401, 'invalid_code', 'The code is not correct.');
      }),
    );
    await renderAccount('/account/sign-in');
    await typePassword(user);
    await user.click(await screen.findByRole('button', { name: 'Send code by SMS' }));
    await screen.findByText('Code sent to +44 ****** 121. It is valid for 10 minutes.');
    const resend = screen.getByRole('button', { name: 'New code in 1 min' });
    expect((resend as HTMLButtonElement).disabled).toBe(true);
    await user.type(screen.getByLabelText('Code from the text message'), '000000');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect((await screen.findByRole('alert')).textContent).toBe('That code is not correct. Check it and try again.');
    expect(callsTo('POST', '/auth/login/2fa').map((c) => c.body)).toEqual([
      { challengeId: 'challenge-1', method: 'sms' },
      { challengeId: 'challenge-1', method: 'sms', code: '000000' },
    ]);
  });

  it('signs in with a passkey through the browser prompt', async () => {
    const user = userEvent.setup();
    const options = { challenge: 'abc', rpId: 'localhost', allowCredentials: [] };
    server.use(
      twofaRequired(['passkey', 'totp']),
      http.post(api('/auth/login/2fa'), async ({ request }) => {
        const body = (await request.json()) as { response?: unknown };
        return HttpResponse.json(
          body.response ? { status: 'verified', token: 'session-passkey' } : { status: 'challenge', method: 'passkey', passkeyOptions: options },
        );
      }),
      overviewHandler(overview()),
    );
    await renderAccount('/account/sign-in');
    await typePassword(user);
    // Both tools are offered; the authenticator app first, the passkey a choice away.
    const choice = await screen.findByRole('group', { name: 'Verify with' });
    await user.click(within(choice).getByLabelText('Passkey'));
    await user.click(screen.getByRole('button', { name: 'Use my passkey' }));
    await screen.findByRole('heading', { level: 1, name: 'Security' });
    const { startAuthentication } = await import('@simplewebauthn/browser');
    expect(startAuthentication).toHaveBeenCalledWith({ optionsJSON: options });
    expect(callsTo('POST', '/auth/login/2fa')[1]!.body).toEqual({
      challengeId: 'challenge-1',
      method: 'passkey',
      response: { id: 'cred-1', type: 'public-key', response: { signature: 'sig' } },
    });
  });

  it('goes back to the password when the 2FA step expired, and offers the reset link', async () => {
    const user = userEvent.setup();
    server.use(
      twofaRequired(['totp']),
      http.post(api('/auth/login/2fa'), () => apiError(401, 'challenge_expired', 'This sign-in attempt has expired; start again.')),
    );
    await renderAccount('/account/sign-in');
    await typePassword(user);
    expect((await screen.findByRole('link', { name: 'Security verification unavailable?' })).getAttribute('href')).toBe('/account/reset');
    await user.type(screen.getByLabelText('Code from your authenticator app'), '123456');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });
    expect((await screen.findByRole('alert')).textContent).toBe('This sign-in took too long and has expired. Enter your password again.');
  });

  it('reads in Simplified Chinese', async () => {
    await renderAccount('/account/sign-in', { locale: 'zh' });
    await screen.findByRole('heading', { level: 1, name: '登录' });
    expect(screen.getByLabelText('邮箱')).toBeTruthy();
    await waitFor(() => expect(document.documentElement.lang).toBe('zh-Hans'));
    expect(screen.getByRole('link', { name: '重置 2FA' })).toBeTruthy();
  });
});
