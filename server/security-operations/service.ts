import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { DbOrTx } from '../../db/client.ts';
import { AppError } from '../errors.ts';
import { cases, securityOperations, users } from '../../db/schema/index.ts';
import { generateToken } from '../crypto/tokens.ts';
import { checkTotpCode } from '../crypto/totp.ts';
import { appendSecurityEvent } from '../events/security-events.ts';
import { recordAuditEvent } from '../audit/audit-log.ts';
import { takeToken } from '../platform/rate-limit.ts';
import { maskEmail } from '../platform/masking.ts';
import { checkCode, issueCode } from '../codes/one-time-codes.ts';
import { assertVerificationUnlocked, verificationFailed, verificationSucceeded } from '../codes/verification-lock.ts';
import { enqueueMessage } from '../messaging/outbox.ts';
import { factorLabel, templates } from '../messaging/templates.ts';
import { activeFactors, factorView, insertFactor, revokeFactor, type FactorRow, type FactorType, type NewFactor } from '../factors/factor-store.ts';
import { createTotpSetup } from '../factors/totp-factor.ts';
import { normalisePhone, sendSmsCode, type NormalisedPhone } from '../factors/sms-factor.ts';
import { passkeyRegistrationOptions, verifyPasskeyRegistration } from '../factors/passkey-factor.ts';
import { challengeOrVerify, type ProofInput } from '../factors/verify-factor.ts';
import { channelsBefore, notifySecurityChange } from '../account/notify.ts';
import { extendWithdrawalLock } from '../account/withdrawal-lock.ts';
import type { UserContext } from '../end-user-auth/service.ts';
import {
  OPERATION_TTL_MS,
  plannedSteps,
  stateAfter,
  stepAllowed,
  terminalStates,
  type OperationAction,
  type OperationState,
  type OperationStep,
} from './operation-state.ts';

type OperationRow = typeof securityOperations.$inferSelect;

interface Pending {
  totpSecret?: string;
  phone?: NormalisedPhone;
  webauthnChallenge?: string; // step 2 (assertion) or step 3 (registration)
  verifiedFactorId?: number;
}

const MAX_PASSKEYS = 10;
const EMAIL_SENDS_PER_HOUR = 10;
const pendingContext = (id: string) => `operation.pending:${id}`;

function readPending(deps: Deps, op: OperationRow): Pending {
  return op.pendingEnc ? (JSON.parse(deps.keyring.open(op.pendingEnc, pendingContext(op.id))) as Pending) : {};
}

function sealPending(deps: Deps, id: string, pending: Pending): string {
  return deps.keyring.seal(JSON.stringify(pending), pendingContext(id));
}

/** Compare-and-swap on (id, version): of two concurrent requests for one step, one wins. */
async function advance(tx: DbOrTx, deps: Deps, op: OperationRow, state: OperationState, pending?: Pending): Promise<OperationRow> {
  const now = deps.clock();
  const set: Partial<OperationRow> = { state, version: op.version + 1, updatedAt: now };
  if (pending) set.pendingEnc = sealPending(deps, op.id, pending);
  if (state === 'completed') set.completedAt = now;
  const row = (
    await tx
      .update(securityOperations)
      .set(set)
      .where(and(eq(securityOperations.id, op.id), eq(securityOperations.version, op.version)))
      .returning()
  )[0];
  if (!row) throw new AppError('stale_version', 'This operation changed in another request; reload it.');
  return row;
}

export function operationView(op: OperationRow) {
  return {
    operationId: op.id,
    action: op.action,
    factorType: op.factorType,
    factorId: op.factorId,
    state: op.state,
    expiresAt: op.expiresAt.toISOString(),
  };
}

/** Loads the caller's own operation for a step, refusing wrong states and expired ones. */
async function loadForStep(deps: Deps, userId: number, id: string, step: OperationStep): Promise<OperationRow> {
  const op = (
    await deps.db
      .select()
      .from(securityOperations)
      .where(and(eq(securityOperations.id, id), eq(securityOperations.userId, userId)))
      .limit(1)
  )[0];
  if (!op) throw new AppError('not_found', 'No such operation.');
  if (!terminalStates.includes(op.state) && op.expiresAt <= deps.clock()) {
    await deps.db
      .update(securityOperations)
      .set({ state: 'expired', updatedAt: deps.clock() })
      .where(and(eq(securityOperations.id, op.id), eq(securityOperations.version, op.version)));
    throw new AppError('invalid_state', 'This operation has expired (15 minutes); start again.', { state: 'expired' });
  }
  if (!stepAllowed(op.action, op.state, step)) {
    throw new AppError('invalid_state', `This step is not possible now: the operation is ${op.state}.`, { state: op.state, step });
  }
  return op;
}

