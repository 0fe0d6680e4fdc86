import { and, eq, isNull } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import type { Statement } from 'better-sqlite3';
import type { Deps } from '../deps.ts';
import type { DbOrTx } from '../../db/client.ts';
import type { AppEnv, RequestContext } from '../http.ts';
import { AppError } from '../errors.ts';
import { userSessions, userSightings } from '../../db/schema/index.ts';
import { generateToken, sha256Hex } from '../crypto/tokens.ts';

export const USER_SESSION_TTL_MS = 24 * 3_600_000;

export interface UserPrincipal {
  sessionId: string;
  userId: number;
  email: string;
  stepUpAt: Date | null;
}

/** Issues a bearer token; only its SHA-256 is stored. */
export function createUserSession(tx: DbOrTx, deps: Deps, userId: number, ctx: Partial<RequestContext>): string {
  const now = deps.clock();
  const token = generateToken(deps.random);
  tx.insert(userSessions)
    .values({ id: sha256Hex(token), userId, createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + USER_SESSION_TTL_MS), ip: ctx.ip ?? null, userAgent: ctx.userAgent ?? null })
    .run();
  return token;
}

export function revokeAllUserSessions(tx: DbOrTx, userId: number, now: Date): void {
  tx.update(userSessions).set({ revokedAt: now }).where(and(eq(userSessions.userId, userId), isNull(userSessions.revokedAt))).run();
}

/** Remembers the IP and device a user signed in from (the "never seen before" risk signal). */
export function recordSighting(tx: DbOrTx, userId: number, ctx: { ip: string | null; deviceId?: string | null }, now: Date): void {
  for (const [kind, value] of [['ip', ctx.ip], ['device', ctx.deviceId]] as const) {
    if (!value) continue;
    tx.insert(userSightings)
      .values({ userId, kind, value, firstSeenAt: now, lastSeenAt: now })
      .onConflictDoUpdate({ target: [userSightings.userId, userSightings.kind, userSightings.value], set: { lastSeenAt: now } })
      .run();
  }
}

interface BearerRow {
  sessionId: string;
  expiresAt: number;
  stepUpAt: number | null;
  userId: number;
  email: string;
  status: 'active' | 'frozen' | 'disabled';
}

// Every /api/v1/me request runs this lookup: prepared once per database.
const lookups = new WeakMap<object, Statement<[string], BearerRow>>();
function bearerLookup(sqlite: Deps['sqlite']): Statement<[string], BearerRow> {
  let stmt = lookups.get(sqlite);
  if (!stmt) {
    stmt = sqlite.prepare<[string], BearerRow>(
      `SELECT s.id AS sessionId, s.expires_at AS expiresAt, s.step_up_at AS stepUpAt, u.id AS userId, u.email, u.status
       FROM user_sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = ? AND s.revoked_at IS NULL`,
    );
    lookups.set(sqlite, stmt);
  }
  return stmt;
}

/** Bearer-token check for /api/v1/me…: 401 without a live session, 403 when the account is frozen. */
export function requireUser(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header);
    if (!match) throw new AppError('unauthenticated', 'Send your session token as "Authorization: Bearer <token>".');
    const row = bearerLookup(deps.sqlite).get(sha256Hex(match[1]!));
    if (!row || row.expiresAt <= deps.clock().getTime()) throw new AppError('unauthenticated', 'The session has ended; sign in again.');
    if (row.status === 'frozen') throw new AppError('account_frozen');
    if (row.status !== 'active') throw new AppError('unauthenticated');
    c.set('user', { sessionId: row.sessionId, userId: row.userId, email: row.email, stepUpAt: row.stepUpAt === null ? null : new Date(row.stepUpAt) });
    await next();
  };
}

export function deviceIdOf(header: string | undefined): string | null {
  return header && /^[A-Za-z0-9._:-]{6,128}$/.test(header) ? header : null;
}
