import { and, eq, gt } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
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

interface SessionRow {
  staffId: number;
  email: string;
  name: string;
  role: StaffRole;
  userId: number | null;
  disabledAt: number | null;
  csrfToken: string | null;
  lastSeenAt: number;
  expiresAt: number;
}

// Every desk request runs this lookup: one statement prepared once per database
// instead of a query built and prepared per request.
const lookups = new WeakMap<object, Statement<[string], SessionRow>>();
function sessionLookup(sqlite: Deps['sqlite']): Statement<[string], SessionRow> {
  let stmt = lookups.get(sqlite);
  if (!stmt) {
    stmt = sqlite.prepare<[string], SessionRow>(
      `SELECT m.id AS staffId, m.email, m.name, m.role, m.user_id AS userId, m.disabled_at AS disabledAt,
              s.csrf_token AS csrfToken, s.last_seen_at AS lastSeenAt, s.expires_at AS expiresAt
       FROM staff_sessions s JOIN staff m ON m.id = s.staff_id
       WHERE s.id = ? AND s.state = 'active' AND s.revoked_at IS NULL`,
    );
    lookups.set(sqlite, stmt);
  }
  return stmt;
}

/** Looks up an active session for a cookie token, enforcing the idle and absolute limits. */
export function findStaffSession(deps: Deps, token: string): StaffPrincipal | 'expired' | null {
  const now = deps.clock();
  const id = sha256Hex(token);
  const row = sessionLookup(deps.sqlite).get(id);
  if (!row) return null;
  const idleDeadline = row.lastSeenAt + deps.config.staffIdleTimeoutMs;
  if (row.disabledAt !== null || row.expiresAt <= now.getTime() || idleDeadline <= now.getTime()) return 'expired';
  if (now.getTime() - row.lastSeenAt >= TOUCH_INTERVAL_MS) {
    deps.db.update(staffSessions).set({ lastSeenAt: now }).where(and(eq(staffSessions.id, id), gt(staffSessions.expiresAt, now))).run();
  }
  return { sessionId: id, staffId: row.staffId, email: row.email, name: row.name, role: row.role, userId: row.userId, csrfToken: row.csrfToken ?? '' };
}

export function newSessionToken(deps: Deps): { token: string; id: string } {
  const token = generateToken(deps.random);
  return { token, id: sha256Hex(token) };
}
