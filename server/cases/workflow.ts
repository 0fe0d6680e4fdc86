import { and, eq } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { RequestContext } from '../http.ts';
import { AppError } from '../errors.ts';
import { caseNotes, cases, reasonCodes, staff, users, type CaseStatus } from '../../db/schema/index.ts';
import { recordAuditEvent } from '../audit/audit-log.ts';
import { enqueueMessage } from '../messaging/outbox.ts';
import { maskEmail } from '../platform/masking.ts';
import type { StaffPrincipal } from '../staff-auth/session.ts';
import { assignTo, decide, type AssigneeFacts, type CaseAction } from './case-rules.ts';
import { applyApproval } from './approval.ts';
import { appendSecurityEvent } from '../events/security-events.ts';

export interface ActionInput {
  version?: number;
  reasonCode?: string;
  note?: string;
  message?: string; // user-visible text of a request for information
  visibility?: 'internal' | 'user';
  body?: string; // a note's text
  assigneeId?: number; // assign: who gets the case
}

type CaseRow = typeof cases.$inferSelect;

type Tx = Parameters<Parameters<Deps['db']['transaction']>[0]>[0];

/** The staff member a case is being assigned to, as the rule needs them. An unknown id is bad input. */
async function assigneeFor(tx: Tx, id: number | undefined): Promise<AssigneeFacts> {
  const row =
    id === undefined
      ? undefined
      : (
          await tx.select({ id: staff.id, role: staff.role, userId: staff.userId, disabledAt: staff.disabledAt }).from(staff).where(eq(staff.id, id)).limit(1)
        )[0];
  if (!row)
    throw new AppError('validation_failed', 'Choose a staff member to assign the case to.', {
      fields: { assigneeId: id === undefined ? 'required' : 'no such staff member' },
    });
  return { staffId: row.id, role: row.role, userId: row.userId, active: row.disabledAt === null };
}

async function reasonFor(tx: Tx, code: string | undefined, kind: 'reject' | 'request_info') {
  if (!code) throw new AppError('validation_failed', 'Choose a reason code.', { fields: { reasonCode: 'required' } });
  const row = (await tx.select().from(reasonCodes).where(eq(reasonCodes.code, code)).limit(1))[0];
  if (!row || !row.active || row.kind !== kind)
    throw new AppError('validation_failed', `Not an active ${kind.replace('_', '-')} reason code.`, { fields: { reasonCode: 'unknown or retired' } });
  return row;
}

/**
 * Every desk action on a case: the rules of case-rules.ts, a compare-and-swap
 * on the version (stale → 409), the effects, and the audit event, in one
 * transaction. Two people approving at once: one wins, the other gets 409.
 */
