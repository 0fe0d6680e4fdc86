import { and, eq, gt } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { staffSessions, type StaffRole } from '../../db/schema/index.ts';
import { generateToken, sha256Hex } from '../crypto/tokens.ts';

export interface StaffPrincipal {
  sessionId: string; // sha256 of the cookie token
  staffId: number;
  email: string;
  name: string;
  role: StaffRole;
  userId: number | null;
  csrfToken: string;
}

/** `__Host-` needs Secure, so the prefix is used only when served over HTTPS. */
export function staffCookieName(secure: boolean): string {
  return secure ? '__Host-rebind_staff' : 'rebind_staff';
}

// Writing last_seen_at on every request would make every read a write; a
// minute's granularity is plenty for a 30-minute idle limit.
const TOUCH_INTERVAL_MS = 60_000;

// Every desk request runs this lookup: one indexed join, as a plain statement (db.statement).
const SESSION_LOOKUP = `SELECT st.id AS staff_id, st.email, st.name, st.role, st.user_id, st.disabled_at, s.csrf_token, s.last_seen_at, s.expires_at
  FROM staff_sessions s JOIN staff st ON st.id = s.staff_id
  WHERE s.id = ? AND s.state = 'active' AND s.revoked_at IS NULL`;

interface SessionRow {
  staff_id: number;
  email: string;
  name: string;
  role: StaffRole;
  user_id: number | null;
  disabled_at: number | null;
  csrf_token: string | null;
  last_seen_at: number;
  expires_at: number;
}

/**
 * Sessions read at a data version (SQLite): while the database's data version
 * has not moved, nothing was committed since (no sign-out, no revocation, no
 * disabled account, from this process or the CLI), so the row read then is the
 * row now. The idle and absolute limits are still checked against the clock on
 * every request. Per database handle; least recently used dropped first.
 */
const readSessions = new WeakMap<object, Map<string, { stamp: number; row: SessionRow; principal: StaffPrincipal }>>();
const KEPT_SESSIONS = 1000;

/**
 * Looks up an active session for a cookie token, enforcing the idle and
 * absolute limits. `stamp`: the data version read before (as the request
 * began); a row kept at that version is the row as of that moment.
 */
export async function findStaffSession(deps: Deps, token: string, stamp = deps.database.dataVersion?.()): Promise<StaffPrincipal | 'expired' | null> {
  const now = deps.clock().getTime();
  const id = sha256Hex(token);
  let kept = stamp === undefined ? undefined : readSessions.get(deps.database)?.get(id);
  if (kept === undefined || kept.stamp !== stamp) {
    // Every desk request that is not answered from above runs this lookup: one indexed join, prepared once.
    const [row] = await deps.db.statement<SessionRow>(SESSION_LOOKUP, [id]);
    if (!row) {
      readSessions.get(deps.database)?.delete(id);
      return null;
    }
    const principal: StaffPrincipal = Object.freeze({
      sessionId: id,
      staffId: row.staff_id,
      email: row.email,
      name: row.name,
      role: row.role,
      userId: row.user_id,
      csrfToken: row.csrf_token ?? '',
    });
    kept = { stamp: stamp ?? 0, row, principal };
    if (stamp !== undefined) {
      let sessions = readSessions.get(deps.database);
      if (!sessions) readSessions.set(deps.database, (sessions = new Map()));
      sessions.delete(id);
      sessions.set(id, kept);
      if (sessions.size > KEPT_SESSIONS) sessions.delete(sessions.keys().next().value!);
    }
  }
  const { row } = kept;
  const lastSeen = Number(row.last_seen_at);
  const idleDeadline = lastSeen + deps.config.staffIdleTimeoutMs;
  if (row.disabled_at !== null || Number(row.expires_at) <= now || idleDeadline <= now) return 'expired';
  if (now - lastSeen >= TOUCH_INTERVAL_MS) {
    // The write moves the data version: the next request reads the touched row.
    await deps.db
      .update(staffSessions)
      .set({ lastSeenAt: new Date(now) })
      .where(and(eq(staffSessions.id, id), gt(staffSessions.expiresAt, new Date(now))));
  }
  return kept.principal;
}

export function newSessionToken(deps: Deps): { token: string; id: string } {
  const token = generateToken(deps.random);
  return { token, id: sha256Hex(token) };
}
