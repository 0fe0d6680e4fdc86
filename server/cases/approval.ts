import { and, eq, isNull } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { DbOrTx } from '../../db/client.ts';
import { cases, users } from '../../db/schema/index.ts';
import { generateToken, sha256Hex } from '../crypto/tokens.ts';
import { activeFactors, revokeFactor } from '../factors/factor-store.ts';
import { revokeAllUserSessions } from '../end-user-auth/session.ts';
import { extendWithdrawalLock } from '../account/withdrawal-lock.ts';
import { appendSecurityEvent } from '../events/security-events.ts';
import { enqueueMessage } from '../messaging/outbox.ts';
import { maskEmail } from '../platform/masking.ts';
import type { RequestContext } from '../http.ts';

/**
 * What an approval does, inside the approval's transaction: every old tool and
 * every session revoked, withdrawals locked (48 h by default), and a
 * single-use rebind link (72 h) mailed to the account email.
 */
export async function applyApproval(
  tx: DbOrTx,
  deps: Deps,
  caseId: number,
  userId: number,
  ctx: Partial<RequestContext>,
): Promise<{ revokedFactors: number; withdrawalLockUntil: Date; rebindExpiresAt: Date }> {
  const now = deps.clock();
  const user = (await tx.select().from(users).where(eq(users.id, userId)).limit(1))[0]!;
  const factors = await activeFactors(tx, userId);
  for (const f of factors) await revokeFactor(tx, deps, f, 'reset_case', ctx, { caseId });
  await revokeAllUserSessions(tx, userId, now);
  const withdrawalLockUntil = await extendWithdrawalLock(tx, deps, user, deps.config.resetWithdrawalLockMs);
  const token = generateToken(deps.random);
  const rebindExpiresAt = new Date(now.getTime() + deps.config.rebindLinkMs);
  await tx
    .update(cases)
    .set({ rebindTokenHash: sha256Hex(token), rebindExpiresAt })
    .where(and(eq(cases.id, caseId), isNull(cases.completedAt)));
  // The token rides in the fragment: browsers never send it to a server, so no log sees it.
  const link = `${deps.config.origin}/account/rebind#token=${token}`;
  await enqueueMessage(tx, deps, {
    channel: 'email',
    to: user.email,
    recipientMasked: maskEmail(user.email),
    subject: 'Your 2FA reset was approved',
    body: `Your request #${caseId} to reset your 2FA was approved. Every previous 2FA tool and every session has been removed, and withdrawals are paused until ${withdrawalLockUntil.toISOString().slice(0, 16).replace('T', ' ')} UTC.\n\nBind a new tool (an authenticator app or a passkey is recommended) within ${Math.round(deps.config.rebindLinkMs / 3_600_000)} hours with this single-use link:\n${link}\n\nIf you did not ask for this, contact support immediately.`,
    template: 'case_approved',
    userId,
  });
  for (const f of factors)
    await appendSecurityEvent(tx, deps, {
      type: 'factor.unbound',
      userId,
      data: { factorId: f.id, factorType: f.type, reason: 'reset_case', operationId: null, caseId },
    });
  await appendSecurityEvent(tx, deps, { type: 'withdrawal_lock.set', userId, data: { until: withdrawalLockUntil.toISOString(), cause: 'case.approved' } });
  return { revokedFactors: factors.length, withdrawalLockUntil, rebindExpiresAt };
}