export async function runCaseAction(
  deps: Deps,
  principal: StaffPrincipal,
  caseId: number,
  action: CaseAction,
  input: ActionInput,
  ctx: RequestContext,
): Promise<CaseRow> {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const c = (await tx.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0];
    if (!c) throw new AppError('not_found', 'No such case.');
    const actorFacts = { staffId: principal.staffId, role: principal.role, userId: principal.userId };
    let verdict = decide(action, c, actorFacts, now, deps.config.claimIdleMs);
    const assignee = action === 'assign' && verdict.ok ? await assigneeFor(tx, input.assigneeId) : undefined;
    if (assignee) verdict = assignTo(c, actorFacts, assignee, now, deps.config.claimIdleMs);
    if (!verdict.ok) throw new AppError(verdict.code, verdict.message, { status: c.status, version: c.version });
    if (action !== 'note' && input.version !== c.version) {
      throw new AppError('stale_version', 'Someone else changed this case: reload it to see what happened.', { status: c.status, version: c.version });
    }
    const set: Partial<CaseRow> = { status: verdict.next as CaseStatus | undefined, version: c.version + 1, updatedAt: now, lastActivityAt: now };
    const details: Record<string, unknown> = { fromStatus: c.status, toStatus: verdict.next ?? c.status, version: c.version };
    const user = (await tx.select().from(users).where(eq(users.id, c.userId)).limit(1))[0]!;
    const mail = async (subject: string, body: string, template: string) =>
      await enqueueMessage(tx, deps, { channel: 'email', to: user.email, recipientMasked: maskEmail(user.email), subject, body, template, userId: user.id });
    const addNote = async (body: string, visibility: 'internal' | 'user') =>
      await tx.insert(caseNotes).values({ caseId, authorType: 'staff', staffId: principal.staffId, visibility, body, createdAt: now });

    switch (action) {
      case 'note': {
        const body = input.body?.trim();
        if (!body) throw new AppError('validation_failed', 'Write the note.', { fields: { body: 'required' } });
        await addNote(body, input.visibility ?? 'internal');
        details.visibility = input.visibility ?? 'internal';
        // A note keeps the holder's claim alive but is not a state change: no version bump.
        delete set.status;
        set.version = c.version;
        if (c.assigneeId !== principal.staffId) delete set.lastActivityAt;
        break;
      }
      case 'claim':
        Object.assign(set, { assigneeId: principal.staffId, claimedAt: now });
        if (c.assigneeId && c.assigneeId !== principal.staffId) details.takenOverFrom = c.assigneeId;
        break;
      case 'release':
        Object.assign(set, { assigneeId: null, claimedAt: null });
        if (c.assigneeId !== principal.staffId) details.releasedFor = c.assigneeId;
        break;
      case 'approve':
        if (input.note?.trim()) await addNote(input.note.trim(), 'internal');
        if (verdict.next === 'awaiting_second_approval') {
          Object.assign(set, { firstApproverId: principal.staffId, firstApprovedAt: now, assigneeId: null, claimedAt: null });
          details.fourEyes = 'first_approval';
        } else {
          Object.assign(set, { decidedById: principal.staffId, decidedAt: now, assigneeId: null });
          if (c.firstApproverId) details.fourEyes = { firstApproverId: c.firstApproverId, secondApproverId: principal.staffId };
        }
        break;
      case 'reject': {
        const reason = await reasonFor(tx, input.reasonCode, 'reject');
        if (input.note?.trim()) await addNote(input.note.trim(), 'internal');
        Object.assign(set, { reasonCode: reason.code, decidedById: principal.staffId, decidedAt: now, assigneeId: null });
        details.reasonCode = reason.code;
        await mail(
          'Your 2FA reset request was not approved',
          `Your request #${caseId} to reset your 2FA was not approved.\n\nReason: ${reason.userMessage}\n\nYou can file a new request after ${new Date(now.getTime() + deps.config.caseCooldownMs).toISOString().slice(0, 10)}. If you did not make this request, change your password now.`,
          'case_rejected',
        );
        break;
      }
      case 'request-info': {
        const reason = await reasonFor(tx, input.reasonCode, 'request_info');
        const message = input.message?.trim();
        if (!message) throw new AppError('validation_failed', 'Tell the user what you need.', { fields: { message: 'required' } });
        await addNote(message, 'user');
        Object.assign(set, { reasonCode: reason.code, assigneeId: null });
        details.reasonCode = reason.code;
        await mail(
          'We need more information for your 2FA reset',
          `To continue with your request #${caseId} we need more information: ${reason.userMessage}\n\n${message}\n\nOpen your request to answer.`,
          'case_info_requested',
        );
        break;
      }
      case 'escalate': {
        const note = input.note?.trim();
        if (!note) throw new AppError('validation_failed', 'Say why you escalate.', { fields: { note: 'required' } });
        await addNote(note, 'internal');
        Object.assign(set, { assigneeId: null, claimedAt: null });
        break;
      }
      case 'assign': {
        // The new holder's claim starts now (and lapses after the idle limit like any claim).
        const note = input.note?.trim();
        if (!note) throw new AppError('validation_failed', 'Say why you assign the case.', { fields: { note: 'required' } });
        await addNote(note, 'internal');
        Object.assign(set, { assigneeId: assignee!.staffId, claimedAt: now });
        Object.assign(details, { from: c.assigneeId, to: assignee!.staffId });
        break;
      }
    }

    const updated = (
      await tx
        .update(cases)
        .set(set)
        .where(and(eq(cases.id, caseId), eq(cases.version, c.version)))
        .returning()
    )[0];
    if (!updated) throw new AppError('stale_version', 'Someone else changed this case: reload it to see what happened.');
    if (action === 'approve' && verdict.next === 'approved') {
      const approval = await applyApproval(tx, deps, caseId, c.userId, ctx);
      Object.assign(details, approval);
      await appendSecurityEvent(tx, deps, {
        type: 'case.approved',
        userId: c.userId,
        data: {
          caseId,
          revokedFactors: approval.revokedFactors,
          withdrawalLockUntil: approval.withdrawalLockUntil.toISOString(),
          rebindExpiresAt: approval.rebindExpiresAt.toISOString(),
          fourEyes: Boolean(c.firstApproverId),
        },
      });
    }
    if (action === 'reject') await appendSecurityEvent(tx, deps, { type: 'case.rejected', userId: c.userId, data: { caseId, reasonCode: updated.reasonCode } });
    const actor = (await tx.select({ email: staff.email }).from(staff).where(eq(staff.id, principal.staffId)).limit(1))[0];
    await recordAuditEvent(tx, now, {
      actor: { type: 'staff', id: principal.staffId, label: actor?.email ?? principal.email },
      action: `case.${action === 'request-info' ? 'request_info' : action}`,
      target: { type: 'case', id: caseId },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details,
    });
    return (await tx.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!;
  });
}
