import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { and, eq } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { deposits, users } from '../../db/schema/index.ts';
import { recordAuditEvent } from '../audit/audit-log.ts';
import { AppError } from '../errors.ts';

export const LEDGER_HEADER = ['email', 'asset', 'network', 'amount', 'txid', 'platform', 'credited_at'] as const;

export interface ImportReport {
  rows: number;
  imported: number;
  duplicates: number;
  unknownAccounts: number;
  errors: { line: number; message: string }[];
}

/**
 * Imports the exchange's deposit ledger (CSV with the header
 * email,asset,network,amount,txid,platform,credited_at; ISO-8601 times).
 * All or nothing: any invalid row and nothing is written. Re-importing the same
 * file adds nothing (a row is a duplicate when txid, email, asset and amount
 * are already there). Rows for unknown emails are kept (the account may be
 * created later) and counted.
 */
export async function importDepositLedger(deps: Deps, file: string): Promise<ImportReport> {
  let records: Record<string, string>[];
  try {
    records = parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  } catch (err) {
    throw new AppError('validation_failed', `Cannot read ${file} as CSV: ${(err as Error).message}`);
  }
  const header = records.length ? Object.keys(records[0]!) : [];
  if (records.length && LEDGER_HEADER.some((h) => !header.includes(h))) {
    throw new AppError('validation_failed', `The header must be ${LEDGER_HEADER.join(',')} (got ${header.join(',')})`);
  }
  const report: ImportReport = { rows: records.length, imported: 0, duplicates: 0, unknownAccounts: 0, errors: [] };
  const valid: (typeof deposits.$inferInsert)[] = [];
  const now = deps.clock();
  records.forEach((r, i) => {
    const line = i + 2; // the header is line 1
    const problems: string[] = [];
    const email = (r.email ?? '').toLowerCase();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) problems.push('email is not an address');
    if (!/^\d+(\.\d+)?$/.test(r.amount ?? '')) problems.push('amount is not a decimal');
    if (!r.asset || !r.network || !r.platform) problems.push('asset, network and platform are required');
    if (!/^[A-Za-z0-9:_-]{8,200}$/.test(r.txid ?? '')) problems.push('txid is not a transaction id');
    const credited = new Date(r.credited_at ?? '');
    if (!/^\d{4}-\d{2}-\d{2}T/.test(r.credited_at ?? '') || Number.isNaN(credited.getTime())) problems.push('credited_at is not an ISO-8601 time');
    if (problems.length) {
      report.errors.push({ line, message: problems.join('; ') });
      return;
    }
    valid.push({ email, asset: r.asset!.toUpperCase(), network: r.network!, amount: r.amount!, txid: r.txid!.toLowerCase(), platform: r.platform!, creditedAt: credited, importedAt: now });
  });
  if (report.errors.length) return report;
  await deps.db.transaction(async (tx) => {
    const userIds = new Map<string, number | null>();
    for (const row of valid) {
      if (!userIds.has(row.email)) userIds.set(row.email, (await tx.select({ id: users.id }).from(users).where(eq(users.email, row.email)).limit(1))[0]?.id ?? null);
      const userId = userIds.get(row.email)!;
      if (userId === null) report.unknownAccounts++;
      const existing = (await tx.select({ id: deposits.id }).from(deposits).where(and(eq(deposits.txid, row.txid), eq(deposits.email, row.email), eq(deposits.asset, row.asset), eq(deposits.amount, row.amount))).limit(1))[0];
      if (existing) {
        report.duplicates++;
        continue;
      }
      await tx.insert(deposits).values({ ...row, userId });
      report.imported++;
    }
    await recordAuditEvent(tx, now, { actor: { type: 'system', label: 'operator cli' }, action: 'deposits.import', details: { file: file.split('/').pop(), rows: report.rows, imported: report.imported, duplicates: report.duplicates, unknownAccounts: report.unknownAccounts } });
  });
  return report;
}
