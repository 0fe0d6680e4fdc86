import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { cases, users } from '../../db/schema/index.ts';
import { demoStaff } from '../../fixtures/demo-people.ts';
import { demoTotpSecret, seedDemo } from '../../fixtures/seed.ts';
import { createTestContext, StaffClient, type TestContext } from '../server/helpers.ts';
import {
  biometricEvidence,
  frozenUser,
  makeCaseDetail,
  makeCaseSummary,
  questionsEvidence,
  reasonCodes,
  staffDirectory,
  stats,
  team,
  transferEvidence,
} from './fixtures/desk-fixtures';
import { insiderReport } from './fixtures/insider-fixtures';

/**
 * The UI fixtures are hand-written; this keeps them honest: each has the keys
 * and value types of what the real server answers over the demo seed.
 */
const expectSameShape = (fixture: unknown, real: unknown, path = '$'): void => {
  if (fixture === null || real === null || fixture === undefined || real === undefined) return; // nullable either way
  if (Array.isArray(fixture) || Array.isArray(real)) {
    expect(Array.isArray(fixture) && Array.isArray(real), `${path} is a list in both`).toBe(true);
    const [a, b] = [fixture as unknown[], real as unknown[]];
    if (a.length && b.length) expectSameShape(a[0], b[0], `${path}[0]`);
    return;
  }
  if (typeof fixture === 'object' && typeof real === 'object') {
    expect(Object.keys(fixture as object).sort(), `${path} keys`).toEqual(Object.keys(real as object).sort());
    for (const key of Object.keys(real as object)) {
      expectSameShape((fixture as Record<string, unknown>)[key], (real as Record<string, unknown>)[key], `${path}.${key}`);
    }
    return;
  }
  expect(typeof fixture, path).toBe(typeof real);
};

let ctx: TestContext;
let client: StaffClient;
const get = async (path: string) => {
  const response = await client.get(path);
  expect(response.status, path).toBe(200);
  return response.json() as Promise<any>;
};
const caseOf = async (email: string) => {
  const user = (await ctx.deps.db.select().from(users).where(eq(users.email, email)).limit(1))[0]!;
  return (await ctx.deps.db.select().from(cases).where(eq(cases.userId, user.id))).at(-1)!.id;
};

beforeAll(async () => {
  ctx = await createTestContext();
  await seedDemo(ctx.deps);
  const ana = demoStaff.find((s) => s.key === 'ana')!;
  client = new StaffClient(ctx);
  const signedIn = await client.signIn({ id: 0, email: ana.email, password: ana.password, totpSecret: demoTotpSecret('ana'), role: 'agent' });
  expect(signedIn.status).toBe(200);
});

describe('UI fixtures have the server’s shapes', () => {
  it('queue rows and case details, evidence of every method', async () => {
    const [row] = await get('/admin/api/cases?range=[0,0]');
    expectSameShape(makeCaseSummary(), row);
    const bruno = await get(`/admin/api/cases/${await caseOf('bruno.costa@example.com')}`);
    expectSameShape({ ...makeCaseDetail(), evidence: [] }, { ...bruno, evidence: [] });
    expectSameShape(biometricEvidence(), bruno.evidence[0]);
    const chen = await get(`/admin/api/cases/${await caseOf('chen.wei@example.com')}`);
    expectSameShape(
      questionsEvidence(),
      chen.evidence.find((e: { method: string }) => e.method === 'security_questions'),
    );
    expectSameShape(makeCaseDetail().notes, chen.notes);
    const dara = await get(`/admin/api/cases/${await caseOf('dara.okafor@example.com')}`);
    expectSameShape(
      transferEvidence(),
      dara.evidence.find((e: { method: string }) => e.method === 'transfer_record'),
    );
  });

  it('insider signals, as a supervisor sees them', async () => {
    const sam = demoStaff.find((s) => s.key === 'sam')!;
    const supervisor = new StaffClient(ctx);
    expect((await supervisor.signIn({ id: 0, email: sam.email, password: sam.password, totpSecret: demoTotpSecret('sam'), role: 'supervisor' })).status).toBe(
      200,
    );
    const response = await supervisor.get('/admin/api/insider-signals?days=7');
    expect(response.status).toBe(200);
    const real = (await response.json()) as typeof insiderReport;
    expectSameShape(insiderReport, real);
    expectSameShape(insiderReport.reviewers[0]!.signals, real.reviewers.find((r) => r.name === 'Max Agent')!.signals);
  });

  it('stats, reason codes and a user', async () => {
    expectSameShape(stats, await get('/admin/api/stats'));
    expectSameShape(reasonCodes, await get('/admin/api/reason-codes'));
    const user = await get(`/admin/api/users/${(await ctx.deps.db.select().from(users).where(eq(users.email, 'hugo.weber@example.com')).limit(1))[0]!.id}`);
    expectSameShape({ ...frozenUser, factorHistory: frozenUser.factorHistory }, user);
  });

  it('the staff directory, the team and a case a supervisor may assign', async () => {
    const directory = await get('/admin/api/staff-directory');
    expectSameShape(staffDirectory, directory);
    // The fixture's people are the demo's, by name and role.
    for (const entry of staffDirectory) expect(directory).toContainEqual(expect.objectContaining({ name: entry.name, role: entry.role }));
    const sam = demoStaff.find((s) => s.key === 'sam')!;
    const samClient = new StaffClient(ctx);
    ctx.clock.advance(31_000);
    expect((await samClient.signIn({ id: 0, email: sam.email, password: sam.password, totpSecret: demoTotpSecret('sam'), role: 'supervisor' })).status).toBe(
      200,
    );
    const realTeam = await (await samClient.get('/admin/api/team')).json();
    expectSameShape(team, realTeam);
    expect(realTeam.find((m: { name: string }) => m.name === 'Ana Agent')).toMatchObject({ openCases: 1 });
    const alice = await (await samClient.get(`/admin/api/cases/${await caseOf('alice.martin@example.com')}`)).json();
    expect(alice.availableActions).toContain('assign');
    expectSameShape(makeCaseDetail({ assignees: [{ id: 1, name: 'Ana Agent', role: 'agent' }] }).assignees, alice.assignees);
  });
});
