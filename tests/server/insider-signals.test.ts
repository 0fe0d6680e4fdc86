import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { auditEvents, cases } from '../../db/schema/index.ts';
import { createTestContext, makeStaff, signedInStaff, type StaffClient, type StaffAccount, type TestContext } from './helpers.ts';
import { ANSWERS, makeRecoverableUser, submittedCase } from './case-helpers.ts';

const SEC = 1000;
const MIN = 60 * SEC;

interface Report {
  days: number;
  fastSeconds: number;
  team: { decisions: number; approvals: number; rate: number | null };
  reviewers: {
    id: number;
    name: string;
    role: string;
    flags: number;
    signals: Record<string, { flagged: boolean; figure: Record<string, unknown>; evidence: { eventIds: number[]; caseIds: number[]; total: number } }>;
  }[];
  events: { id: number; ts: string; staffId: number; action: string; targetType: string | null; targetId: string | null }[];
}

let ctx: TestContext;
let max: { account: StaffAccount; client: StaffClient };
let ana: { account: StaffAccount; client: StaffClient };
let sam: { account: StaffAccount; client: StaffClient };
let maxCases: number[] = [];
let anaCases: number[] = [];

const version = async (id: number) => (await ctx.deps.db.select({ v: cases.version }).from(cases).where(eq(cases.id, id)).limit(1))[0]!.v;
const call = async (client: StaffClient, method: 'get' | 'post', path: string, body?: unknown) => {
  const res = method === 'get' ? await client.get(path) : await client.post(path, body);
  expect(res.status, `${method} ${path}`).toBe(200);
  return res;
};

/** Opens the case page (an audited view), claims it, and after `wait` ms approves it. */
async function openClaimApprove(who: { client: StaffClient }, caseId: number, wait: number) {
  await call(who.client, 'get', `/admin/api/cases/${caseId}`);
  ctx.clock.advance(2 * SEC);
  await call(who.client, 'post', `/admin/api/cases/${caseId}/claim`, { version: await version(caseId) });
  ctx.clock.advance(wait);
  await call(who.client, 'post', `/admin/api/cases/${caseId}/approve`, { version: await version(caseId) });
}

beforeAll(async () => {
  ctx = await createTestContext();
  max = await signedInStaff(ctx, 'agent');
  ctx.clock.advance(31 * SEC); // a fresh TOTP step for each sign-in
  ana = await signedInStaff(ctx, 'agent');
  ctx.clock.advance(31 * SEC);
  sam = await signedInStaff(ctx, 'supervisor');

  // Five customers file resets with every answer right and their exact deposit.
  const filed: number[] = [];
  for (let i = 0; i < 5; i++) {
    const { user, deposit } = await makeRecoverableUser(ctx);
    const { caseId } = await submittedCase(ctx, user.email, [
      { method: 'security_questions', answers: ANSWERS },
      { method: 'transfer_record', email: user.email, ...deposit },
    ]);
    filed.push(caseId);
    ctx.clock.advance(MIN);
  }
  maxCases = filed.slice(0, 3);
  anaCases = filed.slice(3);
  // Max approves three cases seconds after opening them; Ana takes her time.
  for (const id of maxCases) {
    await openClaimApprove(max, id, 8 * SEC);
    ctx.clock.advance(MIN);
  }
  for (const id of anaCases) {
    await openClaimApprove(ana, id, 6 * MIN);
    ctx.clock.advance(MIN);
  }
  // Max reveals six customers' email addresses.
  for (const id of filed.concat(filed[0]!)) {
    const userId = (await ctx.deps.db.select({ u: cases.userId }).from(cases).where(eq(cases.id, id)).limit(1))[0]!.u;
    const res = await max.client.post(`/admin/api/users/${userId}/reveal`, { field: 'email', justification: 'customer called, checking the address' });
    expect(res.status).toBe(200);
    ctx.clock.advance(MIN);
  }
});

