import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import simpleRestProvider from 'ra-data-simple-rest';
import { fetchUtils } from 'ra-core';
import { createTestContext, makeStaff, signedInStaff, StaffClient, type TestContext } from './helpers.ts';
import { lastMessage, oathtool, UserClient } from './user-helpers.ts';
import { ANSWERS, biometricCallback, CaseClient, makeRecoverableUser, submittedCase } from './case-helpers.ts';
import { auditEvents, biometricSessions, cases, userFactors, users } from '../../db/schema/index.ts';
import { sweepCases } from '../../server/recovery/service.ts';

const HOUR = 3_600_000;

describe('the whole reset path over HTTP', () => {
  let ctx: TestContext;
  let server: ServerType;
  let base: string;
  beforeAll(async () => {
    ctx = await createTestContext();
    server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/api`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('files, verifies, answers, sends a transfer record, is approved, and binds a new TOTP key', async () => {
    const { user, deposit } = await makeRecoverableUser(ctx);
    // The user had a TOTP key they lost.
    const owner = new UserClient(ctx);
    await owner.signIn(user.email);
    const lostSecret = await owner.bindTotp(user.email);

    // She files from the laptop and address she always uses.
    const client = new CaseClient(ctx, new UserClient(ctx));
    const filed = await client.file(user.email);
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ status: 'draft', next: 'verify_email' });
    // Nothing before the email step.
    expect((await client.evidence({ method: 'transfer_record', email: user.email, ...deposit })).status).toBe(409);
    const verified = await client.verifyEmail(user.email);
    expect(verified.status).toBe(200);
    expect(verified.body.availableMethods).toEqual(['security_questions', 'biometric', 'transfer_record']);
    expect(verified.body.questions).toEqual(['First pet?', 'Birth city?', 'Favourite teacher?']);
    const answered = await client.evidence({ method: 'security_questions', answers: ['  rex', 'LISBON', 'ms  okafor '] });
    expect(answered.body).toEqual({ received: true, method: 'security_questions', questionAttemptsLeft: 2 });
    expect((await client.evidence({ method: 'transfer_record', email: user.email, ...deposit })).body).toEqual({ received: true, method: 'transfer_record' });
    const submitted = await client.submit();
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('submitted');
    // Nothing about the account changed before approval.
    expect(
      await ctx.deps.db
        .select()
        .from(userFactors)
        .where(and(eq(userFactors.userId, user.id), eq(userFactors.status, 'active'))),
    ).toHaveLength(1);
    expect((await lastMessage(ctx, user.email, 'email')).body).toMatch(/reset every 2FA tool.*freeze\//s);

    // The desk, through the stock simple-REST provider.
    const agent = await signedInStaff(ctx, 'agent');
    const provider = simpleRestProvider(base, (url: string, options: fetchUtils.Options = {}) =>
      fetchUtils.fetchJson(url, {
        ...options,
        headers: new Headers({ Accept: 'application/json', cookie: agent.client.cookie, 'x-csrf-token': agent.client.csrfToken }),
      }),
    );
    const queue = await provider.getList('cases', {
      pagination: { page: 1, perPage: 25 },
      sort: { field: 'slaDueAt', order: 'ASC' },
      filter: { status: 'submitted' },
    });
    expect(queue.total).toBe(1);
    const listed = queue.data[0]!;
    expect(listed).toMatchObject({ id: client.caseId, status: 'submitted', riskBand: 'low', maskedEmail: expect.stringMatching(/^u\*\*\*@e\*\*\*\.com$/) });
    expect(listed.methods).toEqual(['security_questions', 'transfer_record']);
    const one = await provider.getOne('cases', { id: client.caseId });
    expect(one.data.evidence.find((e: { method: string }) => e.method === 'security_questions').checked).toMatchObject({ bestMatched: 3, total: 3 });
    expect(one.data.evidence.find((e: { method: string }) => e.method === 'transfer_record').checked).toMatchObject({ result: 'exact', differs: [] });
    expect(JSON.stringify(one.data)).not.toContain(user.email);
    expect(one.data.availableActions).toContain('claim');

    const claimed = await agent.client.post(`/admin/api/cases/${listed.id}/claim`, { version: one.data.version });
    expect(claimed.status).toBe(200);
    const claimedCase = (await claimed.json()) as { version: number; status: string; assigneeId: number };
    expect(claimedCase).toMatchObject({ status: 'in_review', assigneeId: agent.account.id });
    const approved = await agent.client.post(`/admin/api/cases/${listed.id}/approve`, { version: claimedCase.version });
    expect(approved.status).toBe(200);
    expect(((await approved.json()) as { status: string }).status).toBe('approved');

    // Effects: old tools and sessions gone, withdrawals locked ~48 h, a rebind link mailed.
    expect(
      await ctx.deps.db
        .select()
        .from(userFactors)
        .where(and(eq(userFactors.userId, user.id), eq(userFactors.status, 'active'))),
    ).toHaveLength(0);
    expect((await owner.get('/api/v1/me/security')).status).toBe(401);
    const lock = (await ctx.deps.db.select().from(users).where(eq(users.id, user.id)).limit(1))[0]!.withdrawalLockUntil!;
    expect(lock.getTime() - ctx.clock().getTime()).toBe(48 * HOUR);
    const mail = await lastMessage(ctx, user.email, 'email');
    const token = /token=([A-Za-z0-9_-]{43})/.exec(mail.body!)![1]!;

    const rebind = new UserClient(ctx);
    rebind.token = token;
    const setup = await rebind.post('/api/v1/recovery/rebind/new-factor', { factorType: 'totp' });
    expect(setup.status).toBe(200);
    const newSecret = setup.body.totp.secret as string;
    const bound = await rebind.post('/api/v1/recovery/rebind/new-factor/verify', { code: oathtool(newSecret, ctx.clock()) });
    expect(bound.status).toBe(200);
    expect((await ctx.deps.db.select().from(cases).where(eq(cases.id, listed.id)).limit(1))[0]!.status).toBe('completed');
    // The link is single use.
    expect((await rebind.post('/api/v1/recovery/rebind/new-factor', { factorType: 'totp' })).status).toBe(401);

    ctx.clock.advance(30_000);
    expect((await new UserClient(ctx).signIn(user.email, { totpSecret: lostSecret })).status).toBe(401);
    expect((await new UserClient(ctx).signIn(user.email, { totpSecret: newSecret })).status).toBe(200);
    const actions = (
      await ctx.deps.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.targetId, String(listed.id)))
    ).map((e) => e.action);
    for (const a of ['case.file', 'case.email_verified', 'case.evidence', 'case.submit', 'case.view', 'case.claim', 'case.approve', 'case.complete'])
      expect(actions).toContain(a);
  });
});

describe('four eyes, conflicts of interest and concurrency', () => {
  async function highRiskCase(ctx: TestContext) {
    // A VIP account whose password changed yesterday, with answers only: high risk.
    const { user } = await makeRecoverableUser(ctx, { valueTier: 'vip', passwordChangedAt: new Date(ctx.clock().getTime() - 24 * HOUR) });
    const { caseId } = await submittedCase(ctx, user.email, [{ method: 'security_questions', answers: ANSWERS }]);
    return { user, caseId };
  }
  const version = async (ctx: TestContext, id: number) => (await ctx.deps.db.select().from(cases).where(eq(cases.id, id)).limit(1))[0]!.version;

  it('needs a second approval from a different supervisor on a high-risk case', async () => {
    const ctx = await createTestContext();
    const { caseId } = await highRiskCase(ctx);
    const row = (await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!;
    expect(row.riskBand).toBe('high');
    expect(ctx.clock().getTime() + 4 * HOUR).toBe(row.slaDueAt!.getTime());
    const sam = await signedInStaff(ctx, 'supervisor');
    await sam.client.post(`/admin/api/cases/${caseId}/claim`, { version: await version(ctx, caseId) });
    const first = await sam.client.post(`/admin/api/cases/${caseId}/approve`, { version: await version(ctx, caseId) });
    expect(((await first.json()) as { status: string }).status).toBe('awaiting_second_approval');
    // Nobody gives both approvals.
    const again = await sam.client.post(`/admin/api/cases/${caseId}/approve`, { version: await version(ctx, caseId) });
    expect(again.status).toBe(403);
    // An agent cannot give the second approval.
    const agent = await signedInStaff(ctx, 'agent');
    expect((await agent.client.post(`/admin/api/cases/${caseId}/approve`, { version: await version(ctx, caseId) })).status).toBe(403);
    // Two supervisors at once: exactly one wins.
    const s2 = await signedInStaff(ctx, 'supervisor');
    const s3 = await signedInStaff(ctx, 'supervisor');
    const v = await version(ctx, caseId);
    const results = await Promise.all([
      s2.client.post(`/admin/api/cases/${caseId}/approve`, { version: v }),
      s3.client.post(`/admin/api/cases/${caseId}/approve`, { version: v }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const detail = (await (await s2.client.get(`/admin/api/cases/${caseId}`)).json()) as Record<string, any>;
    expect(detail).toMatchObject({ status: 'approved', firstApproverName: 'Test supervisor' });
    const event = (
      await ctx.deps.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, 'case.approve'), eq(auditEvents.targetId, String(caseId))))
    ).at(-1)!;
    expect(JSON.parse(event.details).fourEyes).toMatchObject({ firstApproverId: sam.account.id });
  });

  it('lets exactly one of two agents claim, and answers a stale version with 409', async () => {
    const ctx = await createTestContext();
    const { user } = await makeRecoverableUser(ctx);
    const { caseId } = await submittedCase(ctx, user.email, [{ method: 'security_questions', answers: ANSWERS }]);
    const a = await signedInStaff(ctx, 'agent');
    const b = await signedInStaff(ctx, 'agent');
    const v = await version(ctx, caseId);
    const [ra, rb] = await Promise.all([
      a.client.post(`/admin/api/cases/${caseId}/claim`, { version: v }),
      b.client.post(`/admin/api/cases/${caseId}/claim`, { version: v }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const loser = ra.status === 409 ? ra : rb;
    expect(((await loser.json()) as { code: string }).code).toMatch(/stale_version|invalid_state/);
  });

  it('refuses any action by a staff member on a case about their own account', async () => {
    const ctx = await createTestContext();
    const { user } = await makeRecoverableUser(ctx);
    const { caseId } = await submittedCase(ctx, user.email, [{ method: 'security_questions', answers: ANSWERS }]);
    const bo = await makeStaff(ctx, 'agent', { userId: user.id });
    const client = new StaffClient(ctx);
    await client.signIn(bo);
    const detail = (await (await client.get(`/admin/api/cases/${caseId}`)).json()) as { ownAccount: boolean; availableActions: string[] };
    expect(detail.ownAccount).toBe(true);
    expect(detail.availableActions).toEqual([]);
    const listed = (await (await client.get('/admin/api/cases')).json()) as { id: number; ownAccount?: boolean }[];
    expect(listed.find((r) => r.id === caseId)?.ownAccount).toBe(true);
    const res = await client.post(`/admin/api/cases/${caseId}/claim`, { version: await version(ctx, caseId) });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('conflict_of_interest');
    expect((await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!.status).toBe('submitted');
  });

  it('lets a claim lapse after 30 minutes idle so another agent can take over', async () => {
    const ctx = await createTestContext();
    const { user } = await makeRecoverableUser(ctx);
    const { caseId } = await submittedCase(ctx, user.email, [{ method: 'security_questions', answers: ANSWERS }]);
    const a = await signedInStaff(ctx, 'agent');
    await a.client.post(`/admin/api/cases/${caseId}/claim`, { version: await version(ctx, caseId) });
    const b = await signedInStaff(ctx, 'agent');
    expect((await b.client.post(`/admin/api/cases/${caseId}/claim`, { version: await version(ctx, caseId) })).status).toBe(409);
    ctx.clock.advance(20 * 60_000);
    await b.client.get('/admin/api/auth/me'); // b stays active; a does nothing
    ctx.clock.advance(11 * 60_000);
    expect((await b.client.post(`/admin/api/cases/${caseId}/claim`, { version: await version(ctx, caseId) })).status).toBe(200);
    expect((await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!.assigneeId).toBe(b.account.id);
  });
});

describe('reject, request information, cooldown', () => {
  it('tells the user the reason category and refuses a new filing during the cooldown', async () => {
    const ctx = await createTestContext();
    const { user } = await makeRecoverableUser(ctx);
    const { caseId, client } = await submittedCase(ctx, user.email, [{ method: 'security_questions', answers: ['wrong', 'wrong', 'wrong'] }]);
    const agent = await signedInStaff(ctx, 'agent');
    const v = async () => (await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!.version;
    await agent.client.post(`/admin/api/cases/${caseId}/claim`, { version: await v() });
    const noReason = await agent.client.post(`/admin/api/cases/${caseId}/reject`, { version: await v() });
    expect(noReason.status).toBe(400);
    const wrongKind = await agent.client.post(`/admin/api/cases/${caseId}/reject`, { version: await v(), reasonCode: 'need_biometric' });
    expect(wrongKind.status).toBe(400);
    const rejected = await agent.client.post(`/admin/api/cases/${caseId}/reject`, {
      version: await v(),
      reasonCode: 'suspected_account_takeover',
      note: 'answers all wrong, new device',
    });
    expect(rejected.status).toBe(200);
    const status = await client.status();
    expect(status.body.status).toBe('rejected');
    expect(status.body.decision.reasonCategory).toBe('We could not verify that you own this account.');
    expect(JSON.stringify(status.body)).not.toContain('answers all wrong');
    expect((await lastMessage(ctx, user.email, 'email')).body).toContain('We could not verify that you own this account.');
    const again = await new CaseClient(ctx).file(user.email);
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('cooldown');
    ctx.clock.advance(7 * 24 * HOUR + 1000);
    expect((await new CaseClient(ctx).file(user.email)).status).toBe(201);
  });

  it('asks for information, shows it to the user, and re-queues the case on reply', async () => {
    const ctx = await createTestContext();
    const { user, deposit } = await makeRecoverableUser(ctx);
    const { caseId, client } = await submittedCase(ctx, user.email, [{ method: 'transfer_record', email: user.email, ...deposit, amount: '249.00' }]);
    const agent = await signedInStaff(ctx, 'agent');
    const detail = (await (await agent.client.get(`/admin/api/cases/${caseId}`)).json()) as Record<string, any>;
    expect(detail.evidence[0].checked).toMatchObject({ result: 'partial', differs: ['amount'] });
    await agent.client.post(`/admin/api/cases/${caseId}/claim`, { version: detail.version });
    const v = (await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!.version;
    const asked = await agent.client.post(`/admin/api/cases/${caseId}/request-info`, {
      version: v,
      reasonCode: 'need_exact_transfer',
      message: 'Please send the exact amount of your last deposit.',
    });
    expect(asked.status).toBe(200);
    const status = await client.status();
    expect(status.body).toMatchObject({ status: 'info_requested', canReply: true, requestedInformation: expect.stringContaining('exact amount') });
    expect(status.body.notes).toEqual([expect.objectContaining({ from: 'support', body: 'Please send the exact amount of your last deposit.' })]);
    expect((await client.evidence({ method: 'transfer_record', email: user.email, ...deposit })).status).toBe(200);
    const reply = await client.http.post(client.path('/reply'), { message: 'Sent the exact record.' });
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('submitted');
    const after = (await (await agent.client.get(`/admin/api/cases/${caseId}`)).json()) as Record<string, any>;
    expect(after.evidence[0].checked.result).toBe('exact');
    expect(after.riskScore).toBeLessThan(detail.riskScore);
  });
});

describe('the requester side is a state machine without an oracle', () => {
  it('answers right and wrong answers alike, allows three attempts, and refuses to submit without evidence', async () => {
    const ctx = await createTestContext();
    const { user } = await makeRecoverableUser(ctx);
    const client = new CaseClient(ctx);
    await client.file(user.email);
    expect((await client.submit()).status).toBe(409); // email first
    await client.verifyEmail(user.email);
    const noEvidence = await client.submit();
    expect(noEvidence.status).toBe(422);
    const wrong = await client.evidence({ method: 'security_questions', answers: ['a', 'b', 'c'] });
    const right = await client.evidence({ method: 'security_questions', answers: ANSWERS });
    expect({ ...wrong.body, questionAttemptsLeft: 0 }).toEqual({ ...right.body, questionAttemptsLeft: 0 });
    await client.evidence({ method: 'security_questions', answers: ANSWERS });
    const fourth = await client.evidence({ method: 'security_questions', answers: ANSWERS });
    expect(fourth.status).toBe(422);
    expect(fourth.body.details.reason).toBe('attempts_exhausted');
    const status = await client.status();
    expect(JSON.stringify(status.body)).not.toMatch(/matched/i);
  });

  it('answers an unknown email and a wrong password alike, and keeps one open case per account', async () => {
    const ctx = await createTestContext();
    const { user } = await makeRecoverableUser(ctx);
    const wrong = await new CaseClient(ctx).file(user.email, 'not the password');
    const unknown = await new CaseClient(ctx).file('nobody@example.com', 'not the password');
    expect(wrong.status).toBe(401);
    expect({ ...wrong.body, requestId: '' }).toEqual({ ...unknown.body, requestId: '' });
    await submittedCase(ctx, user.email, [{ method: 'security_questions', answers: ANSWERS }]);
    const second = await new CaseClient(ctx).file(user.email);
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('case_open');
  });

  it('refuses a wrong case token and another user’s case id, changing nothing', async () => {
    const ctx = await createTestContext();
    const a = await makeRecoverableUser(ctx);
    const b = await makeRecoverableUser(ctx);
    const ca = new CaseClient(ctx);
    await ca.file(a.user.email);
    const cb = new CaseClient(ctx);
    await cb.file(b.user.email);
    // b's token on a's case id.
    const cross = await cb.http.post(`/api/v1/recovery/cases/${ca.caseId}/email`, { code: '123456' });
    expect(cross.status).toBe(404);
    const forged = new UserClient(ctx);
    forged.token = 'A'.repeat(43);
    expect((await forged.get(`/api/v1/recovery/cases/${ca.caseId}`)).status).toBe(401);
    expect((await new UserClient(ctx).get(`/api/v1/recovery/cases/${ca.caseId}`)).status).toBe(401);
    expect((await ctx.deps.db.select().from(cases).where(eq(cases.id, ca.caseId)).limit(1))[0]!.emailVerifiedAt).toBeNull();
  });

  it('lets the user cancel before a decision', async () => {
    const ctx = await createTestContext();
    const { user } = await makeRecoverableUser(ctx);
    const { client } = await submittedCase(ctx, user.email, [{ method: 'security_questions', answers: ANSWERS }]);
    const cancelled = await client.http.post(client.path('/cancel'));
    expect(cancelled.body.status).toBe('cancelled');
    expect((await client.http.post(client.path('/cancel'))).status).toBe(409);
  });
});

describe('biometric webhook', () => {
  async function biometricCase(ctx: TestContext) {
    const { user } = await makeRecoverableUser(ctx);
    const client = new CaseClient(ctx);
    await client.file(user.email);
    await client.verifyEmail(user.email);
    const started = await client.evidence({ method: 'biometric' });
    expect(started.status).toBe(200);
    expect(started.body.biometric.sessionId).toMatch(/^bio_/);
    await client.submit();
    const session = (await ctx.deps.db.select().from(biometricSessions).where(eq(biometricSessions.caseId, client.caseId)).limit(1))[0]!;
    return { caseId: client.caseId, session };
  }

  it('takes a signed result once, re-scores the case, and ignores replays', async () => {
    const ctx = await createTestContext();
    const { caseId, session } = await biometricCase(ctx);
    const before = (await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!;
    const outcome = { eventId: 'evt_1', sessionRef: session.providerRef, caseId, liveness: 0.98, faceMatch: 0.94 };
    const res = await biometricCallback(ctx, outcome);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, duplicate: false });
    const after = (await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!;
    expect(after.riskScore!).toBeLessThan(before.riskScore!);
    expect(after.version).toBe(before.version + 1);
    const replay = await biometricCallback(ctx, outcome);
    expect(await replay.json()).toEqual({ ok: true, duplicate: true });
    expect((await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!.version).toBe(after.version);
    // A different event for a finished session is refused.
    expect((await biometricCallback(ctx, { ...outcome, eventId: 'evt_2', liveness: 0.1 })).status).toBe(409);
  });

  it('refuses a bad signature, a stale timestamp and a session of another case, changing nothing', async () => {
    const ctx = await createTestContext();
    const { caseId, session } = await biometricCase(ctx);
    const body = JSON.stringify({ eventId: 'evt_x', sessionRef: session.providerRef, caseId, liveness: 0.99, faceMatch: 0.99 });
    const forged = await ctx.app.request('/api/v1/webhooks/biometric', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-rebind-signature': `t=${Math.floor(ctx.clock().getTime() / 1000)},v1=${'0'.repeat(64)}` },
      body,
    });
    expect(forged.status).toBe(401);
    const unsigned = await ctx.app.request('/api/v1/webhooks/biometric', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    const stale = await biometricCallback(
      ctx,
      { eventId: 'evt_old', sessionRef: session.providerRef, caseId, liveness: 0.99, faceMatch: 0.99 },
      new Date(ctx.clock().getTime() - 6 * 60_000),
    );
    expect(stale.status).toBe(401);
    const otherCase = await biometricCallback(ctx, {
      eventId: 'evt_other',
      sessionRef: session.providerRef,
      caseId: caseId + 1,
      liveness: 0.99,
      faceMatch: 0.99,
    });
    expect(otherCase.status).toBe(404);
    expect((await ctx.deps.db.select().from(biometricSessions).where(eq(biometricSessions.id, session.id)).limit(1))[0]!.status).toBe('pending');
  });
});

describe('housekeeping', () => {
  it('abandons drafts after 24 h and expires unused rebind links after 72 h', async () => {
    const ctx = await createTestContext();
    const a = await makeRecoverableUser(ctx);
    const draft = new CaseClient(ctx);
    await draft.file(a.user.email);
    const b = await makeRecoverableUser(ctx);
    const { caseId } = await submittedCase(ctx, b.user.email, [
      { method: 'security_questions', answers: ANSWERS },
      { method: 'transfer_record', email: b.user.email, ...b.deposit },
    ]);
    const agent = await signedInStaff(ctx, 'agent');
    const v = async () => (await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!.version;
    await agent.client.post(`/admin/api/cases/${caseId}/claim`, { version: await v() });
    expect((await agent.client.post(`/admin/api/cases/${caseId}/approve`, { version: await v() })).status).toBe(200);
    ctx.clock.advance(25 * HOUR);
    expect(await sweepCases(ctx.deps)).toEqual({ abandoned: 1, expired: 0 });
    ctx.clock.advance(48 * HOUR);
    expect(await sweepCases(ctx.deps)).toEqual({ abandoned: 0, expired: 1 });
    expect((await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!.status).toBe('expired');
  });
});

describe('masking and reveal', () => {
  it('shows agents masked data; a reveal needs a justification and is audited', async () => {
    const ctx = await createTestContext();
    const { user } = await makeRecoverableUser(ctx);
    const agent = await signedInStaff(ctx, 'agent');
    const list = await agent.client.get(`/admin/api/users?filter=${encodeURIComponent(JSON.stringify({ q: user.email }))}`);
    const rows = (await list.json()) as { id: number; maskedEmail: string }[];
    expect(rows).toEqual([expect.objectContaining({ id: user.id, maskedEmail: 'u***@e***.com' })]);
    expect(JSON.stringify(rows)).not.toContain(user.email);
    expect((await agent.client.post(`/admin/api/users/${user.id}/reveal`, { field: 'email', justification: 'short' })).status).toBe(400);
    const revealed = await agent.client.post(`/admin/api/users/${user.id}/reveal`, {
      field: 'email',
      justification: 'caller verified on the phone, ticket 4411',
    });
    expect(await revealed.json()).toEqual({ field: 'email', value: user.email });
    const event = (await ctx.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'user.reveal')).limit(1))[0]!;
    expect(JSON.parse(event.details)).toMatchObject({ field: 'email', justification: 'caller verified on the phone, ticket 4411' });
    const auditor = await signedInStaff(ctx, 'auditor');
    expect((await auditor.client.post(`/admin/api/users/${user.id}/reveal`, { field: 'email', justification: 'just curious about it' })).status).toBe(403);
  });
});

describe('the case screen', () => {
  it('keeps views out of the timeline, and reads the story through its own index however often the case was viewed', async () => {
    const ctx = await createTestContext();
    const { user } = await makeRecoverableUser(ctx);
    const { caseId } = await submittedCase(ctx, user.email, [{ method: 'security_questions', answers: ANSWERS }]);
    const agent = await signedInStaff(ctx, 'agent');
    const open = async () => {
      const res = await agent.client.get(`/admin/api/cases/${caseId}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { timeline: { action: string }[] }).timeline;
    };
    const first = await open();
    expect(first.length).toBeGreaterThan(0);
    for (let i = 0; i < 150; i++) await open();
    const again = await open();
    expect(again).toEqual(first);
    expect(again.some((e) => e.action === 'case.view')).toBe(false);
    // Every view is still audited.
    const views = await ctx.deps.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'case.view'), eq(auditEvents.targetId, String(caseId))));
    expect(views).toHaveLength(152);
    if (ctx.deps.database.engine === 'sqlite') {
      const plan = ctx.deps.database
        .sqlite!.reader.prepare(
          `EXPLAIN QUERY PLAN SELECT * FROM audit_events WHERE target_type = 'case' AND target_id = ? AND action <> 'case.view' ORDER BY id LIMIT 200`,
        )
        .all(String(caseId));
      expect(JSON.stringify(plan)).toContain('audit_events_target_story_idx');
    }
  });
});

