import { describe, expect, it } from 'vitest';
import { assessRisk, type RiskInputs } from '../../server/cases/risk.ts';
import { matchTransfer, sameAmount, type LedgerRow } from '../../server/cases/transfer-match.ts';
import { decide, type CaseFacts } from '../../server/cases/case-rules.ts';

const now = new Date('2026-11-26T09:00:00Z');
const DAY = 86_400_000;
const base = (over: Partial<RiskInputs> = {}): RiskInputs => ({
  now,
  account: { createdAt: new Date(now.getTime() - 1460 * DAY), valueTier: 'active', passwordChangedAt: null, emailChangedAt: null, frozen: false },
  evidence: {},
  request: { ipSeenBefore: true, deviceSeenBefore: true },
  history: { rejectedCases: 0, recentCases: 0 },
  crossCase: { sameIpOtherAccounts: 0, sameDeviceOtherAccounts: 0, sameTxidOtherAccounts: 0 },
  ...over,
});

describe('risk score (the demo story as fixed inputs)', () => {
  it('Alice: 4-year customer, usual IP, answers 3/3 and an exact transfer → low', () => {
    const r = assessRisk(base({ evidence: { questions: { matched: 3, total: 3 }, transfer: { result: 'exact', txidOnOtherAccount: false } } }));
    expect(r.band).toBe('low');
    expect(r.signals.map((s) => s.signal)).toEqual(['base', 'answers_all_matched', 'transfer_exact', 'established_account', 'value_tier']);
    expect(r.score).toBe(r.signals.reduce((a, s) => a + s.weight, 0));
  });

  it('Bruno: a biometric pass → low', () => {
    expect(
      assessRisk(
        base({
          account: { ...base().account, valueTier: 'retail', createdAt: new Date(now.getTime() - 820 * DAY) },
          evidence: { biometric: { status: 'completed', liveness: 0.98, faceMatch: 0.94 } },
        }),
      ).band,
    ).toBe('low');
  });

  it('Chen: VIP, password changed two days ago, answers only → high', () => {
    const r = assessRisk(
      base({
        account: { ...base().account, valueTier: 'vip', passwordChangedAt: new Date(now.getTime() - 2 * DAY) },
        evidence: { questions: { matched: 3, total: 3 } },
      }),
    );
    expect(r.band).toBe('high');
    expect(r.signals.find((s) => s.signal === 'recent_password_change')?.weight).toBe(20);
  });

  it('answers alone never make a case low risk', () => {
    const r = assessRisk(base({ account: { ...base().account, valueTier: 'retail' }, evidence: { questions: { matched: 3, total: 3 } } }));
    expect(r.band).not.toBe('low');
  });

  it('Eve: answers 1/3, another account’s txid, new IP and device, cross-case hits → high, capped at 100', () => {
    const r = assessRisk(
      base({
        evidence: { questions: { matched: 1, total: 3 }, transfer: { result: 'none', txidOnOtherAccount: true } },
        request: { ipSeenBefore: false, deviceSeenBefore: false },
        crossCase: { sameIpOtherAccounts: 1, sameDeviceOtherAccounts: 1, sameTxidOtherAccounts: 1 },
      }),
    );
    expect(r.band).toBe('high');
    expect(r.score).toBe(100);
  });

  it('a failed biometric check weighs heavily', () => {
    expect(
      assessRisk(base({ evidence: { biometric: { status: 'completed', liveness: 0.41, faceMatch: 0.3 } } })).signals.find(
        (s) => s.signal === 'biometric_failed',
      )?.weight,
    ).toBe(35);
  });
});

describe('transfer record matching', () => {
  const row = (over: Partial<LedgerRow> = {}): LedgerRow => ({
    id: 1,
    userId: 7,
    asset: 'USDT',
    network: 'TRC20',
    amount: '250.00',
    txid: 'abc123def456',
    platform: 'Kraken',
    creditedAt: new Date('2026-11-20T10:00:00Z'),
    ...over,
  });
  const record = { platform: 'kraken', asset: 'usdt', network: 'TRC20', amount: '250', txid: 'ABC123DEF456', time: '2026-11-20T09:30:00Z' };

  it('is exact when the txid is the account’s and every field agrees (case and trailing zeros aside)', async () => {
    expect(matchTransfer(record, 7, [await row()], [await row()])).toEqual({ result: 'exact', ledgerRowId: 1, differs: [], txidOnOtherAccount: false });
  });
  it('is partial, naming the differing fields', async () => {
    expect(matchTransfer({ ...record, amount: '249.99', time: '2026-11-25T00:00:00Z' }, 7, [await row()], [await row()])).toMatchObject({
      result: 'partial',
      differs: ['amount', 'time'],
    });
  });
  it('is partial when another deposit agrees on asset, network and amount', async () => {
    expect(matchTransfer({ ...record, txid: 'ffff0000ffff' }, 7, [await row()], [])).toMatchObject({ result: 'partial', differs: ['txid'] });
  });
  it('is none for a txid of another account, and says so', async () => {
    expect(matchTransfer(record, 8, [], [await row()])).toEqual({ result: 'none', ledgerRowId: null, differs: [], txidOnOtherAccount: true });
  });
  it('compares decimal amounts exactly', () => {
    expect(sameAmount('250', '250.000')).toBe(true);
    expect(sameAmount('0.10', '.1')).toBe(false);
    expect(sameAmount('1e2', '100')).toBe(false);
    expect(sameAmount('0100.5', '100.50')).toBe(true);
  });
});

describe('case rules', () => {
  const facts = (over: Partial<CaseFacts> = {}): CaseFacts => ({
    status: 'in_review',
    userId: 1,
    riskBand: 'low',
    assigneeId: 10,
    lastActivityAt: now,
    firstApproverId: null,
    ...over,
  });
  const agent = { staffId: 10, role: 'agent' as const, userId: null };
  it('sends a high-risk approval to a second approver', () => {
    expect(decide('approve', facts({ riskBand: 'high' }), agent, now, 30 * 60_000)).toEqual({ ok: true, next: 'awaiting_second_approval' });
  });
  it('refuses a decision on a lapsed claim', () => {
    expect(decide('approve', facts({ lastActivityAt: new Date(now.getTime() - 31 * 60_000) }), agent, now, 30 * 60_000)).toMatchObject({
      ok: false,
      code: 'claim_expired',
    });
  });
  it('refuses auditors and admins', () => {
    expect(decide('claim', facts({ status: 'submitted' }), { staffId: 3, role: 'auditor', userId: null }, now, 1)).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
  });
});
