import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.ts';
import type { ListQuery } from '../platform/list-query.ts';
import { queueStatuses } from './case-rules.ts';
import {
  caseWhere,
  compareKeys,
  type Key,
  listColumns,
  parseCaseFilter,
  rawListView,
  type CaseFilterSpec,
  type CaseListResult,
  type CaseSortField,
  type ListCasesOptions,
  type RawCase,
} from './queue.ts';

/*
 * The queue on PostgreSQL. What SQLite's queue.ts hand-plans, PostgreSQL's
 * planner does with plain composite indexes (migrations-pg 0002, 0007, 0008:
 * one per sort, led by the status, the band or the assignee): no INDEXED BY,
 * and timestamps are formatted by Date. What stays from the SQLite design:
 *   - case_counts: a total for a filter on status, band, method and assignee
 *     only (almost every desk view) is a sum over that small table; other
 *     filters (SLA times, email prefix, ids, one user) count exactly up to
 *     pgQueueTuning.exactBudget matches and past that take the planner's row
 *     estimate, flagged (X-Total-Is-Estimate), as SQLite estimates them;
 *   - one ordered arm per (status, band) cell when a filter names several,
 *     merged (the planner cannot read several ranges of an index in order);
 *   - deep pages: from pgQueueTuning.deferredJoinFrom on, a page finds its ids
 *     on keys first; for lists that do not depend on the clock, the keys of
 *     every stride-th row are remembered while case_list_version stays the
 *     same (anchoredPage), so offset 100 000 seeks instead of skipping.
 */

/** Knobs of the PostgreSQL queue (tests turn them down to reach every branch on a small table). */
export const pgQueueTuning = {
  /** From this offset on, a page first finds its ids on keys only, then reads those rows. */
  deferredJoinFrom: 1_000,
  /** Up to this many matching cases a total that case_counts cannot give is counted exactly (index-only, ~1 ms). */
  exactBudget: 2000,
  estimateTtlMs: 30_000,
  /** Deep pages of lists that do not depend on the clock remember the keys of every stride-th row. */
  stride: 500,
  /** At most this many anchors per list (offsets up to stride × maxAnchors seek; deeper ones skip from the last). */
  maxAnchors: 4000,
  /** Lists whose anchors are remembered, per process (least recently used dropped first). */
  anchorLists: 64,
  /** How long anchors of a list on the clock (slaBreached) are shifted by the cases that fell due since, rather than read again. */
  clockReuseMs: 120_000,
  /** …as long as at most this many fell due meanwhile. */
  clockMovedLimit: 5_000,
};

/** `a, b DESC` → `c.a, c.b DESC` (column lists and ORDER BY items of cases). */
const prefixed = (alias: string, list: string) =>
  list
    .split(',')
    .map((item) => `${alias}.${item.trim()}`)
    .join(', ');

/** The filter uses only what case_counts knows. */
function countable(spec: CaseFilterSpec): boolean {
  return !spec.ids && spec.userId === undefined && spec.sla.length === 0 && !spec.qPrefix;
}

function countedTotal(spec: CaseFilterSpec): SQL {
  const conditions: SQL[] = [sql`n > 0`];
  if (spec.statuses)
    conditions.push(
      sql`status IN (${sql.join(
        spec.statuses.map((s) => sql`${s}`),
        sql`, `,
      )})`,
    );
  if (spec.bands)
    conditions.push(
      sql`risk_band IN (${sql.join(
        spec.bands.map((b) => sql`${b}`),
        sql`, `,
      )})`,
    );
  if (spec.method) conditions.push(sql`strpos(methods, ${spec.method}) > 0`);
  if (spec.assignee !== undefined) conditions.push(sql`assignee_id = ${spec.assignee === 'none' ? 0 : spec.assignee}`);
  return sql`SELECT coalesce(sum(n), 0) AS n FROM case_counts WHERE ${sql.join(conditions, sql` AND `)}`;
}

