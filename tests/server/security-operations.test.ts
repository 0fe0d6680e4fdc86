import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestContext, type TestContext } from './helpers.ts';
import { lastCode, lastMessage, makeEndUser, oathtool, UserClient, USER_PASSWORD } from './user-helpers.ts';
import { auditEvents, factorHistory, securityOperations, userFactors, users } from '../../db/schema/index.ts';

const ops = '/api/v1/me/security/operations';

async function userWithTotp(ctx: TestContext) {
  const user = await makeEndUser(ctx);
  const client = new UserClient(ctx);
  await client.signIn(user.email);
  const secret = await client.bindTotp(user.email);
  return { user, client, secret };
}

async function activeFactorsOf(ctx: TestContext, userId: number) {
  return await ctx.deps.db
    .select()
    .from(userFactors)
    .where(and(eq(userFactors.userId, userId), eq(userFactors.status, 'active')));
}

describe('change TOTP', () => {
  it('stops the old key at once, starts the new one, notifies with a freeze link and locks withdrawals ~24 h', async () => {
    const ctx = await createTestContext();
    const { user, client, secret: oldSecret } = await userWithTotp(ctx);
    const oldFactor = (await activeFactorsOf(ctx, user.id))[0]!;

    const start = await client.post(ops, { action: 'change', factorType: 'totp' });
    expect(start.status).toBe(201);
    expect(start.body.steps).toEqual(['email', '2fa', 'new_factor', 'new_factor_verify']);
    const id = start.body.operationId;
    expect((await client.post(`${ops}/${id}/email`, { code: await lastCode(ctx, user.email, 'email') })).body.state).toBe('twofa_pending');
    expect((await client.post(`${ops}/${id}/2fa`, { method: 'totp', code: oathtool(oldSecret, ctx.clock()) })).body.state).toBe('new_factor_pending');
    const setup = await client.post(`${ops}/${id}/new-factor`, { factorType: 'totp' });
    expect(setup.status).toBe(200);
    expect(setup.headers.get('cache-control')).toBe('no-store');
    const { secret, otpauthUri, qrDataUrl, advice } = setup.body.totp;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toBe(`otpauth://totp/Rebind:${encodeURIComponent(user.email)}?secret=${secret}&issuer=Rebind`);
    expect(qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(advice).toMatch(/offline/);
    const done = await client.post(`${ops}/${id}/new-factor/verify`, { code: oathtool(secret, ctx.clock()) });
    expect(done.status).toBe(200);
    expect(done.body.state).toBe('completed');
    const lockUntil = new Date(done.body.withdrawalLockUntil).getTime();
    expect(lockUntil - ctx.clock().getTime()).toBe(24 * 3_600_000);

    ctx.clock.advance(30_000);
    const old = await new UserClient(ctx).signIn(user.email, { totpSecret: oldSecret });
    expect(old.status).toBe(401);
    expect((await new UserClient(ctx).signIn(user.email, { totpSecret: secret })).status).toBe(200);

    // History keeps both, with bound / revoked times and the request's IP and agent.
    const revoked = (await ctx.deps.db.select().from(userFactors).where(eq(userFactors.id, oldFactor.id)).limit(1))[0]!;
    expect(revoked).toMatchObject({ status: 'revoked', revokedReason: 'changed', revokedIp: '198.51.100.7' });
    expect((await ctx.deps.db.select().from(factorHistory).where(eq(factorHistory.userId, user.id))).map((h) => h.event)).toEqual([
      'bound',
      'revoked',
      'bound',
    ]);
    expect(await ctx.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'totp.change'))).toHaveLength(1);

    const notice = await lastMessage(ctx, user.email, 'email');
    expect(notice.template).toBe('security_change');
    const link = /(http:\/\/localhost:8787\/api\/v1\/freeze\/([A-Za-z0-9_-]+))/.exec(notice.body!)!;
    expect(link).toBeTruthy();
    const path = link[1]!.replace('http://localhost:8787', '');
    const preview = await new UserClient(ctx).get(path);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ change: 'totp.change', alreadyFrozen: false });
    const html = await ctx.app.request(path, { headers: { accept: 'text/html' } });
    expect(await html.text()).toContain('Freeze my account');
    const freeze = await new UserClient(ctx).post(path, {});
    expect(freeze.status).toBe(200);
    expect(freeze.body.frozen).toBe(true);
    // Frozen: no sign-in, the open session is gone, no 2FA change, withdrawals locked.
    ctx.clock.advance(30_000);
    const blocked = await new UserClient(ctx).signIn(user.email, { totpSecret: secret });
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe('account_frozen');
    expect((await client.get('/api/v1/me/security')).status).toBe(401);
    expect((await ctx.deps.db.select().from(users).where(eq(users.id, user.id)).limit(1))[0]!.status).toBe('frozen');
    expect((await new UserClient(ctx).post(path, {})).status).toBe(409);
  });
});

