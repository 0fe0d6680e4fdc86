import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { auditEvents, cases, deposits, serviceAccounts, serviceKeys, users } from '../../db/schema/index.ts';
import { verifyAuditChain } from '../../server/audit/audit-log.ts';
import { importDepositLedger } from '../../server/ledger/import.ts';
import { gatherRiskInputs } from '../../server/cases/assess.ts';
import { assessRisk } from '../../server/cases/risk.ts';
import { createTestContext, signedInStaff, StaffClient, type StaffAccount, type TestContext } from './helpers.ts';
import { lastMessage, makeEndUser, oathtool, UserClient } from './user-helpers.ts';

let ctx: TestContext;
let adminClient: StaffClient;
let adminAccount: StaffAccount;

/** The admin's desk session, signed in again when the tests moved the clock past its idle timeout. */
async function desk(): Promise<StaffClient> {
  if ((await adminClient.get('/admin/api/auth/me')).status !== 200) {
    ctx.clock.advance(31_000); // a fresh TOTP time step
    adminClient = new StaffClient(ctx);
    expect((await adminClient.signIn(adminAccount)).status).toBe(200);
  }
  return adminClient;
}
const admin = {
  get: async (path: string) => (await desk()).get(path),
  post: async (path: string, body: unknown = {}) => (await desk()).post(path, body),
};

interface CreatedAccount {
  id: number;
  name: string;
  scopes: string[];
  key: string;
  keys: { prefix: string; status: string }[];
}

async function createAccount(name: string, scopes: string[]): Promise<CreatedAccount> {
  const res = await admin.post('/admin/api/service-accounts', { name, scopes });
  expect(res.status).toBe(201);
  return (await res.json()) as CreatedAccount;
}

