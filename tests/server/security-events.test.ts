import { beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, sql } from 'drizzle-orm';
import { eventDeliveries, securityEvents, userFactors, users } from '../../db/schema/index.ts';
import { createServiceAccount } from '../../server/service-api/accounts.ts';
import { appendSecurityEvent, readEventsAfter } from '../../server/events/security-events.ts';
import { recordAuditEvent } from '../../server/audit/audit-log.ts';
import { createTestContext, signedInStaff, type StaffClient, type TestContext } from './helpers.ts';
import { lastCode, lastMessage, oathtool, UserClient } from './user-helpers.ts';
import { ANSWERS, makeRecoverableUser, submittedCase } from './case-helpers.ts';
import { testEngine } from './test-database.ts';

const ops = '/api/v1/me/security/operations';
const PHONE = '+447911123456';

async function eventsOf(ctx: TestContext, userId: number) {
  return ctx.deps.db.select().from(securityEvents).where(eq(securityEvents.userId, userId)).orderBy(asc(securityEvents.id));
}

const typesOf = async (ctx: TestContext, userId: number) => (await eventsOf(ctx, userId)).map((e) => e.type);

/** Change the TOTP key through the three steps; returns the new key. */
async function changeTotp(ctx: TestContext, client: UserClient, email: string, secret: string): Promise<string> {
  const id = (await client.post(ops, { action: 'change', factorType: 'totp' })).body.operationId;
  await client.post(`${ops}/${id}/email`, { code: await lastCode(ctx, email, 'email') });
  await client.post(`${ops}/${id}/2fa`, { method: 'totp', code: oathtool(secret, ctx.clock()) });
  const setup = await client.post(`${ops}/${id}/new-factor`, { factorType: 'totp' });
  const next = setup.body.totp.secret as string;
  const done = await client.post(`${ops}/${id}/new-factor/verify`, { code: oathtool(next, ctx.clock()) });
  expect(done.status).toBe(200);
  ctx.clock.advance(30_000);
  return next;
}

async function bindSms(ctx: TestContext, client: UserClient, email: string, secret: string) {
  const id = (await client.post(ops, { action: 'bind', factorType: 'sms' })).body.operationId;
  await client.post(`${ops}/${id}/email`, { code: await lastCode(ctx, email, 'email') });
  await client.post(`${ops}/${id}/2fa`, { method: 'totp', code: oathtool(secret, ctx.clock()) });
  expect((await client.post(`${ops}/${id}/new-factor`, { factorType: 'sms', phone: PHONE })).status).toBe(200);
  const done = await client.post(`${ops}/${id}/new-factor/verify`, { code: await lastCode(ctx, PHONE, 'sms') });
  expect(done.status).toBe(200);
  ctx.clock.advance(30_000);
}

async function unbind(ctx: TestContext, client: UserClient, email: string, secret: string, factorId: number) {
  const id = (await client.post(ops, { action: 'unbind', factorType: 'sms', factorId })).body.operationId;
  await client.post(`${ops}/${id}/email`, { code: await lastCode(ctx, email, 'email') });
  await client.post(`${ops}/${id}/2fa`, { method: 'totp', code: oathtool(secret, ctx.clock()) });
  const done = await client.post(`${ops}/${id}/commit`);
  expect(done.status).toBe(200);
  ctx.clock.advance(30_000);
}

/** Claim and decide; a high-risk approval gets its second approval from `second` (four eyes). */
async function decide(
  ctx: TestContext,
  staff: StaffClient,
  caseId: number,
  action: 'approve' | 'reject',
  body: Record<string, unknown> = {},
  second?: StaffClient,
): Promise<string> {
  const version = async () => ((await (await staff.get(`/admin/api/cases/${caseId}`)).json()) as { version: number }).version;
  expect((await staff.post(`/admin/api/cases/${caseId}/claim`, { version: await version() })).status).toBe(200);
  const res = await staff.post(`/admin/api/cases/${caseId}/${action}`, { version: await version(), ...body });
  expect(res.status).toBe(200);
  const status = ((await res.json()) as { status: string }).status;
  if (status !== 'awaiting_second_approval' || !second) return status;
  const again = await second.post(`/admin/api/cases/${caseId}/approve`, { version: await version() });
  expect(again.status).toBe(200);
  return ((await again.json()) as { status: string }).status;
}

