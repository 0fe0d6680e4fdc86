import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { createTestContext, signedInStaff, type TestContext } from './helpers.ts';
import { lastMessage, oathtool, UserClient } from './user-helpers.ts';
import { ANSWERS, CaseClient, makeRecoverableUser, submittedCase } from './case-helpers.ts';
import { cases } from '../../db/schema/index.ts';
import { expectedDecision, forgetQueueMedian } from '../../server/recovery/expected-decision.ts';

/**
 * What the account pages needed from the API: an expected decision time on
 * the case status, the status link in the submission email, a description of
 * a rebind link, and the pages themselves under /account.
 */
const HOUR = 3_600_000;

describe('expected decision time (pure)', () => {
  const queuedAt = new Date('2026-11-26T09:00:00Z');
  const at = (hours: number) => new Date(queuedAt.getTime() + hours * HOUR);
  const base = { status: 'submitted' as const, queuedAt, medianMs: 6 * HOUR, slaBoundMs: 24 * HOUR };

  it('is the queue median from entering the queue while that is ahead, else the SLA bound, else overdue', () => {
    expect(expectedDecision({ ...base, now: at(1) })).toEqual({ by: at(6).toISOString(), basis: 'queue_median', medianHours: 6 });
    expect(expectedDecision({ ...base, now: at(7) })).toEqual({ by: at(24).toISOString(), basis: 'sla', medianHours: 6 });
    expect(expectedDecision({ ...base, now: at(25) })).toEqual({ by: null, basis: 'overdue', medianHours: 6 });
  });

  it('never promises later than the SLA bound, and uses the bound without a median', () => {
    expect(expectedDecision({ ...base, medianMs: 30 * HOUR, now: at(1) })).toEqual({ by: at(24).toISOString(), basis: 'sla', medianHours: 30 });
    expect(expectedDecision({ ...base, medianMs: null, now: at(1) })).toEqual({ by: at(24).toISOString(), basis: 'sla', medianHours: null });
  });

  it('is only given while staff owe a decision', () => {
    for (const status of ['submitted', 'in_review', 'escalated', 'awaiting_second_approval'] as const)
      expect(expectedDecision({ ...base, status, now: at(1) })).not.toBeNull();
    for (const status of ['draft', 'info_requested', 'approved', 'rejected', 'completed', 'cancelled'] as const)
      expect(expectedDecision({ ...base, status, now: at(1) })).toBeNull();
  });
});

