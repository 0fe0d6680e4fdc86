import { eq } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { DbOrTx } from '../../db/client.ts';
import { users } from '../../db/schema/index.ts';

/** Sets the withdrawal lock to now + the configured hours, never shortening an existing one. */
export async function extendWithdrawalLock(tx: DbOrTx, deps: Deps, user: { id: number; withdrawalLockUntil: Date | null }, ms = deps.config.withdrawalLockMs): Promise<Date> {
  const proposed = new Date(deps.clock().getTime() + ms);
  const until = user.withdrawalLockUntil && user.withdrawalLockUntil > proposed ? user.withdrawalLockUntil : proposed;
  await tx.update(users).set({ withdrawalLockUntil: until, updatedAt: deps.clock() }).where(eq(users.id, user.id));
  return until;
}