describe('security events: one per state change, in the same transaction', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });

  it('emits each event exactly once, driven through HTTP, with ids and states only', async () => {
    const { user } = await makeRecoverableUser(ctx, { externalId: 'ex-alice-1' });
    const client = new UserClient(ctx);
    await client.signIn(user.email);
    let secret = await client.bindTotp(user.email);
    expect(await typesOf(ctx, user.id)).toEqual(['factor.bound']);

    secret = await changeTotp(ctx, client, user.email, secret);
    expect(await typesOf(ctx, user.id)).toEqual(['factor.bound', 'factor.changed', 'withdrawal_lock.set']);

    await bindSms(ctx, client, user.email, secret);
    const sms = (await ctx.deps.db.select().from(userFactors).where(eq(userFactors.userId, user.id))).find((f) => f.type === 'sms' && f.status === 'active')!;
    await unbind(ctx, client, user.email, secret, sms.id);
    expect((await typesOf(ctx, user.id)).slice(3)).toEqual(['factor.bound', 'factor.unbound', 'withdrawal_lock.set']);

    // "This wasn't me" from the unbind notice freezes; a second link on a frozen account changes nothing and emits nothing.
    const links = [
      /\/api\/v1\/freeze\/([A-Za-z0-9_-]+)/.exec((await lastMessage(ctx, user.email, 'email')).body!)![0],
      /\/api\/v1\/freeze\/([A-Za-z0-9_-]+)/.exec((await lastMessage(ctx, PHONE, 'sms')).body!)![0],
    ];
    expect((await new UserClient(ctx).post(links[0]!, {})).status).toBe(200);
    expect((await new UserClient(ctx).post(links[1]!, {})).status).toBe(200);
    const supervisor = await signedInStaff(ctx, 'supervisor');
    expect((await supervisor.client.post(`/admin/api/users/${user.id}/unfreeze`, { justification: 'owner called back, ticket 991' })).status).toBe(200);
    const agent = await signedInStaff(ctx, 'agent');
    expect(
      (await agent.client.post(`/admin/api/users/${user.id}/reveal`, { field: 'email', justification: 'caller verified on the phone, ticket 4411' })).status,
    ).toBe(200);
    expect((await typesOf(ctx, user.id)).slice(6)).toEqual(['account.frozen', 'account.unfrozen', 'staff.pii_revealed']);

    // A reset: submitted, approved (every tool unbound, withdrawals locked), completed by the rebind.
    const { caseId } = await submittedCase(ctx, user.email, [{ method: 'security_questions', answers: ANSWERS }]);
    expect(await decide(ctx, agent.client, caseId, 'approve', {}, supervisor.client)).toBe('approved');
    const token = /token=([A-Za-z0-9_-]{43})/.exec((await lastMessage(ctx, user.email, 'email')).body!)![1]!;
    const rebind = new UserClient(ctx);
    rebind.token = token;
    const setup = await rebind.post('/api/v1/recovery/rebind/new-factor', { factorType: 'totp' });
    expect(setup.status, JSON.stringify(setup.body)).toBe(200);
    expect((await rebind.post('/api/v1/recovery/rebind/new-factor/verify', { code: oathtool(setup.body.totp.secret, ctx.clock()) })).status).toBe(200);
    expect((await typesOf(ctx, user.id)).slice(9)).toEqual([
      'case.submitted',
      'factor.unbound',
      'withdrawal_lock.set',
      'case.approved',
      'factor.bound',
      'case.completed',
    ]);

    // A rejected case on another account.
    const other = (await makeRecoverableUser(ctx)).user;
    const rejected = await submittedCase(ctx, other.email, [{ method: 'security_questions', answers: ANSWERS }]);
    await decide(ctx, agent.client, rejected.caseId, 'reject', { reasonCode: 'identity_not_verified' });
    expect(await typesOf(ctx, other.id)).toEqual(['case.submitted', 'case.rejected']);

    const all = await eventsOf(ctx, user.id);
    expect(all.every((e) => e.userExternalId === 'ex-alice-1')).toBe(true);
    expect(all.every((e) => /^evt_[A-Za-z0-9_-]{20}$/.test(e.publicId))).toBe(true);
    const payloads = (await ctx.deps.db.select().from(securityEvents)).map((e) => e.data).join('\n');
    for (const secretThing of [user.email, other.email, PHONE, '7911', secret, 'ticket', token]) expect(payloads).not.toContain(secretThing);
    const byType = Object.fromEntries(all.map((e) => [e.type, JSON.parse(e.data)]));
    expect(byType['factor.changed']).toMatchObject({ factorType: 'totp', replacedFactorType: 'totp' });
    expect(byType['case.approved']).toMatchObject({ caseId, revokedFactors: 1, fourEyes: true });
    expect(byType['staff.pii_revealed']).toEqual({ field: 'email', factorId: null, staffId: agent.account.id });
    expect(JSON.parse((await eventsOf(ctx, other.id))[1]!.data)).toEqual({ caseId: rejected.caseId, reasonCode: 'identity_not_verified' });
    // Ids are 1, 2, 3… with no hole.
    const ids = (await ctx.deps.db.select({ id: securityEvents.id }).from(securityEvents).orderBy(asc(securityEvents.id))).map((r) => r.id);
    expect(ids).toEqual(ids.map((_, i) => i + 1));
  });

  it('emits nothing when the change rolls back after the event was appended', async () => {
    const { user } = await makeRecoverableUser(ctx);
    await ctx.deps.db.update(users).set({ status: 'frozen', frozenAt: ctx.clock(), frozenReason: 'user_report:totp.change' }).where(eq(users.id, user.id));
    // A webhook endpoint, so the event's delivery row would be written in the same transaction too.
    const admin = await signedInStaff(ctx, 'admin');
    expect((await admin.client.post('/admin/api/webhook-endpoints', { url: 'http://127.0.0.1:9/hook' })).status).toBe(201);
    // The failing step: the audit insert of the unfreeze, which runs after appendSecurityEvent.
    if (testEngine === 'pg') {
      await ctx.deps.db.exec(
        sql.raw(
          `CREATE FUNCTION fail_unfreeze() RETURNS trigger AS $$ BEGIN IF NEW.action = 'account.unfreeze' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
        ),
      );
      await ctx.deps.db.exec(sql.raw(`CREATE TRIGGER fail_unfreeze BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION fail_unfreeze()`));
    } else {
      await ctx.deps.db.exec(
        sql.raw(
          `CREATE TRIGGER fail_unfreeze BEFORE INSERT ON audit_events WHEN NEW.action = 'account.unfreeze' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
        ),
      );
    }
    const before = (await ctx.deps.db.select({ n: sql<number>`count(*)` }).from(securityEvents))[0]!.n;
    const supervisor = await signedInStaff(ctx, 'supervisor');
    const res = await supervisor.client.post(`/admin/api/users/${user.id}/unfreeze`, { justification: 'owner called back, ticket 992' });
    expect(res.status).toBe(500);
    expect(JSON.stringify(await res.json())).not.toContain('injected');
    expect(await eventsOf(ctx, user.id)).toEqual([]);
    expect(Number((await ctx.deps.db.select({ n: sql<number>`count(*)` }).from(securityEvents))[0]!.n)).toBe(Number(before));
    expect(await ctx.deps.db.select().from(eventDeliveries).where(eq(eventDeliveries.userId, user.id))).toEqual([]);
    expect((await ctx.deps.db.select().from(users).where(eq(users.id, user.id)))[0]!.status).toBe('frozen');

    await ctx.deps.db.exec(sql.raw('DROP TRIGGER fail_unfreeze' + (testEngine === 'pg' ? ' ON audit_events' : '')));
    expect((await supervisor.client.post(`/admin/api/users/${user.id}/unfreeze`, { justification: 'owner called back, ticket 992' })).status).toBe(200);
    expect(await typesOf(ctx, user.id)).toEqual(['account.unfrozen']);
  });
});

