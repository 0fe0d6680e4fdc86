import { and, count, countDistinct, eq, gte, ne, inArray } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { DbOrTx } from '../../db/client.ts';
import { biometricSessions, caseEvidence, cases, deposits, users, userSightings } from '../../db/schema/index.ts';
import { assessRisk, type RiskInputs } from './risk.ts';

const DAY = 86_400_000;
type CaseRow = typeof cases.$inferSelect;

export interface EvidenceChecks {
  questions?: { matched: number; total: number };
  biometric?: { status: 'pending' | 'completed' | 'failed'; liveness?: number | null; faceMatch?: number | null };
  transfer?: { result: 'exact' | 'partial' | 'none'; txidOnOtherAccount: boolean };
}

/** What the evidence rows say, in the shape the risk rules read. */
export function evidenceChecks(db: DbOrTx, caseId: number): EvidenceChecks {
  const out: EvidenceChecks = {};
  for (const row of db.select().from(caseEvidence).where(eq(caseEvidence.caseId, caseId)).all()) {
    const checked = row.checked ? (JSON.parse(row.checked) as Record<string, any>) : {};
    if (row.method === 'security_questions') out.questions = { matched: checked.bestMatched ?? 0, total: checked.total ?? 3 };
    if (row.method === 'transfer_record') out.transfer = { result: checked.result ?? 'none', txidOnOtherAccount: Boolean(checked.txidOnOtherAccount) };
  }
  const session = db.select().from(biometricSessions).where(eq(biometricSessions.caseId, caseId)).all().at(-1);
  if (session) out.biometric = { status: session.status, liveness: session.liveness, faceMatch: session.faceMatch };
  return out;
}

function seenBefore(db: DbOrTx, userId: number, kind: 'ip' | 'device', value: string | null, before: Date): boolean | null {
  if (!value) return null;
  const row = db.select({ firstSeenAt: userSightings.firstSeenAt }).from(userSightings).where(and(eq(userSightings.userId, userId), eq(userSightings.kind, kind), eq(userSightings.value, value))).get();
  return row ? row.firstSeenAt < before : false;
}

/** Gathers the signals of one case (its evidence, its account, its history, other accounts' cases). */
export function gatherRiskInputs(db: DbOrTx, c: CaseRow, now: Date): RiskInputs {
  const user = db.select().from(users).where(eq(users.id, c.userId)).get()!;
  const since = new Date(now.getTime() - 30 * DAY);
  const others = (column: typeof cases.requestIp | typeof cases.deviceId, value: string | null) =>
    value ? (db.select({ n: countDistinct(cases.userId) }).from(cases).where(and(eq(column, value), ne(cases.userId, c.userId), gte(cases.createdAt, since))).get()?.n ?? 0) : 0;
  // A txid of this account's own deposit that others reuse is not evidence against the owner.
  const ownTxids = new Set(db.select({ txid: deposits.txid }).from(deposits).where(eq(deposits.userId, c.userId)).all().map((d) => d.txid.toLowerCase()));
  const txids = db.select({ txid: caseEvidence.txid }).from(caseEvidence).where(eq(caseEvidence.caseId, c.id)).all().map((r) => r.txid).filter((t): t is string => Boolean(t) && !ownTxids.has(t!));
  const sameTxid = txids.length
    ? (db.select({ n: countDistinct(cases.userId) }).from(caseEvidence).innerJoin(cases, eq(cases.id, caseEvidence.caseId)).where(and(inArray(caseEvidence.txid, txids), ne(cases.userId, c.userId))).get()?.n ?? 0)
    : 0;
  return {
    now,
    account: { createdAt: user.createdAt, valueTier: user.valueTier, passwordChangedAt: user.passwordChangedAt, emailChangedAt: user.emailChangedAt, frozen: user.status === 'frozen' },
    evidence: evidenceChecks(db, c.id),
    request: { ipSeenBefore: seenBefore(db, c.userId, 'ip', c.requestIp, c.createdAt), deviceSeenBefore: seenBefore(db, c.userId, 'device', c.deviceId, c.createdAt) },
    history: {
      rejectedCases: db.select({ n: count() }).from(cases).where(and(eq(cases.userId, c.userId), eq(cases.status, 'rejected'), ne(cases.id, c.id))).get()?.n ?? 0,
      recentCases: db.select({ n: count() }).from(cases).where(and(eq(cases.userId, c.userId), ne(cases.id, c.id), gte(cases.createdAt, since), inArray(cases.status, ['submitted', 'in_review', 'info_requested', 'escalated', 'awaiting_second_approval', 'approved', 'completed', 'rejected', 'cancelled', 'expired']))).get()?.n ?? 0,
    },
    crossCase: { sameIpOtherAccounts: others(cases.requestIp, c.requestIp), sameDeviceOtherAccounts: others(cases.deviceId, c.deviceId), sameTxidOtherAccounts: sameTxid },
  };
}

/**
 * Scores the case and stores score, band and signals. The SLA deadline is set
 * from the band when the case enters the queue (`setSla`), and kept otherwise.
 */
export function assessCase(tx: DbOrTx, deps: Deps, c: CaseRow, options: { setSla: boolean }): CaseRow {
  const now = deps.clock();
  const risk = assessRisk(gatherRiskInputs(tx, c, now));
  // A new assessment is a new version: a reviewer who decided on the old one gets a 409.
  const set: Partial<CaseRow> = { riskScore: risk.score, riskBand: risk.band, riskSignals: JSON.stringify(risk.signals), version: c.version + 1, updatedAt: now };
  if (options.setSla) set.slaDueAt = new Date(now.getTime() + deps.config.slaMs[risk.band]);
  return tx.update(cases).set(set).where(eq(cases.id, c.id)).returning().get()!;
}
