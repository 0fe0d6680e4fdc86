import { describe, expect, it } from 'vitest';
import { assignTo, availableActions, decide, type Actor, type AssigneeFacts, type CaseFacts } from '../../server/cases/case-rules.ts';
import { caseStatuses } from '../../db/schema/index.ts';

const now = new Date('2026-11-26T09:00:00Z');
const IDLE = 30 * 60_000;
const MIN = 60_000;

const kase = (over: Partial<CaseFacts> = {}): CaseFacts => ({
  status: 'submitted',
  userId: 100,
  riskBand: 'low',
  assigneeId: null,
  lastActivityAt: null,
  firstApproverId: null,
  ...over,
});
const sam: Actor = { staffId: 3, role: 'supervisor', userId: null };
const ana: Actor = { staffId: 1, role: 'agent', userId: null };
const agent = (over: Partial<AssigneeFacts> = {}): AssigneeFacts => ({ staffId: 1, role: 'agent', userId: null, active: true, ...over });
const held = (by: number, minutesAgo: number) => kase({ status: 'in_review', assigneeId: by, lastActivityAt: new Date(now.getTime() - minutesAgo * MIN) });

describe('assigning a case (supervisors)', () => {
  it('puts a waiting, held or escalated case in review with the assignee; nothing else', () => {
    for (const status of caseStatuses) {
      const verdict = decide('assign', kase({ status }), sam, now, IDLE);
      if (['submitted', 'in_review', 'escalated'].includes(status)) expect(verdict, status).toEqual({ ok: true, next: 'in_review' });
      else expect(verdict, status).toMatchObject({ ok: false, code: 'invalid_state' });
    }
  });

  it('is for supervisors only: agents, auditors and admins cannot assign', () => {
    expect(decide('assign', kase(), ana, now, IDLE)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(decide('assign', kase(), { staffId: 4, role: 'auditor', userId: null }, now, IDLE)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(decide('assign', kase(), { staffId: 5, role: 'admin', userId: null }, now, IDLE)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(availableActions(kase(), sam, now, IDLE)).toContain('assign');
    expect(availableActions(kase(), ana, now, IDLE)).not.toContain('assign');
  });

  it('refuses a supervisor assigning a case about their own account', () => {
    expect(assignTo(kase({ userId: 77 }), { ...sam, userId: 77 }, agent(), now, IDLE)).toMatchObject({ ok: false, code: 'conflict_of_interest' });
  });

  it('never gives a case to someone it is about (conflict of interest)', () => {
    expect(assignTo(kase({ userId: 42 }), sam, agent({ staffId: 2, userId: 42 }), now, IDLE)).toMatchObject({ ok: false, code: 'conflict_of_interest' });
    expect(assignTo(kase({ userId: 42 }), sam, agent({ staffId: 2, userId: 43 }), now, IDLE)).toEqual({ ok: true, next: 'in_review' });
  });

  it('gives cases only to active agents and supervisors', () => {
    expect(assignTo(kase(), sam, agent({ active: false }), now, IDLE)).toMatchObject({ ok: false, code: 'rule_violation' });
    expect(assignTo(kase(), sam, agent({ role: 'auditor' }), now, IDLE)).toMatchObject({ ok: false, code: 'rule_violation' });
    expect(assignTo(kase(), sam, agent({ role: 'admin' }), now, IDLE)).toMatchObject({ ok: false, code: 'rule_violation' });
    expect(assignTo(kase(), sam, agent({ staffId: 6, role: 'supervisor' }), now, IDLE)).toEqual({ ok: true, next: 'in_review' });
    expect(assignTo(kase(), sam, agent({ staffId: 3, role: 'supervisor' }), now, IDLE).ok).toBe(true); // themselves: a claim
  });

  it('gives an escalated case to a supervisor only', () => {
    expect(assignTo(kase({ status: 'escalated' }), sam, agent(), now, IDLE)).toMatchObject({ ok: false, code: 'rule_violation' });
    expect(assignTo(kase({ status: 'escalated' }), sam, agent({ staffId: 6, role: 'supervisor' }), now, IDLE).ok).toBe(true);
  });

  it('reassigns a held case, live or lapsed, but not to the person whose claim is live', () => {
    expect(assignTo(held(1, 5), sam, agent({ staffId: 2 }), now, IDLE).ok).toBe(true);
    expect(assignTo(held(1, 5), sam, agent({ staffId: 1 }), now, IDLE)).toMatchObject({ ok: false, code: 'invalid_state' });
    // A lapsed claim can be renewed by assigning it to the same person again.
    expect(assignTo(held(1, 31), sam, agent({ staffId: 1 }), now, IDLE).ok).toBe(true);
  });

  it('leaves the other rules as they were: agents still release only their own claim', () => {
    expect(decide('release', held(2, 5), ana, now, IDLE)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(decide('release', held(2, 5), sam, now, IDLE)).toEqual({ ok: true, next: 'submitted' });
    expect(decide('release', { ...held(2, 5), userId: 77 }, { ...sam, userId: 77 }, now, IDLE)).toMatchObject({ ok: false, code: 'conflict_of_interest' });
  });
});