describe('the pull feed GET /service/v1/events', () => {
  let ctx: TestContext;
  let key: string;
  const feed = (query: string, k = key) => ctx.app.request(`/service/v1/events${query}`, { headers: { authorization: `Bearer ${k}` } });

  beforeAll(async () => {
    ctx = await createTestContext({ SERVICE_RATE_LIMIT_PER_MINUTE: '100000' });
    key = (await createServiceAccount(ctx.deps, { name: 'risk engine', scopes: ['events:read'] }, { type: 'system', label: 'test' })).key;
  });

  it('needs a service key with events:read', async () => {
    expect((await ctx.app.request('/service/v1/events')).status).toBe(401);
    const other = (await createServiceAccount(ctx.deps, { name: 'wallet', scopes: ['withdrawals:read'] }, { type: 'system', label: 'test' })).key;
    const res = await feed('', other);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('forbidden');
    const { client } = await signedInStaff(ctx, 'admin');
    expect((await client.get('/service/v1/events')).status).toBe(401);
    for (const bad of ['?after=-1', '?after=abc', '?limit=0', '?limit=501']) expect((await feed(bad)).status, bad).toBe(400);
  });

  it('reads every event in order, page after page, and resumes from a cursor', async () => {
    const agent = await signedInStaff(ctx, 'agent');
    const people = [await makeRecoverableUser(ctx, { externalId: 'ex-1' }), await makeRecoverableUser(ctx)].map((p) => p.user);
    for (let i = 0; i < 7; i++)
      expect(
        (await agent.client.post(`/admin/api/users/${people[i % 2]!.id}/reveal`, { field: 'email', justification: `ticket number ${i} verified` })).status,
      ).toBe(200);
    const empty = (await (await feed('?after=7')).json()) as { data: unknown[]; next_cursor: string; has_more: boolean };
    expect(empty).toEqual({ data: [], next_cursor: '7', has_more: false });

    const seen: { id: string; cursor: string; type: string; timestamp: string; data: Record<string, unknown> }[] = [];
    let cursor = '0';
    let pages = 0;
    for (;;) {
      const page = (await (await feed(`?after=${cursor}&limit=3`)).json()) as { data: typeof seen; next_cursor: string; has_more: boolean };
      pages++;
      seen.push(...page.data);
      cursor = page.next_cursor;
      if (!page.has_more) break;
    }
    expect(pages).toBe(3);
    expect(seen.map((e) => e.cursor)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(seen[0]).toEqual({
      id: expect.stringMatching(/^evt_/),
      cursor: '1',
      type: 'staff.pii_revealed',
      timestamp: ctx.clock().toISOString(),
      data: { userId: people[0]!.id, externalId: 'ex-1', field: 'email', factorId: null, staffId: agent.account.id },
    });
    expect(seen[1]!.data.externalId).toBeNull();
    // Resume from the middle: exactly what follows.
    const resumed = (await (await feed('?after=4&limit=100')).json()) as { data: typeof seen; next_cursor: string };
    expect(resumed.data.map((e) => e.id)).toEqual(seen.slice(4).map((e) => e.id));
    expect(resumed.next_cursor).toBe('7');
  });

  it('shows no later event while an earlier one is uncommitted: appends wait for each other', async () => {
    const agent = await signedInStaff(ctx, 'agent');
    const { user } = await makeRecoverableUser(ctx);
    const before = ((await (await feed('?after=0&limit=500')).json()) as { next_cursor: string }).next_cursor;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let appended!: () => void;
    const inside = new Promise<void>((r) => (appended = r));
    // A change that has appended its event but not committed yet…
    const slow = ctx.deps.db.transaction(async (tx) => {
      await appendSecurityEvent(tx, ctx.deps, { type: 'account.unfrozen', userId: user.id, data: { staffId: agent.account.id } });
      await recordAuditEvent(tx, ctx.clock(), { actor: { type: 'system', label: 'test' }, action: 'test.slow_change' });
      appended();
      await held;
    });
    await inside;
    // …and another change starting meanwhile: its append waits for the first to commit.
    const fast = agent.client.post(`/admin/api/users/${user.id}/reveal`, { field: 'email', justification: 'ticket 5150, caller verified' });
    await new Promise((r) => setTimeout(r, 300));
    // The feed's own query (over HTTP the key's rate-limit counter is a write, which on SQLite waits for the open transaction).
    expect((await readEventsAfter(ctx.deps.db, Number(before), 100)).rows).toEqual([]);
    release();
    await slow;
    expect((await fast).status).toBe(200);
    const after = (await (await feed(`?after=${before}`)).json()) as { data: { cursor: string; type: string }[] };
    expect(after.data.map((e) => e.type)).toEqual(['account.unfrozen', 'staff.pii_revealed']);
    expect(after.data.map((e) => Number(e.cursor))).toEqual([Number(before) + 1, Number(before) + 2]);
  });

  it('never skips an event under concurrent writers (readers polling while changes commit)', async () => {
    const agents = await Promise.all([signedInStaff(ctx, 'agent'), signedInStaff(ctx, 'agent'), signedInStaff(ctx, 'agent'), signedInStaff(ctx, 'agent')]);
    const people = await Promise.all([0, 1, 2, 3].map(() => makeRecoverableUser(ctx)));
    const start = (await (await feed('?after=0&limit=500')).json()) as { next_cursor: string };
    const collected: string[] = [];
    let cursor = start.next_cursor;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const page = (await (await feed(`?after=${cursor}&limit=7`)).json()) as { data: { cursor: string }[]; next_cursor: string };
        collected.push(...page.data.map((e) => e.cursor));
        cursor = page.next_cursor;
        await new Promise((r) => setImmediate(r));
      }
    })();
    // Four writers at once, 15 changes each; on PostgreSQL they run on separate pool connections.
    await Promise.all(
      agents.map(async (a, w) => {
        for (let i = 0; i < 15; i++) {
          const res = await a.client.post(`/admin/api/users/${people[(w + i) % 4]!.user.id}/reveal`, {
            field: 'email',
            justification: `concurrent ticket ${w}-${i}`,
          });
          expect(res.status).toBe(200);
        }
      }),
    );
    writing = false;
    await reader;
    for (;;) {
      const page = (await (await feed(`?after=${cursor}&limit=50`)).json()) as { data: { cursor: string }[]; next_cursor: string; has_more: boolean };
      collected.push(...page.data.map((e) => e.cursor));
      cursor = page.next_cursor;
      if (!page.has_more) break;
    }
    const all = (
      await ctx.deps.db
        .select({ id: securityEvents.id })
        .from(securityEvents)
        .where(sql`${securityEvents.id} > ${Number(start.next_cursor)}`)
        .orderBy(asc(securityEvents.id))
    ).map((r) => String(r.id));
    expect(all).toHaveLength(60);
    expect(collected).toEqual(all);
  });
});
