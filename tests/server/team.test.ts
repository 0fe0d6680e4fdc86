import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents, caseNotes, cases, staff } from '../../db/schema/index.ts';
import { updateStaffMember } from '../../server/staff/service.ts';
import { createTestContext, makeStaff, signedInStaff, StaffClient, type StaffAccount, type TestContext } from './helpers.ts';
import { ANSWERS, makeRecoverableUser, submittedCase } from './case-helpers.ts';

const MIN = 60_000;
type Body = Record<string, any>;
const json = async (res: Response) => (await res.json()) as Body;

let ctx: TestContext;
let sam: { account: StaffAccount; client: StaffClient };
let ana: { account: StaffAccount; client: StaffClient };
let bo: { account: StaffAccount; client: StaffClient };
let ada: { account: StaffAccount; client: StaffClient };
let boUserId: number;
let boEmail: string;

const row = async (id: number) => (await ctx.deps.db.select().from(cases).where(eq(cases.id, id)).limit(1))[0]!;
const eventsOf = async (id: number, action: string) =>
  await ctx.deps.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.targetType, 'case'), eq(auditEvents.targetId, String(id)), eq(auditEvents.action, action)));
async function newCase(overrides: Parameters<typeof makeRecoverableUser>[1] = {}) {
  const { user } = await makeRecoverableUser(ctx, overrides);
  const { caseId } = await submittedCase(ctx, user.email, [{ method: 'security_questions', answers: ANSWERS }]);
  return { caseId, userId: user.id };
}
const assign = async (client: StaffClient, caseId: number, assigneeId: number, note = 'Ana knows this customer', version?: number) =>
  client.post(`/admin/api/cases/${caseId}/assign`, { version: version ?? (await row(caseId)).version, assigneeId, note });

beforeAll(async () => {
  ctx = await createTestContext();
  const boAccount = await makeRecoverableUser(ctx);
  boUserId = boAccount.user.id;
  boEmail = boAccount.user.email;
  sam = await signedInStaff(ctx, 'supervisor', { name: 'Sam Supervisor' });
  ana = await signedInStaff(ctx, 'agent', { name: 'Ana Agent' });
  bo = await signedInStaff(ctx, 'agent', { name: 'Bo Agent', userId: boUserId });
  ada = await signedInStaff(ctx, 'auditor', { name: 'Ada Auditor' });
});

describe('staff directory', () => {
  it('gives every role names and roles, never emails or 2FA data', async () => {
    const admin = await signedInStaff(ctx, 'admin', { name: 'Root Admin' });
    for (const client of [ana.client, sam.client, ada.client, admin.client]) {
      const res = await client.get('/admin/api/staff-directory');
      expect(res.status).toBe(200);
      const list = (await res.json()) as Body[];
      expect(list.map((p) => p.name)).toEqual([...list.map((p) => p.name)].sort((a, b) => a.localeCompare(b)));
      expect(list.find((p) => p.id === ana.account.id)).toEqual({ id: ana.account.id, name: 'Ana Agent', role: 'agent', active: true });
      for (const entry of list) expect(Object.keys(entry).sort()).toEqual(['active', 'id', 'name', 'role']);
    }
    expect((await new StaffClient(ctx).get('/admin/api/staff-directory')).status).toBe(401);
  });

  it('keeps disabled members, marked inactive (history still names them)', async () => {
    const gone = await makeStaff(ctx, 'agent', { name: 'Gone Agent' });
    await updateStaffMember(ctx.deps, gone.id, { disabled: true }, { staffId: 0, email: 'test' });
    const list = (await (await ana.client.get('/admin/api/staff-directory')).json()) as Body[];
    expect(list.find((p) => p.id === gone.id)).toMatchObject({ name: 'Gone Agent', active: false });
  });
});

