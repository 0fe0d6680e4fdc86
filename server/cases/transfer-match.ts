/**
 * Matching a user's transfer record against the deposit ledger (pure). On-chain
 * records are public, so a match is evidence for the reviewer, not proof.
 */
export interface TransferRecord {
  platform: string;
  asset: string;
  network: string;
  amount: string;
  txid: string;
  time: string; // ISO-8601
}

export interface LedgerRow {
  id: number;
  userId: number | null;
  asset: string;
  network: string;
  amount: string;
  txid: string;
  platform: string;
  creditedAt: Date;
}

export type MatchResult = { result: 'exact' | 'partial' | 'none'; ledgerRowId: number | null; differs: string[]; txidOnOtherAccount: boolean };

const TIME_TOLERANCE_MS = 24 * 3_600_000;

/** Decimal strings compared exactly ("250" = "250.00"), without floating point. */
export function sameAmount(a: string, b: string): boolean {
  const norm = (s: string) => {
    const [int = '0', frac = ''] = s.trim().replace(/^\+/, '').split('.');
    return `${int.replace(/^0+(?=\d)/, '')}.${frac.replace(/0+$/, '')}`;
  };
  return /^\+?\d+(\.\d+)?$/.test(a.trim()) && /^\+?\d+(\.\d+)?$/.test(b.trim()) && norm(a) === norm(b);
}

const eqi = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function differences(record: TransferRecord, row: LedgerRow): string[] {
  const out: string[] = [];
  if (!eqi(record.txid, row.txid)) out.push('txid');
  if (!eqi(record.asset, row.asset)) out.push('asset');
  if (!eqi(record.network, row.network)) out.push('network');
  if (!sameAmount(record.amount, row.amount)) out.push('amount');
  if (!eqi(record.platform, row.platform)) out.push('platform');
  const t = Date.parse(record.time);
  if (Number.isNaN(t) || Math.abs(t - row.creditedAt.getTime()) > TIME_TOLERANCE_MS) out.push('time');
  return out;
}

/**
 * `ownRows`: the account's deposits; `txidRows`: every ledger row with the
 * record's txid (any account). Exact: the txid is the account's and every
 * field agrees. Partial: the txid is the account's but fields differ, or
 * another of its deposits agrees on asset, network and amount. None otherwise.
 */
export function matchTransfer(record: TransferRecord, userId: number, ownRows: LedgerRow[], txidRows: LedgerRow[]): MatchResult {
  const txidOnOtherAccount = txidRows.some((r) => r.userId !== userId);
  const byTxid = txidRows.find((r) => r.userId === userId);
  if (byTxid) {
    const differs = differences(record, byTxid);
    return { result: differs.length === 0 ? 'exact' : 'partial', ledgerRowId: byTxid.id, differs, txidOnOtherAccount };
  }
  const similar = ownRows
    .filter((r) => eqi(r.asset, record.asset) && eqi(r.network, record.network) && sameAmount(r.amount, record.amount))
    .map((r) => ({ r, differs: differences(record, r) }))
    .sort((a, b) => a.differs.length - b.differs.length)[0];
  if (similar) return { result: 'partial', ledgerRowId: similar.r.id, differs: similar.differs, txidOnOtherAccount };
  return { result: 'none', ledgerRowId: null, differs: [], txidOnOtherAccount };
}