describe('stats', () => {
  it('counts the queue, breaches and decisions', async () => {
    const ctx = await createTestContext();
    const { user } = await makeRecoverableUser(ctx);
    const { caseId } = await submittedCase(ctx, user.email, [{ method: 'security_questions', answers: ANSWERS }]);
    const sup = await signedInStaff(ctx, 'supervisor');
    let stats = (await (await sup.client.get('/admin/api/stats')).json()) as Record<string, any>;
    expect(stats.openTotal).toBe(1);
    const band = (await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!.riskBand;
    expect(stats.queueDepth).toEqual([{ status: 'submitted', riskBand: band, count: 1 }]);
    ctx.clock.advance(13 * HOUR);
    await sup.client.get('/admin/api/auth/me');
    const sup2 = await signedInStaff(ctx, 'supervisor');
    stats = (await (await sup2.client.get('/admin/api/stats')).json()) as Record<string, any>;
    expect(stats.slaBreached).toBe(1);
    const v = async () => (await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!.version;
    await sup2.client.post(`/admin/api/cases/${caseId}/claim`, { version: await v() });
    await sup2.client.post(`/admin/api/cases/${caseId}/reject`, { version: await v(), reasonCode: 'identity_not_verified' });
    stats = (await (await sup2.client.get('/admin/api/stats')).json()) as Record<string, any>;
    expect(stats.openTotal).toBe(0);
    expect(stats.decisionsLast30Days).toBe(1);
    expect(stats.medianTimeToDecisionHours).toBe(13);
    expect(stats.approvalRateByMethod).toEqual([{ method: 'security_questions', approved: 0, total: 1, rate: 0 }]);
    expect(stats.approvalRateByAgent[0]).toMatchObject({ staffId: sup2.account.id, total: 1 });
  });
});

describe('the biometric simulator page (development only)', () => {
  it('plays the provider: a pass result reaches the case through the signed webhook', async () => {
    const ctx = await createTestContext({ NODE_ENV: 'development' });
    const { user } = await makeRecoverableUser(ctx);
    const client = new CaseClient(ctx);
    await client.file(user.email);
    await client.verifyEmail(user.email);
    const started = await client.evidence({ method: 'biometric' });
    const url = new URL(started.body.biometric.url);
    expect(url.pathname).toMatch(/^\/dev\/biometric\/sim_/);
    expect((await ctx.app.request(url.pathname)).status).toBe(200);
    const form = await ctx.app.request(url.pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'outcome=pass',
    });
    expect(form.status).toBe(303);
    expect((await ctx.deps.db.select().from(biometricSessions).where(eq(biometricSessions.caseId, client.caseId)).limit(1))[0]).toMatchObject({
      status: 'completed',
      liveness: 0.97,
    });
    const prod = await createTestContext({ NODE_ENV: 'production' });
    expect(await (await prod.app.request(url.pathname)).text()).not.toContain('simulator');
    expect(
      (await prod.app.request(url.pathname, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'outcome=pass' })).status,
    ).toBe(404);
  });
});
