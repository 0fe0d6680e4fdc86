// @vitest-environment jsdom
import { screen } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { api, apiError, callsTo, pageOpened, renderAccount, server, setupAccountTests } from './account-kit';

vi.mock('@simplewebauthn/browser', () => ({
  startAuthentication: vi.fn(),
  startRegistration: vi.fn(async () => ({ id: 'new-cred', type: 'public-key', response: { attestationObject: 'att' } })),
}));

setupAccountTests();

const TOKEN = 'rebind-token-0123456789abcdefghijklmnopqrs';
const link = {
  caseId: 42,
  account: 'a***@e***.com',
  expiresAt: '2026-11-29T09:00:00.000Z',
  withdrawalLockUntil: '2026-11-28T09:00:00.000Z',
  factorTypes: ['totp', 'passkey', 'sms'],
};

describe('the rebind page (approval email link)', () => {
  it('hides the token, says whose account and until when, and binds a passkey under a name, then leads to sign-in', async () => {
    const user = userEvent.setup();
    server.use(
      http.get(api('/recovery/rebind'), () => HttpResponse.json(link)),
      http.post(api('/recovery/rebind/new-factor'), () =>
        HttpResponse.json({ state: 'new_factor_verify', passkeyOptions: { challenge: 'xyz', rp: { id: 'localhost' } } }),
      ),
      http.post(api('/recovery/rebind/new-factor/verify'), () =>
        HttpResponse.json({ state: 'completed', factor: { id: 3, type: 'passkey', name: 'My laptop' }, withdrawalLockUntil: link.withdrawalLockUntil }),
      ),
    );
    await renderAccount(`/account/rebind#token=${TOKEN}`);
    await pageOpened('Bind a new 2FA tool');
    expect(location.hash).toBe('');
    expect(callsTo('GET', '/recovery/rebind')[0]!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(screen.getByText('Your 2FA reset for a***@e***.com was approved.')).toBeTruthy();
    expect(screen.getByText(/^This link works once, until 29 Nov 2026/)).toBeTruthy();
    expect(screen.getByText(/^Withdrawals are paused until 28 Nov 2026/)).toBeTruthy();
    const choices = screen.getByRole('group', { name: 'Choose your new tool' });
    expect(choices.querySelectorAll('input[type=radio]')).toHaveLength(3);
    await user.click(screen.getByLabelText(/^Passkey/));
    await user.type(screen.getByLabelText('Name for this passkey'), 'My laptop');
    await user.click(screen.getByRole('button', { name: 'Create the passkey' }));
    await pageOpened('Your account is protected again');
    expect(screen.getByText('My laptop is bound.')).toBeTruthy();
    expect(callsTo('POST', '/recovery/rebind/new-factor')[0]!.body).toEqual({ factorType: 'passkey' });
    expect(callsTo('POST', '/recovery/rebind/new-factor/verify')[0]!.body).toEqual({
      response: { id: 'new-cred', type: 'public-key', response: { attestationObject: 'att' } },
      name: 'My laptop',
    });
    expect(sessionStorage.getItem('rebind.rebind')).toBeNull(); // spent: forgotten
    expect(screen.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/account/sign-in');
  });

  it('says when the link is spent or expired', async () => {
    server.use(http.get(api('/recovery/rebind'), () => apiError(401, 'unauthenticated', 'This rebind link is not valid or has expired.')));
    await renderAccount(`/account/rebind#token=${TOKEN}`);
    await pageOpened('Bind a new 2FA tool');
    expect(await screen.findByText('This link cannot be used')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Start a new reset request' }).getAttribute('href')).toBe('/account/reset');
  });

  it('reads in Simplified Chinese', async () => {
    server.use(http.get(api('/recovery/rebind'), () => HttpResponse.json(link)));
    await renderAccount(`/account/rebind#token=${TOKEN}`, { locale: 'zh' });
    await pageOpened('绑定新的 2FA 工具');
    expect(screen.getByText('您为 a***@e***.com 提交的 2FA 重置申请已获批准。')).toBeTruthy();
    expect(screen.getByLabelText(/^通行密钥/)).toBeTruthy();
  });
});
