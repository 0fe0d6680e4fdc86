import type { CaseStatus, StaffRole } from '../../db/schema/index.ts';

/**
 * Who may do what to a case, in which state (pure; the service enforces it
 * inside the transaction with a compare-and-swap on the version).
 *
 *   draft → submitted → in_review → approved | rejected | info_requested | escalated | awaiting_second_approval
 *   info_requested → submitted (the user answers); escalated → in_review (a supervisor claims)
 *   awaiting_second_approval → approved | rejected (a supervisor, not the first approver)
 *   approved → completed | expired; draft → abandoned; before a decision → cancelled (the user)
 *   submitted | in_review | escalated → in_review (a supervisor assigns it to someone: assignTo)
 */
export type CaseAction = 'claim' | 'release' | 'approve' | 'reject' | 'request-info' | 'escalate' | 'note' | 'assign';

export const openStatuses: readonly CaseStatus[] = ['draft', 'submitted', 'in_review', 'info_requested', 'escalated', 'awaiting_second_approval'];
export const queueStatuses: readonly CaseStatus[] = ['submitted', 'in_review', 'info_requested', 'escalated', 'awaiting_second_approval'];
export const cancellableStatuses: readonly CaseStatus[] = openStatuses;
export const decidedStatuses: readonly CaseStatus[] = ['approved', 'rejected', 'completed', 'expired'];

export interface CaseFacts {
  status: CaseStatus;
  userId: number;
  riskBand: 'low' | 'medium' | 'high' | null;
  assigneeId: number | null;
  lastActivityAt: Date | null;
  firstApproverId: number | null;
}

export interface Actor {
  staffId: number;
  role: StaffRole;
  userId: number | null; // the staff member's own end-user account
}

/** A staff member a supervisor may hand a case to (the facts the rule needs). */
export interface AssigneeFacts {
  staffId: number;
  role: StaffRole;
  userId: number | null; // their own end-user account, if any
  active: boolean;
}

type DenyCode = 'conflict_of_interest' | 'invalid_state' | 'forbidden' | 'claim_expired' | 'rule_violation';
export type Verdict = { ok: true; next?: CaseStatus } | { ok: false; code: DenyCode; message: string };

const deny = (code: DenyCode, message: string): Verdict => ({ ok: false, code, message });

export function claimIsLive(c: CaseFacts, now: Date, claimIdleMs: number): boolean {
  return c.assigneeId !== null && c.lastActivityAt !== null && now.getTime() - c.lastActivityAt.getTime() < claimIdleMs;
}

const isSupervisor = (a: Actor) => a.role === 'supervisor';

