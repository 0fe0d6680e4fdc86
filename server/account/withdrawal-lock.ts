import { eq } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { DbOrTx } from '../../db/client.ts';
import { users } from '../../db/schema/index.ts';

/** Sets the withdrawal lock to now + the configured hours, never shortening an existing one. */
export async function extendWithdrawalLock(
  tx: DbOrTx,
  deps: Deps,
  user: { id: number; withdrawalLockUntil: Date | null },
  ms = deps.config.withdrawalLockMs,
): Promise<Date> {
  const proposed = new Date(deps.clock().getTime() + ms);
  const until = user.withdrawalLockUntil && user.withdrawalLockUntil > proposed ? user.withdrawalLockUntil : proposed;
  await tx.update(users).set({ withdrawalLockUntil: until, updatedAt: deps.clock() }).where(eq(users.id, user.id));
  return until;
}

export type WithdrawalBlock = 'frozen' | 'disabled' | 'security_change';

export interface WithdrawalStatus {
  allowed: boolean;
  /** The end of the security-change lock, when one is running (a freeze has no end until support lifts it). */
  lockedUntil: string | null;
  reasons: WithdrawalBlock[];
  frozen: boolean;
}

/**
 * Whether the account may withdraw now: not while frozen ("this wasn't me"
 * until support reviews it), not while disabled, not during the lock that
 * follows a 2FA change or a reset. Pure: the caller reads the row.
 */
export function withdrawalStatusOf(user: { status: string; withdrawalLockUntil: Date | null }, now: Date): WithdrawalStatus {
  const reasons: WithdrawalBlock[] = [];
  if (user.status === 'frozen') reasons.push('frozen');
  if (user.status === 'disabled') reasons.push('disabled');
  const locked = user.withdrawalLockUntil !== null && user.withdrawalLockUntil > now;
  if (locked) reasons.push('security_change');
  return { allowed: reasons.length === 0, lockedUntil: locked ? user.withdrawalLockUntil!.toISOString() : null, reasons, frozen: user.status === 'frozen' };
}
