import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { prepareNamed, preparedQuery } from '../../db/prepared.ts';
import { staff, staffSessions, type StaffRole } from '../../db/schema/index.ts';
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

const sessionLookup = preparedQuery('staff_session_lookup', (db, name) =>
  prepareNamed(
    db
      .select({
        staffId: staff.id,
        email: staff.email,
        name: staff.name,
        role: staff.role,
        userId: staff.userId,
        disabledAt: staff.disabledAt,
        csrfToken: staffSessions.csrfToken,
        lastSeenAt: staffSessions.lastSeenAt,
        expiresAt: staffSessions.expiresAt,
      })
      .from(staffSessions)
      .innerJoin(staff, eq(staff.id, staffSessions.staffId))
      .where(and(eq(staffSessions.id, sql.placeholder('id')), eq(staffSessions.state, 'active'), isNull(staffSessions.revokedAt)))
      .limit(1),
    name,
  ),
);

/** Looks up an active session for a cookie token, enforcing the idle and absolute limits. */
export async function findStaffSession(deps: Deps, token: string): Promise<StaffPrincipal | 'expired' | null> {
  const now = deps.clock();
  const id = sha256Hex(token);
  // Every desk request runs this lookup: one indexed join, prepared once.
  const [row] = await sessionLookup(deps.db).execute({ id });
  if (!row) return null;
  const idleDeadline = row.lastSeenAt.getTime() + deps.config.staffIdleTimeoutMs;
  if (row.disabledAt !== null || row.expiresAt <= now || idleDeadline <= now.getTime()) return 'expired';
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
    await deps.db
      .update(staffSessions)
      .set({ lastSeenAt: now })
      .where(and(eq(staffSessions.id, id), gt(staffSessions.expiresAt, now)));
  }
  return { sessionId: id, staffId: row.staffId, email: row.email, name: row.name, role: row.role, userId: row.userId, csrfToken: row.csrfToken ?? '' };
}

export function newSessionToken(deps: Deps): { token: string; id: string } {
  const token = generateToken(deps.random);
  return { token, id: sha256Hex(token) };
}