describe('unbind', () => {
  it('refuses to remove the only tool with 422 last_factor and changes nothing', async () => {
    const ctx = await createTestContext();
    const { user, client } = await userWithTotp(ctx);
    const before = await activeFactorsOf(ctx, user.id);
    const res = await client.post(ops, { action: 'unbind', factorType: 'totp' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('last_factor');
    expect(await activeFactorsOf(ctx, user.id)).toEqual(before);
    expect(await ctx.deps.db.select().from(securityOperations).where(eq(securityOperations.action, 'unbind'))).toHaveLength(0);
  });

  it('removes one of two tools after email and 2FA, and locks withdrawals', async () => {
    const ctx = await createTestContext();
    const { user, client, secret } = await userWithTotp(ctx);
    // Bind a phone as well.
    const bind = await client.post(ops, { action: 'bind', factorType: 'sms' });
    const bindId = bind.body.operationId;
    await client.post(`${ops}/${bindId}/email`, { code: await lastCode(ctx, user.email, 'email') });
    await client.post(`${ops}/${bindId}/2fa`, { method: 'totp', code: oathtool(secret, ctx.clock()) });
    const sms = await client.post(`${ops}/${bindId}/new-factor`, { factorType: 'sms', phone: '+44 7911 123456' });
    expect(sms.status).toBe(200);
    expect(sms.body.sms.sentTo).toBe('+44 ****** 456');
    expect((await client.post(`${ops}/${bindId}/new-factor/verify`, { code: await lastCode(ctx, '+447911123456', 'sms') })).status).toBe(200);
    expect((await activeFactorsOf(ctx, user.id)).map((f) => f.type).sort()).toEqual(['sms', 'totp']);
    ctx.clock.advance(30_000);

    const totp = (await activeFactorsOf(ctx, user.id)).find((f) => f.type === 'totp')!;
    const start = await client.post(ops, { action: 'unbind', factorType: 'totp', factorId: totp.id });
    expect(start.body.steps).toEqual(['email', '2fa', 'commit']);
    const id = start.body.operationId;
    await client.post(`${ops}/${id}/email`, { code: await lastCode(ctx, user.email, 'email') });
    const challenge = await client.post(`${ops}/${id}/2fa`, { method: 'sms' });
    expect(challenge.body).toMatchObject({ status: 'challenge_sent', sentTo: '+44 ****** 456' });
    expect((await client.post(`${ops}/${id}/2fa`, { method: 'sms', code: await lastCode(ctx, '+447911123456', 'sms') })).body.state).toBe('ready_to_commit');
    const commit = await client.post(`${ops}/${id}/commit`);
    expect(commit.status).toBe(200);
    expect((await activeFactorsOf(ctx, user.id)).map((f) => f.type)).toEqual(['sms']);
    // The old phone (a channel before the change) was told, with its own freeze link.
    expect((await lastMessage(ctx, '+447911123456', 'sms')).body).toMatch(/removed.*freeze\/[A-Za-z0-9_-]{43}/s);
    const overview = await client.get('/api/v1/me/security');
    expect(overview.body.protectionLevel).toBe('restricted');
    expect(overview.body.reminders.map((r: { code: string }) => r.code)).toContain('sms_only');
    expect(overview.body.withdrawalLock.locked).toBe(true);
    expect(JSON.stringify(overview.body)).not.toContain('7911123');
  });
});

describe('the operation state machine', () => {
  it('refuses skipped, reordered and repeated steps with 409 and changes nothing', async () => {
    const ctx = await createTestContext();
    const { user, client, secret } = await userWithTotp(ctx);
    const factorsBefore = await activeFactorsOf(ctx, user.id);
    const id = (await client.post(ops, { action: 'change', factorType: 'totp' })).body.operationId;
    // Step 2 and 3 before step 1.
    const skip2 = await client.post(`${ops}/${id}/2fa`, { method: 'totp', code: oathtool(secret, ctx.clock()) });
    expect(skip2.status).toBe(409);
    expect(skip2.body.code).toBe('invalid_state');
    expect((await client.post(`${ops}/${id}/new-factor`, { factorType: 'totp' })).status).toBe(409);
    expect((await client.post(`${ops}/${id}/commit`)).status).toBe(409);
    await client.post(`${ops}/${id}/email`, { code: await lastCode(ctx, user.email, 'email') });
    // Step 3 before step 2.
    expect((await client.post(`${ops}/${id}/new-factor`, { factorType: 'totp' })).status).toBe(409);
    expect((await client.post(`${ops}/${id}/new-factor/verify`, { code: '123456' })).status).toBe(409);
    // Step 1 again.
    expect((await client.post(`${ops}/${id}/email`, { code: '123456' })).status).toBe(409);
    await client.post(`${ops}/${id}/2fa`, { method: 'totp', code: oathtool(secret, ctx.clock()) });
    const setup = await client.post(`${ops}/${id}/new-factor`, { factorType: 'totp' });
    await client.post(`${ops}/${id}/new-factor/verify`, { code: oathtool(setup.body.totp.secret, ctx.clock()) });
    // A finished operation cannot be replayed.
    const reuse = await client.post(`${ops}/${id}/new-factor`, { factorType: 'totp' });
    expect(reuse.status).toBe(409);
    expect((await client.post(`${ops}/${id}/new-factor/verify`, { code: oathtool(setup.body.totp.secret, ctx.clock()) })).status).toBe(409);
    expect(await activeFactorsOf(ctx, user.id)).toHaveLength(1);
    expect((await activeFactorsOf(ctx, user.id))[0]!.id).not.toBe(factorsBefore[0]!.id);
  });

  it('expires after 15 minutes', async () => {
    const ctx = await createTestContext();
    const { user, client } = await userWithTotp(ctx);
    const id = (await client.post(ops, { action: 'change', factorType: 'totp' })).body.operationId;
    const code = await lastCode(ctx, user.email, 'email');
    ctx.clock.advance(15 * 60_000 + 1);
    const late = await client.post(`${ops}/${id}/email`, { code });
    expect(late.status).toBe(409);
    expect(late.body.details.state).toBe('expired');
    expect((await client.get(`${ops}/${id}`)).body.state).toBe('expired');
  });

  it("keeps another user's operation invisible", async () => {
    const ctx = await createTestContext();
    const a = await userWithTotp(ctx);
    const b = await userWithTotp(ctx);
    const id = (await a.client.post(ops, { action: 'change', factorType: 'totp' })).body.operationId;
    expect((await b.client.get(`${ops}/${id}`)).status).toBe(404);
    expect((await b.client.post(`${ops}/${id}/email`, { code: await lastCode(ctx, a.user.email, 'email') })).status).toBe(404);
  });

  it('binds a first tool without step 2, but a second bind of the same kind is refused', async () => {
    const ctx = await createTestContext();
    const { client } = await userWithTotp(ctx);
    const again = await client.post(ops, { action: 'bind', factorType: 'totp' });
    expect(again.status).toBe(422);
    expect(again.body.details.reason).toBe('already_bound');
  });
});

describe('email codes', () => {
  it('allow 5 tries per code; a resend replaces the code but keeps the failure count; 10 minutes', async () => {
    const ctx = await createTestContext();
    const user = await makeEndUser(ctx);
    const client = new UserClient(ctx);
    await client.signIn(user.email);
    const id = (await client.post(ops, { action: 'bind', factorType: 'totp' })).body.operationId;
    const first = await lastCode(ctx, user.email, 'email');
    const wrong = first === '000000' ? '000001' : '000000';
    for (let i = 0; i < 3; i++) expect((await client.post(`${ops}/${id}/email`, { code: wrong })).status).toBe(401);
    expect((await client.post(`${ops}/${id}/email/resend`)).status).toBe(200);
    const second = await lastCode(ctx, user.email, 'email');
    // The replaced code is dead.
    if (first !== second) expect((await client.post(`${ops}/${id}/email`, { code: first })).status).toBe(401);
    const wrong2 = second === '000000' ? '000001' : '000000';
    let res = await client.post(`${ops}/${id}/email`, { code: wrong2 });
    while (res.status === 401 && res.body.details?.reason !== 'exhausted') res = await client.post(`${ops}/${id}/email`, { code: wrong2 });
    expect(res.body.details.reason).toBe('exhausted');
    // Exhausted: even the right code no longer works.
    expect((await client.post(`${ops}/${id}/email`, { code: second })).status).toBe(401);

    const id2 = (await client.post(ops, { action: 'bind', factorType: 'totp' })).body.operationId;
    const code2 = await lastCode(ctx, user.email, 'email');
    ctx.clock.advance(10 * 60_000 + 1);
    const expired = await client.post(`${ops}/${id2}/email`, { code: code2 });
    expect(expired.status).toBe(401); // the code lives 10 minutes, the operation 15
    expect(expired.body.details.reason).toBe('expired');
  });

  it('rejects a malformed code with 400, not a crash', async () => {
    const ctx = await createTestContext();
    const user = await makeEndUser(ctx);
    const client = new UserClient(ctx);
    await client.signIn(user.email);
    const id = (await client.post(ops, { action: 'bind', factorType: 'totp' })).body.operationId;
    for (const code of ['12345', '1234567', 'abcdef', 123456, null]) {
      const res = await client.post(`${ops}/${id}/email`, { code });
      expect(res.status).toBe(400);
      expect(res.body.details.fields.code).toBeTruthy();
    }
  });
});

describe('SMS', () => {
  it('validates numbers with libphonenumber and limits sends per phone', async () => {
    const ctx = await createTestContext();
    const user = await makeEndUser(ctx);
    const client = new UserClient(ctx);
    await client.signIn(user.email);
    const id = (await client.post(ops, { action: 'bind', factorType: 'sms' })).body.operationId;
    await client.post(`${ops}/${id}/email`, { code: await lastCode(ctx, user.email, 'email') });
    for (const phone of ['12345', '+1 555 0100', 'not a phone', '+999 123456789']) {
      const res = await client.post(`${ops}/${id}/new-factor`, { factorType: 'sms', phone });
      expect(res.status, phone).toBe(400);
      expect(res.body.details.fields.phone).toBeTruthy();
    }
    let res: Awaited<ReturnType<typeof client.post>> | undefined;
    for (let i = 0; i < 6; i++) res = await client.post(`${ops}/${id}/new-factor`, { factorType: 'sms', phone: '+33 6 12 34 56 78' });
    expect(res!.status).toBe(429);
    expect(Number(res!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('signs in with an SMS code: single use, bound to the challenge', async () => {
    const ctx = await createTestContext();
    const { user, client, secret } = await userWithTotp(ctx);
    const id = (await client.post(ops, { action: 'change', factorType: 'totp' })).body.operationId;
    void id;
    // Bind SMS as a second tool.
    const bindId = (await client.post(ops, { action: 'bind', factorType: 'sms' })).body.operationId;
    await client.post(`${ops}/${bindId}/email`, { code: await lastCode(ctx, user.email, 'email') });
    await client.post(`${ops}/${bindId}/2fa`, { method: 'totp', code: oathtool(secret, ctx.clock()) });
    await client.post(`${ops}/${bindId}/new-factor`, { factorType: 'sms', phone: '+4915123456789' });
    expect((await client.post(`${ops}/${bindId}/new-factor/verify`, { code: await lastCode(ctx, '+4915123456789', 'sms') })).status).toBe(200);

    const fresh = new UserClient(ctx);
    const step1 = await fresh.post('/api/v1/auth/login', { email: user.email, password: USER_PASSWORD });
    expect(step1.body.methods.sort()).toEqual(['sms', 'totp']);
    const sent = await fresh.post('/api/v1/auth/login/2fa', { challengeId: step1.body.challengeId, method: 'sms' });
    expect(sent.body).toMatchObject({ status: 'challenge_sent', sentTo: '+49 ****** 789' });
    const code = await lastCode(ctx, '+4915123456789', 'sms');
    const other = await new UserClient(ctx).post('/api/v1/auth/login', { email: user.email, password: USER_PASSWORD });
    expect((await new UserClient(ctx).post('/api/v1/auth/login/2fa', { challengeId: other.body.challengeId, method: 'sms', code })).status).toBe(401);
    const ok = await fresh.post('/api/v1/auth/login/2fa', { challengeId: step1.body.challengeId, method: 'sms', code });
    expect(ok.status).toBe(200);
    expect(ok.body.token).toBeTruthy();
  });
});