describe('assign a case (supervisors)', () => {
  it('hands a waiting case to a named agent with a note; audited; it is in their "My cases"', async () => {
    const { caseId } = await newCase();
    const before = await row(caseId);
    const detail = await json(await sam.client.get(`/admin/api/cases/${caseId}`));
    expect(detail.availableActions).toContain('assign');
    // The dialog's choices: active agents and supervisors, never an auditor or an admin.
    const offered = (detail.assignees as Body[]).map((p) => p.name);
    expect(offered).toEqual(expect.arrayContaining(['Ana Agent', 'Bo Agent', 'Sam Supervisor']));
    expect(offered).not.toContain('Ada Auditor');
    expect(offered).not.toContain('Root Admin');
    expect(offered).not.toContain('Gone Agent');

    const res = await assign(sam.client, caseId, ana.account.id, 'Ana handled the first case of this customer.');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ status: 'in_review', assigneeId: ana.account.id, assigneeName: 'Ana Agent', version: before.version + 1 });
    expect(body.notes.at(-1)).toMatchObject({
      staffId: sam.account.id,
      staffName: 'Sam Supervisor',
      visibility: 'internal',
      body: 'Ana handled the first case of this customer.',
    });
    const [event] = await eventsOf(caseId, 'case.assign');
    expect(event).toMatchObject({ actorType: 'staff', actorId: String(sam.account.id) });
    expect(JSON.parse(event!.details)).toEqual({ fromStatus: 'submitted', toStatus: 'in_review', version: before.version, from: null, to: ana.account.id });

    // Ana sees it in "My cases" and may decide it (her claim is live from now).
    const mine = (await json(
      await ana.client.get(`/admin/api/cases?filter=${encodeURIComponent(JSON.stringify({ assigneeId: 'me', status: 'in_review' }))}`),
    )) as unknown as Body[];
    expect(mine.map((c) => c.id)).toContain(caseId);
    const asAna = await json(await ana.client.get(`/admin/api/cases/${caseId}`));
    expect(asAna.availableActions).toEqual(expect.arrayContaining(['approve', 'reject', 'release']));
    expect(asAna.availableActions).not.toContain('assign');
    expect(asAna.assignees).toEqual([]);
  });

  it('reassigns a held case from one agent to another (from/to in the audit event)', async () => {
    const { caseId } = await newCase();
    expect((await ana.client.post(`/admin/api/cases/${caseId}/claim`, { version: (await row(caseId)).version })).status).toBe(200);
    const other = await makeStaff(ctx, 'agent', { name: 'Cai Agent' });
    const res = await assign(sam.client, caseId, other.id, 'Ana is in training all afternoon.');
    expect(res.status).toBe(200);
    expect(await row(caseId)).toMatchObject({ status: 'in_review', assigneeId: other.id });
    expect(JSON.parse((await eventsOf(caseId, 'case.assign'))[0]!.details)).toMatchObject({
      fromStatus: 'in_review',
      toStatus: 'in_review',
      from: ana.account.id,
      to: other.id,
    });
    // Not again to the person who holds it now.
    const again = await assign(sam.client, caseId, other.id);
    expect(again.status).toBe(409);
    expect((await json(again)).code).toBe('invalid_state');
  });

  it('answers a stale version with 409 and changes nothing', async () => {
    const { caseId } = await newCase();
    const stale = (await row(caseId)).version;
    await ana.client.post(`/admin/api/cases/${caseId}/claim`, { version: stale });
    const notesBefore = (await ctx.deps.db.select().from(caseNotes).where(eq(caseNotes.caseId, caseId))).length;
    const other = await makeStaff(ctx, 'agent');
    const res = await assign(sam.client, caseId, other.id, 'reassign', stale);
    expect(res.status).toBe(409);
    expect((await json(res)).code).toBe('stale_version');
    expect((await row(caseId)).assigneeId).toBe(ana.account.id);
    expect(await eventsOf(caseId, 'case.assign')).toHaveLength(0);
    expect(await ctx.deps.db.select().from(caseNotes).where(eq(caseNotes.caseId, caseId))).toHaveLength(notesBefore);
  });

  it('never gives a case to someone it is about, to disabled staff, to auditors or admins', async () => {
    const { caseId } = await newCase();
    // A case about Bo's own account: Bo is not offered, and the server refuses him.
    const { caseId: aboutBo } = await submittedCase(ctx, boEmail, [{ method: 'security_questions', answers: ANSWERS }]);
    const detail = await json(await sam.client.get(`/admin/api/cases/${aboutBo}`));
    expect((detail.assignees as Body[]).map((p) => p.id)).not.toContain(bo.account.id);
    const coi = await assign(sam.client, aboutBo, bo.account.id);
    expect(coi.status).toBe(403);
    expect((await json(coi)).code).toBe('conflict_of_interest');

    const disabled = await makeStaff(ctx, 'agent');
    await updateStaffMember(ctx.deps, disabled.id, { disabled: true }, { staffId: 0, email: 'test' });
    const admin = await makeStaff(ctx, 'admin');
    for (const id of [disabled.id, ada.account.id, admin.id]) {
      const res = await assign(sam.client, caseId, id);
      expect(res.status, `assignee ${id}`).toBe(422);
      expect((await json(res)).code).toBe('rule_violation');
    }
    expect(await row(caseId)).toMatchObject({ status: 'submitted', assigneeId: null });
    expect(await eventsOf(caseId, 'case.assign')).toHaveLength(0);
  });

  it('gives an escalated case to a supervisor only, and refuses a case waiting for the user', async () => {
    const { caseId } = await newCase();
    await ana.client.post(`/admin/api/cases/${caseId}/claim`, { version: (await row(caseId)).version });
    await ana.client.post(`/admin/api/cases/${caseId}/escalate`, { version: (await row(caseId)).version, note: 'Odd device' });
    expect((await row(caseId)).status).toBe('escalated');
    expect((await assign(sam.client, caseId, ana.account.id)).status).toBe(422);
    const other = await makeStaff(ctx, 'supervisor', { name: 'Sue Supervisor' });
    expect((await assign(sam.client, caseId, other.id, 'Sue decides VIP cases')).status).toBe(200);
    expect(await row(caseId)).toMatchObject({ status: 'in_review', assigneeId: other.id });

    const { caseId: waiting } = await newCase();
    await ana.client.post(`/admin/api/cases/${waiting}/claim`, { version: (await row(waiting)).version });
    await ana.client.post(`/admin/api/cases/${waiting}/request-info`, {
      version: (await row(waiting)).version,
      reasonCode: 'need_exact_transfer',
      message: 'Send the exact amount.',
    });
    const res = await assign(sam.client, waiting, ana.account.id);
    expect(res.status).toBe(409);
    expect((await json(res)).code).toBe('invalid_state');
  });

  it('refuses agents, auditors, admins and anonymous callers', async () => {
    const { caseId } = await newCase();
    const admin = await signedInStaff(ctx, 'admin');
    for (const client of [ana.client, ada.client, admin.client]) {
      const res = await assign(client, caseId, ana.account.id);
      expect(res.status).toBe(403);
      expect((await json(res)).code).toBe('forbidden');
    }
    expect((await assign(new StaffClient(ctx), caseId, ana.account.id)).status).toBe(401);
    expect((await row(caseId)).assigneeId).toBeNull();
  });

  it('answers bad input with 400 and the fields, never a 500', async () => {
    const { caseId } = await newCase();
    const version = (await row(caseId)).version;
    const bad = async (body: unknown, field: string) => {
      const res = await sam.client.post(`/admin/api/cases/${caseId}/assign`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const answer = await json(res);
      expect(answer.code).toBe('validation_failed');
      expect(Object.keys(answer.details.fields), JSON.stringify(body)).toContain(field);
    };
    await bad({ version, assigneeId: ana.account.id }, 'note');
    await bad({ version, assigneeId: ana.account.id, note: '   ' }, 'note');
    await bad({ version, assigneeId: 'ana', note: 'x' }, 'assigneeId');
    await bad({ version, note: 'x' }, 'assigneeId');
    await bad({ assigneeId: ana.account.id, note: 'x' }, 'version');
    await bad({ version, assigneeId: 99_999, note: 'x' }, 'assigneeId');
    expect((await sam.client.post('/admin/api/cases/99999/assign', { version: 1, assigneeId: ana.account.id, note: 'x' })).status).toBe(404);
    const garbage = await sam.client.request('POST', `/admin/api/cases/${caseId}/assign`, undefined, { 'content-type': 'application/json' });
    expect(garbage.status).toBe(400);
  });
});

