import type { Deps } from '../deps.ts';
import type { RequestContext } from '../http.ts';
import { AppError } from '../errors.ts';
import { recordAuditEvent } from '../audit/audit-log.ts';
import { clearFailures, lockedForSeconds, recordFailure } from '../platform/rate-limit.ts';
import type { DbOrTx } from '../../db/client.ts';

/**
 * The per-account verification lock of the spec: every failed verification
 * (TOTP, SMS, email code, passkey, answers) counts; 10 consecutive failures
 * lock verification for 15 minutes. Counters live in the database.
 */
export const VERIFY_MAX_FAILURES = 10;
export const VERIFY_LOCK_MS = 15 * 60_000;

const key = (userId: number) => `verify:user:${userId}`;

export async function assertVerificationUnlocked(deps: Deps, userId: number): Promise<void> {
  const seconds = await lockedForSeconds(deps.db, key(userId), deps.clock());
  if (seconds > 0) {
    throw new AppError('locked', `Too many failed verifications; try again in ${Math.ceil(seconds / 60)} minute(s).`, { retryAfterSeconds: seconds }, seconds);
  }
}

/**
 * Records one failure in its own transaction (so it survives the request's
 * error) with its audit event, then returns the error to throw.
 */
export async function verificationFailed(
  deps: Deps,
  userId: number,
  ctx: RequestContext,
  input: { method: string; reason: string; stage: string; errorCode?: 'invalid_code' | 'invalid_credentials' },
): Promise<AppError> {
  const now = deps.clock();
  const lockSeconds = await deps.db.transaction(async (tx) => {
    const lock = await recordFailure(tx, key(userId), now, { maxFailures: VERIFY_MAX_FAILURES, lockMs: VERIFY_LOCK_MS });
    await recordAuditEvent(tx, now, {
      actor: { type: 'user', id: userId },
      action: lock ? 'verification.locked' : 'verification.fail',
      target: { type: 'user', id: userId },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { method: input.method, reason: input.reason, stage: input.stage },
    });
    return lock;
  });
  if (lockSeconds > 0) {
    return new AppError(
      'locked',
      `Too many failed verifications; verification is locked for ${Math.ceil(lockSeconds / 60)} minute(s).`,
      { retryAfterSeconds: lockSeconds },
      lockSeconds,
    );
  }
  if (input.reason === 'expired' || input.reason === 'exhausted' || input.reason === 'no_code') {
    return new AppError(
      'invalid_code',
      input.reason === 'exhausted' ? 'Too many wrong tries for this code; ask for a new one.' : 'The code has expired or was replaced; ask for a new one.',
      { reason: input.reason },
    );
  }
  return new AppError(input.errorCode ?? 'invalid_code');
}

export async function verificationSucceeded(tx: DbOrTx, userId: number): Promise<void> {
  await clearFailures(tx, key(userId));
}
