import { and, eq, isNull } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { users, userSessions } from '../../db/schema/index.ts';
import { sha256Hex } from '../crypto/tokens.ts';

export type Introspection =
  | { active: true; sub: string; exp: number; iat: number; amr: string[]; external_id: string | null; token_type: 'Bearer' }
  | { active: false };

/**
 * RFC 7662 token introspection for end-user session tokens. An inactive token
 * (unknown, malformed, expired, revoked, or its account frozen or disabled)
 * gets `{active:false}` and nothing else: the caller learns no reason.
 * Times are seconds since the epoch, as the RFC says.
 */
export async function introspectUserToken(deps: Deps, token: string): Promise<Introspection> {
  if (!/^[A-Za-z0-9_-]{20,200}$/.test(token)) return { active: false };
  const [row] = await deps.db
    .select({
      userId: users.id,
      externalId: users.externalId,
      status: users.status,
      createdAt: userSessions.createdAt,
      expiresAt: userSessions.expiresAt,
      amr: userSessions.amr,
    })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(and(eq(userSessions.id, sha256Hex(token)), isNull(userSessions.revokedAt)))
    .limit(1);
  if (!row || row.expiresAt <= deps.clock() || row.status !== 'active') return { active: false };
  return {
    active: true,
    sub: String(row.userId),
    exp: Math.floor(row.expiresAt.getTime() / 1000),
    iat: Math.floor(row.createdAt.getTime() / 1000),
    // Sessions from before the amr column was added came from a password sign-in.
    amr: row.amr ? (JSON.parse(row.amr) as string[]) : ['pwd'],
    external_id: row.externalId,
    token_type: 'Bearer',
  };
}