/** A /service/v1 call with a key; JSON in and out. */
async function svc(key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}`, 'x-forwarded-for': '192.0.2.50' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await ctx.app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

beforeAll(async () => {
  ctx = await createTestContext();
  ({ client: adminClient, account: adminAccount } = await signedInStaff(ctx, 'admin'));
});

describe('service accounts', () => {
  it('shows the key once, keeps only its hash and a prefix, and audits the creation', async () => {
    const created = await createAccount('wallet', ['withdrawals:read']);
    expect(created.key).toMatch(/^rbk_live_[A-Za-z0-9_-]{43}$/);
    expect(created.keys).toEqual([expect.objectContaining({ prefix: `${created.key.slice(0, 17)}…`, status: 'active' })]);
    const listed = await admin.get('/admin/api/service-accounts');
    expect(listed.status).toBe(200);
    expect(listed.headers.get('content-range')).toMatch(/^service-accounts 0-\d+\/\d+$/);
    const text = await listed.text();
    expect(text).toContain('wallet');
    expect(text).not.toContain(created.key);
    expect(await (await admin.get(`/admin/api/service-accounts/${created.id}`)).text()).not.toContain(created.key);
    // Nowhere in the database: not in the key table, the account table or the audit trail.
    const stored = JSON.stringify([
      await ctx.deps.db.select().from(serviceKeys),
      await ctx.deps.db.select().from(serviceAccounts),
      await ctx.deps.db.select().from(auditEvents),
    ]);
    expect(stored).not.toContain(created.key);
    expect(stored).not.toContain(created.key.slice(17));
    const [event] = await ctx.deps.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'service_account.create'), eq(auditEvents.targetId, String(created.id))));
    expect(event).toMatchObject({ actorType: 'staff', targetType: 'service_account' });
    expect((await svc(created.key, 'GET', '/service/v1/users/999999/withdrawal-status')).status).toBe(404);
  });

  it('refuses bad names, unknown scopes and duplicates with 400/409', async () => {
    expect((await admin.post('/admin/api/service-accounts', { name: 'x', scopes: ['everything'] })).status).toBe(400);
    expect((await admin.post('/admin/api/service-accounts', { name: '<script>', scopes: ['events:read'] })).status).toBe(400);
    expect((await admin.post('/admin/api/service-accounts', { name: 'wallet', scopes: ['events:read'] })).status).toBe(409);
  });

  it('rotates with an overlap: the old key works until the overlap ends, then 401', async () => {
    const created = await createAccount('login-service', ['tokens:introspect']);
    const probe = (key: string) => svc(key, 'POST', '/service/v1/tokens/introspect', { token: 'x'.repeat(43) });
    const rotated = await admin.post(`/admin/api/service-accounts/${created.id}/rotate`, { overlapHours: 2 });
    expect(rotated.status).toBe(200);
    const body = (await rotated.json()) as CreatedAccount & { oldKeysExpireAt: string };
    expect(body.key).not.toBe(created.key);
    expect(new Date(body.oldKeysExpireAt).getTime() - ctx.clock().getTime()).toBe(2 * 3_600_000);
    expect(body.keys.map((k) => k.status)).toEqual(['active', 'expiring']);
    expect((await probe(created.key)).status).toBe(200);
    expect((await probe(body.key)).status).toBe(200);
    ctx.clock.advance(2 * 3_600_000 - 1000);
    expect((await probe(created.key)).status).toBe(200);
    ctx.clock.advance(1000);
    const old = await probe(created.key);
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('unauthenticated');
    expect((await probe(body.key)).status).toBe(200);
    // The default overlap is 24 hours.
    const again = (await (await admin.post(`/admin/api/service-accounts/${created.id}/rotate`, {})).json()) as { oldKeysExpireAt: string };
    expect(new Date(again.oldKeysExpireAt).getTime() - ctx.clock().getTime()).toBe(24 * 3_600_000);
    const [event] = await ctx.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'service_account.rotate')).limit(1);
    expect(event).toMatchObject({ actorType: 'staff', targetId: String(created.id) });
  });

  it('revokes every key at once (401), and a revoked account cannot be rotated', async () => {
    const created = await createAccount('old-wallet', ['withdrawals:read']);
    const rotated = (await (await admin.post(`/admin/api/service-accounts/${created.id}/rotate`, { overlapHours: 24 })).json()) as { key: string };
    const revoked = await admin.post(`/admin/api/service-accounts/${created.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { status: string }).status).toBe('revoked');
    for (const key of [created.key, rotated.key]) expect((await svc(key, 'GET', '/service/v1/users/1/withdrawal-status')).status).toBe(401);
    expect((await admin.post(`/admin/api/service-accounts/${created.id}/rotate`, {})).status).toBe(409);
    expect((await admin.post(`/admin/api/service-accounts/${created.id}/revoke`)).status).toBe(409);
  });

  it('answers a key without the scope with 403 and the usual body', async () => {
    const created = await createAccount('events-only', ['events:read']);
    const res = await svc(created.key, 'POST', '/service/v1/tokens/introspect', { token: 'abc' });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'forbidden', details: { requiredScope: 'tokens:introspect' } });
    expect(res.body.requestId).toBeTruthy();
  });
});