async function sendOperationEmailCode(tx: DbOrTx, deps: Deps, op: Pick<OperationRow, 'id' | 'userId' | 'action' | 'factorType'>, email: string) {
  const sent = await takeToken(tx, `email-send:user:${op.userId}`, deps.clock(), EMAIL_SENDS_PER_HOUR, 3_600_000);
  if (!sent.ok) throw new AppError('rate_limited', 'Too many emails; try again later.', { retryAfterSeconds: sent.retryAfterSeconds }, sent.retryAfterSeconds);
  const code = await issueCode(tx, deps, { purpose: 'operation_email', subjectId: op.id, userId: op.userId, channel: 'email', destination: email });
  const message = templates.operationEmailCode(code, op.action, op.factorType);
  await enqueueMessage(tx, deps, {
    channel: 'email',
    to: email,
    recipientMasked: maskEmail(email),
    subject: message.subject,
    body: message.body,
    template: 'operation_email_code',
    userId: op.userId,
  });
}

/** Starts a bind / change / unbind: checks the rules up front and sends the email code. */
export async function startOperation(
  deps: Deps,
  userId: number,
  input: { action: OperationAction; factorType: FactorType; factorId?: number },
  ctx: UserContext,
) {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const user = (await tx.select().from(users).where(eq(users.id, userId)).limit(1))[0]!;
    const factors = await activeFactors(tx, userId);
    let factorId: number | null = null;
    if (input.action === 'bind') {
      if (input.factorType !== 'passkey' && factors.some((f) => f.type === input.factorType)) {
        throw new AppError('rule_violation', `A ${factorLabel(input.factorType)} is already bound; use "change" to replace it.`, { reason: 'already_bound' });
      }
      if (input.factorType === 'passkey' && factors.filter((f) => f.type === 'passkey').length >= MAX_PASSKEYS) {
        throw new AppError('rule_violation', `At most ${MAX_PASSKEYS} passkeys.`, { reason: 'too_many_passkeys' });
      }
    } else {
      const candidates = factors.filter((f) => f.type === input.factorType && (input.factorId === undefined || f.id === input.factorId));
      if (candidates.length === 0) throw new AppError('not_found', `No active ${factorLabel(input.factorType)} with that id on this account.`);
      if (candidates.length > 1)
        throw new AppError('validation_failed', 'Several tools of this type are bound: name one with factorId.', { fields: { factorId: 'required' } });
      factorId = candidates[0]!.id;
      if (input.action === 'unbind' && factors.length === 1) throw new AppError('last_factor');
    }
    // One operation at a time: starting a new one cancels any unfinished one.
    await tx
      .update(securityOperations)
      .set({ state: 'cancelled', updatedAt: now })
      .where(and(eq(securityOperations.userId, userId), notInArray(securityOperations.state, [...terminalStates])));
    const id = `op_${generateToken(deps.random).slice(0, 24)}`;
    const op = (
      await tx
        .insert(securityOperations)
        .values({
          id,
          userId,
          action: input.action,
          factorType: input.factorType,
          factorId,
          state: 'email_pending',
          createdAt: now,
          updatedAt: now,
          expiresAt: new Date(now.getTime() + OPERATION_TTL_MS),
          ip: ctx.ip,
          userAgent: ctx.userAgent,
        })
        .returning()
    )[0];
    await sendOperationEmailCode(tx, deps, op, user.email);
    await recordAuditEvent(tx, now, {
      actor: { type: 'user', id: userId },
      action: 'security_operation.start',
      target: { type: 'security_operation', id },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { action: input.action, factorType: input.factorType, factorId },
    });
    return { ...operationView(op), steps: plannedSteps(input.action, factors.length > 0), emailSentTo: maskEmail(user.email) };
  });
}

export async function getOperation(deps: Deps, userId: number, id: string) {
  const op = (
    await deps.db
      .select()
      .from(securityOperations)
      .where(and(eq(securityOperations.id, id), eq(securityOperations.userId, userId)))
      .limit(1)
  )[0];
  if (!op) throw new AppError('not_found', 'No such operation.');
  const expired = !terminalStates.includes(op.state) && op.expiresAt <= deps.clock();
  return { ...operationView(op), state: expired ? 'expired' : op.state };
}