/** case_sla_bounds: how far SLA due times have ever lain from creation and submission (trigger-kept; the bounds only widen). */
interface SlaBounds {
  created_min: number | string | null;
  created_max: number | string | null;
  submitted_min: number | string | null;
  submitted_max: number | string | null;
  submitted_unbounded: number | string;
}

async function slaBounds(db: Db, spec: CaseFilterSpec): Promise<SlaBounds | undefined> {
  if (spec.sla.length === 0) return undefined;
  return (
    await db.rows<SlaBounds>(sql`SELECT created_min, created_max, submitted_min, submitted_max, submitted_unbounded FROM case_sla_bounds WHERE id = 1`)
  )[0];
}

/**
 * An SLA window also bounds created_at and submitted_at (by case_sla_bounds)
 * and gives ids a floor (the first case created since the earliest possible
 * creation), so a list sorted by one of those starts its ordered scan at the
 * window instead of walking every older case past the filter (the planner
 * assumes matches are spread evenly; SLA windows select the newest cases:
 * 2–4.6 s at 10M). Implied by the filter: no result changes.
 */
function slaImplied(spec: CaseFilterSpec, b: SlaBounds | undefined, sortColumn: string): SQL[] {
  if (!b) return [];
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  const from = Math.max(...spec.sla.filter((c) => c.op === '>=').map((c) => c.at));
  const to = Math.min(...spec.sla.filter((c) => c.op !== '>=').map((c) => c.at));
  const out: SQL[] = [];
  for (const [column, min, max] of [
    ['created_at', num(b.created_min), num(b.created_max)],
    ['submitted_at', Number(b.submitted_unbounded) ? null : num(b.submitted_min), Number(b.submitted_unbounded) ? null : num(b.submitted_max)],
  ] as const) {
    if (min === null || max === null) continue;
    if (Number.isFinite(from)) out.push(sql`${sql.raw(column)} >= ${from - max}`);
    if (Number.isFinite(to)) out.push(sql`${sql.raw(column)} <= ${to - min}`);
  }
  // The id floor only for lists sorted by id, where it is the scan's start. OFFSET 0 keeps the planner
  // from turning min(id) into a walk up the primary key filtered on created_at (millions of rows): it
  // reads the creation range on its own index instead.
  const createdMax = num(b.created_max);
  if (sortColumn === 'id' && Number.isFinite(from) && createdMax !== null)
    out.push(sql`id >= (SELECT coalesce(min(id), 0) FROM (SELECT id FROM cases WHERE created_at >= ${from - createdMax} OFFSET 0) s)`);
  return out;
}

interface Shape {
  where: SQL | undefined;
  column: string;
  order: SQL;
  orderText: string;
  /** (sort key, id) of a row, as the keys-only selects name them. */
  keys: string;
  /** One ordered arm per (status, band) cell, or null for one plain select. */
  arms: Record<string, unknown>[] | null;
  withImplied: (w: SQL | undefined, extra?: SQL) => SQL;
}

function shapeOf(q: ListQuery<CaseSortField>, spec: CaseFilterSpec, now: Date, me: number, bounds?: SlaBounds): Shape {
  const where = caseWhere(q.filter, now, me, 'pg');
  const column = { slaDueAt: 'sla_due_at', createdAt: 'created_at', riskScore: 'risk_score', id: 'id', submittedAt: 'submitted_at' }[q.sortField];
  const implied = slaImplied(spec, bounds, column);
  const withImplied = (w: SQL | undefined, extra?: SQL) => {
    const all = [...(w ? [w] : []), ...implied, ...(extra ? [extra] : [])];
    return all.length ? sql` WHERE ${sql.join(all, sql` AND `)}` : sql``;
  };
  // NULLs first going up and last going down, as on SQLite (PostgreSQL's default is the reverse).
  const dir = q.sortOrder === 'ASC' ? 'ASC NULLS FIRST' : 'DESC NULLS LAST';
  const orderText = column === 'id' ? `id ${q.sortOrder}` : `${column} ${dir}, id ${q.sortOrder}`;
  // A filter on several statuses or bands at once is read as one ordered arm
  // per (status, band) cell, merged: PostgreSQL cannot read several ranges of
  // (status, sort) in sort order, and with an IN list it either sorted every
  // match or walked the sort index past millions of rows of other cells (1.4 s
  // at 10M for two bands sorted by submission). Each arm stops after
  // offset + limit rows and the planner merges them (Merge Append).
  return {
    where,
    column,
    order: sql.raw(orderText),
    orderText,
    keys: column === 'id' ? 'id' : `id, ${column}`,
    arms: cellFilters(q.filter),
    withImplied,
  };
}

