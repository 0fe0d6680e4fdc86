import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { DbOrTx } from '../../db/client.ts';
import { oneTimeCodes } from '../../db/schema/index.ts';
import { hmacHex, safeEqual, type Random } from '../crypto/tokens.ts';

export const CODE_TTL_MS = 10 * 60_000;
export const CODE_MAX_TRIES = 5;

export type CodePurpose =
  | 'operation_email' // step 1 of a security operation
  | 'operation_2fa_sms' // step 2 by SMS
  | 'operation_new_phone' // step 3 for a new SMS number
  | 'login_sms' // sign-in step 2 by SMS
  | 'step_up_sms' // fresh verification by SMS
  | 'case_email' // reset case email step
  | 'rebind_new_phone'; // rebind after an approved case

/** Six decimal digits from the CSPRNG, uniformly (rejection sampling). */
export function generateNumericCode(random: Random): string {
  for (;;) {
    const n = random(4).readUInt32BE(0);
    if (n < 4_294_000_000) return String(n % 1_000_000).padStart(6, '0');
  }
}

/**
 * A keyed hash (HMAC-SHA256 under a subkey of the master key) bound to the
 * purpose and subject: a database dump does not reveal codes, and a code for
 * one operation does not verify another.
 */
function hashCode(deps: Deps, purpose: string, subjectId: string, code: string): string {
  return hmacHex(deps.keyring.subkey('one-time-codes'), `${purpose}\n${subjectId}\n${code}`);
}

export function destinationHash(deps: Deps, destination: string): string {
  return hmacHex(deps.keyring.subkey('destinations'), destination);
}

/** The one code of (purpose, subject) that is neither used nor replaced, if any. */
async function liveCode(tx: DbOrTx, purpose: CodePurpose, subjectId: string) {
  return (
    await tx
      .select()
      .from(oneTimeCodes)
      .where(and(eq(oneTimeCodes.purpose, purpose), eq(oneTimeCodes.subjectId, subjectId), isNull(oneTimeCodes.consumedAt), isNull(oneTimeCodes.replacedAt)))
      .orderBy(desc(oneTimeCodes.id))
      .limit(1)
  )[0];
}

/**
 * Issues a code for (purpose, subject), replacing any live one. The failure
 * count carries over to the new code: resending does not buy more guesses.
 */
export async function issueCode(
  tx: DbOrTx,
  deps: Deps,
  input: { purpose: CodePurpose; subjectId: string; userId: number | null; channel: 'email' | 'sms'; destination?: string },
): Promise<string> {
  const now = deps.clock();
  const live = await liveCode(tx, input.purpose, input.subjectId);
  if (live) await tx.update(oneTimeCodes).set({ replacedAt: now }).where(eq(oneTimeCodes.id, live.id));
  const code = generateNumericCode(deps.random);
  await tx.insert(oneTimeCodes).values({
    userId: input.userId,
    channel: input.channel,
    purpose: input.purpose,
    subjectId: input.subjectId,
    destinationHash: input.destination ? destinationHash(deps, input.destination) : null,
    codeHash: hashCode(deps, input.purpose, input.subjectId, code),
    attempts: live?.attempts ?? 0,
    createdAt: now,
    expiresAt: new Date(now.getTime() + CODE_TTL_MS),
  });
  return code;
}

export type CodeCheck = { ok: true; destinationHash: string | null } | { ok: false; reason: 'no_code' | 'expired' | 'exhausted' | 'invalid' };

/**
 * Checks a code and consumes it on success. A wrong code counts a try on the
 * code row (5 per code); the caller also counts it toward the account lock.
 */
export async function checkCode(tx: DbOrTx, deps: Deps, input: { purpose: CodePurpose; subjectId: string; code: string }): Promise<CodeCheck> {
  const now = deps.clock();
  const live = await liveCode(tx, input.purpose, input.subjectId);
  if (!live) return { ok: false, reason: 'no_code' };
  if (live.expiresAt <= now) return { ok: false, reason: 'expired' };
  if (live.attempts >= CODE_MAX_TRIES) return { ok: false, reason: 'exhausted' };
  const valid = /^\d{6}$/.test(input.code) && safeEqual(hashCode(deps, input.purpose, input.subjectId, input.code), live.codeHash);
  if (!valid) {
    await tx
      .update(oneTimeCodes)
      .set({ attempts: live.attempts + 1 })
      .where(eq(oneTimeCodes.id, live.id));
    return { ok: false, reason: live.attempts + 1 >= CODE_MAX_TRIES ? 'exhausted' : 'invalid' };
  }
  const consumed = await tx
    .update(oneTimeCodes)
    .set({ consumedAt: now })
    .where(and(eq(oneTimeCodes.id, live.id), isNull(oneTimeCodes.consumedAt)))
    .returning({ id: oneTimeCodes.id });
  if (consumed.length !== 1) return { ok: false, reason: 'no_code' };
  return { ok: true, destinationHash: live.destinationHash };
}
