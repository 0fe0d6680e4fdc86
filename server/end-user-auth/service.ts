import { and, eq, isNull, sql } from 'drizzle-orm';
import { prepareNamed, preparedQuery, setPlaceholder } from '../../db/prepared.ts';
import type { DbOrTx } from '../../db/client.ts';
import type { Deps } from '../deps.ts';
import type { RequestContext } from '../http.ts';
import { AppError } from '../errors.ts';
import { loginChallenges, users, userSessions } from '../../db/schema/index.ts';
import { verifyAgainstDummy, verifyPassword } from '../crypto/password.ts';
import { generateToken, sha256Hex } from '../crypto/tokens.ts';
import { recordAuditEvent } from '../audit/audit-log.ts';
import { clearFailures, failureState, recordFailure } from '../platform/rate-limit.ts';
import { activeFactors } from '../factors/factor-store.ts';
import { challengeOrVerify, type ProofInput, type ChallengeOrVerified } from '../factors/verify-factor.ts';
import { normaliseEmail } from '../staff-auth/service.ts';
import { amrOfFactor, createUserSession, recordSighting, type UserPrincipal } from './session.ts';

const CHALLENGE_TTL_MS = 5 * 60_000;
export const PASSWORD_MAX_FAILURES = 10;
export const PASSWORD_LOCK_MS = 15 * 60_000;
const passwordKey = (email: string) => `user-signin:${email}`;

// The sign-in steps' reads, prepared once (see db/prepared.ts).
const userByEmail = preparedQuery('user_by_email', (db, name) =>
  prepareNamed(
    db
      .select()
      .from(users)
      .where(eq(users.email, sql.placeholder('email')))
      .limit(1),
    name,
  ),
);
const userById = preparedQuery('user_by_id', (db, name) =>
  prepareNamed(
    db
      .select()
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .limit(1),
    name,
  ),
);
const insertChallenge = preparedQuery('login_challenge_insert', (db, name) =>
  prepareNamed(
    db.insert(loginChallenges).values({
      id: sql.placeholder('id'),
      userId: sql.placeholder('userId'),
      createdAt: sql.placeholder('createdAt'),
      expiresAt: sql.placeholder('expiresAt'),
      ip: sql.placeholder('ip'),
      userAgent: sql.placeholder('userAgent'),
    }),
    name,
  ),
);
const challengeById = preparedQuery('login_challenge_by_id', (db, name) =>
  prepareNamed(
    db
      .select()
      .from(loginChallenges)
      .where(eq(loginChallenges.id, sql.placeholder('id')))
      .limit(1),
    name,
  ),
);

const consumeChallenge = preparedQuery('login_challenge_consume', (tx: DbOrTx, name) =>
  prepareNamed(
    tx
      .update(loginChallenges)
      .set({ consumedAt: setPlaceholder<Date>('now') })
      .where(and(eq(loginChallenges.id, sql.placeholder('id')), isNull(loginChallenges.consumedAt)))
      .returning({ id: loginChallenges.id }),
    name,
  ),
);

export interface UserContext extends RequestContext {
  deviceId: string | null;
}

/**
 * Password check shared by sign-in and by filing a reset case. Unknown email,
 * wrong password and a disabled account answer the same, in the same time
 * (argon2 runs either way); ten failures lock that email for 15 minutes.
 */
export async function checkUserPassword(
  deps: Deps,
  emailInput: string,
  password: string,
  ctx: RequestContext,
  stage: string,
): Promise<typeof users.$inferSelect> {
  const email = normaliseEmail(emailInput);
  const failures = await failureState(deps.db, passwordKey(email), deps.clock());
  const locked = failures.lockedSeconds;
  if (locked > 0)
    throw new AppError('locked', `Too many failed attempts; try again in ${Math.ceil(locked / 60)} minute(s).`, { retryAfterSeconds: locked }, locked);
  const user = (await userByEmail(deps.db).execute({ email }))[0];
  const ok = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
  if (!user || !ok || user.status === 'disabled') {
    const now = deps.clock();
    const lock = await deps.db.transaction(async (tx) => {
      const seconds = await recordFailure(tx, passwordKey(email), now, { maxFailures: PASSWORD_MAX_FAILURES, lockMs: PASSWORD_LOCK_MS });
      if (user) {
        await recordAuditEvent(tx, now, {
          actor: { type: 'user', id: user.id },
          action: 'user.password_failed',
          target: { type: 'user', id: user.id },
          ip: ctx.ip,
          requestId: ctx.requestId,
          details: { stage, locked: seconds > 0 },
        });
      }
      return seconds;
    });
    if (lock > 0) throw new AppError('locked', 'Too many failed attempts; try again in 15 minutes.', { retryAfterSeconds: lock }, lock);
    throw new AppError('invalid_credentials');
  }
  // A success resets the count; with none counted there is nothing to reset (and no write transaction to pay for).
  if (failures.counted) await deps.db.transaction(async (tx) => await clearFailures(tx, passwordKey(email)));
  return user;
}