/**
 * The rows after (key, id) in list order, as conditions each read as one
 * ordered index range (PostgreSQL's row comparison (a, id) > (k, i) is a
 * range of (…, a, id) indexes). An unset sort value sorts first going up and
 * last going down, so "after" may add the range of NULLs.
 */
function afterKey(column: string, sortOrder: 'ASC' | 'DESC', key: number | null, id: number): SQL[] {
  const c = sql.raw(column);
  if (column === 'id') return [sortOrder === 'ASC' ? sql`id > ${id}` : sql`id < ${id}`];
  if (sortOrder === 'ASC') return key === null ? [sql`${c} IS NULL AND id > ${id}`, sql`${c} IS NOT NULL`] : [sql`(${c}, id) > (${key}, ${id})`];
  return key === null ? [sql`${c} IS NULL AND id < ${id}`] : [sql`(${c}, id) < (${key}, ${id})`, sql`${c} IS NULL`];
}

/**
 * The list's rows (all of `columns`) in order, each arm (cell × range after
 * `seek`) stopping after `armLimit` rows. The caller adds ORDER BY, LIMIT, OFFSET.
 */
function ordered(shape: Shape, q: ListQuery<CaseSortField>, now: Date, me: number, columns: string, armLimit: number, seek?: Key): SQL {
  const ranges: (SQL | undefined)[] = seek ? afterKey(shape.column, q.sortOrder, seek[0], seek[1]) : [undefined];
  const filters = shape.arms ? shape.arms.map((f) => caseWhere(f, now, me, 'pg')) : [shape.where];
  if (filters.length === 1 && ranges.length === 1) return sql`SELECT ${sql.raw(columns)} FROM cases${shape.withImplied(filters[0], ranges[0])}`;
  const parts = filters.flatMap((w) =>
    ranges.map((range) => sql`(SELECT ${sql.raw(columns)} FROM cases${shape.withImplied(w, range)} ORDER BY ${shape.order} LIMIT ${armLimit})`),
  );
  return sql`SELECT ${sql.raw(columns)} FROM (${sql.join(parts, sql` UNION ALL `)}) u`;
}

