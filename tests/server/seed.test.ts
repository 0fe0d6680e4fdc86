import { describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { createTestContext } from './helpers.ts';
import { seedDemo, demoUserTotpSecret, isDatabaseEmpty } from '../../fixtures/seed.ts';
import { DEMO_USER_PASSWORD, storyUsers } from '../../fixtures/demo-people.ts';
import { auditEvents, cases, deposits, kycReferences, staff, userFactors, users } from '../../db/schema/index.ts';
import { verifyAuditChain } from '../../server/audit/audit-log.ts';
import { loadInsiderSignals } from '../../server/insider/service.ts';
import { StaffClient } from './helpers.ts';
import { oathtool, UserClient } from './user-helpers.ts';

describe('demo seed', () => {
  it('loads staff for every role, ~50 users with every mix of tools, a ledger and KYC references', async () => {
    const ctx = await createTestContext();
    expect(await isDatabaseEmpty(ctx.deps)).toBe(true);
    const credentials = await seedDemo(ctx.deps);
    expect(await isDatabaseEmpty(ctx.deps)).toBe(false);
    expect(credentials.map((c) => c.role).sort()).toEqual(['admin', 'agent', 'agent', 'agent', 'auditor', 'supervisor']);
    const userCount = (await ctx.deps.db.select().from(users)).length;
    expect(userCount).toBeGreaterThanOrEqual(50);
    expect((await ctx.deps.db.select().from(deposits)).length).toBeGreaterThan(200);
    expect((await ctx.deps.db.select().from(kycReferences)).length).toBeGreaterThan(40);
    const mixes = new Set<string>();
    for (const u of await ctx.deps.db.select().from(users)) {
      mixes.add(
        (await ctx.deps.db.select().from(userFactors).where(eq(userFactors.userId, u.id)))
          .map((f) => f.type)
          .sort()
          .join('+'),
      );
    }
    for (const mix of ['', 'sms', 'totp', 'passkey', 'sms+totp', 'passkey+totp', 'passkey+sms', 'passkey+sms+totp']) expect(mixes).toContain(mix);
    // Bo's staff account is linked to his own end-user account.
    const bo = (await ctx.deps.db.select().from(staff).where(eq(staff.email, 'bo.agent@staff.example.com')).limit(1))[0]!;
    expect(bo.userId).toBe((await ctx.deps.db.select().from(users).where(eq(users.email, 'bo.private@example.net')).limit(1))[0]!.id);
    expect((await verifyAuditChain(ctx.deps.db)).ok).toBe(true);

    // Cases in every state and band, the story's people where the story puts them.
    const all = await ctx.deps.db.select().from(cases);
    const states = new Set(all.map((c) => c.status));
    for (const s of [
      'draft',
      'submitted',
      'in_review',
      'info_requested',
      'awaiting_second_approval',
      'approved',
      'rejected',
      'completed',
      'expired',
      'abandoned',
      'cancelled',
    ])
      expect(states, s).toContain(s);
    expect(new Set(all.map((c) => c.riskBand))).toEqual(new Set(['low', 'medium', 'high', null]));
    const caseOf = async (email: string) => {
      const u = (await ctx.deps.db.select().from(users).where(eq(users.email, email)).limit(1))[0]!;
      return all.filter((c) => c.userId === u.id).at(-1)!;
    };
    expect(await caseOf('alice.martin@example.com')).toMatchObject({ status: 'submitted', riskBand: 'low' });
    expect(await caseOf('bruno.costa@example.com')).toMatchObject({ status: 'in_review', riskBand: 'low' });
    expect(await caseOf('chen.wei@example.com')).toMatchObject({ status: 'awaiting_second_approval', riskBand: 'high' });
    expect(await caseOf('dara.okafor@example.com')).toMatchObject({ status: 'info_requested', riskBand: 'medium' });
    expect(await caseOf('emma.lindqvist@example.com')).toMatchObject({ status: 'submitted', riskBand: 'high' });
    expect(JSON.parse((await caseOf('emma.lindqvist@example.com')).riskSignals!).map((s: { signal: string }) => s.signal)).toEqual(
      expect.arrayContaining(['ip_on_other_accounts', 'txid_other_account']),
    );
    expect(await caseOf('farid.haddad@example.com')).toMatchObject({ status: 'rejected', riskBand: 'high' });
    expect((await caseOf('gita.sharma@example.com')).status).toBe('approved');
    expect((await caseOf('hugo.weber@example.com')).status).toBe('completed');
    expect((await caseOf('iris.novak@example.com')).status).toBe('abandoned');
    expect((await caseOf('jon.berg@example.com')).status).toBe('cancelled');
    expect((await caseOf('kim.park@example.com')).status).toBe('draft');
    expect(await caseOf('bo.private@example.net')).toMatchObject({ status: 'submitted', riskBand: 'medium' });
    expect(all.filter((c) => c.decidedAt && c.decidedAt.getTime() > ctx.clock().getTime() - 30 * 86_400_000).length).toBeGreaterThan(100);
    // Max, the insider: the insider-signals page flags him on every signal over the last week, and nobody else.
    const week = await loadInsiderSignals(ctx.deps, { days: 7, fastSeconds: 30 });
    const max = week.reviewers.find((r) => r.name === 'Max Agent')!;
    expect(
      Object.entries(max.signals)
        .filter(([, s]) => s.flagged)
        .map(([name]) => name),
    ).toEqual(['approvalRate', 'riskyApprovals', 'reveals', 'offHours', 'fastDecisions']);
    expect(week.reviewers.filter((r) => r.flags > 0).map((r) => r.name)).toEqual(['Max Agent']);
    // Sam refused the second approval of each of Max's high-risk approvals: the queue is as the story tells.
    for (const id of max.signals.riskyApprovals.evidence.caseIds) expect(all.find((c) => c.id === id)).toMatchObject({ status: 'rejected', riskBand: 'high' });
    // The trail reads in time order.
    const times = (await ctx.deps.db.select().from(auditEvents).orderBy(asc(auditEvents.id))).map((e) => e.ts.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // The printed credentials work: a demo agent signs in with oathtool's code.
    const ana = credentials.find((c) => c.email.startsWith('ana'))!;
    const client = new StaffClient(ctx);
    const signIn = await client.signIn(
      { id: 0, email: ana.email, password: ana.password, totpSecret: ana.totpSecret, role: 'agent' },
      oathtool(ana.totpSecret, ctx.clock()),
    );
    expect(signIn.status).toBe(200);
    // A demo end user signs in with the documented password and TOTP key.
    const alice = storyUsers.find((p) => p.key === 'alice')!;
    const user = await new UserClient(ctx).signIn(alice.email, { password: DEMO_USER_PASSWORD, totpSecret: demoUserTotpSecret('alice') });
    expect(user.status).toBe(200);
    expect(user.body.token).toBeTruthy();
  }, 90_000); // the demo seed hashes ~60 passwords and writes hundreds of rows: ~16 s on PostgreSQL on 2 cores, more under load
});
