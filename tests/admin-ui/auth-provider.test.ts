import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, authProvider, forgetStaffSession, getCsrfToken, loadStaffSession, submitStaffPassword } from '../../admin-ui/src/authProvider';
import { json, signedInBody, stubFetch } from './fetch-stub';

beforeEach(() => forgetStaffSession());
afterEach(() => vi.unstubAllGlobals());

describe('staff sign-in, password then TOTP', () => {
  it('sends the password step as JSON, same-origin, without a CSRF header', async () => {
    const requests = stubFetch(() => json(200, { status: 'totp_required', challengeId: 'ch-1' }));
    await expect(submitStaffPassword({ email: 'a@b.example', password: 'pw' })).resolves.toEqual({
      challengeId: 'ch-1',
    });
    expect(requests[0]).toMatchObject({
      url: '/admin/api/auth/login',
      method: 'POST',
      body: { email: 'a@b.example', password: 'pw' },
      credentials: 'same-origin',
    });
    expect(requests[0].headers.get('Content-Type')).toBe('application/json');
    expect(requests[0].headers.has('X-CSRF-Token')).toBe(false);
  });

  it('login() completes the TOTP step and keeps the CSRF token in memory', async () => {
    const requests = stubFetch(() => json(200, signedInBody));
    await authProvider.login({ challengeId: 'ch-1', code: '123456' });
    expect(requests[0]).toMatchObject({
      url: '/admin/api/auth/login/totp',
      body: { challengeId: 'ch-1', code: '123456' },
    });
    expect(requests[0].headers.has('X-CSRF-Token')).toBe(false);
    expect(getCsrfToken()).toBe('csrf-token-1');
    await expect(authProvider.getPermissions!({})).resolves.toBe('admin');
    await expect(authProvider.getIdentity!()).resolves.toMatchObject({
      id: 5,
      fullName: 'Root Admin (admin)',
      role: 'admin',
    });
    expect(requests).toHaveLength(1); // answered from memory, no /me
  });

  it('turns the flat error body into an ApiError', async () => {
    stubFetch(() => json(401, { code: 'invalid_code', message: 'The code is not correct.', requestId: 'r1' }));
    const error = await authProvider.login({ challengeId: 'c', code: '000000' }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_code', requestId: 'r1' });
    expect(getCsrfToken()).toBeUndefined();
  });

  it('takes the lock duration from Retry-After when the body lacks it', async () => {
    stubFetch(() => json(429, { code: 'locked', message: 'Locked' }, { 'Retry-After': '540' }));
    const error = await submitStaffPassword({ email: 'a@b.example', password: 'x' }).catch((e) => e);
    expect(error).toMatchObject({ code: 'locked', details: { retryAfterSeconds: 540 } });
  });

  it('reports an unreachable server as network_error', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const error = await submitStaffPassword({ email: 'a@b.example', password: 'x' }).catch((e) => e);
    expect(error).toMatchObject({ status: 0, code: 'network_error' });
  });
});

describe('session on reload', () => {
  it('checkAuth asks /auth/me once and keeps the token', async () => {
    const requests = stubFetch(() => json(200, { ...signedInBody, csrfToken: 'from-me' }));
    await Promise.all([authProvider.checkAuth({}), authProvider.getPermissions!({})]);
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /admin/api/auth/me']);
    expect(getCsrfToken()).toBe('from-me');
  });

  it('checkAuth rejects when /auth/me answers 401', async () => {
    stubFetch(() => json(401, { code: 'unauthenticated', message: 'Sign in first.' }));
    await expect(loadStaffSession()).resolves.toBeNull();
    await expect(authProvider.checkAuth({})).rejects.toThrow();
  });
});

describe('logout and errors', () => {
  it('logout posts with the CSRF header, then forgets the session', async () => {
    const requests = stubFetch((request) => (request.url.endsWith('/login/totp') ? json(200, signedInBody) : json(204, null)));
    await authProvider.login({ challengeId: 'c', code: '123456' });
    await authProvider.logout({});
    expect(requests[1]).toMatchObject({ url: '/admin/api/auth/logout', method: 'POST' });
    expect(requests[1].headers.get('X-CSRF-Token')).toBe('csrf-token-1');
    expect(getCsrfToken()).toBeUndefined();
  });

  it('logout without a session sends nothing', async () => {
    const requests = stubFetch(() => json(204, null));
    await authProvider.logout({});
    expect(requests).toHaveLength(0);
  });

  it('checkError signs out on 401 but not on a 403 for the role', async () => {
    stubFetch(() => json(200, signedInBody));
    await authProvider.login({ challengeId: 'c', code: '123456' });
    await expect(authProvider.checkError({ status: 403, body: { code: 'forbidden' } })).resolves.toBeUndefined();
    expect(getCsrfToken()).toBe('csrf-token-1');
    await expect(authProvider.checkError({ status: 401, body: {} })).rejects.toBeTruthy();
    expect(getCsrfToken()).toBeUndefined();
  });

  it('checkError refreshes a stale CSRF token from /auth/me', async () => {
    const requests = stubFetch((request) => (request.url.endsWith('/me') ? json(200, { ...signedInBody, csrfToken: 'fresh' }) : json(200, signedInBody)));
    await authProvider.login({ challengeId: 'c', code: '123456' });
    await authProvider.checkError({ status: 403, body: { code: 'csrf_failed' } });
    expect(requests.at(-1)?.url).toBe('/admin/api/auth/me');
    expect(getCsrfToken()).toBe('fresh');
  });
});