export async function resendOperationEmail(deps: Deps, userId: number, id: string) {
  const op = await loadForStep(deps, userId, id, 'email');
  const user = (await deps.db.select().from(users).where(eq(users.id, userId)).limit(1))[0]!;
  await deps.db.transaction(async (tx) => await sendOperationEmailCode(tx, deps, op, user.email));
  return { ...operationView(op), emailSentTo: maskEmail(user.email) };
}

/** Step 1: the email code. */
export async function verifyOperationEmail(deps: Deps, userId: number, id: string, code: string, ctx: UserContext) {
  await assertVerificationUnlocked(deps, userId);
  const op = await loadForStep(deps, userId, id, 'email');
  const result = await deps.db.transaction(async (tx) => {
    const check = await checkCode(tx, deps, { purpose: 'operation_email', subjectId: op.id, code });
    if (!check.ok) return check;
    await verificationSucceeded(tx, userId);
    return { ok: true as const, op: await advance(tx, deps, op, stateAfter(op.action, 'email', (await activeFactors(tx, userId)).length > 0)) };
  });
  if (!result.ok) throw await verificationFailed(deps, userId, ctx, { method: 'email', reason: result.reason, stage: 'operation' });
  return operationView(result.op);
}

/** Step 2: any active tool, with the challenge pattern. */
export async function verifyOperationSecondFactor(deps: Deps, userId: number, id: string, proof: ProofInput, ctx: UserContext) {
  const op = await loadForStep(deps, userId, id, '2fa');
  const result = await challengeOrVerify(
    deps,
    userId,
    proof,
    {
      subjectId: op.id,
      smsPurpose: 'operation_2fa_sms',
      stage: 'operation',
      loadPasskeyChallenge: async () => {
        const fresh = (await deps.db.select().from(securityOperations).where(eq(securityOperations.id, op.id)).limit(1))[0]!;
        return readPending(deps, fresh).webauthnChallenge ?? null;
      },
      savePasskeyChallenge: async (challenge) => {
        const fresh = (await deps.db.select().from(securityOperations).where(eq(securityOperations.id, op.id)).limit(1))[0]!;
        const pending = { ...readPending(deps, fresh), webauthnChallenge: challenge ?? undefined };
        await deps.db
          .update(securityOperations)
          .set({ pendingEnc: sealPending(deps, op.id, pending) })
          .where(eq(securityOperations.id, op.id));
      },
    },
    ctx,
  );
  if (result.status !== 'verified') return { ...operationView(op), ...result };
  const updated = await deps.db.transaction(async (tx) => {
    const fresh = (await tx.select().from(securityOperations).where(eq(securityOperations.id, op.id)).limit(1))[0]!;
    if (fresh.state !== 'twofa_pending') throw new AppError('invalid_state', 'This step was already completed.');
    return advance(tx, deps, fresh, stateAfter(op.action, '2fa', true), { verifiedFactorId: result.factorId });
  });
  return { ...operationView(updated), status: 'verified' as const };
}

/** Step 3a: the new tool's setup (TOTP key and QR, SMS code to the new number, or passkey options). */
export async function startNewFactor(deps: Deps, userId: number, id: string, input: { factorType: FactorType; phone?: string }, ctx: UserContext) {
  const op = await loadForStep(deps, userId, id, 'new_factor');
  if (input.factorType !== op.factorType) {
    throw new AppError('validation_failed', `This operation binds a ${factorLabel(op.factorType)}.`, { fields: { factorType: `must be ${op.factorType}` } });
  }
  const user = (await deps.db.select().from(users).where(eq(users.id, userId)).limit(1))[0]!;
  const existing = await activeFactors(deps.db, userId);
  if (op.factorType === 'totp') {
    const setup = await createTotpSetup(deps, user.email);
    const updated = await deps.db.transaction(async (tx) => await advance(tx, deps, op, 'new_factor_verify', { totpSecret: setup.secret }));
    return { ...operationView(updated), totp: setup };
  }
  if (op.factorType === 'sms') {
    if (!input.phone) throw new AppError('validation_failed', 'Send the new phone number.', { fields: { phone: 'required' } });
    const phone = normalisePhone(deps, input.phone);
    if (existing.some((f) => f.type === 'sms' && f.phoneHash === phone.hash)) {
      throw new AppError('rule_violation', 'This number is already bound to your account.', { reason: 'same_phone' });
    }
    const { updated, sentTo } = await deps.db.transaction(async (tx) => {
      const sentTo = await sendSmsCode(tx, deps, { purpose: 'operation_new_phone', subjectId: op.id, userId, phone, text: templates.newPhoneSmsCode }, ctx);
      return { updated: await advance(tx, deps, op, 'new_factor_verify', { ...readPending(deps, op), phone }), sentTo };
    });
    return { ...operationView(updated), sms: { sentTo } };
  }
  const options = await passkeyRegistrationOptions(deps, user, existing);
  const updated = await deps.db.transaction(
    async (tx) => await advance(tx, deps, op, 'new_factor_verify', { ...readPending(deps, op), webauthnChallenge: options.challenge }),
  );
  return { ...operationView(updated), passkeyOptions: options };
}