describe('GET /service/v1/users/{id}/withdrawal-status', () => {
  let wallet: string;
  beforeAll(async () => {
    wallet = (await createAccount('gate-wallet', ['withdrawals:read'])).key;
  });

  it('allows a user without locks, by Rebind id or by ext:<external id>', async () => {
    const user = await makeEndUser(ctx, { externalId: 'u-gate-1' });
    const byId = await svc(wallet, 'GET', `/service/v1/users/${user.id}/withdrawal-status`);
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual({ userId: user.id, externalId: 'u-gate-1', allowed: true, lockedUntil: null, reasons: [], frozen: false });
    expect(byId.headers.get('cache-control')).toBe('no-store');
    expect((await svc(wallet, 'GET', '/service/v1/users/ext:u-gate-1/withdrawal-status')).body).toEqual(byId.body);
    expect((await svc(wallet, 'GET', '/service/v1/users/ext:nobody/withdrawal-status')).status).toBe(404);
    const bad = await svc(wallet, 'GET', '/service/v1/users/abc/withdrawal-status');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
  });

  it('reflects the lock after a 2FA change, then the freeze from the "this wasn\'t me" link', async () => {
    const user = await makeEndUser(ctx);
    const client = new UserClient(ctx);
    await client.signIn(user.email);
    const oldSecret = await client.bindTotp(user.email);
    // Binding a first tool does not lock withdrawals.
    expect((await svc(wallet, 'GET', `/service/v1/users/${user.id}/withdrawal-status`)).body.allowed).toBe(true);
    const ops = '/api/v1/me/security/operations';
    const id = (await client.post(ops, { action: 'change', factorType: 'totp' })).body.operationId;
    const { lastCode } = await import('./user-helpers.ts');
    await client.post(`${ops}/${id}/email`, { code: await lastCode(ctx, user.email, 'email') });
    await client.post(`${ops}/${id}/2fa`, { method: 'totp', code: oathtool(oldSecret, ctx.clock()) });
    const setup = await client.post(`${ops}/${id}/new-factor`, { factorType: 'totp' });
    const done = await client.post(`${ops}/${id}/new-factor/verify`, { code: oathtool(setup.body.totp.secret, ctx.clock()) });
    expect(done.status).toBe(200);
    const locked = await svc(wallet, 'GET', `/service/v1/users/${user.id}/withdrawal-status`);
    expect(locked.body).toEqual({
      userId: user.id,
      externalId: null,
      allowed: false,
      lockedUntil: done.body.withdrawalLockUntil,
      reasons: ['security_change'],
      frozen: false,
    });
    expect(new Date(locked.body.lockedUntil).getTime() - ctx.clock().getTime()).toBe(24 * 3_600_000);

    const notice = await lastMessage(ctx, user.email, 'email');
    const path = /http:\/\/localhost:8787(\/api\/v1\/freeze\/[A-Za-z0-9_-]+)/.exec(notice.body!)![1]!;
    expect((await new UserClient(ctx).post(path, {})).status).toBe(200);
    const frozen = await svc(wallet, 'GET', `/service/v1/users/${user.id}/withdrawal-status`);
    expect(frozen.body).toMatchObject({ allowed: false, frozen: true, reasons: ['frozen', 'security_change'] });
    // The lock runs out; the freeze stays until support lifts it.
    ctx.clock.advance(24 * 3_600_000 + 1);
    expect((await svc(wallet, 'GET', `/service/v1/users/${user.id}/withdrawal-status`)).body).toMatchObject({
      allowed: false,
      frozen: true,
      lockedUntil: null,
      reasons: ['frozen'],
    });
  });
});

describe('POST /service/v1/tokens/introspect', () => {
  let login: string;
  beforeAll(async () => {
    login = (await createAccount('introspector', ['tokens:introspect'])).key;
  });
  const introspect = (token: string) => svc(login, 'POST', '/service/v1/tokens/introspect', { token });

  it('describes a live session (RFC 7662 shape) and says only {active:false} otherwise', async () => {
    const user = await makeEndUser(ctx, { externalId: 'u-intro-1' });
    const client = new UserClient(ctx);
    await client.signIn(user.email);
    const live = await introspect(client.token);
    expect(live.status).toBe(200);
    const now = Math.floor(ctx.clock().getTime() / 1000);
    expect(live.body).toEqual({
      active: true,
      sub: String(user.id),
      iat: now,
      exp: now + 24 * 3600,
      amr: ['pwd'],
      external_id: 'u-intro-1',
      token_type: 'Bearer',
    });

    // With a second factor, the methods say so.
    const secret = await client.bindTotp(user.email);
    const second = new UserClient(ctx);
    await second.signIn(user.email, { totpSecret: secret });
    expect((await introspect(second.token)).body).toMatchObject({ active: true, amr: ['pwd', 'otp', 'mfa'] });

    // Unknown, malformed, revoked (logout), expired: nothing but active:false.
    expect((await introspect('A'.repeat(43))).body).toEqual({ active: false });
    expect((await introspect('not a token')).body).toEqual({ active: false });
    expect((await client.post('/api/v1/auth/logout')).status).toBeLessThan(300);
    expect((await introspect(client.token)).body).toEqual({ active: false });
    ctx.clock.advance(24 * 3_600_000);
    expect((await introspect(second.token)).body).toEqual({ active: false });
  });

  it('refuses a body without a token (400)', async () => {
    expect((await svc(login, 'POST', '/service/v1/tokens/introspect', {})).status).toBe(400);
  });
});