function statements(
  q: ListQuery<CaseSortField>,
  spec: CaseFilterSpec,
  now: Date,
  me: number,
  withTotal: boolean,
  bounds?: SlaBounds,
): { page: SQL; total?: SQL; estimate?: SQL } {
  const shape = shapeOf(q, spec, now, me, bounds);
  const { where, order, orderText } = shape;
  const whereSql = where ? sql` WHERE ${where}` : sql``;
  const upTo = q.offset + q.limit;
  // Deep pages skip their offset on keys only: the inner select reads (sort, id)
  // from the index the planner picks — an index-only scan where the index holds
  // the filter's columns — and only the page's rows are fetched whole. Page 1
  // and shallow pages read rows directly (the join would only add work).
  const page =
    q.offset < pgQueueTuning.deferredJoinFrom
      ? sql`${ordered(shape, q, now, me, listColumns, upTo)} ORDER BY ${order} LIMIT ${q.limit} OFFSET ${q.offset}`
      : sql`SELECT ${sql.raw(prefixed('c', listColumns))} FROM cases c JOIN (${ordered(shape, q, now, me, shape.keys, upTo)} ORDER BY ${order} LIMIT ${q.limit} OFFSET ${q.offset}) k ON c.id = k.id ORDER BY ${sql.raw(prefixed('c', orderText))}`;
  if (!withTotal) return { page };
  if (countable(spec)) return { page, total: countedTotal(spec) };
  // Other filters count exactly up to a budget; past it the total is the planner's estimate.
  return {
    page,
    total: sql`SELECT count(*) AS n FROM (SELECT 1 FROM cases${whereSql} LIMIT ${pgQueueTuning.exactBudget + 1}) s`,
    estimate: sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM cases${whereSql}`,
  };
}

/** Remembered keys of every stride-th row of a deep list, for the case_list_version they were read at. */
interface Anchors {
  version: number;
  keys: Key[];
  complete: boolean;
  /** When they were read (lists on the clock are as of that moment). */
  at: number;
}
const anchorCache = new Map<string, Anchors>();
/** What anchoredPage did, counted (tests and the benchmark read it). */
export const pgAnchorStats = { reads: 0, seeks: 0, stale: 0 };

/**
 * The keys, in list order, of the cases of a list on the clock whose SLA fell
 * due in [from, to): they joined the breached list or left the one in time.
 * Null when more than clockMovedLimit fell due (read the anchors again).
 */
async function fellDue(db: Db, shape: Shape, q: ListQuery<CaseSortField>, me: number, from: number, to: number): Promise<Key[] | null> {
  const filter: Record<string, unknown> = { ...q.filter };
  delete filter.slaBreached;
  if (filter.status === undefined) filter.status = [...queueStatuses]; // as slaBreached implies
  const gte = filter.slaDueAt_gte === undefined ? from : Math.max(from, Date.parse(String(filter.slaDueAt_gte)));
  const lte = filter.slaDueAt_lte === undefined ? to - 1 : Math.min(to - 1, Date.parse(String(filter.slaDueAt_lte)));
  if (!(gte <= lte)) return [];
  filter.slaDueAt_gte = new Date(gte).toISOString();
  filter.slaDueAt_lte = new Date(lte).toISOString();
  const where = caseWhere(filter, new Date(to), me, 'pg');
  const limit = pgQueueTuning.clockMovedLimit;
  const rows = await db.rows<{ sort_key: number | null; id: number }>(
    sql`SELECT ${sql.raw(shape.column)} AS sort_key, id FROM cases${where ? sql` WHERE ${where}` : sql``} LIMIT ${limit + 1}`,
  );
  if (rows.length > limit) return null;
  return rows.map((r): Key => [r.sort_key === null ? null : Number(r.sort_key), Number(r.id)]).sort((a, b) => compareKeys(q.sortOrder, a, b));
}

/**
 * A deep page: the keys of every stride-th row (positions stride−1,
 * 2·stride−1, …) are remembered per list in this process while
 * case_list_version (migrations-pg 0009: bumped at the commit of any change
 * that can move a case in a list, on any instance) stays the same. The page
 * seeks past the nearest one and skips fewer than `stride` keys; the version
 * is read in the page's own statement, so the page and the anchor it started
 * from are checked against one snapshot. A list on the clock (slaBreached)
 * changes as cases fall due: for up to clockReuseMs its anchors are shifted by
 * the cases whose SLA fell due since they were read (fellDue), as SQLite's
 * queue does. Null when the list changed under it twice (the caller reads the
 * page the plain way).
 */
async function anchoredPage(db: Db, shape: Shape, q: ListQuery<CaseSortField>, now: Date, me: number, clock?: '<' | '>='): Promise<RawCase[] | null> {
  const stride = pgQueueTuning.stride;
  const nowMs = now.getTime();
  const wanted = Math.min(Math.floor(q.offset / stride), pgQueueTuning.maxAnchors) - 1; // anchor i sits at position (i + 1)·stride − 1
  // The list as the client names it: a list on the clock has the same key at every moment.
  const cacheKey = JSON.stringify([stride, q.filter, q.sortField, q.sortOrder, me]);
  const withVersion = (inner: SQL, orderBy: string) =>
    sql`SELECT v.v AS list_version, p.* FROM case_list_version v LEFT JOIN (${inner}) p ON true WHERE v.id = 1 ORDER BY ${sql.raw(prefixed('p', orderBy))}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    let entry = anchorCache.get(cacheKey);
    let fresh = false;
    // A list on the clock: anchors read a while ago are shifted by the cases that fell due since.
    let moved: Key[] = [];
    if (entry && clock && entry.at !== nowMs) {
      const usable = nowMs > entry.at && nowMs - entry.at <= pgQueueTuning.clockReuseMs && (entry.keys.length > wanted || entry.complete);
      const fell = usable ? await fellDue(db, shape, q, me, entry.at, nowMs) : null;
      if (fell) moved = fell;
      else entry = undefined;
    }
    // Read (or extend) the anchors up to the one this page needs.
    if (!entry || (entry.keys.length <= wanted && !entry.complete)) {
      const from = entry?.keys.at(-1);
      const want = (wanted + 1 - (entry?.keys.length ?? 0)) * stride;
      const read = await db.rows<{ list_version: number; sort_key: number | null; id: number | null; n: number | null }>(
        withVersion(
          sql`SELECT sort_key, id, n FROM (SELECT ${sql.raw(shape.column)} AS sort_key, id, row_number() OVER (ORDER BY ${shape.order}) AS n FROM (${ordered(shape, q, now, me, shape.keys, want, from)} ORDER BY ${shape.order} LIMIT ${want}) s) r WHERE n % ${stride} = 0`,
          'n',
        ),
      );
      pgAnchorStats.reads++;
      fresh = true;
      const version = Number(read[0]!.list_version);
      if (entry && entry.version !== version) entry = undefined;
      if (!entry) {
        if (from) continue; // the list changed since the first anchors: start again
        entry = { version, keys: [], complete: false, at: nowMs };
      }
      const got = read.filter((r) => r.id !== null);
      for (const r of got) if (Number(r.n) % stride === 0) entry.keys.push([r.sort_key === null ? null : Number(r.sort_key), Number(r.id)]);
      if (got.length === 0 || Number(got.at(-1)!.n) < want) entry.complete = true;
      anchorCache.delete(cacheKey);
      anchorCache.set(cacheKey, entry);
      if (anchorCache.size > pgQueueTuning.anchorLists) anchorCache.delete(anchorCache.keys().next().value!);
    }
    // Rows up to and including anchor j now: (j + 1)·stride, plus the cases that joined up to it (or minus those that left).
    const sign = clock === '>=' ? -1 : 1;
    const keys = entry.keys;
    const upTo = (j: number) => {
      let lo = 0;
      let hi = moved.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareKeys(q.sortOrder, moved[mid]!, keys[j]!) <= 0) lo = mid + 1;
        else hi = mid;
      }
      return (j + 1) * stride + sign * lo;
    };
    let i = Math.min(wanted, keys.length - 1);
    while (i >= 0 && upTo(i) > q.offset) i--;
    // Cases that fell due moved the first anchor past this offset: the page is near the top, read it plainly.
    if (i < 0 && moved.length > 0) return null;
    if (i < 0) {
      // The list is shorter than a stride: empty past it, if it still is.
      if (fresh) return [];
      const [current] = await db.rows<{ v: number }>(sql`SELECT v FROM case_list_version WHERE id = 1`);
      if (Number(current!.v) === entry.version && (!clock || entry.at === nowMs)) return [];
      anchorCache.delete(cacheKey);
      continue;
    }
    const skip = q.offset - upTo(i);
    const rows = await db.rows<RawCase & { list_version: number }>(
      withVersion(
        sql`SELECT ${sql.raw(prefixed('c', listColumns))} FROM cases c JOIN (${ordered(shape, q, now, me, shape.keys, skip + q.limit, entry.keys[i])} ORDER BY ${shape.order} LIMIT ${q.limit} OFFSET ${skip}) k ON c.id = k.id`,
        shape.orderText,
      ),
    );
    pgAnchorStats.seeks++;
    if (Number(rows[0]!.list_version) !== entry.version) {
      pgAnchorStats.stale++;
      anchorCache.delete(cacheKey);
      continue;
    }
    return rows.filter((r) => r.id !== null);
  }
  return null;
}