/** Step 3b: proves the new tool works, then binds it (and revokes the old one for a change). */
export async function verifyNewFactor(deps: Deps, userId: number, id: string, input: { code?: string; response?: unknown; name?: string }, ctx: UserContext) {
  await assertVerificationUnlocked(deps, userId);
  const op = await loadForStep(deps, userId, id, 'new_factor_verify');
  const pending = readPending(deps, op);
  const fail = async (reason: string) => await verificationFailed(deps, userId, ctx, { method: op.factorType, reason, stage: 'new_factor' });
  let factor: NewFactor;
  if (op.factorType === 'totp') {
    if (!input.code || !/^\d{6}$/.test(input.code))
      throw new AppError('validation_failed', 'Send the 6-digit code your app shows.', { fields: { code: 'six digits' } });
    const check = checkTotpCode(pending.totpSecret!, input.code, deps.clock(), null);
    if (!check.ok) throw await fail(check.reason);
    factor = { type: 'totp', name: input.name?.trim() || 'Authenticator app', totpSecret: pending.totpSecret!, totpLastTimeStep: check.timeStep };
  } else if (op.factorType === 'sms') {
    if (!input.code || !/^\d{6}$/.test(input.code))
      throw new AppError('validation_failed', 'Send the 6-digit code texted to the new number.', { fields: { code: 'six digits' } });
    const code = input.code;
    const check = await deps.db.transaction(async (tx) => await checkCode(tx, deps, { purpose: 'operation_new_phone', subjectId: op.id, code }));
    if (!check.ok) throw await fail(check.reason);
    if (check.destinationHash !== pending.phone!.hash) throw await fail('phone_mismatch');
    factor = { type: 'sms', name: input.name?.trim() || `Phone ending ${pending.phone!.last}`, phone: pending.phone! };
  } else {
    if (input.response === undefined) throw new AppError('validation_failed', 'Send the passkey registration response.', { fields: { response: 'required' } });
    const registration = await verifyPasskeyRegistration(deps, input.response, pending.webauthnChallenge!);
    if (!registration.ok) throw await fail(registration.reason);
    factor = { type: 'passkey', name: input.name?.trim() || 'Passkey', passkey: registration };
  }
  return completeChange(deps, userId, op.id, factor, ctx);
}

