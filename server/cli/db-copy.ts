import { asc, getTableColumns, sql } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { DatabaseHandle } from '../../db/client.ts';
import * as schema from '../../db/schema/index.ts';
import { verifyAuditChain, type ChainVerdict } from '../audit/audit-log.ts';
import { AppError } from '../errors.ts';

const BATCH = 500;

/** Every table of db/schema, parents before children (foreign keys). */
function tablesInCopyOrder(): SQLiteTable[] {
  const tables = (Object.values(schema) as unknown[]).filter((t): t is SQLiteTable => t instanceof SQLiteTable);
  const name = (t: SQLiteTable) => getTableConfig(t).name;
  const ordered: SQLiteTable[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const before = ordered.length;
    for (const table of tables) {
      if (placed.has(name(table))) continue;
      const parents = getTableConfig(table).foreignKeys.map((fk) => getTableConfig(fk.reference().foreignTable as SQLiteTable).name).filter((p) => p !== name(table));
      if (parents.every((p) => placed.has(p))) {
        ordered.push(table);
        placed.add(name(table));
      }
    }
    if (ordered.length === before) throw new Error('db copy: foreign keys form a cycle');
  }
  return ordered;
}

// Rows that PostgreSQL's migrations put in a new database (seeds and derived
// counters); the copy replaces the seeds with the source's rows, and the
// counters are rebuilt in bulk from the copied cases.
const SEEDED = ['reason_codes', 'audit_head'];
const DERIVED = ['case_counts', 'case_sla_bounds', 'case_list_version'];

export interface CopyReport {
  from: string;
  to: string;
  tables: Record<string, number>;
  audit: ChainVerdict;
  ms: number;
}

/**
 * Copies a SQLite deployment into an empty PostgreSQL database (migrated
 * first), in one transaction: all or nothing. Ids are kept (identity columns
 * are BY DEFAULT) and the sequences moved past them; the audit chain is then
 * verified on PostgreSQL.
 */
export async function copyDatabase(source: DatabaseHandle, target: DatabaseHandle, onTable?: (table: string, rows: number) => void): Promise<CopyReport> {
  if (source.engine !== 'sqlite') throw new AppError('validation_failed', 'db copy moves a SQLite deployment: run it with DATABASE_PATH set and DATABASE_URL unset.');
  if (target.engine !== 'pg') throw new AppError('validation_failed', '--to must be a postgres:// URL.');
  const started = performance.now();
  const tables = tablesInCopyOrder();
  for (const table of tables) {
    const name = getTableConfig(table).name;
    if (SEEDED.includes(name)) continue;
    const [row] = await target.db.rows<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql.identifier(name)}`);
    if (Number(row!.n) > 0) throw new AppError('conflict', `The target database is not empty (${name} has rows): db copy only fills a new, empty database.`);
  }
  const counts: Record<string, number> = {};
  await target.db.transaction(async (tx) => {
    for (const name of SEEDED) await tx.exec(sql`DELETE FROM ${sql.identifier(name)}`);
    // The queue counters are built once at the end rather than by a trigger per
    // copied case (one counter row updated thousands of times in one
    // transaction is quadratic on PostgreSQL).
    await tx.exec(sql`ALTER TABLE cases DISABLE TRIGGER USER`);
    for (const table of tables) {
      const config = getTableConfig(table);
      const columns = getTableColumns(table);
      const pk = Object.values(columns).find((c) => c.primary);
      let copied = 0;
      // Keyset pages on the primary key (every table has a single-column one).
      let after: unknown = undefined;
      for (;;) {
        const page: Record<string, unknown>[] = await source.db
          .select()
          .from(table)
          .where(after === undefined ? undefined : sql`${pk!} > ${after}`)
          .orderBy(asc(pk!))
          .limit(BATCH);
        if (page.length === 0) break;
        await tx.insert(table).values(page as never);
        copied += page.length;
        const pkKey = Object.entries(columns).find(([, c]) => c === pk)![0];
        after = page[page.length - 1]![pkKey];
        after = after instanceof Date ? after.getTime() : after;
        if (page.length < BATCH) break;
      }
      counts[config.name] = copied;
      onTable?.(config.name, copied);
      const identity = await tx.rows<{ seq: string | null }>(sql`SELECT pg_get_serial_sequence(${config.name}, ${pk!.name}) AS seq`);
      if (identity[0]?.seq) await tx.exec(sql`SELECT setval(${identity[0].seq}, greatest((SELECT max(${sql.identifier(pk!.name)}) FROM ${sql.identifier(config.name)}), 1))`);
    }
    await tx.exec(sql`INSERT INTO case_counts (status, risk_band, assignee_id, methods, n)
      SELECT status, coalesce(risk_band, ''), coalesce(assignee_id, 0), methods, count(*) FROM cases GROUP BY 1, 2, 3, 4`);
    await tx.exec(sql`UPDATE case_sla_bounds SET
      created_min = b.cmin, created_max = b.cmax, submitted_min = b.smin, submitted_max = b.smax, submitted_unbounded = b.unb, risk_missing = b.rm
      FROM (SELECT min(sla_due_at - created_at) AS cmin, max(sla_due_at - created_at) AS cmax, min(sla_due_at - submitted_at) AS smin, max(sla_due_at - submitted_at) AS smax,
                   coalesce(max(CASE WHEN submitted_at IS NULL THEN 1 ELSE 0 END), 0) AS unb, coalesce(max(CASE WHEN risk_score IS NULL THEN 1 ELSE 0 END), 0) AS rm
            FROM cases WHERE sla_due_at IS NOT NULL) b WHERE case_sla_bounds.id = 1`);
    await tx.exec(sql`ALTER TABLE cases ENABLE TRIGGER USER`);
    // The counters built here must equal the source's (kept by its triggers).
    const [liteCells] = await source.db.rows<{ n: number; c: number }>(sql`SELECT coalesce(sum(n), 0) AS n, count(*) AS c FROM case_counts WHERE n > 0`);
    const [pgCells] = await tx.rows<{ n: number; c: number }>(sql`SELECT coalesce(sum(n), 0) AS n, count(*) AS c FROM case_counts WHERE n > 0`);
    if (Number(liteCells!.n) !== Number(pgCells!.n) || Number(liteCells!.c) !== Number(pgCells!.c)) throw new Error('db copy: the queue counters on PostgreSQL do not match the source');
    for (const name of DERIVED) counts[name] = Number((await tx.rows<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql.identifier(name)}`))[0]!.n);
  });
  const audit = await verifyAuditChain(target.db);
  return { from: source.name, to: target.name, tables: counts, audit, ms: Math.round(performance.now() - started) };
}
