// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, apiError, callsTo, overview, overviewHandler, pageOpened, renderAccount, server, SESSION, setupAccountTests } from './account-kit';

setupAccountTests();

const HOUR = 3_600_000;
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

describe('the Security page', () => {
  it('lists the tools with type and binding time, the protection level, reminders and the withdrawal lock', async () => {
    const until = new Date(Date.now() + 47 * HOUR + 30 * 60_000).toISOString();
    server.use(
      overviewHandler(
        overview({
          factors: [sms],
          protectionLevel: 'restricted',
          withdrawalLock: { locked: true, until, reason: 'security_change' },
          securityQuestions: [],
          reminders: [
            { code: 'sms_only', message: 'SMS is a restricted authenticator…' },
            { code: 'no_security_questions', message: 'Set security questions…' },
          ],
        }),
      ),
    );
    await renderAccount('/account/security', { session: SESSION });
    await pageOpened('Security');
    expect(callsTo('GET', '/me/security')[0]!.authorization).toBe(`Bearer ${SESSION}`);
    const tools = screen.getByRole('region', { name: 'Your 2FA tools' });
    expect(within(tools).getByText('Phone ending 123')).toBeTruthy();
    expect(within(tools).getByText('SMS · +44 ****** 123')).toBeTruthy();
    expect(within(tools).getByText(/^Bound 1 Sept? 2026/)).toBeTruthy();
    const protection = screen.getByRole('region', { name: 'Protection level' });
    expect(within(protection).getByText('Restricted')).toBeTruthy();
    expect(within(protection).getByText(/SMS is a restricted authenticator\. Add an authenticator app or a passkey\./)).toBeTruthy();
    expect(within(protection).getByRole('link', { name: 'Set security questions' }).getAttribute('href')).toBe('/account/security/questions');
    const lock = screen.getByText('Withdrawals are paused').closest('[role=status]')!;
    expect(lock.textContent).toMatch(/\((47 h 29|47 h 30) min left\)/);
    // The only tool: Unbind is disabled and says why, before anything starts.
    const unbind = within(tools).getByRole('button', { name: 'Unbind' }) as HTMLButtonElement;
    expect(unbind.disabled).toBe(true);
    expect(document.getElementById(unbind.getAttribute('aria-describedby')!)!.textContent).toBe(
      'Your only 2FA tool cannot be unbound: bind another one first, or use Change.',
    );
    expect(within(tools).getByRole('link', { name: 'Change Phone ending 123' }).getAttribute('href')).toBe('/account/security/change/9');
  });

  it('offers Unbind on each tool when there are two, and no second authenticator app', async () => {
    server.use(overviewHandler(overview({ factors: [totp, sms] })));
    await renderAccount('/account/security', { session: SESSION });
    await pageOpened('Security');
    expect(screen.getByRole('link', { name: 'Unbind Phone ending 123' }).getAttribute('href')).toBe('/account/security/unbind/9');
    expect(screen.getByRole('link', { name: 'Unbind Authenticator app' }).getAttribute('href')).toBe('/account/security/unbind/7');
    expect(screen.queryByRole('link', { name: 'Bind an authenticator app' })).toBeNull();
    expect(screen.getByRole('link', { name: 'Add a passkey' })).toBeTruthy();
  });

  it('shows the frozen banner with what to do', async () => {
    server.use(http.get(api('/me/security'), () => apiError(403, 'account_frozen', 'This account is frozen…')));
    await renderAccount('/account/security', { session: SESSION });
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Your account is frozen')).toBeTruthy();
    expect(alert.textContent).toContain('Watch your email');
  });

  it('sends a signed-out reader, or an ended session, to sign-in', async () => {
    await renderAccount('/account/security');
    await pageOpened('Sign in');
    expect(location.pathname).toBe('/account/sign-in');
  });

  it('ends an expired session and says so', async () => {
    server.use(
      http.get(api('/me/security'), () => apiError(401, 'unauthenticated', 'The session has ended; sign in again.')),
      http.post(api('/auth/logout'), () => new HttpResponse(null, { status: 204 })),
    );
    await renderAccount('/account/security', { session: SESSION });
    await pageOpened('Sign in');
    expect(screen.getByText('Your session has ended. Sign in again.')).toBeTruthy();
    expect(sessionStorage.getItem('rebind.session')).toBeNull();
  });

  it('signs out on the server and here', async () => {
    const user = userEvent.setup();
    server.use(
      overviewHandler(overview()),
      http.post(api('/auth/logout'), () => new HttpResponse(null, { status: 204 })),
    );
    await renderAccount('/account/security', { session: SESSION });
    await pageOpened('Security');
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    await pageOpened('Sign in');
    await waitFor(() => expect(callsTo('POST', '/auth/logout')[0]!.authorization).toBe(`Bearer ${SESSION}`));
    expect(sessionStorage.getItem('rebind.session')).toBeNull();
  });
});