/** At most this many (status, band) arms; more are read with the IN lists as written. */
const MAX_ARMS = 16;

/** One filter per (status, band) cell when the filter names several of either, else null. */
function cellFilters(filter: Record<string, unknown>): Record<string, unknown>[] | null {
  const values = (v: unknown): unknown[] => (Array.isArray(v) ? [...new Set(v)] : v === undefined ? [undefined] : [v]);
  const statuses = values(filter.status);
  const bands = values(filter.riskBand);
  if (statuses.length * bands.length <= 1 || statuses.length * bands.length > MAX_ARMS) return null;
  const out: Record<string, unknown>[] = [];
  for (const status of statuses) {
    for (const riskBand of bands) {
      const f = { ...filter };
      if (status === undefined) delete f.status;
      else f.status = status;
      if (riskBand === undefined) delete f.riskBand;
      else f.riskBand = riskBand;
      out.push(f);
    }
  }
  return out;
}

/** Planner estimates by filter, for pgQueueTuning.estimateTtlMs (per process; small and bounded). */
const estimates = new Map<string, { total: number; at: number }>();

async function plannerEstimate(db: Db, query: SQL, key: string, nowMs: number): Promise<number> {
  const cached = estimates.get(key);
  if (cached && nowMs - cached.at >= 0 && nowMs - cached.at < pgQueueTuning.estimateTtlMs) return cached.total;
  const [row] = await db.rows<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(query);
  const total = Math.round(Number(row!['QUERY PLAN'][0].Plan['Plan Rows']));
  if (estimates.size >= 500) estimates.delete(estimates.keys().next().value!);
  estimates.set(key, { total, at: nowMs });
  return total;
}