describe('the account pages API over HTTP', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });

  /** A decided case of `hours` from submission to decision, ending a day ago. */
  const decidedCase = async (hours: number) => {
    const { user } = await makeRecoverableUser(ctx);
    const decidedAt = new Date(ctx.clock().getTime() - 24 * HOUR);
    await ctx.deps.db.insert(cases).values({
      userId: user.id,
      status: 'approved',
      maskedEmail: 'u***@e***.com',
      caseTokenHash: randomBytes(32).toString('hex'),
      submittedAt: new Date(decidedAt.getTime() - hours * HOUR),
      decidedAt,
      createdAt: decidedAt,
      updatedAt: decidedAt,
    });
  };

  it('gives the same expected decision time whatever the evidence, from the SLA bound, then the queue median', async () => {
    // An owner answering well from a known device, and someone answering badly from a new one.
    const good = await makeRecoverableUser(ctx);
    const owner = new UserClient(ctx, '203.0.113.50', 'device-good');
    await owner.signIn(good.user.email);
    const goodCase = await submittedCase(
      ctx,
      good.user.email,
      [
        { method: 'security_questions', answers: ANSWERS },
        { method: 'transfer_record', email: good.user.email, ...good.deposit },
      ],
      new CaseClient(ctx, owner),
    );
    const bad = await makeRecoverableUser(ctx);
    const badCase = await submittedCase(ctx, bad.user.email, [{ method: 'security_questions', answers: ['cat', 'Paris', 'nobody'] }]);
    const band = async (id: number) => (await ctx.deps.db.select().from(cases).where(eq(cases.id, id)).limit(1))[0]!.riskBand;
    expect(await band(goodCase.caseId)).not.toBe(await band(badCase.caseId));

    const good1 = (await goodCase.client.status()).body;
    const bad1 = (await badCase.client.status()).body;
    // Too few decisions for a median: the longest SLA deadline, the same for both (no oracle on the band).
    expect(good1.expectedDecision).toEqual({ by: new Date(ctx.clock().getTime() + 24 * HOUR).toISOString(), basis: 'sla', medianHours: null });
    expect(bad1.expectedDecision).toEqual(good1.expectedDecision);

    for (const hours of [2, 3, 5, 8, 30]) await decidedCase(hours);
    forgetQueueMedian(ctx.deps);
    const good2 = (await goodCase.client.status()).body;
    expect(good2.expectedDecision).toEqual({ by: new Date(ctx.clock().getTime() + 5 * HOUR).toISOString(), basis: 'queue_median', medianHours: 5 });
    expect((await badCase.client.status()).body.expectedDecision).toEqual(good2.expectedDecision);

    // Past the median: the bound. Past the bound: overdue.
    ctx.clock.advance(6 * HOUR);
    forgetQueueMedian(ctx.deps);
    expect((await goodCase.client.status()).body.expectedDecision).toMatchObject({ basis: 'sla' });
    ctx.clock.advance(19 * HOUR);
    forgetQueueMedian(ctx.deps);
    expect((await goodCase.client.status()).body.expectedDecision).toEqual({ by: null, basis: 'overdue', medianHours: expect.any(Number) });
  });

  it('mails a link back to the status page with the case token, which opens the status', async () => {
    const { user, deposit } = await makeRecoverableUser(ctx);
    const { caseId, client } = await submittedCase(ctx, user.email, [{ method: 'transfer_record', email: user.email, ...deposit }]);
    const mail = (await lastMessage(ctx, user.email, 'email')).body!;
    const link = new RegExp(`${ctx.deps.config.origin}/account/case/${caseId}#token=([A-Za-z0-9_-]+)`).exec(mail);
    expect(link?.[1]).toBe(client.token);
    expect(mail).toMatch(/freeze\//); // still with the "this wasn't me" link
    const reader = new UserClient(ctx, '198.51.100.99', 'device-mail');
    reader.token = link![1]!;
    const status = await reader.get(`/api/v1/recovery/cases/${caseId}`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ caseId, status: 'submitted', canCancel: true });
  });

  it('describes a rebind link until it is used, and the approval email links to the account pages', async () => {
    const { user, deposit } = await makeRecoverableUser(ctx);
    const { caseId } = await submittedCase(ctx, user.email, [
      { method: 'security_questions', answers: ANSWERS },
      { method: 'transfer_record', email: user.email, ...deposit },
    ]);
    const anonymous = new UserClient(ctx);
    expect((await anonymous.get('/api/v1/recovery/rebind')).status).toBe(401);
    anonymous.token = 'x'.repeat(43);
    expect((await anonymous.get('/api/v1/recovery/rebind')).body.code).toBe('unauthenticated');

    const agent = await signedInStaff(ctx, 'agent');
    const version = async () => (await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!.version;
    await agent.client.post(`/admin/api/cases/${caseId}/claim`, { version: await version() });
    expect((await agent.client.post(`/admin/api/cases/${caseId}/approve`, { version: await version() })).status).toBe(200);
    const mail = (await lastMessage(ctx, user.email, 'email')).body!;
    const token = new RegExp(`${ctx.deps.config.origin}/account/rebind#token=([A-Za-z0-9_-]{43})`).exec(mail)![1]!;
    expect(mail).toMatch(/within 72 hours/);

    const holder = new UserClient(ctx);
    holder.token = token;
    const info = await holder.get('/api/v1/recovery/rebind');
    expect(info.status).toBe(200);
    expect(info.body).toEqual({
      caseId,
      account: expect.stringMatching(/^u\*\*\*@e\*\*\*\.com$/),
      expiresAt: new Date(ctx.clock().getTime() + 72 * HOUR).toISOString(),
      withdrawalLockUntil: new Date(ctx.clock().getTime() + 48 * HOUR).toISOString(),
      factorTypes: ['totp', 'passkey', 'sms'],
    });
    expect(JSON.stringify(info.body)).not.toContain(user.email);

    const setup = await holder.post('/api/v1/recovery/rebind/new-factor', { factorType: 'totp' });
    expect((await holder.post('/api/v1/recovery/rebind/new-factor/verify', { code: oathtool(setup.body.totp.secret, ctx.clock()) })).status).toBe(200);
    expect((await holder.get('/api/v1/recovery/rebind')).status).toBe(401); // single use
  });

  it('sends links from older approval emails to the account page, token in the fragment', async () => {
    const token = 'a'.repeat(43);
    const res = await ctx.app.request(`/recovery/rebind?token=${token}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`/account/rebind#token=${token}`);
    expect((await ctx.app.request('/recovery/rebind?token=<script>')).headers.get('location')).toBe('/account/rebind');
  });

  it('serves the account pages under /account with the CSP, index.html for every page, 404 for missing files', async () => {
    for (const path of ['/account', '/account/sign-in', '/account/case/12', '/account/rebind']) {
      const res = await ctx.app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await res.text();
      expect(html).toContain('<div id="root"></div>');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
      const asset = /src="(\/account\/assets\/[^"]+\.js)"/.exec(html)![1]!;
      const js = await ctx.app.request(asset);
      expect(js.status).toBe(200);
      expect(js.headers.get('cache-control')).toContain('immutable');
    }
    expect((await ctx.app.request('/account/assets/missing-1234.js')).status).toBe(404);
    expect((await ctx.app.request('/account/logo.png')).status).toBe(404);
  });
});