describe('the team and releasing an absent agent’s claims', () => {
  it('lists who holds what with the oldest SLA, and releases all of one agent’s claims in one action', async () => {
    const local = await createTestContext();
    const prev = ctx;
    ctx = local;
    try {
      const lead = await signedInStaff(ctx, 'supervisor', { name: 'Lead' });
      const away = await signedInStaff(ctx, 'agent', { name: 'Away Agent' });
      const here = await signedInStaff(ctx, 'agent', { name: 'Here Agent' });
      await signedInStaff(ctx, 'auditor', { name: 'Audrey Auditor' });
      const first = await newCase();
      ctx.clock.advance(10 * MIN);
      const second = await newCase();
      const third = await newCase();
      // Away claims one, is assigned another; Here claims the third.
      await away.client.post(`/admin/api/cases/${first.caseId}/claim`, { version: (await row(first.caseId)).version });
      expect((await assign(lead.client, second.caseId, away.account.id, 'Yours')).status).toBe(200);
      await here.client.post(`/admin/api/cases/${third.caseId}/claim`, { version: (await row(third.caseId)).version });
      // A case about the lead's own account, held by Away: the lead may not touch it.
      const own = await newCase();
      await ctx.deps.db.update(staff).set({ userId: own.userId }).where(eq(staff.id, lead.account.id));
      await away.client.post(`/admin/api/cases/${own.caseId}/claim`, { version: (await row(own.caseId)).version });

      const res = await lead.client.get('/admin/api/team');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-range')).toBe('team 0-2/3');
      const team = (await res.json()) as Body[];
      expect(team.map((m) => m.name)).toEqual(['Away Agent', 'Here Agent', 'Lead']); // no auditors or admins
      const awayRow = team.find((m) => m.id === away.account.id)!;
      expect(awayRow).toMatchObject({ role: 'agent', active: true, openCases: 3, oldestSlaDueAt: (await row(first.caseId)).slaDueAt!.toISOString() });
      expect(team.find((m) => m.id === here.account.id)).toMatchObject({ openCases: 1 });
      expect(team.find((m) => m.id === lead.account.id)).toMatchObject({ openCases: 0, oldestSlaDueAt: null, lastActivityAt: null });
      const byLoad = (await (await lead.client.get('/admin/api/team?sort=["openCases","DESC"]')).json()) as Body[];
      expect(byLoad[0]!.id).toBe(away.account.id);
      expect((await lead.client.get('/admin/api/team?sort=["email","ASC"]')).status).toBe(400);

      const versions = await Promise.all([first, second].map(async (c) => (await row(c.caseId)).version));
      const released = await lead.client.post(`/admin/api/team/${away.account.id}/release-claims`, { reason: 'Off sick today' });
      expect(released.status).toBe(200);
      expect(await released.json()).toEqual({
        staffId: away.account.id,
        released: [first.caseId, second.caseId].sort((a, b) => a - b),
        skipped: [{ caseId: own.caseId, code: 'conflict_of_interest' }],
      });
      for (const [i, c] of [first, second].entries()) {
        expect(await row(c.caseId)).toMatchObject({ status: 'submitted', assigneeId: null, version: versions[i]! + 1 });
        const [event] = await eventsOf(c.caseId, 'case.release');
        expect(event).toMatchObject({ actorId: String(lead.account.id) });
        expect(JSON.parse(event!.details)).toEqual({
          fromStatus: 'in_review',
          toStatus: 'submitted',
          version: versions[i],
          releasedFor: away.account.id,
          allClaimsOf: away.account.id,
          reason: 'Off sick today',
        });
      }
      expect((await row(own.caseId)).assigneeId).toBe(away.account.id);
      expect((await row(third.caseId)).assigneeId).toBe(here.account.id);
      const after = (await (await lead.client.get('/admin/api/team')).json()) as Body[];
      expect(after.find((m) => m.id === away.account.id)).toMatchObject({ openCases: 1 });

      // Nothing left to release: an empty answer, no events.
      const again = (await (await lead.client.post(`/admin/api/team/${here.account.id}/release-claims`, {})).json()) as Body;
      expect(again).toMatchObject({ released: [third.caseId], skipped: [] });
      expect(await (await lead.client.post(`/admin/api/team/${here.account.id}/release-claims`, {})).json()).toMatchObject({ released: [], skipped: [] });

      // A disabled agent still holding a case stays on the list until it is released.
      const leaver = await signedInStaff(ctx, 'agent', { name: 'Leaver' });
      const fourth = await newCase();
      await leaver.client.post(`/admin/api/cases/${fourth.caseId}/claim`, { version: (await row(fourth.caseId)).version });
      await updateStaffMember(ctx.deps, leaver.account.id, { disabled: true }, { staffId: lead.account.id, email: 'lead' });
      const withLeaver = (await (await lead.client.get('/admin/api/team')).json()) as Body[];
      expect(withLeaver.find((m) => m.id === leaver.account.id)).toMatchObject({ active: false, openCases: 1 });
    } finally {
      ctx = prev;
    }
  });

  it('refuses other roles, unknown staff and bad input', async () => {
    for (const client of [ana.client, ada.client]) {
      expect((await client.get('/admin/api/team')).status).toBe(403);
      expect((await client.post(`/admin/api/team/${ana.account.id}/release-claims`, {})).status).toBe(403);
    }
    expect((await new StaffClient(ctx).get('/admin/api/team')).status).toBe(401);
    expect((await sam.client.post('/admin/api/team/99999/release-claims', {})).status).toBe(404);
    const tooLong = await sam.client.post(`/admin/api/team/${ana.account.id}/release-claims`, { reason: 'x'.repeat(501) });
    expect(tooLong.status).toBe(400);
    expect((await json(tooLong)).details.fields).toHaveProperty('reason');
    expect((await sam.client.post('/admin/api/team/abc/release-claims', {})).status).toBe(400);
  });
});