describe('POST /service/v1/deposits', () => {
  let ledger: string;
  beforeAll(async () => {
    ledger = (await createAccount('ledger-feed', ['ledger:write'])).key;
  });
  const row = (n: number, over: Record<string, string> = {}) => ({
    email: `depositor${n}@example.com`,
    asset: 'usdt',
    network: 'TRC20',
    amount: `${100 + n}.00`,
    txid: `0xfeed${String(n).padStart(8, '0')}`,
    platform: 'Kraken',
    creditedAt: '2026-11-20T10:00:00Z',
    ...over,
  });

  it('inserts a batch, then reports a re-sent batch as duplicates, with the service account in the audit trail', async () => {
    const user = await makeEndUser(ctx, { email: 'depositor1@example.com' });
    const batch = [row(1), row(2), row(3)];
    const first = await svc(ledger, 'POST', '/service/v1/deposits', { deposits: batch });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ rows: 3, inserted: 3, duplicates: 0, unknownAccounts: 2, rejected: 0, errors: [] });
    const stored = (await ctx.deps.db.select().from(deposits).where(eq(deposits.txid, '0xfeed00000001')))[0]!;
    expect(stored).toMatchObject({ userId: user.id, asset: 'USDT', platform: 'Kraken', amount: '101.00' });
    const again = await svc(ledger, 'POST', '/service/v1/deposits', { deposits: [...batch, row(4)] });
    expect(again.body).toEqual({ rows: 4, inserted: 1, duplicates: 3, unknownAccounts: 1, rejected: 0, errors: [] });
    expect(await ctx.deps.db.select().from(deposits).where(eq(deposits.platform, 'Kraken'))).toHaveLength(4);
    const events = await ctx.deps.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'deposits.import'), eq(auditEvents.actorType, 'service')));
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ actorLabel: 'ledger-feed', ip: '192.0.2.50' });
    expect(JSON.parse(events[0]!.details)).toMatchObject({ source: 'service_api', imported: 3 });
  });

  it('goes the same path as the CSV import: a CSV of the same rows adds nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rebind-svc-ledger-'));
    try {
      const file = join(dir, 'ledger.csv');
      const r = row(1);
      writeFileSync(
        file,
        [
          'email,asset,network,amount,txid,platform,credited_at',
          `${r.email},${r.asset},${r.network},${r.amount},${r.txid.toUpperCase()},kraken,${r.creditedAt}`,
          '',
        ].join('\n'),
      );
      expect(await importDepositLedger(ctx.deps, file)).toEqual({ rows: 1, imported: 0, duplicates: 1, unknownAccounts: 0, errors: [] });
      // And the other way round: a row the CSV brought in is a duplicate for the API.
      writeFileSync(
        file,
        ['email,asset,network,amount,txid,platform,credited_at', 'csv@example.com,BTC,BTC,0.5,csvtx0000001,Binance,2026-11-21T08:00:00Z', ''].join('\n'),
      );
      expect((await importDepositLedger(ctx.deps, file)).imported).toBe(1);
      const res = await svc(ledger, 'POST', '/service/v1/deposits', {
        deposits: [
          {
            email: 'csv@example.com',
            asset: 'BTC',
            network: 'BTC',
            amount: '0.5',
            txid: 'csvtx0000001',
            platform: 'Binance',
            creditedAt: '2026-11-21T08:00:00Z',
          },
        ],
      });
      expect(res.body).toMatchObject({ inserted: 0, duplicates: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects the whole batch when a row is invalid or contradicts a recorded txid, naming each row', async () => {
    const before = (await ctx.deps.db.select().from(deposits)).length;
    const res = await svc(ledger, 'POST', '/service/v1/deposits', {
      deposits: [row(10), row(11, { amount: 'ten' }), row(1, { amount: '999.00' }), row(12, { creditedAt: 'yesterday' })],
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.details).toMatchObject({ rows: 4, inserted: 0, rejected: 2 });
    expect(res.body.details.errors).toEqual([
      { index: 1, message: 'amount is not a decimal' },
      { index: 3, message: 'creditedAt is not an ISO-8601 time' },
    ]);
    const conflict = await svc(ledger, 'POST', '/service/v1/deposits', { deposits: [row(13), row(1, { amount: '999.00' })] });
    expect(conflict.status).toBe(400);
    expect(conflict.body.details.errors).toEqual([{ index: 1, message: 'a deposit with this platform and txid is already recorded with different details' }]);
    expect((await ctx.deps.db.select().from(deposits)).length).toBe(before);
  });

  it('caps a batch at 1000 rows and refuses other shapes', async () => {
    const big = Array.from({ length: 1001 }, (_, i) => row(1000 + i));
    const res = await svc(ledger, 'POST', '/service/v1/deposits', { deposits: big });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.details.fields)).toContain('deposits');
    const ok = await svc(ledger, 'POST', '/service/v1/deposits', { deposits: big.slice(0, 1000) });
    expect(ok.status).toBe(200);
    expect(ok.body.inserted).toBe(1000);
    expect((await svc(ledger, 'POST', '/service/v1/deposits', { deposits: [] })).status).toBe(400);
    expect((await svc(ledger, 'POST', '/service/v1/deposits', [row(1)])).status).toBe(400);
    const form = await ctx.app.request('/service/v1/deposits', {
      method: 'POST',
      headers: { authorization: `Bearer ${ledger}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'deposits=1',
    });
    expect(form.status).toBe(415);
  });
});

describe('PUT /service/v1/users/{externalId}', () => {
  let sync: string;
  beforeAll(async () => {
    sync = (await createAccount('user-sync', ['users:write'])).key;
  });

  it('creates, then updates, an end user from the exchange, audited with the service actor', async () => {
    const created = await svc(sync, 'PUT', '/service/v1/users/ex-1001', {
      email: 'Exchange.User@Example.com',
      displayName: 'Ex User',
      country: 'GB',
      kycLevel: 2,
      valueTier: 'vip',
      accountCreatedAt: '2023-01-05T00:00:00Z',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      externalId: 'ex-1001',
      email: 'exchange.user@example.com',
      country: 'GB',
      kycLevel: 2,
      valueTier: 'vip',
      accountCreatedAt: '2023-01-05T00:00:00.000Z',
      status: 'active',
    });
    const same = await svc(sync, 'PUT', '/service/v1/users/ex-1001', { email: 'exchange.user@example.com' });
    expect(same.status).toBe(200);
    const changed = await svc(sync, 'PUT', '/service/v1/users/ex-1001', {
      email: 'new.address@example.com',
      passwordChangedAt: '2026-11-25T12:00:00Z',
      valueTier: 'institutional',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      id: created.body.id,
      email: 'new.address@example.com',
      valueTier: 'institutional',
      passwordChangedAt: '2026-11-25T12:00:00.000Z',
      emailChangedAt: ctx.clock().toISOString(),
    });
    const events = await ctx.deps.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetType, 'user'), eq(auditEvents.targetId, String(created.body.id))));
    expect(events.map((e) => [e.action, e.actorType, e.actorLabel])).toEqual([
      ['user.create', 'service', 'user-sync'],
      ['user.update', 'service', 'user-sync'],
    ]);
    expect(JSON.parse(events[1]!.details).fields).toEqual(['email', 'emailChangedAt', 'passwordChangedAt', 'valueTier']);
    // The users admin API shows the external id.
    const detail = (await (await admin.get(`/admin/api/users/${created.body.id}`)).json()) as { externalId: string; kycLevel: number };
    expect(detail).toMatchObject({ externalId: 'ex-1001', kycLevel: 2 });
  });

  it('links an existing Rebind account by email, and refuses an email owned by another exchange user', async () => {
    const existing = await makeEndUser(ctx, { email: 'linked@example.com' });
    const linked = await svc(sync, 'PUT', '/service/v1/users/ex-2002', { email: 'linked@example.com' });
    expect(linked.status).toBe(200);
    expect(linked.body.id).toBe(existing.id);
    const clash = await svc(sync, 'PUT', '/service/v1/users/ex-3003', { email: 'linked@example.com' });
    expect(clash.status).toBe(409);
    expect((await svc(sync, 'PUT', '/service/v1/users/ex-4004', { email: 'not-an-email' })).status).toBe(400);
    expect((await svc(sync, 'PUT', '/service/v1/users/ex-4004', { email: 'a@example.com', valueTier: 'whale' })).status).toBe(400);
    expect((await svc(sync, 'PUT', '/service/v1/users/ex-4004', { email: 'a@example.com', password: 'secret' })).status).toBe(400);
    expect((await svc(sync, 'PUT', '/service/v1/users/bad%20id', { email: 'a@example.com' })).status).toBe(400);
  });

  it("feeds the exchange's fields into the risk signals of a case", async () => {
    const put = await svc(sync, 'PUT', '/service/v1/users/ex-risk', {
      email: 'risky@example.com',
      kycLevel: 0,
      valueTier: 'vip',
      accountCreatedAt: new Date(ctx.clock().getTime() - 10 * 86_400_000).toISOString(),
      passwordChangedAt: new Date(ctx.clock().getTime() - 2 * 86_400_000).toISOString(),
    });
    expect(put.status).toBe(201);
    const now = ctx.clock();
    const [c] = await ctx.deps.db
      .insert(cases)
      .values({ userId: put.body.id, status: 'draft', maskedEmail: 'r***@e***.com', caseTokenHash: 'f'.repeat(64), createdAt: now, updatedAt: now })
      .returning();
    const signals = assessRisk(await gatherRiskInputs(ctx.deps.db, c!, now)).signals.map((s) => s.signal);
    expect(signals).toEqual(expect.arrayContaining(['new_account', 'value_tier', 'recent_password_change', 'no_kyc']));
    await svc(sync, 'PUT', '/service/v1/users/ex-risk', {
      email: 'risky@example.com',
      kycLevel: 2,
      valueTier: 'retail',
      accountCreatedAt: '2020-01-01T00:00:00Z',
      passwordChangedAt: null,
    });
    const after = assessRisk(await gatherRiskInputs(ctx.deps.db, c!, now)).signals.map((s) => s.signal);
    expect(after).not.toEqual(expect.arrayContaining(['no_kyc']));
    expect(after).toEqual(expect.arrayContaining(['established_account']));
    for (const s of ['value_tier', 'recent_password_change', 'new_account', 'no_kyc']) expect(after).not.toContain(s);
  });
});

describe('the audit trail after service calls', () => {
  it('holds service-actor events and verifies', async () => {
    const rows = await ctx.deps.db.select().from(auditEvents).where(eq(auditEvents.actorType, 'service'));
    expect(rows.length).toBeGreaterThanOrEqual(4);
    const verdict = await verifyAuditChain(ctx.deps.db);
    expect(verdict.ok).toBe(true);
    const filtered = await admin.get('/admin/api/audit-events?filter=%7B%22actorType%22%3A%22service%22%7D');
    expect(filtered.status).toBe(200);
    expect(((await filtered.json()) as unknown[]).length).toBeGreaterThan(0);
    expect(await ctx.deps.db.select().from(users).where(eq(users.externalId, 'ex-1001'))).toHaveLength(1);
  });
});

describe('npm run cli -- service …', () => {
  it('creates (key printed once), lists, rotates and revokes; audit verify passes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rebind-svc-cli-'));
    try {
      const env = { ...process.env, DATABASE_PATH: join(dir, 'rebind.db'), LOG_LEVEL: 'silent', NODE_ENV: 'development', DEMO_SEED: 'off' };
      const cli = (...args: string[]) =>
        JSON.parse(execFileSync('node_modules/.bin/tsx', ['server/cli/main.ts', ...args, '--json'], { env, encoding: 'utf8' }));
      const created = cli('service', 'create', '--name', 'wallet', '--scopes', 'withdrawals:read,events:read');
      expect(created).toMatchObject({ name: 'wallet', scopes: ['events:read', 'withdrawals:read'], status: 'active' });
      expect(created.key).toMatch(/^rbk_live_/);
      const listed = cli('service', 'list');
      expect(JSON.stringify(listed)).not.toContain(created.key);
      expect(listed[0].keys[0].prefix).toBe(`${created.key.slice(0, 17)}…`);
      const rotated = cli('service', 'rotate', '--name', 'wallet', '--overlap-hours', '1');
      expect(rotated.key).not.toBe(created.key);
      expect(rotated.keys.map((k: { status: string }) => k.status)).toEqual(['active', 'expiring']);
      expect(cli('service', 'revoke', '--name', 'wallet').status).toBe('revoked');
      expect(cli('audit', 'verify')).toMatchObject({ ok: true, count: 3 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
