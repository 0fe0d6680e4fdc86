import { and, asc, count, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { RequestContext } from '../http.ts';
import { AppError } from '../errors.ts';
import { cases, factorHistory, kycReferences, userFactors, users } from '../../db/schema/index.ts';
import { maskEmail, maskPhone } from '../platform/masking.ts';
import { filterIds, filterString, type ListQuery } from '../platform/list-query.ts';
import { appendSecurityEvent } from '../events/security-events.ts';
import { recordAuditEvent } from '../audit/audit-log.ts';
import { openPhone } from '../factors/factor-store.ts';
import type { StaffPrincipal } from '../staff-auth/session.ts';
import { normaliseEmail } from '../staff-auth/service.ts';

type UserRow = typeof users.$inferSelect;
export const userSortable = ['id', 'createdAt'] as const;

function summary(u: UserRow, factorCount: number) {
  return {
    id: u.id,
    externalId: u.externalId,
    maskedEmail: maskEmail(u.email),
    status: u.status,
    valueTier: u.valueTier,
    kycLevel: u.kycLevel,
    country: u.country,
    createdAt: u.createdAt.toISOString(),
    activeFactors: factorCount,
    withdrawalLockUntil: u.withdrawalLockUntil?.toISOString() ?? null,
  };
}

/** Users for the desk, always masked. Search by id, by an exact email (what a user writing to support gives), or by ext:<the exchange's id>. */
export async function listUsers(deps: Deps, q: ListQuery<(typeof userSortable)[number]>) {
  const conditions: (SQL | undefined)[] = [];
  const ids = filterIds(q.filter);
  if (ids) conditions.push(inArray(users.id, ids));
  const status = filterString(q.filter, 'status');
  if (status) conditions.push(eq(users.status, status as 'active'));
  const text = filterString(q.filter, 'q')?.trim();
  if (text)
    conditions.push(
      /^#?\d+$/.test(text)
        ? eq(users.id, Number(text.replace('#', '')))
        : text.startsWith('ext:')
          ? eq(users.externalId, text.slice(4))
          : eq(users.email, normaliseEmail(text)),
    );
  const where = and(...conditions);
  const dir = q.sortOrder === 'ASC' ? asc : desc;
  const rows = await deps.db
    .select()
    .from(users)
    .where(where)
    .orderBy(dir(q.sortField === 'id' ? users.id : users.createdAt), dir(users.id))
    .limit(q.limit)
    .offset(q.offset);
  const counts = new Map(
    rows.length
      ? (
          await deps.db
            .select({ userId: userFactors.userId, n: count() })
            .from(userFactors)
            .where(
              and(
                inArray(
                  userFactors.userId,
                  rows.map((r) => r.id),
                ),
                eq(userFactors.status, 'active'),
              ),
            )
            .groupBy(userFactors.userId)
        ).map((r) => [r.userId, r.n])
      : [],
  );
  const total = (await deps.db.select({ n: count() }).from(users).where(where).limit(1))[0]?.n ?? 0;
  return { rows: rows.map((r) => summary(r, counts.get(r.id) ?? 0)), total };
}

export async function userDetail(deps: Deps, id: number) {
  const u = (await deps.db.select().from(users).where(eq(users.id, id)).limit(1))[0];
  if (!u) throw new AppError('not_found', 'No such user.');
  const factors = await deps.db.select().from(userFactors).where(eq(userFactors.userId, id)).orderBy(asc(userFactors.id));
  const history = await deps.db.select().from(factorHistory).where(eq(factorHistory.userId, id)).orderBy(asc(factorHistory.id));
  const kyc = (await deps.db.select().from(kycReferences).where(eq(kycReferences.userId, id)).orderBy(desc(kycReferences.verifiedAt)).limit(1))[0];
  const userCases = await deps.db.select().from(cases).where(eq(cases.userId, id)).orderBy(desc(cases.createdAt)).limit(50);
  return {
    ...summary(u, factors.filter((f) => f.status === 'active').length),
    frozenAt: u.frozenAt?.toISOString() ?? null,
    frozenReason: u.frozenReason,
    passwordChangedAt: u.passwordChangedAt?.toISOString() ?? null,
    emailChangedAt: u.emailChangedAt?.toISOString() ?? null,
    kyc: kyc ? { level: kyc.level, provider: kyc.provider, documentCountry: kyc.documentCountry, verifiedAt: kyc.verifiedAt.toISOString() } : null,
    factors: factors.map((f) => ({
      id: f.id,
      type: f.type,
      name: f.name,
      status: f.status,
      phone: f.type === 'sms' ? maskPhone(f.phoneCountry, f.phoneLast) : null,
      boundAt: f.boundAt.toISOString(),
      boundIp: f.boundIp,
      boundUserAgent: f.boundUserAgent,
      revokedAt: f.revokedAt?.toISOString() ?? null,
      revokedIp: f.revokedIp,
      revokedUserAgent: f.revokedUserAgent,
      revokedReason: f.revokedReason,
      lastUsedAt: f.lastUsedAt?.toISOString() ?? null,
    })),
    factorHistory: history.map((h) => ({
      id: h.id,
      factorId: h.factorId,
      event: h.event,
      at: h.at.toISOString(),
      ip: h.ip,
      userAgent: h.userAgent,
      operationId: h.operationId,
      caseId: h.caseId,
    })),
    cases: userCases.map((c) => ({
      id: c.id,
      status: c.status,
      riskBand: c.riskBand,
      createdAt: c.createdAt.toISOString(),
      decidedAt: c.decidedAt?.toISOString() ?? null,
    })),
  };
}

/** One field in clear, with a justification, recorded in the audit trail. */
export async function revealUserField(
  deps: Deps,
  principal: StaffPrincipal,
  id: number,
  input: { field: 'email' | 'phone'; justification: string; factorId?: number },
  ctx: RequestContext,
) {
  const u = (await deps.db.select().from(users).where(eq(users.id, id)).limit(1))[0];
  if (!u) throw new AppError('not_found', 'No such user.');
  let value: string;
  if (input.field === 'email') value = u.email;
  else {
    const phones = await deps.db
      .select()
      .from(userFactors)
      .where(and(eq(userFactors.userId, id), eq(userFactors.type, 'sms')))
      .orderBy(desc(userFactors.id));
    const factor = input.factorId ? phones.find((f) => f.id === input.factorId) : (phones.find((f) => f.status === 'active') ?? phones[0]);
    if (!factor) throw new AppError('not_found', 'This user has no phone number.');
    value = openPhone(deps, factor);
  }
  await deps.db.transaction(async (tx) => {
    // Which field and who, never the value or the justification (free text).
    await appendSecurityEvent(tx, deps, {
      type: 'staff.pii_revealed',
      userId: id,
      data: { field: input.field, factorId: input.field === 'phone' ? (input.factorId ?? null) : null, staffId: principal.staffId },
    });
    await recordAuditEvent(tx, deps.clock(), {
      actor: { type: 'staff', id: principal.staffId, label: principal.email },
      action: 'user.reveal',
      target: { type: 'user', id },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { field: input.field, factorId: input.factorId ?? null, justification: input.justification },
    });
  });
  return { field: input.field, value };
}

/** A supervisor lifts a freeze after review. */
export async function unfreezeUser(deps: Deps, principal: StaffPrincipal, id: number, justification: string, ctx: RequestContext) {
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const u = (await tx.select().from(users).where(eq(users.id, id)).limit(1))[0];
    if (!u) throw new AppError('not_found', 'No such user.');
    if (u.status !== 'frozen') throw new AppError('invalid_state', 'The account is not frozen.');
    if (principal.userId === id) throw new AppError('conflict_of_interest');
    await tx.update(users).set({ status: 'active', frozenAt: null, frozenReason: null, updatedAt: now }).where(eq(users.id, id));
    await appendSecurityEvent(tx, deps, { type: 'account.unfrozen', userId: id, data: { staffId: principal.staffId } });
    await recordAuditEvent(tx, now, {
      actor: { type: 'staff', id: principal.staffId, label: principal.email },
      action: 'account.unfreeze',
      target: { type: 'user', id },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { justification, frozenReason: u.frozenReason },
    });
  });
  // Read after the commit: userDetail uses the top-level db, which a transaction callback must not touch.
  return userDetail(deps, id);
}