const report = async (query = '', who = sam.client) => {
  const res = await who.get(`/admin/api/insider-signals${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Report;
};

describe('GET /admin/api/insider-signals', () => {
  it('refuses anonymous callers, agents and auditors with the usual error body', async () => {
    const anonymous = await ctx.app.request('/admin/api/insider-signals');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'unauthenticated', message: expect.any(String), requestId: expect.any(String) });
    const asAgent = await max.client.get('/admin/api/insider-signals');
    expect(asAgent.status).toBe(403);
    expect(await asAgent.json()).toMatchObject({ code: 'forbidden', message: expect.any(String) });
    ctx.clock.advance(31 * SEC);
    const auditor = await signedInStaff(ctx, 'auditor');
    const asAuditor = await auditor.client.get('/admin/api/insider-signals');
    expect(asAuditor.status).toBe(403);
    expect(((await asAuditor.json()) as { code: string }).code).toBe('forbidden');
  });

  it('answers supervisors and admins', async () => {
    expect((await report()).days).toBe(7);
    ctx.clock.advance(31 * SEC);
    const admin = await signedInStaff(ctx, 'admin');
    expect((await report('?days=30', admin.client)).days).toBe(30);
  });

  it('validates the window and N', async () => {
    for (const query of ['?days=14', '?days=abc', '?fastSeconds=1', '?fastSeconds=5000']) {
      const res = await sam.client.get(`/admin/api/insider-signals${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('validation_failed');
    }
  });

  it('flags the fast approver who reveals a lot, with the events and cases behind each figure', async () => {
    const body = await report('?days=7&fastSeconds=30');
    expect(body.fastSeconds).toBe(30);
    expect(body.reviewers.map((r) => r.id).sort()).toEqual([max.account.id, ana.account.id, sam.account.id].sort());
    const maxRow = body.reviewers[0]!;
    expect(maxRow.id).toBe(max.account.id);
    expect(maxRow.name).toBe('Test agent');

    const fast = maxRow.signals.fastDecisions!;
    expect(fast.flagged).toBe(true);
    expect(fast.figure).toEqual({ count: 3, timed: 3, fastestSeconds: 10, thresholdSeconds: 30 });
    expect([...fast.evidence.caseIds].sort()).toEqual([...maxCases].sort());
    // The evidence is each approval and the view that opened the case.
    const cited = await ctx.deps.db.select().from(auditEvents).where(inArray(auditEvents.id, fast.evidence.eventIds));
    expect(cited.map((e) => e.action).sort()).toEqual(['case.approve', 'case.approve', 'case.approve', 'case.view', 'case.view', 'case.view']);
    expect(new Set(cited.map((e) => e.actorId))).toEqual(new Set([String(max.account.id)]));
    expect(new Set(cited.map((e) => Number(e.targetId)))).toEqual(new Set(maxCases));
    // …and the page gets them without needing the audit trail permission.
    for (const id of fast.evidence.eventIds) expect(body.events.find((e) => e.id === id)).toMatchObject({ staffId: max.account.id, targetType: 'case' });

    const reveals = maxRow.signals.reveals!;
    expect(reveals.flagged).toBe(true);
    expect(reveals.figure).toMatchObject({ count: 6, baselineCount: 0, baselinePerDay: 0 });
    const revealEvents = await ctx.deps.db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'user.reveal'), eq(auditEvents.actorId, String(max.account.id))));
    expect([...reveals.evidence.eventIds].sort((a, b) => a - b)).toEqual(revealEvents.map((e) => e.id));

    // Three approvals out of three: 100% against Ana's 100%, not a flag; no history for usual hours.
    expect(maxRow.signals.approvalRate!.figure).toMatchObject({ approvals: 3, decisions: 3, rate: 1, teamRate: 1, teamDecisions: 2 });
    expect(maxRow.signals.approvalRate!.flagged).toBe(false);
    expect(maxRow.signals.offHours!.figure).toMatchObject({ usualHours: null });
    expect(maxRow.flags).toBe(2);

    const anaRow = body.reviewers.find((r) => r.id === ana.account.id)!;
    expect(anaRow.flags).toBe(0);
    expect(anaRow.signals.fastDecisions!.figure).toMatchObject({ count: 0, timed: 2 });
    expect(body.team).toEqual({ decisions: 5, approvals: 5, rate: 1 });
  });

  it('takes N from the query and forgets what is older than the window', async () => {
    expect((await report('?fastSeconds=5')).reviewers[0]!.signals.fastDecisions!.figure.count).toBe(0);
    ctx.clock.advance(8 * 24 * 60 * MIN);
    sam = await signedInStaff(ctx, 'supervisor'); // the old session has long expired
    const later = await report('?days=7');
    const maxRow = later.reviewers.find((r) => r.id === max.account.id)!;
    expect(maxRow.flags).toBe(0);
    expect(maxRow.signals.reveals!.figure).toMatchObject({ count: 0, baselineCount: 6 });
    expect(later.events).toEqual([]);
    expect((await report('?days=30')).reviewers.find((r) => r.id === max.account.id)!.signals.fastDecisions!.flagged).toBe(true);
  });

  it('leaves auditors and admins out of the reviewers', async () => {
    await makeStaff(ctx, 'auditor');
    const body = await report('?days=30');
    expect(body.reviewers.every((r) => r.role === 'agent' || r.role === 'supervisor')).toBe(true);
  });
});
