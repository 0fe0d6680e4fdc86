import { and, eq, isNull, notInArray } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { RequestContext } from '../http.ts';
import { AppError } from '../errors.ts';
import { freezeTokens, securityOperations, securityQuestions, users, userSessions } from '../../db/schema/index.ts';
import { hashPassword } from '../crypto/password.ts';
import { sha256Hex } from '../crypto/tokens.ts';
import { appendSecurityEvent } from '../events/security-events.ts';
import { recordAuditEvent } from '../audit/audit-log.ts';
import { maskEmail } from '../platform/masking.ts';
import { activeFactors, factorView } from '../factors/factor-store.ts';
import { challengeOrVerify, type ProofInput } from '../factors/verify-factor.ts';
import { revokeAllUserSessions, type UserPrincipal } from '../end-user-auth/session.ts';
import { terminalStates } from '../security-operations/operation-state.ts';
import { channelsBefore, notifySecurityChange } from './notify.ts';
import { normaliseAnswer } from './security-questions.ts';

export const STEP_UP_TTL_MS = 10 * 60_000;

/** The user's security overview: tools (never a secret), protection level, locks, reminders. */
export async function securityOverview(deps: Deps, userId: number) {
  const now = deps.clock();
  const user = (await deps.db.select().from(users).where(eq(users.id, userId)).limit(1))[0]!;
  const factors = await activeFactors(deps.db, userId);
  const questions = await deps.db.select({ prompt: securityQuestions.prompt }).from(securityQuestions).where(eq(securityQuestions.userId, userId));
  const strong = factors.some((f) => f.type === 'totp' || f.type === 'passkey');
  const protectionLevel = factors.length === 0 ? 'none' : strong ? 'strong' : 'restricted';
  const reminders: { code: string; message: string }[] = [];
  if (factors.length === 0) {
    reminders.push({ code: 'no_2fa', message: 'Your account has no 2FA tool: protection is reduced. Bind a TOTP authenticator or a passkey now.' });
  } else if (!strong) {
    reminders.push({
      code: 'sms_only',
      message: 'SMS is a restricted authenticator (it can be intercepted or SIM-swapped). We recommend adding a TOTP authenticator or a passkey.',
    });
  }
  if (questions.length === 0)
    reminders.push({ code: 'no_security_questions', message: 'Set security questions: they help you recover the account if you lose every 2FA tool.' });
  const locked = user.withdrawalLockUntil && user.withdrawalLockUntil > now;
  return {
    email: user.email,
    factors: factors.map(factorView),
    protectionLevel,
    withdrawalLock:
      user.status === 'frozen'
        ? { locked: true, until: null, reason: 'frozen' }
        : { locked: Boolean(locked), until: locked ? user.withdrawalLockUntil!.toISOString() : null, reason: locked ? 'security_change' : null },
    frozen: user.status === 'frozen',
    securityQuestions: questions.map((q) => q.prompt),
    reminders,
  };
}

/** A fresh 2FA verification inside the session, required before sensitive settings. */
export async function stepUp(deps: Deps, principal: UserPrincipal, proof: ProofInput, ctx: RequestContext) {
  const sessionId = principal.sessionId;
  const result = await challengeOrVerify(
    deps,
    principal.userId,
    proof,
    {
      subjectId: sessionId,
      smsPurpose: 'step_up_sms',
      stage: 'step_up',
      loadPasskeyChallenge: async () => (await deps.db.select().from(userSessions).where(eq(userSessions.id, sessionId)).limit(1))[0]?.stepUpChallenge ?? null,
      savePasskeyChallenge: async (value) => {
        await deps.db.update(userSessions).set({ stepUpChallenge: value }).where(eq(userSessions.id, sessionId));
      },
    },
    ctx,
  );
  if (result.status !== 'verified') return result;
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.update(userSessions).set({ stepUpAt: now }).where(eq(userSessions.id, sessionId));
    await recordAuditEvent(tx, now, {
      actor: { type: 'user', id: principal.userId },
      action: 'user.step_up',
      target: { type: 'user', id: principal.userId },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { method: result.method, factorId: result.factorId },
    });
  });
  return { status: 'verified' as const, validUntil: new Date(now.getTime() + STEP_UP_TTL_MS).toISOString() };
}

/**
 * Sets or replaces the three security questions. Needs a fresh step-up
 * verification when the account has any tool; the step-up is used up.
 */
