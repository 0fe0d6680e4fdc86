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
export async function evidenceChecks(db: DbOrTx, caseId: number): Promise<EvidenceChecks> {
  const out: EvidenceChecks = {};
  for (const row of await db.select().from(caseEvidence).where(eq(caseEvidence.caseId, caseId))) {
    const checked = row.checked ? (JSON.parse(row.checked) as Record<string, any>) : {};
    if (row.method === 'security_questions') out.questions = { matched: checked.bestMatched ?? 0, total: checked.total ?? 3 };
    if (row.method === 'transfer_record') out.transfer = { result: checked.result ?? 'none', txidOnOtherAccount: Boolean(checked.txidOnOtherAccount) };
  }
  const session = (await db.select().from(biometricSessions).where(eq(biometricSessions.caseId, caseId))).at(-1);
  if (session) out.biometric = { status: session.status, liveness: session.liveness, faceMatch: session.faceMatch };
  return out;
}

async function seenBefore(db: DbOrTx, userId: number, kind: 'ip' | 'device', value: string | null, before: Date): Promise<boolean | null> {
  if (!value) return null;
  const row = (
    await db
      .select({ firstSeenAt: userSightings.firstSeenAt })
      .from(userSightings)
      .where(and(eq(userSightings.userId, userId), eq(userSightings.kind, kind), eq(userSightings.value, value)))
      .limit(1)
  )[0];
  return row ? row.firstSeenAt < before : false;
}

/** Gathers the signals of one case (its evidence, its account, its history, other accounts' cases). */
export async function gatherRiskInputs(db: DbOrTx, c: CaseRow, now: Date): Promise<RiskInputs> {
  const user = (await db.select().from(users).where(eq(users.id, c.userId)).limit(1))[0]!;
  const since = new Date(now.getTime() - 30 * DAY);
  const others = async (column: typeof cases.requestIp | typeof cases.deviceId, value: string | null) =>
    value
      ? ((
          await db
            .select({ n: countDistinct(cases.userId) })
            .from(cases)
            .where(and(eq(column, value), ne(cases.userId, c.userId), gte(cases.createdAt, since)))
            .limit(1)
        )[0]?.n ?? 0)
      : 0;
  // A txid of this account's own deposit that others reuse is not evidence against the owner.
  const ownTxids = new Set((await db.select({ txid: deposits.txid }).from(deposits).where(eq(deposits.userId, c.userId))).map((d) => d.txid.toLowerCase()));
  const txids = (await db.select({ txid: caseEvidence.txid }).from(caseEvidence).where(eq(caseEvidence.caseId, c.id)))
    .map((r) => r.txid)
    .filter((t): t is string => Boolean(t) && !ownTxids.has(t!));
  const sameTxid = txids.length
    ? ((
        await db
          .select({ n: countDistinct(cases.userId) })
          .from(caseEvidence)
          .innerJoin(cases, eq(cases.id, caseEvidence.caseId))
          .where(and(inArray(caseEvidence.txid, txids), ne(cases.userId, c.userId)))
          .limit(1)
      )[0]?.n ?? 0)
    : 0;
  return {
    now,
    account: {
      createdAt: user.createdAt,
      valueTier: user.valueTier,
      passwordChangedAt: user.passwordChangedAt,
      emailChangedAt: user.emailChangedAt,
      frozen: user.status === 'frozen',
      kycLevel: user.kycLevel,
    },
    evidence: await evidenceChecks(db, c.id),
    request: {
      ipSeenBefore: await seenBefore(db, c.userId, 'ip', c.requestIp, c.createdAt),
      deviceSeenBefore: await seenBefore(db, c.userId, 'device', c.deviceId, c.createdAt),
    },
    history: {
      rejectedCases:
        (
          await db
            .select({ n: count() })
            .from(cases)
            .where(and(eq(cases.userId, c.userId), eq(cases.status, 'rejected'), ne(cases.id, c.id)))
            .limit(1)
        )[0]?.n ?? 0,
      recentCases:
        (
          await db
            .select({ n: count() })
            .from(cases)
            .where(
              and(
                eq(cases.userId, c.userId),
                ne(cases.id, c.id),
                gte(cases.createdAt, since),
                inArray(cases.status, [
                  'submitted',
                  'in_review',
                  'info_requested',
                  'escalated',
                  'awaiting_second_approval',
                  'approved',
                  'completed',
                  'rejected',
                  'cancelled',
                  'expired',
                ]),
              ),
            )
            .limit(1)
        )[0]?.n ?? 0,
    },
    crossCase: {
      sameIpOtherAccounts: await others(cases.requestIp, c.requestIp),
      sameDeviceOtherAccounts: await others(cases.deviceId, c.deviceId),
      sameTxidOtherAccounts: sameTxid,
    },
  };
}

/**
 * Scores the case and stores score, band and signals. The SLA deadline is set
 * from the band when the case enters the queue (`setSla`), and kept otherwise.
 */
export async function assessCase(tx: DbOrTx, deps: Deps, c: CaseRow, options: { setSla: boolean }): Promise<CaseRow> {
  const now = deps.clock();
  const risk = assessRisk(await gatherRiskInputs(tx, c, now));
  // A new assessment is a new version: a reviewer who decided on the old one gets a 409.
  const set: Partial<CaseRow> = {
    riskScore: risk.score,
    riskBand: risk.band,
    riskSignals: JSON.stringify(risk.signals),
    version: c.version + 1,
    updatedAt: now,
  };
  if (options.setSla) set.slaDueAt = new Date(now.getTime() + deps.config.slaMs[risk.band]);
  return (await tx.update(cases).set(set).where(eq(cases.id, c.id)).returning())[0]!;
}
