import { and, asc, desc, eq, inArray, ne, or, sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { prepareNamed, preparedQuery } from '../../db/prepared.ts';
import { AppError } from '../errors.ts';
import { auditEvents, caseEvidence, caseNotes, cases, kycReferences, staff, userFactors, users, userSightings } from '../../db/schema/index.ts';
import { maskEmail, maskPhone } from '../platform/masking.ts';
import type { StaffPrincipal } from '../staff-auth/session.ts';
import { assignTo, availableActions, claimIsLive } from './case-rules.ts';
import { caseListView } from './queue.ts';
import { BIOMETRIC_THRESHOLDS } from './risk.ts';

const DAY = 86_400_000;

// Every opening of a case runs these: prepared once (db/prepared.ts). The related-case and txid reads
// depend on which fields the case has, so they are built per call.
const p = (name: string) => sql.placeholder(name);
const q = {
  caseById: preparedQuery('case_detail_case', (db, name) =>
    prepareNamed(
      db
        .select()
        .from(cases)
        .where(eq(cases.id, p('id')))
        .limit(1),
      name,
    ),
  ),
  userById: preparedQuery('case_detail_user', (db, name) =>
    prepareNamed(
      db
        .select()
        .from(users)
        .where(eq(users.id, p('id')))
        .limit(1),
      name,
    ),
  ),
  people: preparedQuery('case_detail_staff', (db, name) =>
    prepareNamed(
      db
        .select({ id: staff.id, name: staff.name, role: staff.role, userId: staff.userId, disabledAt: staff.disabledAt })
        .from(staff)
        .orderBy(asc(staff.name), asc(staff.id)),
      name,
    ),
  ),
  factors: preparedQuery('case_detail_factors', (db, name) =>
    prepareNamed(
      db
        .select()
        .from(userFactors)
        .where(eq(userFactors.userId, p('userId')))
        .orderBy(asc(userFactors.id)),
      name,
    ),
  ),
  kyc: preparedQuery('case_detail_kyc', (db, name) =>
    prepareNamed(
      db
        .select()
        .from(kycReferences)
        .where(eq(kycReferences.userId, p('userId')))
        .orderBy(desc(kycReferences.verifiedAt))
        .limit(1),
      name,
    ),
  ),
  sighting: preparedQuery('case_detail_sighting', (db, name) =>
    prepareNamed(
      db
        .select()
        .from(userSightings)
        .where(and(eq(userSightings.userId, p('userId')), eq(userSightings.kind, p('kind')), eq(userSightings.value, p('value'))))
        .limit(1),
      name,
    ),
  ),
  evidence: preparedQuery('case_detail_evidence', (db, name) =>
    prepareNamed(
      db
        .select()
        .from(caseEvidence)
        .where(eq(caseEvidence.caseId, p('caseId')))
        .orderBy(asc(caseEvidence.id)),
      name,
    ),
  ),
  notes: preparedQuery('case_detail_notes', (db, name) =>
    prepareNamed(
      db
        .select()
        .from(caseNotes)
        .where(eq(caseNotes.caseId, p('caseId')))
        .orderBy(asc(caseNotes.id)),
      name,
    ),
  ),
  timeline: preparedQuery('case_detail_timeline', (db, name) =>
    prepareNamed(
      db
        .select()
        .from(auditEvents)
        // The condition as written in audit_events_target_story_idx (a literal, not a parameter), so that partial index serves it.
        .where(and(eq(auditEvents.targetType, 'case'), eq(auditEvents.targetId, p('targetId')), sql`action <> 'case.view'`))
        .orderBy(asc(auditEvents.id))
        .limit(200),
      name,
    ),
  ),
};

/**
 * Everything a reviewer needs on one screen: the evidence next to what the
 * system checked, the signals with their weights, the account (masked), the
 * timeline, notes, related cases, and the actions this person may take now.
 */
export async function caseDetail(deps: Deps, principal: StaffPrincipal, id: number) {
  const now = deps.clock();
  const c = (await q.caseById(deps.db).execute({ id }))[0];
  if (!c) throw new AppError('not_found', 'No such case.');
  const user = (await q.userById(deps.db).execute({ id: c.userId }))[0]!;
  // Staff are a few dozen rows: one read gives the names and who could be assigned the case.
  const people = await q.people(deps.db).execute();
  const names = new Map(people.map((s) => [s.id, s.name]));
  const factors = await q.factors(deps.db).execute({ userId: user.id });
  const kyc = (await q.kyc(deps.db).execute({ userId: user.id }))[0];
  const sighting = async (kind: 'ip' | 'device', value: string | null) =>
    value ? (await q.sighting(deps.db).execute({ userId: user.id, kind, value }))[0] : undefined;
  const ipSeen = await sighting('ip', c.requestIp);
  const deviceSeen = await sighting('device', c.deviceId);
  const evidence = await q.evidence(deps.db).execute({ caseId: id });
  const txids = evidence.map((e) => e.txid).filter((t): t is string => Boolean(t));
  const related = await deps.db
    .select({
      id: cases.id,
      userId: cases.userId,
      status: cases.status,
      createdAt: cases.createdAt,
      maskedEmail: cases.maskedEmail,
      requestIp: cases.requestIp,
      deviceId: cases.deviceId,
    })
    .from(cases)
    .where(
      and(
        ne(cases.id, id),
        or(eq(cases.userId, user.id), c.requestIp ? eq(cases.requestIp, c.requestIp) : undefined, c.deviceId ? eq(cases.deviceId, c.deviceId) : undefined),
      ),
    )
    .orderBy(desc(cases.createdAt))
    .limit(20);
  const txidHits = txids.length
    ? await deps.db
        .select({ caseId: caseEvidence.caseId, txid: caseEvidence.txid, userId: cases.userId })
        .from(caseEvidence)
        .innerJoin(cases, eq(cases.id, caseEvidence.caseId))
        .where(and(inArray(caseEvidence.txid, txids), ne(caseEvidence.caseId, id)))
    : [];
  const notes = await q.notes(deps.db).execute({ caseId: id });
  // Views are in the audit trail but would drown the story of the case.
  const timeline = await q.timeline(deps.db).execute({ targetId: String(id) });
  const actor = { staffId: principal.staffId, role: principal.role, userId: principal.userId };
  const live = claimIsLive(c, now, deps.config.claimIdleMs);
  const actions = principal.role === 'agent' || principal.role === 'supervisor' ? availableActions(c, actor, now, deps.config.claimIdleMs) : [];
  // For a supervisor's Assign dialog: only the people the rule lets them pick.
  const assignees = actions.includes('assign')
    ? people
        .filter((p) => assignTo(c, actor, { staffId: p.id, role: p.role, userId: p.userId, active: p.disabledAt === null }, now, deps.config.claimIdleMs).ok)
        .map((p) => ({ id: p.id, name: p.name, role: p.role }))
    : [];

  return {
    ...caseListView(c, now),
    assigneeName: c.assigneeId ? (names.get(c.assigneeId) ?? null) : null,
    claimExpiresAt: live && c.lastActivityAt ? new Date(c.lastActivityAt.getTime() + deps.config.claimIdleMs).toISOString() : null,
    firstApproverName: c.firstApproverId ? (names.get(c.firstApproverId) ?? null) : null,
    firstApprovedAt: c.firstApprovedAt?.toISOString() ?? null,
    decidedById: c.decidedById,
    decidedByName: c.decidedById ? (names.get(c.decidedById) ?? null) : null,
    reasonCode: c.reasonCode,
    riskSignals: c.riskSignals ? (JSON.parse(c.riskSignals) as { signal: string; weight: number; detail: string }[]) : [],
    ownAccount: principal.userId !== null && principal.userId === c.userId,
    account: {
      id: user.id,
      externalId: user.externalId,
      maskedEmail: maskEmail(user.email),
      status: user.status,
      frozenAt: user.frozenAt?.toISOString() ?? null,
      ageDays: Math.floor((now.getTime() - user.createdAt.getTime()) / DAY),
      createdAt: user.createdAt.toISOString(),
      valueTier: user.valueTier,
      country: user.country,
      kycLevel: user.kycLevel,
      passwordChangedAt: user.passwordChangedAt?.toISOString() ?? null,
      emailChangedAt: user.emailChangedAt?.toISOString() ?? null,
      withdrawalLockUntil: user.withdrawalLockUntil?.toISOString() ?? null,
      kyc: kyc ? { level: kyc.level, provider: kyc.provider, documentCountry: kyc.documentCountry, verifiedAt: kyc.verifiedAt.toISOString() } : null,
      factors: factors.map((f) => ({
        id: f.id,
        type: f.type,
        name: f.name,
        status: f.status,
        phone: f.type === 'sms' ? maskPhone(f.phoneCountry, f.phoneLast) : null,
        boundAt: f.boundAt.toISOString(),
        revokedAt: f.revokedAt?.toISOString() ?? null,
      })),
    },
    request: {
      ip: c.requestIp,
      ipSeenBefore: ipSeen ? ipSeen.firstSeenAt < c.createdAt : c.requestIp ? false : null,
      deviceId: c.deviceId,
      deviceSeenBefore: deviceSeen ? deviceSeen.firstSeenAt < c.createdAt : c.deviceId ? false : null,
      userAgent: c.userAgent,
      emailVerifiedAt: c.emailVerifiedAt?.toISOString() ?? null,
    },
    evidence: evidence.map((e) => ({
      id: e.id,
      method: e.method,
      status: e.status,
      submitted: e.submitted ? JSON.parse(e.submitted) : null,
      checked: e.checked ? JSON.parse(e.checked) : null,
      thresholds: e.method === 'biometric' ? BIOMETRIC_THRESHOLDS : undefined,
      createdAt: e.createdAt.toISOString(),
      updatedAt: e.updatedAt.toISOString(),
    })),
    relatedCases: related.map((r) => ({
      id: r.id,
      status: r.status,
      createdAt: r.createdAt.toISOString(),
      maskedEmail: r.maskedEmail,
      sameAccount: r.userId === user.id,
      sameIp: Boolean(c.requestIp && r.requestIp === c.requestIp),
      sameDevice: Boolean(c.deviceId && r.deviceId === c.deviceId),
    })),
    txidOnOtherCases: txidHits.filter((h) => h.userId !== user.id).map((h) => ({ caseId: h.caseId, txid: h.txid })),
    notes: notes.map((n) => ({
      id: n.id,
      authorType: n.authorType,
      staffId: n.staffId,
      staffName: n.staffId ? (names.get(n.staffId) ?? null) : null,
      visibility: n.visibility,
      body: n.body,
      createdAt: n.createdAt.toISOString(),
    })),
    timeline: timeline.map((t) => ({
      id: t.id,
      ts: t.ts.toISOString(),
      action: t.action,
      actorType: t.actorType,
      actorId: t.actorId,
      actorLabel: t.actorLabel,
      details: JSON.parse(t.details) as Record<string, unknown>,
    })),
    availableActions: actions,
    assignees,
  };
}
