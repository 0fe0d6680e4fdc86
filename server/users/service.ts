import { eq } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { users } from '../../db/schema/index.ts';
import { hashPassword } from '../crypto/password.ts';
import { recordAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import { normaliseEmail } from '../staff-auth/service.ts';

/** Creates an end-user account (operator CLI; the exchange's own sign-up lives elsewhere). */
export async function createUser(
  deps: Deps,
  input: { email: string; password: string; displayName?: string },
  by: AuditActor,
): Promise<{ id: number; email: string }> {
  const email = normaliseEmail(input.email);
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new AppError('validation_failed', 'Not an email address.', { fields: { email: 'invalid' } });
  if (input.password.length < 10) throw new AppError('validation_failed', 'Passwords need at least 10 characters.', { fields: { password: 'too short' } });
  const passwordHash = await hashPassword(input.password);
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    if ((await tx.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1))[0]) {
      throw new AppError('already_exists', 'A user with this email exists.', { fields: { email: 'already in use' } });
    }
    const row = (
      await tx
        .insert(users)
        .values({ email, displayName: input.displayName ?? '', passwordHash, passwordChangedAt: now, createdAt: now, updatedAt: now })
        .returning({ id: users.id, email: users.email })
    )[0];
    await recordAuditEvent(tx, now, { actor: by, action: 'user.create', target: { type: 'user', id: row.id }, details: {} });
    return row;
  });
}
