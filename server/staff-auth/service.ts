import { and, eq, isNull, or, lt } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { RequestContext } from '../http.ts';
import { AppError } from '../errors.ts';
import { staff, staffSessions } from '../../db/schema/index.ts';
import { verifyAgainstDummy, verifyPassword } from '../crypto/password.ts';
import { generateToken, sha256Hex } from '../crypto/tokens.ts';
import { checkTotpCode } from '../crypto/totp.ts';
import { recordAuditEvent } from '../audit/audit-log.ts';
import { clearFailures, lockedForSeconds, recordFailure } from '../platform/rate-limit.ts';
import { newSessionToken, type StaffPrincipal } from './session.ts';

const CHALLENGE_TTL_MS = 5 * 60_000;
// Beyond the per-account lock: one address trying many accounts.
const IP_FAILURE_BUDGET = 50;

const accountKey = (email: string) => `staff-signin:${email}`;
const ipKey = (ip: string) => `staff-signin-ip:${ip}`;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

async function throwIfLocked(deps: Deps, email: string, ctx: RequestContext) {
  const now = deps.clock();
  const seconds = await lockedForSeconds(deps.db, accountKey(email), now);
  if (seconds > 0) throw new AppError('locked', `Sign-in is locked for ${Math.ceil(seconds / 60)} more minute(s).`, { retryAfterSeconds: seconds }, seconds);
  if (ctx.ip) {
    const ipSeconds = await lockedForSeconds(deps.db, ipKey(ctx.ip), now);
    if (ipSeconds > 0) throw new AppError('rate_limited', undefined, { retryAfterSeconds: ipSeconds }, ipSeconds);
  }
}

/** Counts a failed step (password or TOTP) against the account and the address, with its audit event. */
async function recordSignInFailure(
  deps: Deps,
  email: string,
  stage: 'password' | 'totp',
  reason: string,
  staffId: number | null,
  ctx: RequestContext,
): Promise<number> {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const lock = await recordFailure(tx, accountKey(email), now, { maxFailures: deps.config.signinMaxFailures, lockMs: deps.config.signinLockMs });
    if (ctx.ip) await recordFailure(tx, ipKey(ctx.ip), now, { maxFailures: IP_FAILURE_BUDGET, lockMs: deps.config.signinLockMs });
    await recordAuditEvent(tx, now, {
      actor: { type: 'system', label: 'staff sign-in' },
      action: lock ? 'staff.login_locked' : 'staff.login_failed',
      target: staffId ? { type: 'staff', id: staffId } : null,
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { email, stage, reason },
    });
    return lock;
  });
}

function failure(lockSeconds: number, code: 'invalid_credentials' | 'invalid_code'): AppError {
  if (lockSeconds > 0) {
    return new AppError(
      'locked',
      `Too many failed attempts; sign-in is locked for ${Math.ceil(lockSeconds / 60)} minute(s).`,
      { retryAfterSeconds: lockSeconds },
      lockSeconds,
    );
  }
  return new AppError(code);
}

/**
 * Step 1: the password. Success creates a pending session (the TOTP challenge);
 * an unknown email, a disabled member and a wrong password answer alike.
 */
