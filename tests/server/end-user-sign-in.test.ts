import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestContext } from './helpers.ts';
import { makeEndUser, oathtool, UserClient, USER_PASSWORD } from './user-helpers.ts';
import { auditEvents, userSessions, users } from '../../db/schema/index.ts';
import { createHash } from 'node:crypto';

describe('end-user sign-in', () => {
  it('gives an account without tools a token at once, and reminds it to bind one', async () => {
    const ctx = await createTestContext();
    const user = await makeEndUser(ctx);
    const client = new UserClient(ctx);
    const res = await client.signIn(user.email);
    expect(res.status).toBe(200);
    expect(res.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const overview = await client.get('/api/v1/me/security');
    expect(overview.status).toBe(200);
    expect(overview.body.protectionLevel).toBe('none');
    expect(overview.body.reminders.map((r: { code: string }) => r.code)).toContain('no_2fa');
    // The token is stored only as its hash.
    const stored = await ctx.deps.db.select().from(userSessions);
    expect(stored[0]!.id).toBe(createHash('sha256').update(res.body.token).digest('hex'));
  });

  it('answers an unknown email and a wrong password with the same body', async () => {
    const ctx = await createTestContext();
    const user = await makeEndUser(ctx);
    const client = new UserClient(ctx);
    const wrong = await client.post('/api/v1/auth/login', { email: user.email, password: 'wrong password' });
    const unknown = await client.post('/api/v1/auth/login', { email: 'ghost@example.com', password: 'wrong password' });
    expect(wrong.status).toBe(401);
    expect({ ...wrong.body, requestId: 0 }).toEqual({ ...unknown.body, requestId: 0 });
  });

  it('binds TOTP with a code from oathtool and signs in with it; the same code twice is refused', async () => {
    const ctx = await createTestContext();
    const user = await makeEndUser(ctx);
    const client = new UserClient(ctx);
    await client.signIn(user.email);
    const secret = await client.bindTotp(user.email);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    const fresh = new UserClient(ctx);
    const step1 = await fresh.post('/api/v1/auth/login', { email: user.email, password: USER_PASSWORD });
    expect(step1.body).toMatchObject({ status: '2fa_required', methods: ['totp'] });
    const code = oathtool(secret, ctx.clock());
    const ok = await fresh.post('/api/v1/auth/login/2fa', { challengeId: step1.body.challengeId, method: 'totp', code });
    expect(ok.status).toBe(200);
    expect(ok.body.token).toBeTruthy();

    const again = await new UserClient(ctx).post('/api/v1/auth/login', { email: user.email, password: USER_PASSWORD });
    const replay = await new UserClient(ctx).post('/api/v1/auth/login/2fa', { challengeId: again.body.challengeId, method: 'totp', code });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('invalid_code');
    // A challenge is single use, too.
    const reuse = await new UserClient(ctx).post('/api/v1/auth/login/2fa', {
      challengeId: step1.body.challengeId,
      method: 'totp',
      code: oathtool(secret, new Date(ctx.clock().getTime() + 30_000)),
    });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('challenge_expired');
  });

  it('never lets 10 000 wrong codes through, and locks after at most 10', async () => {
    const ctx = await createTestContext();
    const user = await makeEndUser(ctx);
    const client = new UserClient(ctx);
    await client.signIn(user.email);
    const secret = await client.bindTotp(user.email);
    const step1 = await new UserClient(ctx).post('/api/v1/auth/login', { email: user.email, password: USER_PASSWORD });
    const now = ctx.clock().getTime();
    const valid = new Set([-30_000, 0, 30_000].map((d) => oathtool(secret, new Date(now + d))));
    let firstLock = 0;
    let successes = 0;
    let attempts = 0;
    // Every request is a few round trips to the server on PostgreSQL: 2 000 there (the lock comes at 10 either way).
    const total = ctx.deps.db.engine === 'pg' ? 2_000 : 10_000;
    for (let n = 0; attempts < total; n++) {
      const code = String(n).padStart(6, '0');
      if (valid.has(code)) continue;
      attempts++;
      // Spread over many addresses, as a botnet would: the lock is per account.
      const attacker = new UserClient(ctx, `203.0.${(attempts >> 8) & 255}.${attempts & 255}`);
      const res = await attacker.post('/api/v1/auth/login/2fa', { challengeId: step1.body.challengeId, method: 'totp', code });
      if (res.status === 200) successes++;
      if (res.status === 429 && !firstLock) {
        firstLock = attempts;
        expect(res.body.code).toBe('locked');
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(800);
      }
    }
    expect(successes).toBe(0);
    expect(firstLock).toBeGreaterThan(0);
    expect(firstLock).toBeLessThanOrEqual(10);
    // Even the right code is refused while locked.
    const right = await new UserClient(ctx).post('/api/v1/auth/login/2fa', {
      challengeId: step1.body.challengeId,
      method: 'totp',
      code: oathtool(secret, ctx.clock()),
    });
    expect(right.status).toBe(429);
    expect(await ctx.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'verification.locked'))).toHaveLength(1);
  }, 180_000); // 10 000 requests: about 20 s alone, more beside other test files on 2 cores

  it('locks the password step after ten failures', async () => {
    const ctx = await createTestContext();
    const user = await makeEndUser(ctx);
    const client = new UserClient(ctx);
    for (let i = 0; i < 9; i++) expect((await client.post('/api/v1/auth/login', { email: user.email, password: `nope-${i}` })).status).toBe(401);
    const tenth = await client.post('/api/v1/auth/login', { email: user.email, password: 'nope-10' });
    expect(tenth.status).toBe(429);
    expect((await client.signIn(user.email)).status).toBe(429);
    ctx.clock.advance(15 * 60_000 + 1000);
    expect((await client.signIn(user.email)).status).toBe(200);
  });

  it('refuses sign-in to a frozen account and every /me route to its old sessions', async () => {
    const ctx = await createTestContext();
    const user = await makeEndUser(ctx);
    const client = new UserClient(ctx);
    await client.signIn(user.email);
    await ctx.deps.db.update(users).set({ status: 'frozen' }).where(eq(users.id, user.id));
    expect((await client.get('/api/v1/me/security')).status).toBe(403);
    const again = await new UserClient(ctx).signIn(user.email);
    expect(again.status).toBe(403);
    expect(again.body.code).toBe('account_frozen');
  });

  it('answers /api/v1/me without a token, or with a revoked one, with 401', async () => {
    const ctx = await createTestContext();
    const user = await makeEndUser(ctx);
    const client = new UserClient(ctx);
    expect((await client.get('/api/v1/me/security')).status).toBe(401);
    await client.signIn(user.email);
    expect((await client.post('/api/v1/auth/logout')).status).toBe(204);
    expect((await client.get('/api/v1/me/security')).status).toBe(401);
    client.token = 'x'.repeat(43);
    expect((await client.get('/api/v1/me/security')).status).toBe(401);
  });

  it('holds the per-address sign-in budget (USER_SIGNIN_IP_LIMIT_PER_MINUTE): 429 with Retry-After, per address, back after the minute', async () => {
    const ctx = await createTestContext({ USER_SIGNIN_IP_LIMIT_PER_MINUTE: '4' });
    const user = await makeEndUser(ctx);
    const client = new UserClient(ctx, '203.0.113.77');
    for (let i = 0; i < 4; i++) expect((await client.signIn(user.email)).status).toBe(200);
    const over = await client.signIn(user.email);
    expect(over.status).toBe(429);
    expect(over.body.code).toBe('rate_limited');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Another address has its own budget.
    expect((await new UserClient(ctx, '203.0.113.78').signIn(user.email)).status).toBe(200);
    ctx.clock.advance(30_000);
    expect((await client.signIn(user.email)).status).toBe(429);
    ctx.clock.advance(31_000);
    expect((await client.signIn(user.email)).status).toBe(200);
  });
});