export async function listCasesPg(
  db: Db,
  q: ListQuery<CaseSortField>,
  spec: CaseFilterSpec,
  now: Date,
  me: number,
  options: ListCasesOptions = {},
): Promise<CaseListResult> {
  const bounds = await slaBounds(db, spec);
  const { page, total, estimate } = statements(q, spec, now, me, options.total !== false, bounds);
  // Lists of ids or of one user are short: no anchors.
  const clock = spec.sla.find((c) => c.clock)?.op as '<' | '>=' | undefined;
  const seekable = q.offset >= Math.max(pgQueueTuning.deferredJoinFrom, pgQueueTuning.stride) && !spec.ids && spec.userId === undefined;
  const raw = (seekable ? await anchoredPage(db, shapeOf(q, spec, now, me, bounds), q, now, me, clock) : null) ?? (await db.rows<RawCase>(page));
  const rows = raw.map((r) => rawListView(r, now.getTime()));
  if (!total) return { rows, total: null, totalIsEstimate: false };
  // A page that is not full ends the list: the total is where it ends.
  if (rows.length > 0 && rows.length < q.limit) return { rows, total: q.offset + rows.length, totalIsEstimate: false };
  const [counted] = await db.rows<{ n: number }>(total);
  const n = Number(counted!.n);
  if (!estimate || n <= pgQueueTuning.exactBudget) return { rows, total: n, totalIsEstimate: false };
  const guess = await plannerEstimate(db, estimate, `${JSON.stringify(q.filter)}\u0000${me}`, now.getTime());
  // Past the end (an empty page) the list is shorter than the offset; otherwise at least as long as what was shown, and than the exact budget.
  return {
    rows,
    total: rows.length === 0 ? Math.min(guess, q.offset) : Math.max(guess, q.offset + rows.length, pgQueueTuning.exactBudget + 1),
    totalIsEstimate: true,
  };
}

/** The statements listCasesPg runs for a page, as text and parameters (the benchmark replays them raw). */
export async function pgListStatements(db: Db, q: ListQuery<CaseSortField>, now: Date, me: number): Promise<{ sql: string; params: unknown[] }[]> {
  const dialect = new PgDialect();
  const spec = parseCaseFilter(q.filter, now, me);
  const { page, total } = statements(q, spec, now, me, true, await slaBounds(db, spec));
  return [page, total!].map((s) => dialect.sqlToQuery(s));
}