/** A sign-in that succeeded: the session (its token returned), the sighting and the audit event, in the caller's transaction. */
async function signedIn(
  tx: DbOrTx,
  deps: Deps,
  userId: number,
  ctx: UserContext,
  now: Date,
  second: { method: string; factorId: number } | null,
): Promise<string> {
  const token = await createUserSession(tx, deps, userId, ctx, second ? ['pwd', amrOfFactor(second.method), 'mfa'] : ['pwd']);
  await recordSighting(tx, userId, ctx, now);
  await recordAuditEvent(tx, now, {
    actor: { type: 'user', id: userId },
    action: 'user.login',
    target: { type: 'user', id: userId },
    ip: ctx.ip,
    requestId: ctx.requestId,
    details: second ? { secondFactor: second.method, factorId: second.factorId } : { secondFactor: null },
  });
  return token;
}

export type LoginResult = { token: string } | { status: '2fa_required'; challengeId: string; methods: string[] };

/** Sign-in step 1. An account without any tool gets a session at once (and reminders to bind one). */
export async function loginWithPassword(deps: Deps, input: { email: string; password: string }, ctx: UserContext): Promise<LoginResult> {
  const user = await checkUserPassword(deps, input.email, input.password, ctx, 'login');
  if (user.status === 'frozen') throw new AppError('account_frozen');
  const factors = await activeFactors(deps.db, user.id);
  const now = deps.clock();
  if (factors.length === 0) {
    const token = await deps.db.transaction(async (tx) => await signedIn(tx, deps, user.id, ctx, now, null));
    return { token };
  }
  const challengeId = generateToken(deps.random);
  await insertChallenge(deps.db).execute({
    id: sha256Hex(challengeId),
    userId: user.id,
    createdAt: now,
    expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS),
    ip: ctx.ip,
    userAgent: ctx.userAgent,
  });
  return { status: '2fa_required', challengeId, methods: [...new Set(factors.map((f) => f.type))] };
}

/**
 * Sign-in step 2: the challenge pattern over any active tool. A proof that
 * checks out, the challenge used up, the session, the sighting and the audit
 * event commit in one transaction.
 */
export async function loginWithSecondFactor(
  deps: Deps,
  input: ProofInput & { challengeId: string },
  ctx: UserContext,
): Promise<{ status: 'verified'; token: string } | Exclude<ChallengeOrVerified, { status: 'verified' }>> {
  const id = sha256Hex(input.challengeId);
  const challenge = (await challengeById(deps.db).execute({ id }))[0];
  if (!challenge || challenge.consumedAt || challenge.expiresAt <= deps.clock()) throw new AppError('challenge_expired');
  const user = (await userById(deps.db).execute({ id: challenge.userId }))[0]!;
  if (user.status === 'frozen') throw new AppError('account_frozen');
  let token: string | undefined;
  const result = await challengeOrVerify(
    deps,
    user.id,
    input,
    {
      subjectId: id,
      smsPurpose: 'login_sms',
      stage: 'login',
      loadPasskeyChallenge: async () => (await deps.db.select().from(loginChallenges).where(eq(loginChallenges.id, id)).limit(1))[0]?.webauthnChallenge ?? null,
      savePasskeyChallenge: async (value) => {
        await deps.db.update(loginChallenges).set({ webauthnChallenge: value }).where(eq(loginChallenges.id, id));
      },
      completeIn: async (tx, verified) => {
        const now = deps.clock();
        // Used once: a second answer to the same challenge (a race, a replay) finds it consumed.
        if ((await consumeChallenge(tx).execute({ id, now })).length !== 1) throw new AppError('challenge_expired');
        token = await signedIn(tx, deps, user.id, ctx, now, verified);
      },
    },
    ctx,
  );
  if (result.status !== 'verified') return result;
  return { status: 'verified', token: token! };
}

export async function logoutUser(deps: Deps, principal: UserPrincipal, ctx: RequestContext): Promise<void> {
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.update(userSessions).set({ revokedAt: now }).where(eq(userSessions.id, principal.sessionId));
    await recordAuditEvent(tx, now, {
      actor: { type: 'user', id: principal.userId },
      action: 'user.logout',
      target: { type: 'user', id: principal.userId },
      ip: ctx.ip,
      requestId: ctx.requestId,
    });
  });
}