export async function signInWithPassword(deps: Deps, input: { email: string; password: string }, ctx: RequestContext): Promise<{ challengeId: string }> {
  const email = normaliseEmail(input.email);
  await throwIfLocked(deps, email, ctx);
  const member = (await deps.db.select().from(staff).where(eq(staff.email, email)).limit(1))[0];
  const passwordOk = member ? await verifyPassword(member.passwordHash, input.password) : await verifyAgainstDummy(input.password);
  if (!member || !passwordOk || member.disabledAt) {
    const reason = !member ? 'unknown_email' : member.disabledAt ? 'disabled' : 'wrong_password';
    throw failure(await recordSignInFailure(deps, email, 'password', reason, member?.id ?? null, ctx), 'invalid_credentials');
  }
  const now = deps.clock();
  const challengeId = generateToken(deps.random);
  await deps.db.transaction(async (tx) => {
    // Old pending challenges of this member are dropped: one at a time.
    await tx.delete(staffSessions).where(and(eq(staffSessions.staffId, member.id), eq(staffSessions.state, 'pending_totp')));
    await tx.insert(staffSessions).values({
      id: sha256Hex(challengeId),
      staffId: member.id,
      state: 'pending_totp',
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS),
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
  });
  return { challengeId };
}

/**
 * Step 2: the TOTP code. Success replaces the challenge with a brand-new
 * session id (no fixation), saves the accepted time step so the same code
 * cannot be used again, and records `staff.login`.
 */
export async function signInWithTotp(
  deps: Deps,
  input: { challengeId: string; code: string },
  ctx: RequestContext,
): Promise<{ token: string; principal: StaffPrincipal }> {
  const now = deps.clock();
  const challengeHash = sha256Hex(input.challengeId);
  const row = (
    await deps.db
      .select({ session: staffSessions, member: staff })
      .from(staffSessions)
      .innerJoin(staff, eq(staff.id, staffSessions.staffId))
      .where(and(eq(staffSessions.id, challengeHash), eq(staffSessions.state, 'pending_totp')))
      .limit(1)
  )[0];
  if (!row || row.session.expiresAt <= now || row.session.revokedAt || row.member.disabledAt) throw new AppError('challenge_expired');
  const { member } = row;
  await throwIfLocked(deps, member.email, ctx);

  const secret = deps.keyring.open(member.totpSecretEnc, `staff.totp:${member.id}`);
  const check = checkTotpCode(secret, input.code, now, member.totpLastTimeStep);
  if (!check.ok) throw failure(await recordSignInFailure(deps, member.email, 'totp', check.reason, member.id, ctx), 'invalid_code');

  const { token, id } = newSessionToken(deps);
  const csrfToken = generateToken(deps.random);
  const accepted = await deps.db.transaction(async (tx) => {
    // Compare-and-swap on the time step: of two requests with the same code, one wins.
    const swapped = await tx
      .update(staff)
      .set({ totpLastTimeStep: check.timeStep, lastLoginAt: now, updatedAt: now })
      .where(and(eq(staff.id, member.id), or(isNull(staff.totpLastTimeStep), lt(staff.totpLastTimeStep, check.timeStep))))
      .returning({ id: staff.id });
    if (swapped.length !== 1) return false;
    await tx.delete(staffSessions).where(eq(staffSessions.id, challengeHash));
    await tx.insert(staffSessions).values({
      id,
      staffId: member.id,
      state: 'active',
      csrfToken,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + deps.config.staffSessionMaxMs),
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
    await clearFailures(tx, accountKey(member.email));
    await recordAuditEvent(tx, now, {
      actor: { type: 'staff', id: member.id, label: member.email },
      action: 'staff.login',
      target: { type: 'staff', id: member.id },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { role: member.role },
    });
    return true;
  });
  if (!accepted) throw failure(await recordSignInFailure(deps, member.email, 'totp', 'replayed', member.id, ctx), 'invalid_code');

  return {
    token,
    principal: { sessionId: id, staffId: member.id, email: member.email, name: member.name, role: member.role, userId: member.userId, csrfToken },
  };
}

/** Revokes the session server-side; the cookie alone is worthless afterwards. */
export async function signOut(deps: Deps, principal: StaffPrincipal, ctx: RequestContext): Promise<void> {
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx
      .update(staffSessions)
      .set({ revokedAt: now })
      .where(and(eq(staffSessions.id, principal.sessionId), isNull(staffSessions.revokedAt)));
    await recordAuditEvent(tx, now, {
      actor: { type: 'staff', id: principal.staffId, label: principal.email },
      action: 'staff.logout',
      target: { type: 'staff', id: principal.staffId },
      ip: ctx.ip,
      requestId: ctx.requestId,
    });
  });
}