async function completeChange(deps: Deps, userId: number, operationId: string, factor: NewFactor, ctx: UserContext) {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const op = (await tx.select().from(securityOperations).where(eq(securityOperations.id, operationId)).limit(1))[0]!;
    if (op.state !== 'new_factor_verify') throw new AppError('invalid_state', 'This operation was already completed.');
    const user = (await tx.select().from(users).where(eq(users.id, userId)).limit(1))[0]!;
    const before = await activeFactors(tx, userId);
    const channels = channelsBefore(deps, user.email, before);
    if (factor.passkey && before.some((f) => f.credentialId === factor.passkey!.credentialId))
      throw new AppError('already_exists', 'This passkey is already registered.');
    let old: FactorRow | undefined;
    if (op.action === 'change') {
      old = before.find((f) => f.id === op.factorId);
      if (!old) throw new AppError('invalid_state', 'The tool being changed is no longer active.');
      await revokeFactor(tx, deps, old, 'changed', ctx, { operationId });
    }
    const created = await insertFactor(tx, deps, userId, factor, ctx, { operationId });
    await verificationSucceeded(tx, userId);
    await advance(tx, deps, op, 'completed');
    let withdrawalLockUntil = user.withdrawalLockUntil;
    if (op.action === 'change') withdrawalLockUntil = await extendWithdrawalLock(tx, deps, user);
    if (op.caseId !== null) {
      // The rebind after an approved reset: the case is complete and its link is spent.
      const done = (
        await tx
          .update(cases)
          .set({ status: 'completed', completedAt: now, rebindTokenHash: null, updatedAt: now, version: sql`${cases.version} + 1` })
          .where(and(eq(cases.id, op.caseId), eq(cases.status, 'approved')))
          .returning()
      )[0];
      if (!done) throw new AppError('invalid_state', 'The reset case is no longer approved.');
      await recordAuditEvent(tx, now, {
        actor: { type: 'user', id: userId },
        action: 'case.complete',
        target: { type: 'case', id: op.caseId },
        ip: ctx.ip,
        requestId: ctx.requestId,
        details: { factorType: factor.type },
      });
    }
    const what = op.action === 'change' ? `Your ${factorLabel(factor.type)} was changed` : `A new ${factorLabel(factor.type)} was added to your account`;
    await notifySecurityChange(tx, deps, userId, channels, what, `${factor.type}.${op.action}`);
    if (old) {
      await appendSecurityEvent(tx, deps, {
        type: 'factor.changed',
        userId,
        data: { factorId: created.id, factorType: created.type, replacedFactorId: old.id, replacedFactorType: old.type, operationId },
      });
      await appendSecurityEvent(tx, deps, {
        type: 'withdrawal_lock.set',
        userId,
        data: { until: withdrawalLockUntil!.toISOString(), cause: 'factor.changed' },
      });
    } else {
      await appendSecurityEvent(tx, deps, {
        type: 'factor.bound',
        userId,
        data: { factorId: created.id, factorType: created.type, operationId: op.caseId === null ? operationId : null, caseId: op.caseId },
      });
    }
    if (op.caseId !== null)
      await appendSecurityEvent(tx, deps, { type: 'case.completed', userId, data: { caseId: op.caseId, factorId: created.id, factorType: created.type } });
    await recordAuditEvent(tx, now, {
      actor: { type: 'user', id: userId },
      action: `${factor.type}.${op.action}`,
      target: { type: 'user', id: userId },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { operationId, factorId: created.id, replacedFactorId: old?.id ?? null, withdrawalLockUntil: withdrawalLockUntil?.toISOString() ?? null },
    });
    return { ...operationView({ ...op, state: 'completed' }), factor: factorView(created), withdrawalLockUntil: withdrawalLockUntil?.toISOString() ?? null };
  });
}

/** Unbind: after steps 1 and 2, refuses to remove the last active tool. */
export async function commitUnbind(deps: Deps, userId: number, id: string, ctx: UserContext) {
  const op = await loadForStep(deps, userId, id, 'commit');
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const user = (await tx.select().from(users).where(eq(users.id, userId)).limit(1))[0]!;
    const before = await activeFactors(tx, userId);
    const target = before.find((f) => f.id === op.factorId);
    if (!target) throw new AppError('invalid_state', 'The tool is no longer active.');
    if (before.length === 1) throw new AppError('last_factor');
    const channels = channelsBefore(deps, user.email, before);
    await revokeFactor(tx, deps, target, 'unbound', ctx, { operationId: op.id });
    await advance(tx, deps, op, 'completed');
    const withdrawalLockUntil = await extendWithdrawalLock(tx, deps, user);
    await notifySecurityChange(tx, deps, userId, channels, `Your ${factorLabel(target.type)} was removed`, `${target.type}.unbind`);
    await appendSecurityEvent(tx, deps, {
      type: 'factor.unbound',
      userId,
      data: { factorId: target.id, factorType: target.type, reason: 'user', operationId: op.id, caseId: null },
    });
    await appendSecurityEvent(tx, deps, { type: 'withdrawal_lock.set', userId, data: { until: withdrawalLockUntil.toISOString(), cause: 'factor.unbound' } });
    await recordAuditEvent(tx, now, {
      actor: { type: 'user', id: userId },
      action: `${target.type}.unbind`,
      target: { type: 'user', id: userId },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { operationId: op.id, factorId: target.id, withdrawalLockUntil: withdrawalLockUntil.toISOString() },
    });
    return { ...operationView({ ...op, state: 'completed' }), withdrawalLockUntil: withdrawalLockUntil.toISOString() };
  });
}
