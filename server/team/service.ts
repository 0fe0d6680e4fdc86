import { and, asc, count, eq, isNotNull, max, min } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { RequestContext } from '../http.ts';
import { AppError } from '../errors.ts';
import { cases, staff, type StaffRole } from '../../db/schema/index.ts';
import { recordAuditEvent } from '../audit/audit-log.ts';
import type { StaffPrincipal } from '../staff-auth/session.ts';
import { decide } from '../cases/case-rules.ts';

export interface TeamMember {
  id: number; // the staff id (react-admin's record id)
  name: string;
  role: StaffRole;
  active: boolean;
  /** Cases this person holds now (claimed by them or assigned to them), lapsed claims included. */
  openCases: number;
  /** The earliest SLA deadline among them. */
  oldestSlaDueAt: string | null;
  /** Their latest activity on any case they hold: long ago means they are away. */
  lastActivityAt: string | null;
}

export const teamSortable = ['name', 'openCases', 'oldestSlaDueAt'] as const;
export type TeamSortField = (typeof teamSortable)[number];

/**
 * Who holds what: every active agent and supervisor, and anyone else still
 * holding cases (a disabled agent's claims are exactly what a supervisor must
 * see). Two queries: the staff (a small table) and one grouped read of the held
 * cases (the claimed-cases index; a held case is in review).
 */
export async function teamOverview(deps: Deps): Promise<TeamMember[]> {
  const held = await deps.db
    .select({ staffId: cases.assigneeId, openCases: count(), oldestSlaDueAt: min(cases.slaDueAt), lastActivityAt: max(cases.lastActivityAt) })
    .from(cases)
    .where(and(isNotNull(cases.assigneeId), eq(cases.status, 'in_review')))
    .groupBy(cases.assigneeId);
  const byStaff = new Map(held.map((h) => [h.staffId!, h]));
  const people = await deps.db
    .select({ id: staff.id, name: staff.name, role: staff.role, disabledAt: staff.disabledAt })
    .from(staff)
    .orderBy(asc(staff.name), asc(staff.id));
  return people
    .filter((p) => byStaff.has(p.id) || (p.disabledAt === null && (p.role === 'agent' || p.role === 'supervisor')))
    .map((p) => {
      const h = byStaff.get(p.id);
      return {
        id: p.id,
        name: p.name,
        role: p.role,
        active: p.disabledAt === null,
        openCases: h?.openCases ?? 0,
        oldestSlaDueAt: h?.oldestSlaDueAt?.toISOString() ?? null,
        lastActivityAt: h?.lastActivityAt?.toISOString() ?? null,
      };
    });
}

/** Sorts the (small) team list as simple-REST asks; no SLA sorts last. */
export function sortTeam(rows: TeamMember[], field: TeamSortField, order: 'ASC' | 'DESC'): TeamMember[] {
  const sign = order === 'ASC' ? 1 : -1;
  const key = (r: TeamMember): string | number | null => (field === 'name' ? r.name.toLowerCase() : field === 'openCases' ? r.openCases : r.oldestSlaDueAt);
  return [...rows].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    if (x === y) return a.id - b.id;
    if (x === null) return 1;
    if (y === null) return -1;
    return (x < y ? -1 : 1) * sign;
  });
}

export interface ReleaseAllResult {
  staffId: number;
  released: number[];
  /** Held cases the caller may not touch (about their own account), left as they are. */
  skipped: { caseId: number; code: string }[];
}

/**
 * Gives every case `staffId` holds back to the queue, for a supervisor when
 * someone is away: one transaction; per case the rule of a single release
 * (decide('release')), a compare-and-swap on its version, and its own
 * `case.release` audit event (so each case's timeline tells it), marked with
 * `allClaimsOf`. A case the caller may not act on is skipped and reported.
 */
export async function releaseAllClaims(
  deps: Deps,
  principal: StaffPrincipal,
  staffId: number,
  input: { reason?: string },
  ctx: RequestContext,
): Promise<ReleaseAllResult> {
  const now = deps.clock();
  const actor = { staffId: principal.staffId, role: principal.role, userId: principal.userId };
  return deps.db.transaction(async (tx) => {
    const holder = (await tx.select({ id: staff.id }).from(staff).where(eq(staff.id, staffId)).limit(1))[0];
    if (!holder) throw new AppError('not_found', 'No such staff member.');
    const held = await tx
      .select()
      .from(cases)
      .where(and(eq(cases.assigneeId, staffId), eq(cases.status, 'in_review')))
      .orderBy(asc(cases.id));
    const result: ReleaseAllResult = { staffId, released: [], skipped: [] };
    for (const c of held) {
      const verdict = decide('release', c, actor, now, deps.config.claimIdleMs);
      if (!verdict.ok) {
        result.skipped.push({ caseId: c.id, code: verdict.code });
        continue;
      }
      const moved = (
        await tx
          .update(cases)
          .set({ status: 'submitted', assigneeId: null, claimedAt: null, version: c.version + 1, updatedAt: now, lastActivityAt: now })
          .where(and(eq(cases.id, c.id), eq(cases.version, c.version)))
          .returning({ id: cases.id })
      )[0];
      if (!moved) throw new AppError('stale_version', 'A case changed while its claims were being released; try again.');
      await recordAuditEvent(tx, now, {
        actor: { type: 'staff', id: principal.staffId, label: principal.email },
        action: 'case.release',
        target: { type: 'case', id: c.id },
        ip: ctx.ip,
        requestId: ctx.requestId,
        details: {
          fromStatus: c.status,
          toStatus: 'submitted',
          version: c.version,
          releasedFor: staffId,
          allClaimsOf: staffId,
          ...(input.reason ? { reason: input.reason } : {}),
        },
      });
      result.released.push(c.id);
    }
    return result;
  });
}
