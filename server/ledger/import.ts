import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { inArray, sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { deposits, users } from '../../db/schema/index.ts';
import { recordAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import { AppError } from '../errors.ts';

export const LEDGER_HEADER = ['email', 'asset', 'network', 'amount', 'txid', 'platform', 'credited_at'] as const;

export interface ImportReport {
  rows: number;
  imported: number;
  duplicates: number;
  unknownAccounts: number;
  errors: { line: number; message: string }[];
}

/** One ledger row as it arrives (CSV cells or JSON strings), before validation. */
export interface IncomingDeposit {
  email?: string;
  asset?: string;
  network?: string;
  amount?: string;
  txid?: string;
  platform?: string;
  creditedAt?: string;
}

export interface IngestReport {
  rows: number;
  inserted: number;
  duplicates: number;
  unknownAccounts: number;
  rejected: number;
  /** `index` is the row's position in the batch, from 0. */
  errors: { index: number; message: string }[];
}

/**
 * Imports the exchange's deposit ledger (CSV with the header
 * email,asset,network,amount,txid,platform,credited_at; ISO-8601 times)
 * through ingestDeposits, the same path as POST /service/v1/deposits.
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
  const rows = records.map((r) => ({
    email: r.email,
    asset: r.asset,
    network: r.network,
    amount: r.amount,
    txid: r.txid,
    platform: r.platform,
    creditedAt: r.credited_at,
  }));
  const report = await ingestDeposits(deps, rows, { actor: { type: 'system', label: 'operator cli' }, source: 'csv', file: file.split('/').pop() });
  // The header is line 1.
  return {
    rows: report.rows,
    imported: report.inserted,
    duplicates: report.duplicates,
    unknownAccounts: report.unknownAccounts,
    errors: report.errors.map((e) => ({ line: e.index + 2, message: e.message })),
  };
}

/**
 * The one path ledger rows take into the deposits table (the CSV import and
 * the service API). All or nothing: any invalid row and nothing is written,
 * each bad row named. Idempotent on (platform, txid): a row already there
 * with the same account, asset, network and amount is a duplicate and adds
 * nothing; one that differs is rejected (a txid is one transfer). Rows for
 * unknown emails are kept (the account may be created later) and counted.
 */
export async function ingestDeposits(
  deps: Deps,
  incoming: IncomingDeposit[],
  origin: { actor: AuditActor; source: 'csv' | 'service_api'; file?: string; ip?: string | null; requestId?: string | null },
): Promise<IngestReport> {
  const report: IngestReport = { rows: incoming.length, inserted: 0, duplicates: 0, unknownAccounts: 0, rejected: 0, errors: [] };
  const valid: { index: number; row: typeof deposits.$inferInsert }[] = [];
  const now = deps.clock();
  incoming.forEach((r, index) => {
    const problems: string[] = [];
    const email = (r.email ?? '').trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) problems.push('email is not an address');
    if (!/^\d+(\.\d+)?$/.test(r.amount ?? '')) problems.push('amount is not a decimal');
    if (!r.asset?.trim() || !r.network?.trim() || !r.platform?.trim()) problems.push('asset, network and platform are required');
    if (!/^[A-Za-z0-9:_-]{8,200}$/.test(r.txid ?? '')) problems.push('txid is not a transaction id');
    const credited = new Date(r.creditedAt ?? '');
    if (!/^\d{4}-\d{2}-\d{2}T/.test(r.creditedAt ?? '') || Number.isNaN(credited.getTime()))
      problems.push(`${origin.source === 'csv' ? 'credited_at' : 'creditedAt'} is not an ISO-8601 time`);
    if (problems.length) {
      report.errors.push({ index, message: problems.join('; ') });
      return;
    }
    valid.push({
      index,
      row: {
        email,
        asset: r.asset!.trim().toUpperCase(),
        network: r.network!.trim(),
        amount: r.amount!,
        txid: r.txid!.toLowerCase(),
        platform: r.platform!.trim(),
        creditedAt: credited,
        importedAt: now,
      },
    });
  });
  // The same (platform, txid) twice in one batch with different contents is a contradiction too.
  const seen = new Map<string, typeof deposits.$inferInsert>();
  for (const { index, row } of valid) {
    const key = `${row.platform.toLowerCase()}\n${row.txid}`;
    const first = seen.get(key);
    if (first && !sameDeposit(first, row))
      report.errors.push({ index, message: 'another row of this batch has the same platform and txid with different details' });
    else if (!first) seen.set(key, row);
  }
  if (report.errors.length) return rejectAll(report);
  const rejected = new Error('rejected rows'); // thrown to roll the transaction back
  try {
    return await deps.db.transaction(async (tx) => {
      // Batches arriving at once on several instances take turns, so a row re-sent in both is inserted once.
      if (tx.engine === 'pg') await tx.rows(sql`SELECT pg_advisory_xact_lock(${DEPOSIT_INGEST_LOCK})`);
      // Set-wise reads and inserts: a batch of 1000 is a handful of statements, not thousands.
      const recorded = new Map<string, typeof deposits.$inferSelect>();
      for (const txids of chunks([...new Set(valid.map((v) => v.row.txid))], 500)) {
        for (const d of await tx.select().from(deposits).where(inArray(deposits.txid, txids))) recorded.set(`${d.platform.toLowerCase()}\n${d.txid}`, d);
      }
      const userIds = new Map<string, number>();
      for (const emails of chunks([...new Set(valid.map((v) => v.row.email))], 500)) {
        for (const u of await tx.select({ id: users.id, email: users.email }).from(users).where(inArray(users.email, emails))) userIds.set(u.email, u.id);
      }
      const fresh: (typeof deposits.$inferInsert)[] = [];
      const inBatch = new Set<string>();
      for (const { index, row } of valid) {
        const key = `${row.platform.toLowerCase()}\n${row.txid}`;
        const existing = recorded.get(key);
        if (existing) {
          if (sameDeposit(existing, row)) report.duplicates++;
          else report.errors.push({ index, message: 'a deposit with this platform and txid is already recorded with different details' });
          continue;
        }
        if (inBatch.has(key)) {
          report.duplicates++; // the same row twice in one batch
          continue;
        }
        inBatch.add(key);
        const userId = userIds.get(row.email) ?? null;
        if (userId === null) report.unknownAccounts++;
        fresh.push({ ...row, userId });
      }
      if (report.errors.length) throw rejected;
      for (const part of chunks(fresh, 200)) await tx.insert(deposits).values(part);
      report.inserted = fresh.length;
      await recordAuditEvent(tx, now, {
        actor: origin.actor,
        action: 'deposits.import',
        ip: origin.ip,
        requestId: origin.requestId,
        details: {
          source: origin.source,
          ...(origin.file ? { file: origin.file } : {}),
          rows: report.rows,
          imported: report.inserted,
          duplicates: report.duplicates,
          unknownAccounts: report.unknownAccounts,
        },
      });
      return report;
    });
  } catch (err) {
    if (err === rejected) return rejectAll(report);
    throw err;
  }
}

/** Postgres advisory lock id for deposit ingestion (any constant bigint; "dep-ingest" in ASCII). */
const DEPOSIT_INGEST_LOCK = 0x6465702d696e;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function sameDeposit(a: typeof deposits.$inferInsert, b: typeof deposits.$inferInsert): boolean {
  return a.email === b.email && a.asset === b.asset && a.network === b.network && a.amount === b.amount;
}

function rejectAll(report: IngestReport): IngestReport {
  report.rejected = report.errors.length;
  report.inserted = 0;
  report.duplicates = 0;
  report.unknownAccounts = 0;
  report.errors.sort((a, b) => a.index - b.index);
  return report;
}
