import { and, eq, isNull, sql } from 'drizzle-orm';
import { prepareNamed, preparedQuery } from '../../db/prepared.ts';
import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../deps.ts';
import type { DbOrTx } from '../../db/client.ts';
import type { AppEnv, RequestContext } from '../http.ts';
import { AppError } from '../errors.ts';
import { users, userSessions, userSightings } from '../../db/schema/index.ts';
import { generateToken, sha256Hex } from '../crypto/tokens.ts';

export const USER_SESSION_TTL_MS = 24 * 3_600_000;

export interface UserPrincipal {
  sessionId: string;
  userId: number;
  email: string;
  stepUpAt: Date | null;
}

/** The RFC 8176 authentication method reference of a second factor. */
export function amrOfFactor(method: string): string {
  return method === 'totp' ? 'otp' : method === 'sms' ? 'sms' : 'pop'; // a passkey: proof of possession of a key
}

// Every sign-in that ends in a session runs these: prepared once per db / tx (db/prepared.ts).
const insertSession = preparedQuery('user_session_insert', (db: DbOrTx, name) =>
  prepareNamed(
    db.insert(userSessions).values({
      id: sql.placeholder('id'),
      userId: sql.placeholder('userId'),
      createdAt: sql.placeholder('now'),
      lastSeenAt: sql.placeholder('now'),
      expiresAt: sql.placeholder('expiresAt'),
      ip: sql.placeholder('ip'),
      userAgent: sql.placeholder('userAgent'),
      amr: sql.placeholder('amr'),
    }),
    name,
  ),
);
const upsertSighting = preparedQuery('user_sighting_upsert', (db: DbOrTx, name) =>
  prepareNamed(
    db
      .insert(userSightings)
      .values({
        userId: sql.placeholder('userId'),
        kind: sql.placeholder('kind'),
        value: sql.placeholder('value'),
        firstSeenAt: sql.placeholder('now'),
        lastSeenAt: sql.placeholder('now'),
      })
      .onConflictDoUpdate({ target: [userSightings.userId, userSightings.kind, userSightings.value], set: { lastSeenAt: sql`excluded.last_seen_at` } }),
    name,
  ),
);

/** Issues a bearer token; only its SHA-256 is stored. `amr`: how the user proved who they are (RFC 8176). */
export async function createUserSession(tx: DbOrTx, deps: Deps, userId: number, ctx: Partial<RequestContext>, amr: string[] = ['pwd']): Promise<string> {
  const now = deps.clock();
  const token = generateToken(deps.random);
  await insertSession(tx).execute({
    id: sha256Hex(token),
    userId,
    now,
    expiresAt: new Date(now.getTime() + USER_SESSION_TTL_MS),
    ip: ctx.ip ?? null,
    userAgent: ctx.userAgent ?? null,
    amr: JSON.stringify(amr),
  });
  return token;
}

export async function revokeAllUserSessions(tx: DbOrTx, userId: number, now: Date): Promise<void> {
  await tx
    .update(userSessions)
    .set({ revokedAt: now })
    .where(and(eq(userSessions.userId, userId), isNull(userSessions.revokedAt)));
}

/** Remembers the IP and device a user signed in from (the "never seen before" risk signal). */
export async function recordSighting(tx: DbOrTx, userId: number, ctx: { ip: string | null; deviceId?: string | null }, now: Date): Promise<void> {
  if (ctx.ip) await upsertSighting(tx).execute({ userId, kind: 'ip', value: ctx.ip, now });
  if (ctx.deviceId) await upsertSighting(tx).execute({ userId, kind: 'device', value: ctx.deviceId, now });
}

const userSessionLookup = preparedQuery('user_session_lookup', (db, name) =>
  prepareNamed(
    db
      .select({
        sessionId: userSessions.id,
        expiresAt: userSessions.expiresAt,
        stepUpAt: userSessions.stepUpAt,
        userId: users.id,
        email: users.email,
        status: users.status,
      })
      .from(userSessions)
      .innerJoin(users, eq(users.id, userSessions.userId))
      .where(and(eq(userSessions.id, sql.placeholder('id')), isNull(userSessions.revokedAt)))
      .limit(1),
    name,
  ),
);

/** Bearer-token check for /api/v1/me…: 401 without a live session, 403 when the account is frozen. */
export function requireUser(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header);
    if (!match) throw new AppError('unauthenticated', 'Send your session token as "Authorization: Bearer <token>".');
    // Every /api/v1/me request runs this lookup: one indexed join, prepared once.
    const [row] = await userSessionLookup(deps.db).execute({ id: sha256Hex(match[1]!) });
    if (!row || row.expiresAt <= deps.clock()) throw new AppError('unauthenticated', 'The session has ended; sign in again.');
    if (row.status === 'frozen') throw new AppError('account_frozen');
    if (row.status !== 'active') throw new AppError('unauthenticated');
    c.set('user', { sessionId: row.sessionId, userId: row.userId, email: row.email, stepUpAt: row.stepUpAt });
    await next();
  };
}

export function deviceIdOf(header: string | undefined): string | null {
  return header && /^[A-Za-z0-9._:-]{6,128}$/.test(header) ? header : null;
}
