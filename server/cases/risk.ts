/**
 * The risk score: 0–100 from explainable signals, each with its weight, so an
 * agent sees why a case is high risk. Pure; the inputs are gathered by the
 * service. Knowledge-based answers are weak evidence (NIST SP 800-63A): alone
 * they never make a case low risk.
 */
export interface RiskInputs {
  now: Date;
  account: {
    createdAt: Date;
    valueTier: 'retail' | 'active' | 'vip' | 'institutional';
    passwordChangedAt: Date | null;
    emailChangedAt: Date | null;
    frozen: boolean;
    kycLevel?: number | null;
  };
  evidence: {
    questions?: { matched: number; total: number };
    biometric?: { status: 'pending' | 'completed' | 'failed'; liveness?: number | null; faceMatch?: number | null };
    transfer?: { result: 'exact' | 'partial' | 'none'; txidOnOtherAccount: boolean };
  };
  request: { ipSeenBefore: boolean | null; deviceSeenBefore: boolean | null };
  history: { rejectedCases: number; recentCases: number };
  crossCase: { sameIpOtherAccounts: number; sameDeviceOtherAccounts: number; sameTxidOtherAccounts: number };
}

export interface RiskSignal {
  signal: string;
  weight: number;
  detail: string;
}

export type RiskBand = 'low' | 'medium' | 'high';

export const BIOMETRIC_THRESHOLDS = { liveness: 0.9, faceMatch: 0.85 } as const;
const BASE = 50;
const DAY = 86_400_000;

export function biometricPassed(b: { liveness?: number | null; faceMatch?: number | null }): boolean {
  return (b.liveness ?? 0) >= BIOMETRIC_THRESHOLDS.liveness && (b.faceMatch ?? 0) >= BIOMETRIC_THRESHOLDS.faceMatch;
}

export function bandOf(score: number): RiskBand {
  return score < 35 ? 'low' : score < 65 ? 'medium' : 'high';
}

export function assessRisk(input: RiskInputs): { score: number; band: RiskBand; signals: RiskSignal[] } {
  const signals: RiskSignal[] = [{ signal: 'base', weight: BASE, detail: 'starting point of every case' }];
  const add = (signal: string, weight: number, detail: string) => signals.push({ signal, weight, detail });
  const { evidence: e } = input;

  if (e.questions) {
    const { matched, total } = e.questions;
    if (matched === total) add('answers_all_matched', -10, `security answers ${matched}/${total} (weak evidence)`);
    else if (matched >= total - 1) add('answers_mostly_matched', -3, `security answers ${matched}/${total}`);
    else add('answers_failed', 15, `security answers ${matched}/${total}`);
  }
  if (e.biometric) {
    if (e.biometric.status === 'pending') add('biometric_pending', 5, 'biometric result not received yet');
    else if (biometricPassed(e.biometric))
      add(
        'biometric_passed',
        -30,
        `liveness ${e.biometric.liveness} ≥ ${BIOMETRIC_THRESHOLDS.liveness}, face match ${e.biometric.faceMatch} ≥ ${BIOMETRIC_THRESHOLDS.faceMatch}`,
      );
    else add('biometric_failed', 35, `liveness ${e.biometric.liveness ?? '–'}, face match ${e.biometric.faceMatch ?? '–'} below thresholds`);
  }
  if (e.transfer) {
    if (e.transfer.result === 'exact') add('transfer_exact', -20, 'transfer record matches the deposit ledger exactly');
    else if (e.transfer.result === 'partial') add('transfer_partial', -5, 'transfer record matches the ledger in part');
    else add('transfer_none', 10, 'transfer record not found in the ledger');
    if (e.transfer.txidOnOtherAccount) add('txid_other_account', 30, 'the transaction id belongs to a deposit of another account');
  }
  const strong = (e.biometric && e.biometric.status !== 'pending' && biometricPassed(e.biometric)) || e.transfer?.result === 'exact';
  if (e.questions && !e.biometric && !e.transfer) add('knowledge_only', 10, 'only knowledge-based answers: never low risk on their own');
  else if (!strong) add('no_strong_evidence', 5, 'no biometric pass and no exact transfer match');

  const ageDays = Math.floor((input.now.getTime() - input.account.createdAt.getTime()) / DAY);
  if (ageDays < 30) add('new_account', 15, `account is ${ageDays} days old`);
  else if (ageDays < 180) add('young_account', 5, `account is ${ageDays} days old`);
  else if (ageDays > 730) add('established_account', -5, `account is ${Math.floor(ageDays / 365)} years old`);

  const tierWeight = { retail: 0, active: 3, vip: 10, institutional: 15 }[input.account.valueTier];
  if (tierWeight) add('value_tier', tierWeight, `${input.account.valueTier} account: a valuable target`);

  const since = (d: Date | null) => (d ? (input.now.getTime() - d.getTime()) / DAY : Infinity);
  if (since(input.account.passwordChangedAt) <= 7)
    add('recent_password_change', 20, `password changed ${Math.ceil(since(input.account.passwordChangedAt))} day(s) ago`);
  if (since(input.account.emailChangedAt) <= 30) add('recent_email_change', 20, `email changed ${Math.ceil(since(input.account.emailChangedAt))} day(s) ago`);
  // The exchange's KYC level (PUT /service/v1/users): 0 means nobody was ever verified, so no selfie stands behind the account.
  if (input.account.kycLevel === 0) add('no_kyc', 10, 'the exchange reports no completed KYC on this account');
  if (input.account.frozen) add('account_frozen', 10, 'the owner froze the account ("this wasn\'t me")');

  if (input.request.ipSeenBefore === false) add('new_ip', 10, 'request IP never seen on this account');
  if (input.request.deviceSeenBefore === false) add('new_device', 10, 'request device never seen on this account');

  if (input.history.rejectedCases > 0)
    add('earlier_rejections', Math.min(30, 15 * input.history.rejectedCases), `${input.history.rejectedCases} earlier rejected case(s)`);
  if (input.history.recentCases > 0) add('recent_cases', 5, `${input.history.recentCases} other case(s) in the last 30 days`);

  const x = input.crossCase;
  if (x.sameIpOtherAccounts > 0) add('ip_on_other_accounts', 25, `the same IP filed cases for ${x.sameIpOtherAccounts} other account(s)`);
  if (x.sameDeviceOtherAccounts > 0) add('device_on_other_accounts', 25, `the same device filed cases for ${x.sameDeviceOtherAccounts} other account(s)`);
  if (x.sameTxidOtherAccounts > 0) add('txid_on_other_cases', 30, `the same transaction id appears on cases of ${x.sameTxidOtherAccounts} other account(s)`);

  const raw = signals.reduce((sum, s) => sum + s.weight, 0);
  const score = Math.max(0, Math.min(100, raw));
  let band = bandOf(score);
  if (band === 'low' && e.questions && !strong) band = 'medium'; // answers alone are never enough for low
  return { score, band, signals };
}