/** The whole decision table. `now` and the idle limit make claim expiry testable. */
export function decide(action: CaseAction, c: CaseFacts, actor: Actor, now: Date, claimIdleMs: number): Verdict {
  if (actor.userId !== null && actor.userId === c.userId) return deny('conflict_of_interest', 'Nobody may act on a case about their own account.');
  if (actor.role !== 'agent' && actor.role !== 'supervisor') return deny('forbidden', 'Only agents and supervisors work cases.');
  const mine = c.assigneeId === actor.staffId;
  const live = claimIsLive(c, now, claimIdleMs);

  switch (action) {
    case 'note':
      return decidedStatuses.includes(c.status) || openStatuses.includes(c.status) ? { ok: true } : deny('invalid_state', 'Notes are closed on this case.');
    case 'claim':
      if (c.status === 'submitted') return { ok: true, next: 'in_review' };
      if (c.status === 'escalated') return isSupervisor(actor) ? { ok: true, next: 'in_review' } : deny('forbidden', 'Escalated cases are for supervisors.');
      if (c.status === 'in_review' && !mine && !live) return { ok: true, next: 'in_review' }; // the old claim lapsed
      if (c.status === 'in_review' && mine) return deny('invalid_state', 'You already hold this case.');
      return deny('invalid_state', `A ${c.status} case cannot be claimed.`);
    case 'release':
      if (c.status !== 'in_review') return deny('invalid_state', 'Only a claimed case can be released.');
      if (mine || isSupervisor(actor)) return { ok: true, next: 'submitted' }; // supervisors reassign
      return deny('forbidden', 'Someone else holds this case.');
    case 'approve':
      if (c.status === 'awaiting_second_approval') {
        if (!isSupervisor(actor)) return deny('forbidden', 'The second approval is a supervisor’s.');
        if (c.firstApproverId === actor.staffId) return deny('forbidden', 'The second approval must come from someone else.');
        return { ok: true, next: 'approved' };
      }
      if (c.status !== 'in_review') return deny('invalid_state', `A ${c.status} case cannot be approved.`);
      if (!mine) return deny('invalid_state', 'Claim the case before deciding it.');
      if (!live) return deny('claim_expired', 'Your claim expired after inactivity; claim the case again.');
      return { ok: true, next: c.riskBand === 'high' ? 'awaiting_second_approval' : 'approved' };
    case 'reject':
      if (c.status === 'awaiting_second_approval' || c.status === 'escalated') {
        return isSupervisor(actor) ? { ok: true, next: 'rejected' } : deny('forbidden', 'Only a supervisor decides this case now.');
      }
      if (c.status !== 'in_review') return deny('invalid_state', `A ${c.status} case cannot be rejected.`);
      if (!mine) return deny('invalid_state', 'Claim the case before deciding it.');
      if (!live) return deny('claim_expired', 'Your claim expired after inactivity; claim the case again.');
      return { ok: true, next: 'rejected' };
    case 'request-info':
    case 'escalate':
      if (c.status !== 'in_review') return deny('invalid_state', `Not possible on a ${c.status} case.`);
      if (!mine) return deny('invalid_state', 'Claim the case first.');
      if (!live) return deny('claim_expired', 'Your claim expired after inactivity; claim the case again.');
      if (action === 'escalate' && isSupervisor(actor)) return deny('invalid_state', 'Supervisors decide escalated cases themselves.');
      return { ok: true, next: action === 'escalate' ? 'escalated' : 'info_requested' };
    case 'assign':
      // A supervisor hands the case to someone (a first assignment or a reassignment);
      // whether that someone may take it is assignTo's question.
      if (!isSupervisor(actor)) return deny('forbidden', 'Only supervisors assign cases.');
      if (!assignableStatuses.includes(c.status)) return deny('invalid_state', `A ${c.status} case cannot be assigned.`);
      return { ok: true, next: 'in_review' };
  }
}

/**
 * Cases a supervisor can put in someone's hands: waiting in the queue, held
 * (reassignment, lapsed or not), or escalated (to another supervisor). Not a
 * case waiting for the user (info_requested) or for a second approval, which
 * has no holder: any supervisor but the first approver gives it.
 */
export const assignableStatuses: readonly CaseStatus[] = ['submitted', 'in_review', 'escalated'];

/**
 * May `actor` hand this case to `assignee` now? The case-level rule of
 * decide('assign') first, then the assignee: an active agent or supervisor
 * (auditors and admins do not work cases), a supervisor for an escalated
 * case, never someone deciding a case about their own account, and not the
 * person whose claim on it is still live.
 */
export function assignTo(c: CaseFacts, actor: Actor, assignee: AssigneeFacts, now: Date, claimIdleMs: number): Verdict {
  const verdict = decide('assign', c, actor, now, claimIdleMs);
  if (!verdict.ok) return verdict;
  if (!assignee.active) return deny('rule_violation', 'This staff member is disabled.');
  if (assignee.role !== 'agent' && assignee.role !== 'supervisor') return deny('rule_violation', 'Only agents and supervisors work cases.');
  if (c.status === 'escalated' && assignee.role !== 'supervisor') return deny('rule_violation', 'Escalated cases are for supervisors.');
  if (assignee.userId !== null && assignee.userId === c.userId) return deny('conflict_of_interest', 'Nobody may be given a case about their own account.');
  if (c.assigneeId === assignee.staffId && claimIsLive(c, now, claimIdleMs)) return deny('invalid_state', 'This person already holds the case.');
  return verdict;
}

/** The actions the desk should offer this person on this case now. */
export function availableActions(c: CaseFacts, actor: Actor, now: Date, claimIdleMs: number): CaseAction[] {
  const all: CaseAction[] = ['claim', 'release', 'approve', 'reject', 'request-info', 'escalate', 'note', 'assign'];
  return all.filter((a) => decide(a, c, actor, now, claimIdleMs).ok);
}