export async function setSecurityQuestions(deps: Deps, principal: UserPrincipal, questions: { prompt: string; answer: string }[], ctx: RequestContext) {
  const now = deps.clock();
  const hasTools = (await activeFactors(deps.db, principal.userId)).length > 0;
  if (hasTools && (!principal.stepUpAt || now.getTime() - principal.stepUpAt.getTime() > STEP_UP_TTL_MS)) {
    throw new AppError('forbidden', 'Verify with one of your 2FA tools first (POST /api/v1/me/security/verify).', { reason: 'step_up_required' });
  }
  const prompts = questions.map((q) => q.prompt.trim());
  if (new Set(prompts.map((p) => p.toLowerCase())).size !== prompts.length) {
    throw new AppError('validation_failed', 'Choose three different questions.', { fields: { questions: 'prompts must differ' } });
  }
  const normalised = questions.map((q) => normaliseAnswer(q.answer));
  normalised.forEach((a, i) => {
    if (a.length < 2)
      throw new AppError('validation_failed', 'Each answer needs at least two characters.', { fields: { [`questions.${i}.answer`]: 'too short' } });
  });
  const hashes = await Promise.all(normalised.map((a) => hashPassword(a)));
  await deps.db.transaction(async (tx) => {
    const user = (await tx.select().from(users).where(eq(users.id, principal.userId)).limit(1))[0]!;
    const replacing = (await tx.select({ id: securityQuestions.id }).from(securityQuestions).where(eq(securityQuestions.userId, principal.userId))).length > 0;
    await tx.delete(securityQuestions).where(eq(securityQuestions.userId, principal.userId));
    await tx
      .insert(securityQuestions)
      .values(prompts.map((prompt, i) => ({ userId: principal.userId, position: i + 1, prompt, answerHash: hashes[i]!, createdAt: now })));
    await tx.update(userSessions).set({ stepUpAt: null }).where(eq(userSessions.id, principal.sessionId));
    const factors = await activeFactors(tx, principal.userId);
    await notifySecurityChange(
      tx,
      deps,
      principal.userId,
      channelsBefore(deps, user.email, factors),
      replacing ? 'Your security questions were changed' : 'Security questions were set on your account',
      'security_questions.set',
    );
    await recordAuditEvent(tx, now, {
      actor: { type: 'user', id: principal.userId },
      action: 'security_questions.set',
      target: { type: 'user', id: principal.userId },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { replacing, prompts },
    });
  });
  return { securityQuestions: prompts };
}

async function findFreezeToken(deps: Deps, token: string) {
  const row = (
    await deps.db
      .select()
      .from(freezeTokens)
      .where(eq(freezeTokens.id, sha256Hex(token)))
      .limit(1)
  )[0];
  if (!row || row.expiresAt <= deps.clock()) throw new AppError('not_found', 'This link is not valid or has expired.');
  return row;
}

export const freezeConsequences = [
  'Nobody can sign in to the account.',
  'No 2FA tool can be bound, changed or removed.',
  'Withdrawals are locked.',
  'Every open session is signed out.',
  'Our support team reviews the account and contacts you by email.',
];

/** What following the "this wasn't me" link will do (GET), before the user confirms (POST). */
export async function describeFreeze(deps: Deps, token: string) {
  const row = await findFreezeToken(deps, token);
  const user = (await deps.db.select().from(users).where(eq(users.id, row.userId)).limit(1))[0]!;
  return {
    account: maskEmail(user.email),
    change: row.reason,
    alreadyFrozen: user.status === 'frozen',
    used: row.usedAt !== null,
    consequences: freezeConsequences,
  };
}

export async function freezeAccount(deps: Deps, token: string, ctx: RequestContext) {
  const row = await findFreezeToken(deps, token);
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const used = await tx
      .update(freezeTokens)
      .set({ usedAt: now })
      .where(and(eq(freezeTokens.id, row.id), isNull(freezeTokens.usedAt)))
      .returning({ id: freezeTokens.id });
    if (used.length !== 1) throw new AppError('invalid_state', 'This link was already used: the account is frozen.');
    const user = (await tx.select().from(users).where(eq(users.id, row.userId)).limit(1))[0]!;
    if (user.status !== 'frozen') {
      await tx
        .update(users)
        .set({ status: 'frozen', frozenAt: now, frozenReason: `user_report:${row.reason}`, updatedAt: now })
        .where(eq(users.id, user.id));
    }
    await revokeAllUserSessions(tx, user.id, now);
    await tx
      .update(securityOperations)
      .set({ state: 'cancelled', updatedAt: now })
      .where(and(eq(securityOperations.userId, user.id), notInArray(securityOperations.state, [...terminalStates])));
    // Following a second link on an already frozen account freezes nothing new: no event.
    if (user.status !== 'frozen')
      await appendSecurityEvent(tx, deps, { type: 'account.frozen', userId: user.id, data: { reason: 'user_report', change: row.reason } });
    await recordAuditEvent(tx, now, {
      actor: { type: 'user', id: user.id, label: 'freeze link' },
      action: 'account.freeze',
      target: { type: 'user', id: user.id },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { change: row.reason },
    });
    return { frozen: true, account: maskEmail(user.email), consequences: freezeConsequences };
  });
}
