import type { Deps } from '../deps.ts';
import type { Tx } from '../../db/types.ts';
import type { RequestContext } from '../http.ts';
import { AppError } from '../errors.ts';
import { checkCode, type CodePurpose } from '../codes/one-time-codes.ts';
import { assertVerificationUnlocked, verificationFailed, verificationSucceeded } from '../codes/verification-lock.ts';
import { templates } from '../messaging/templates.ts';
import { activeFactors, openPhone, type FactorType } from './factor-store.ts';
import { verifyTotpFactor } from './totp-factor.ts';
import { sendSmsCode, normalisePhone } from './sms-factor.ts';
import { passkeyAuthenticationOptions, verifyPasskeyAssertion } from './passkey-factor.ts';

export interface ProofInput {
  method: FactorType;
  code?: string;
  response?: unknown;
}

/** Where a challenge for one verification lives (a login challenge, an operation, a session's step-up). */
export interface ChallengeSlot {
  subjectId: string;
  smsPurpose: CodePurpose;
  stage: string; // for the audit trail: login, operation, step_up
  loadPasskeyChallenge(): Promise<string | null>;
  savePasskeyChallenge(challenge: string | null): Promise<void>;
  /**
   * What a success does, in the transaction that accepts the proof (the TOTP
   * time step or SMS code used up, the failure count reset): the two commit
   * together or not at all, in one write transaction. A throw rolls the proof
   * back too (it can be sent again).
   */
  completeIn?(tx: Tx, verified: Verified): Promise<void>;
}

export type Verified = { status: 'verified'; factorId: number; method: FactorType };

export type ChallengeOrVerified =
  | Verified
  | { status: 'challenge_sent'; method: 'sms'; sentTo: string }
  | { status: 'challenge'; method: 'passkey'; passkeyOptions: unknown };

/**
 * The one challenge pattern of the spec, for any active tool: `{method}` alone
 * asks for a challenge (SMS code sent, passkey options returned; TOTP needs
 * none), `{method, code | response}` verifies. Failures count toward the
 * account's verification lock.
 */
export async function challengeOrVerify(deps: Deps, userId: number, input: ProofInput, slot: ChallengeSlot, ctx: RequestContext): Promise<ChallengeOrVerified> {
  await assertVerificationUnlocked(deps, userId);
  const factors = (await activeFactors(deps.db, userId)).filter((f) => f.type === input.method);
  if (factors.length === 0) {
    throw new AppError('validation_failed', `No active ${input.method} tool on this account.`, { fields: { method: 'not an active tool of this account' } });
  }
  const hasProof = input.code !== undefined || input.response !== undefined;
  const fail = async (reason: string) => await verificationFailed(deps, userId, ctx, { method: input.method, reason, stage: slot.stage });

  if (!hasProof) {
    if (input.method === 'totp')
      throw new AppError('validation_failed', 'Send the 6-digit code from your authenticator app.', { fields: { code: 'required for totp' } });
    if (input.method === 'sms') {
      const factor = factors[0]!;
      const phone = normalisePhone(deps, openPhone(deps, factor));
      const sentTo = await deps.db.transaction(
        async (tx) =>
          await sendSmsCode(tx, deps, { purpose: slot.smsPurpose, subjectId: slot.subjectId, userId, phone, text: templates.verificationSmsCode }, ctx),
      );
      return { status: 'challenge_sent', method: 'sms', sentTo };
    }
    const options = await passkeyAuthenticationOptions(deps, factors);
    await slot.savePasskeyChallenge(options.challenge);
    return { status: 'challenge', method: 'passkey', passkeyOptions: options };
  }

  if (input.method === 'totp' || input.method === 'sms') {
    if (typeof input.code !== 'string' || !/^\d{6}$/.test(input.code))
      throw new AppError('validation_failed', 'The code is six digits.', { fields: { code: 'six digits' } });
    const code = input.code;
    const result = await deps.db.transaction(async (tx) => {
      if (input.method === 'totp') {
        let reason = 'invalid';
        for (const factor of factors) {
          const check = await verifyTotpFactor(tx, deps, factor, code);
          if (check.ok) {
            await verificationSucceeded(tx, userId);
            await slot.completeIn?.(tx, { status: 'verified', factorId: factor.id, method: 'totp' });
            return { ok: true as const, factorId: factor.id };
          }
          reason = check.reason;
        }
        return { ok: false as const, reason };
      }
      const check = await checkCode(tx, deps, { purpose: slot.smsPurpose, subjectId: slot.subjectId, code });
      if (!check.ok) return { ok: false as const, reason: check.reason };
      const factor = factors.find((f) => f.phoneHash === check.destinationHash);
      if (!factor) return { ok: false as const, reason: 'phone_changed' };
      await verificationSucceeded(tx, userId);
      await slot.completeIn?.(tx, { status: 'verified', factorId: factor.id, method: 'sms' });
      return { ok: true as const, factorId: factor.id };
    });
    if (!result.ok) throw await fail(result.reason);
    return { status: 'verified', factorId: result.factorId, method: input.method };
  }

  const challenge = await slot.loadPasskeyChallenge();
  if (!challenge) throw new AppError('invalid_state', 'Ask for a passkey challenge first (send {method:"passkey"} without a response).');
  await slot.savePasskeyChallenge(null); // a challenge is good for one answer
  const check = await verifyPasskeyAssertion(deps, factors, input.response, challenge, ctx);
  if (!check.ok) throw await fail(check.reason);
  const verified: Verified = { status: 'verified', factorId: check.factor.id, method: 'passkey' };
  await deps.db.transaction(async (tx) => {
    await verificationSucceeded(tx, userId);
    await slot.completeIn?.(tx, verified);
  });
  return verified;
}
