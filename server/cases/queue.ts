import { and, asc, count, desc, eq, gte, inArray, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { DatabaseHandle, Engine } from '../../db/client.ts';
import { cases, caseStatuses, evidenceMethods, type CaseStatus } from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { filterDate, filterIds, filterString, type ListQuery } from '../platform/list-query.ts';
import { queueStatuses } from './case-rules.ts';

export const caseSortable = ['slaDueAt', 'createdAt', 'riskScore', 'id', 'submittedAt'] as const;
export type CaseSortField = (typeof caseSortable)[number];

type CaseRow = typeof cases.$inferSelect;
type Band = 'low' | 'medium' | 'high';
const bands: readonly Band[] = ['low', 'medium', 'high'];

export function caseListView(c: CaseRow, now: Date) {
  return {
    id: c.id,
    status: c.status,
    version: c.version,
    userId: c.userId,
    maskedEmail: c.maskedEmail,
    methods: c.methods ? c.methods.split(',') : [],
    riskScore: c.riskScore,
    riskBand: c.riskBand,
    slaDueAt: c.slaDueAt?.toISOString() ?? null,
    slaBreached: Boolean(c.slaDueAt && c.slaDueAt < now && queueStatuses.includes(c.status)),
    assigneeId: c.assigneeId,
    firstApproverId: c.firstApproverId,
    createdAt: c.createdAt.toISOString(),
    submittedAt: c.submittedAt?.toISOString() ?? null,
    decidedAt: c.decidedAt?.toISOString() ?? null,
  };
}

export type CaseListItem = ReturnType<typeof caseListView> & { ownAccount?: true };

const listOf = (filter: Record<string, unknown>, key: string, allowed: readonly string[]): string[] | undefined => {
  const v = filter[key];
  if (v === undefined || v === null || v === '') return undefined;
  const list = (Array.isArray(v) ? v : [v]).map(String);
  const bad = list.find((x) => !allowed.includes(x));
  if (bad) throw new AppError('validation_failed', `filter.${key}: unknown value ${bad}`, { fields: { [`filter.${key}`]: `one of ${allowed.join(', ')}` } });
  return list;
};

const likePrefix = (q: string) => `${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

/**
 * The WHERE clause of the queue: every filter the desk offers. This is the
 * definition of what each filter means; listCases answers the same question
 * with hand-planned SQL (tests/server/queue-scale.test.ts holds them equal).
 */
export function caseWhere(filter: Record<string, unknown>, now: Date, me: number, engine: Engine = 'sqlite'): SQL | undefined {
  const conditions: (SQL | undefined)[] = [];
  const ids = filterIds(filter);
  if (ids) conditions.push(inArray(cases.id, ids));
  const statuses = listOf(filter, 'status', caseStatuses) as CaseStatus[] | undefined;
  if (statuses) conditions.push(statuses.length === 1 ? eq(cases.status, statuses[0]!) : inArray(cases.status, statuses));
  const bandList = listOf(filter, 'riskBand', bands) as Band[] | undefined;
  if (bandList) conditions.push(bandList.length === 1 ? eq(cases.riskBand, bandList[0]!) : inArray(cases.riskBand, bandList));
  const method = listOf(filter, 'method', evidenceMethods);
  if (method) conditions.push(engine === 'pg' ? sql`strpos(${cases.methods}, ${method[0]}) > 0` : sql`instr(${cases.methods}, ${method[0]}) > 0`);
  const assignee = filterString(filter, 'assigneeId');
  if (assignee === 'me') conditions.push(eq(cases.assigneeId, me));
  else if (assignee === 'unassigned') conditions.push(isNull(cases.assigneeId));
  else if (assignee !== undefined) {
    if (!/^\d+$/.test(assignee))
      throw new AppError('validation_failed', 'filter.assigneeId: an id, "me" or "unassigned"', { fields: { 'filter.assigneeId': 'invalid' } });
    conditions.push(eq(cases.assigneeId, Number(assignee)));
  }
  if (filter.slaBreached !== undefined) {
    const breached = filter.slaBreached === true || filter.slaBreached === 'true';
    conditions.push(breached ? lt(cases.slaDueAt, now) : gte(cases.slaDueAt, now));
    if (!statuses) conditions.push(inArray(cases.status, [...queueStatuses]));
  }
  const dueFrom = filterDate(filter, 'slaDueAt_gte');
  if (dueFrom) conditions.push(gte(cases.slaDueAt, dueFrom));
  const dueTo = filterDate(filter, 'slaDueAt_lte');
  if (dueTo) conditions.push(lte(cases.slaDueAt, dueTo));
  const userId = filterString(filter, 'userId');
  if (userId) conditions.push(eq(cases.userId, Number(userId)));
  const q = filterString(filter, 'q')?.trim();
  if (q) {
    const id = /^#?(\d+)$/.exec(q);
    if (id) conditions.push(eq(cases.id, Number(id[1])));
    // ESCAPE makes the backslashes above escape LIKE's wildcards (SQLite has no default escape character).
    else if (engine === 'pg')
      conditions.push(sql`lower(${cases.maskedEmail}) LIKE lower(${likePrefix(q)}) ESCAPE '\\'`); // SQLite's LIKE ignores ASCII case
    else conditions.push(sql`${cases.maskedEmail} LIKE ${likePrefix(q)} ESCAPE '\\'`);
  }
  return conditions.length ? and(...conditions) : undefined;
}

export function caseOrder(q: ListQuery<CaseSortField>) {
  const dir = q.sortOrder === 'ASC' ? asc : desc;
  const column = { slaDueAt: cases.slaDueAt, createdAt: cases.createdAt, riskScore: cases.riskScore, id: cases.id, submittedAt: cases.submittedAt }[
    q.sortField
  ];
  return q.sortField === 'id' ? [dir(cases.id)] : [dir(column), dir(cases.id)];
}

/* ------------------------------------------------------------------------ *
 * The queue at scale (millions of cases): listCases answers what caseWhere +
 * caseOrder + LIMIT/OFFSET + COUNT(*) would, reading about a page of rows.
 *
 * Page: every plan reads rows in sort order from an index and stops after
 * the page:
 *   - ids / q "#id"          → primary key lookups (a handful of rows);
 *   - userId                 → cases_user_idx (a user has a few cases);
 *   - assigneeId me / an id  → cases_assigned_<sort>_idx (claimed cases only);
 *   - status and/or riskBand → a merge of one range per (status, band) "cell"
 *     of cases_queue_<sort>_idx (UNION ALL … ORDER BY: SQLite runs it as a
 *     lazy merge of co-routines); cells that case_counts says are empty are
 *     left out;
 *   - anything else          → a walk of cases_walk_<sort>_idx.
 * Other filters are checked on the rows walked, in the index where its
 * columns allow (SLA time, email, assignee). An SLA-time filter also bounds
 * created_at / submitted_at (case_sla_bounds), so those sorts start near
 * their first match.
 *
 * Deep pages: OFFSET n reads n rows. From offset `stride` on, the sort key
 * of every stride-th row is remembered per (filter, sort) while
 * case_list_version (bumped by triggers on any change that can move a case
 * in a list) stays the same; a deep page seeks past the nearest one and skips
 * fewer than `stride` rows. Lists that depend on the clock (slaBreached)
 * cannot be remembered: they find their one anchor with a keys-only scan.
 *
 * Total, exact:
 *   - from case_counts (kept by triggers) when the filter uses only status,
 *     riskBand, method and assigneeId;
 *   - by counting, for ids / userId, or when case_counts says there are at
 *     most `exactBudget` candidates;
 *   - from the page itself when it is the last one (not full).
 * Otherwise (SLA-time or email-prefix filters over many cases) an estimate:
 * case_counts' candidates per cell × the share of an evenly spread sample of
 * the cell passing the other filters; cached `estimateTtlMs`, and flagged
 * (the route sends X-Total-Is-Estimate: true).
 * ------------------------------------------------------------------------ */

/** Knobs of the fast path (tests turn them down to reach every branch on a small table). */
export const queueTuning = {
  /** Every stride-th position of a list is remembered for deep pages… */
  stride: 16,
  /** …up to this many per list (about 1.5 MB; 500 000 rows deep at stride 16). */
  maxAnchors: 32_768,
  /** How long positions of a list that moves with the clock (slaBreached) are shifted rather than recomputed. */
  clockReuseMs: 120_000,
  /** At most this many recent cases are read to find an id floor for an SLA filter. */
  idFloorScan: 200_000,
  /** Up to this many candidates the total is counted exactly. */
  exactBudget: 2000,
  /** Rows an SLA-window estimate may count (index-only, about 40 ns each). */
  countBudget: 250_000,
  /** Points sampled for an email-prefix estimate. */
  sample: 1000,
  estimateTtlMs: 30_000,
  /** Pages remembered per database (least recently used dropped first). */
  rememberedPages: 256,
};

interface Cond {
  sql: string;
  params: unknown[];
  /** A bound on a column (a filter or one implied by it): redundant past a seek on that column, on its side. */
  bound?: { column: string; side: 'lower' | 'upper' };
  /** Its parameter is the clock: the slaBreached test itself ('<' or '>='), or a bound implied by it. */
  clock?: '<' | '>=' | 'implied';
}

/** A filter as the planner sees it. */
export interface CaseFilterSpec {
  never: boolean; // provably matches nothing (an empty list, an impossible id)
  ids?: number[];
  statuses?: CaseStatus[];
  bands?: Band[];
  method?: string;
  assignee?: number | 'none';
  sla: { op: '<' | '>=' | '<='; at: number; clock?: boolean }[];
  userId?: number;
  qPrefix?: string;
}

/** Reads and validates the filter exactly as caseWhere does (same errors, same meaning). */
export function parseCaseFilter(filter: Record<string, unknown>, now: Date, me: number): CaseFilterSpec {
  const spec: CaseFilterSpec = { never: false, sla: [] };
  const ids = filterIds(filter);
  if (ids) spec.ids = ids;
  const statuses = listOf(filter, 'status', caseStatuses) as CaseStatus[] | undefined;
  if (statuses) spec.statuses = [...new Set(statuses)];
  const bandList = listOf(filter, 'riskBand', bands) as Band[] | undefined;
  if (bandList) spec.bands = [...new Set(bandList)];
  const method = listOf(filter, 'method', evidenceMethods);
  if (method) {
    if (method.length === 0)
      spec.never = true; // instr(methods, NULL) is never true
    else spec.method = method[0];
  }
  const assignee = filterString(filter, 'assigneeId');
  if (assignee === 'me') spec.assignee = me;
  else if (assignee === 'unassigned') spec.assignee = 'none';
  else if (assignee !== undefined) {
    if (!/^\d+$/.test(assignee))
      throw new AppError('validation_failed', 'filter.assigneeId: an id, "me" or "unassigned"', { fields: { 'filter.assigneeId': 'invalid' } });
    spec.assignee = Number(assignee);
  }
  if (filter.slaBreached !== undefined) {
    const breached = filter.slaBreached === true || filter.slaBreached === 'true';
    spec.sla.push({ op: breached ? '<' : '>=', at: now.getTime(), clock: true });
    if (!statuses) spec.statuses = [...queueStatuses];
  }
  const dueFrom = filterDate(filter, 'slaDueAt_gte');
  if (dueFrom) spec.sla.push({ op: '>=', at: dueFrom.getTime() });
  const dueTo = filterDate(filter, 'slaDueAt_lte');
  if (dueTo) spec.sla.push({ op: '<=', at: dueTo.getTime() });
  const userId = filterString(filter, 'userId');
  if (userId) {
    const n = Number(userId);
    if (Number.isInteger(n)) spec.userId = n;
    else spec.never = true;
  }
  const q = filterString(filter, 'q')?.trim();
  if (q) {
    const id = /^#?(\d+)$/.exec(q);
    if (id) {
      const n = Number(id[1]);
      spec.ids = spec.ids ? spec.ids.filter((x) => x === n) : [n];
    } else spec.qPrefix = likePrefix(q);
  }
  if (spec.ids) spec.ids = [...new Set(spec.ids.filter(Number.isSafeInteger))]; // no row has any other id
  if (spec.ids?.length === 0 || spec.statuses?.length === 0 || spec.bands?.length === 0) spec.never = true;
  return spec;
}

const sortColumn: Record<CaseSortField, string> = {
  slaDueAt: 'sla_due_at',
  createdAt: 'created_at',
  riskScore: 'risk_score',
  submittedAt: 'submitted_at',
  id: 'id',
};
const nullable = new Set(['sla_due_at', 'risk_score', 'submitted_at']);
const cellIndex: Record<CaseSortField, string> = {
  slaDueAt: 'cases_queue_sla_idx',
  createdAt: 'cases_queue_created_idx',
  riskScore: 'cases_queue_risk_idx',
  submittedAt: 'cases_queue_submitted_idx',
  id: 'cases_queue_id_idx',
};
const assignedIndex: Record<CaseSortField, string> = {
  slaDueAt: 'cases_assigned_sla_idx',
  createdAt: 'cases_assigned_created_idx',
  riskScore: 'cases_assigned_risk_idx',
  submittedAt: 'cases_assigned_submitted_idx',
  id: 'cases_assigned_id_idx',
};
const walkIndex: Record<CaseSortField, string> = {
  slaDueAt: 'INDEXED BY cases_walk_sla_idx',
  createdAt: 'INDEXED BY cases_walk_created_idx',
  riskScore: 'INDEXED BY cases_walk_risk_idx',
  submittedAt: 'INDEXED BY cases_walk_submitted_idx',
  id: 'INDEXED BY cases_walk_id_idx',
};

export const listColumns =
  'id, status, version, user_id, masked_email, methods, risk_score, risk_band, sla_due_at, assignee_id, first_approver_id, created_at, submitted_at, decided_at';

export interface RawCase {
  id: number;
  status: CaseStatus;
  version: number;
  user_id: number;
  masked_email: string;
  methods: string;
  risk_score: number | null;
  risk_band: Band | null;
  sla_due_at: number | null;
  assignee_id: number | null;
  first_approver_id: number | null;
  created_at: number;
  submitted_at: number | null;
  decided_at: number | null;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * Date#toISOString for epoch milliseconds, about three times faster (a page
 * formats a hundred of them); years 1970–9999, else the built-in.
 * Days to civil date: Howard Hinnant's algorithm.
 */
function isoFromMs(ms: number): string {
  if (!(ms >= 0 && ms < 253402300800000)) return new Date(ms).toISOString();
  const days = Math.floor(ms / 86400000);
  let rest = ms - days * 86400000;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const h = Math.floor(rest / 3600000);
  rest -= h * 3600000;
  const mi = Math.floor(rest / 60000);
  rest -= mi * 60000;
  const sec = Math.floor(rest / 1000);
  return `${year < 1000 ? `000${year}`.slice(-4) : year}-${pad2(month)}-${pad2(day)}T${pad2(h)}:${pad2(mi)}:${pad2(sec)}.${pad3(rest - sec * 1000)}Z`;
}

const iso = (ms: number | null) => (ms === null ? null : isoFromMs(ms));

/** caseListView for a row read with raw SQL (same output). */
export function rawListView(r: RawCase, now: number): CaseListItem {
  return {
    id: r.id,
    status: r.status,
    version: r.version,
    userId: r.user_id,
    maskedEmail: r.masked_email,
    methods: r.methods ? r.methods.split(',') : [],
    riskScore: r.risk_score,
    riskBand: r.risk_band,
    slaDueAt: iso(r.sla_due_at),
    slaBreached: r.sla_due_at !== null && r.sla_due_at < now && queueStatuses.includes(r.status),
    assigneeId: r.assignee_id,
    firstApproverId: r.first_approver_id,
    createdAt: isoFromMs(r.created_at),
    submittedAt: iso(r.submitted_at),
    decidedAt: iso(r.decided_at),
  };
}

/** One index range (or walk) whose rows come out in sort order. */
interface Arm {
  from: string; // `cases INDEXED BY …`
  conds: Cond[];
}

interface Plan {
  kind: 'ids' | 'user' | 'assigned' | 'cells' | 'walk';
  arms: Arm[];
  column: string;
  dir: 'ASC' | 'DESC';
  /** Exact total from case_counts, when the filter maps onto it. */
  countedTotal?: number;
  /** case_counts total of the filter without its residual part (the candidates). */
  candidates?: number;
  seekable: boolean; // deep pages may use anchors
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

function inList(column: string, values: readonly unknown[]): Cond {
  return values.length === 1 ? { sql: `${column} = ?`, params: [values[0]] } : { sql: `${column} IN (${placeholders(values.length)})`, params: [...values] };
}

/** Conditions on case columns for the filters case_counts also knows (status, band, method, assignee). */
function countableConds(spec: CaseFilterSpec, options: { statuses: boolean; bands: boolean; assignee: boolean }): Cond[] {
  const conds: Cond[] = [];
  if (options.statuses && spec.statuses) conds.push(inList('status', spec.statuses));
  if (options.bands && spec.bands) conds.push(inList('risk_band', spec.bands));
  if (spec.method) conds.push({ sql: 'instr(methods, ?) > 0', params: [spec.method] });
  if (options.assignee && spec.assignee !== undefined)
    conds.push(spec.assignee === 'none' ? { sql: 'assignee_id IS NULL', params: [] } : { sql: 'assignee_id = ?', params: [spec.assignee] });
  return conds;
}

function residualConds(spec: CaseFilterSpec): Cond[] {
  const conds: Cond[] = spec.sla.map((c) => ({
    sql: `sla_due_at ${c.op} ?`,
    params: [c.at],
    bound: { column: 'sla_due_at', side: c.op === '>=' ? 'lower' : 'upper' },
    clock: c.clock ? (c.op === '<' ? '<' : '>=') : undefined,
  }));
  if (spec.qPrefix) conds.push({ sql: `masked_email LIKE ? ESCAPE '\\'`, params: [spec.qPrefix] });
  return conds;
}

interface Cell {
  status: CaseStatus;
  band: Band | null;
  n: number;
}

/** Per-(status, band) counts of the filter's case_counts part. */
function countedCells(cache: QueueCache, spec: CaseFilterSpec): Cell[] {
  const conds: Cond[] = [];
  if (spec.statuses) conds.push(inList('status', spec.statuses));
  if (spec.bands) conds.push(inList('risk_band', spec.bands));
  if (spec.method) conds.push({ sql: 'instr(methods, ?) > 0', params: [spec.method] });
  if (spec.assignee !== undefined) conds.push({ sql: 'assignee_id = ?', params: [spec.assignee === 'none' ? 0 : spec.assignee] });
  const where = conds.length ? `WHERE ${conds.map((c) => c.sql).join(' AND ')}` : '';
  const text = `SELECT status, risk_band AS band, sum(n) AS n FROM case_counts ${where} GROUP BY status, risk_band HAVING sum(n) > 0 ORDER BY status, risk_band`;
  const params = conds.flatMap((c) => c.params);
  // case_counts changes only with case_list_version (the same triggers bump both), so the cells of a
  // filter are reused while the version stays: one primary-key read instead of a scan of the cube.
  const key = `${text}\u0000${JSON.stringify(params)}`;
  const version = cache.version();
  const known = cache.cells.get(key);
  if (known && known.version === version) return known.cells;
  const rows = cache.all<{ status: CaseStatus; band: string; n: number }>(text, params);
  const cells = rows.map((r) => ({ status: r.status, band: r.band === '' ? null : (r.band as Band), n: r.n }));
  remember(cache.cells, key, { version, cells }, 200);
  return cells;
}

/**
 * A filter on SLA time also bounds created_at / submitted_at (case_sla_bounds
 * holds how far apart they have ever been), gives ids a floor (idFloor) and,
 * while every case with an SLA has a risk score, excludes unscored cases: a
 * list sorted by one of those starts at its first possible match. The bound
 * is implied by the filter, so adding it changes no result.
 */
function slaImpliedRange(cache: QueueCache, spec: CaseFilterSpec, column: string): Cond[] {
  if (spec.sla.length === 0 || (column !== 'created_at' && column !== 'submitted_at' && column !== 'risk_score' && column !== 'id')) return [];
  const b = cache.get<{
    created_min: number | null;
    created_max: number | null;
    submitted_min: number | null;
    submitted_max: number | null;
    submitted_unbounded: number;
    risk_missing: number;
  }>('SELECT created_min, created_max, submitted_min, submitted_max, submitted_unbounded, risk_missing FROM case_sla_bounds WHERE id = 1', []);
  if (column === 'risk_score') return b.risk_missing ? [] : [{ sql: 'risk_score IS NOT NULL', params: [], bound: { column, side: 'lower' } }];
  const clock = spec.sla.some((c) => c.clock) ? ('implied' as const) : undefined;
  if (column === 'id') return b.created_max === null ? [] : idFloor(cache, spec, b.created_max, clock);
  const [min, max] = column === 'created_at' ? [b.created_min, b.created_max] : [b.submitted_min, b.submitted_max];
  if (min === null || max === null || (column === 'submitted_at' && b.submitted_unbounded)) return [];
  const from = Math.max(...spec.sla.filter((c) => c.op === '>=').map((c) => c.at));
  const to = Math.min(...spec.sla.filter((c) => c.op !== '>=').map((c) => c.at));
  const conds: Cond[] = [];
  if (Number.isFinite(from)) conds.push({ sql: `${column} >= ?`, params: [from - max], bound: { column, side: 'lower' }, clock });
  if (Number.isFinite(to)) conds.push({ sql: `${column} <= ?`, params: [to - min], bound: { column, side: 'upper' }, clock });
  return conds;
}

/**
 * Ids carry no time, but an SLA filter's lower bound implies a creation time
 * (case_sla_bounds), and every case created since then has an id at least
 * the smallest of theirs: a floor for lists sorted by id. Finding it reads
 * the cases created since, so only when they are few (`idFloorScan`); the
 * creation time is rounded down to 5 minutes (a lower floor is still a
 * floor) so the answer is reused while the list version stays the same.
 */
function idFloor(cache: QueueCache, spec: CaseFilterSpec, createdMax: number, clock: 'implied' | undefined): Cond[] {
  const from = Math.max(...spec.sla.filter((c) => c.op === '>=').map((c) => c.at));
  if (!Number.isFinite(from)) return [];
  const createdFrom = Math.floor((from - createdMax) / 300_000) * 300_000;
  const key = `${createdFrom}\u0000${cache.version()}`;
  let floor = cache.idFloors.get(key);
  if (floor === undefined) {
    const r = cache.get<{ n: number; first: number | null }>(
      'SELECT count(*) AS n, min(id) AS first FROM (SELECT id FROM cases INDEXED BY cases_walk_created_idx WHERE created_at >= ? LIMIT ?)',
      [createdFrom, queueTuning.idFloorScan + 1],
    );
    floor = r.n > queueTuning.idFloorScan ? null : (r.first ?? Number.MAX_SAFE_INTEGER);
    remember(cache.idFloors, key, floor, 64);
  }
  return floor === null ? [] : [{ sql: 'id >= ?', params: [floor], bound: { column: 'id', side: 'lower' }, clock }];
}

function planCaseList(cache: QueueCache, spec: CaseFilterSpec, sortField: CaseSortField, dir: 'ASC' | 'DESC'): Plan {
  const column = sortColumn[sortField];
  const residual = [...residualConds(spec), ...slaImpliedRange(cache, spec, column)];
  const countable = !spec.ids && spec.userId === undefined && residual.length === 0;
  if (spec.ids || spec.userId !== undefined) {
    const conds: Cond[] = [];
    if (spec.ids) conds.push(inList('id', spec.ids));
    if (spec.userId !== undefined) conds.push({ sql: 'user_id = ?', params: [spec.userId] });
    conds.push(...countableConds(spec, { statuses: true, bands: true, assignee: true }), ...residual);
    const from = spec.ids ? 'cases' : 'cases INDEXED BY cases_user_idx';
    return { kind: spec.ids ? 'ids' : 'user', arms: [{ from, conds }], column, dir, seekable: false };
  }
  if (spec.statuses || spec.bands) {
    const cells = countedCells(cache, spec);
    const total = cells.reduce((s, c) => s + c.n, 0);
    const rest = countableConds(spec, { statuses: false, bands: false, assignee: true });
    const arms = cells.map<Arm>((cell) => ({
      from: `cases INDEXED BY ${cellIndex[sortField]}`,
      conds: [
        { sql: 'status = ?', params: [cell.status] },
        cell.band === null ? { sql: 'risk_band IS NULL', params: [] } : { sql: 'risk_band = ?', params: [cell.band] },
        ...rest,
        ...residual,
      ],
    }));
    return { kind: 'cells', arms, column, dir, countedTotal: countable ? total : undefined, candidates: total, seekable: true };
  }
  const total = countedCells(cache, spec).reduce((s, c) => s + c.n, 0);
  if (typeof spec.assignee === 'number') {
    const conds = [{ sql: 'assignee_id = ?', params: [spec.assignee] }, ...countableConds(spec, { statuses: true, bands: true, assignee: false }), ...residual];
    return {
      kind: 'assigned',
      arms: [{ from: `cases INDEXED BY ${assignedIndex[sortField]}`, conds }],
      column,
      dir,
      countedTotal: countable ? total : undefined,
      candidates: total,
      seekable: true,
    };
  }
  const conds = [...countableConds(spec, { statuses: true, bands: true, assignee: true }), ...residual];
  // By id without an id floor, walking for an SLA window could read the whole
  // index: read the window from the SLA index and sort it (its size, not the table's).
  const from =
    sortField === 'id' && spec.sla.length && !residual.some((c) => c.bound?.column === 'id')
      ? 'cases INDEXED BY cases_walk_sla_idx'
      : `cases ${walkIndex[sortField]}`;
  return { kind: 'walk', arms: [{ from, conds }], column, dir, countedTotal: countable ? total : undefined, candidates: total, seekable: true };
}

/**
 * The rows strictly after (key, id) in the list's order, as disjoint ranges
 * each an index range in order (NULL keys sort first ascending). "key = k AND
 * id > i" is its own range: as one row value SQLite seeks on the key alone
 * and would read every earlier case with the same key (a risk score is
 * shared by ~100 000 cases of 10 million).
 */
function afterKey(column: string, dir: 'ASC' | 'DESC', key: number | null, id: number): Cond[] {
  const after = dir === 'ASC' ? '>' : '<';
  if (column === 'id') return [{ sql: `id ${after} ?`, params: [id] }];
  if (key === null) {
    const sameKey = { sql: `${column} IS NULL AND id ${after} ?`, params: [id] };
    return dir === 'ASC' ? [sameKey, { sql: `${column} IS NOT NULL`, params: [] }] : [sameKey];
  }
  const ranges = [
    { sql: `${column} = ? AND id ${after} ?`, params: [key, id] },
    { sql: `${column} ${after} ?`, params: [key] },
  ];
  if (dir === 'DESC' && nullable.has(column)) ranges.push({ sql: `${column} IS NULL`, params: [] });
  return ranges;
}

/**
 * `SELECT columns … ORDER BY sort` over the plan's arms (each arm split
 * further by a seek). Past a seek, bounds on the sort column on the seek's
 * side are implied (the anchor row passed them) and are left out of the
 * ranges of set values, so the seek is the range SQLite uses rather than a
 * looser bound.
 */
function orderedSelect(plan: Plan, columns: string, seek?: { key: number | null; id: number }): Cond {
  const ranges = seek ? afterKey(plan.column, plan.dir, seek.key, seek.id) : [undefined];
  const impliedSide = plan.dir === 'ASC' ? 'lower' : 'upper';
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const arm of plan.arms) {
    const kept = seek ? arm.conds.filter((c) => !(c.bound?.column === plan.column && c.bound.side === impliedSide)) : arm.conds;
    for (const range of ranges) {
      // The range of unset sort values (after every set one going down) is not bounded by the anchor:
      // it keeps every condition (a breached list's `sla_due_at < now` must still leave out unset SLAs).
      const conds = range ? [...(range.sql.includes('IS NULL') ? arm.conds : kept), range] : kept;
      parts.push(`SELECT ${columns} FROM ${arm.from}${conds.length ? ` WHERE ${conds.map((c) => c.sql).join(' AND ')}` : ''}`);
      for (const c of conds) params.push(...c.params);
    }
  }
  const order = plan.column === 'id' ? `id ${plan.dir}` : `${plan.column} ${plan.dir}, id ${plan.dir}`;
  return { sql: `${parts.join(' UNION ALL ')} ORDER BY ${order}`, params };
}

/** Prepared statements and remembered positions, per database connection. */
class QueueCache {
  private statements = new Map<string, Database.Statement>();
  readonly anchors = new Map<string, { version: number; at: number; keys: [number | null, number][]; complete: boolean }>();
  readonly estimates = new Map<string, { total: number; at: number }>();
  readonly idFloors = new Map<string, number | null>();
  readonly cells = new Map<string, { version: number; cells: Cell[] }>();
  readonly pages = new Map<
    string,
    {
      version: number;
      /** The data version at which `version` was last found current. */
      stamp: number;
      rows: readonly CaseListItem[];
      dueAt: (number | null)[];
      total: number | null;
      totalIsEstimate: boolean;
      json?: string;
    }
  >();
  trace?: Cond[];
  /** Runs a function in one read transaction (made once: better-sqlite3 builds a wrapper per call of transaction()). */
  readonly inTransaction: <T>(run: () => T) => T;

  constructor(readonly sqlite: Database.Database) {
    const tx = sqlite.transaction((run: () => unknown) => run());
    this.inTransaction = <T>(run: () => T) => tx(run) as T;
  }

  statement(text: string): Database.Statement {
    let st = this.statements.get(text);
    if (st) {
      // Most recently used last, so the oldest is dropped first.
      this.statements.delete(text);
      this.statements.set(text, st);
      return st;
    }
    st = this.sqlite.prepare(text);
    this.statements.set(text, st);
    if (this.statements.size > 400) this.statements.delete(this.statements.keys().next().value!);
    return st;
  }

  all<T>(text: string, params: unknown[]): T[] {
    this.trace?.push({ sql: text, params });
    return this.statement(text).all(...params) as T[];
  }

  get<T>(text: string, params: unknown[]): T {
    this.trace?.push({ sql: text, params });
    return this.statement(text).get(...params) as T;
  }

  version(): number {
    return this.get<{ v: number }>('SELECT v FROM case_list_version WHERE id = 1', []).v;
  }
}

const caches = new WeakMap<Database.Database, QueueCache>();
function queueCache(sqlite: Database.Database): QueueCache {
  let cache = caches.get(sqlite);
  if (!cache) {
    cache = new QueueCache(sqlite);
    caches.set(sqlite, cache);
  }
  return cache;
}

function remember<V>(map: Map<string, V>, key: string, value: V, max: number) {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value!);
}

export type Key = [key: number | null, id: number];

/** Order of two sort keys in the list (NULL first ascending, last descending, like SQLite). */
export function compareKeys(dir: 'ASC' | 'DESC', a: Key, b: Key): number {
  let c = 0;
  if (a[0] !== b[0]) c = a[0] === null ? -1 : b[0] === null ? 1 : a[0] < b[0] ? -1 : 1;
  if (c === 0) c = a[1] - b[1];
  return dir === 'ASC' ? c : -c;
}

/** The plan with its clock condition's parameters blanked: the same list at any time, for remembering positions. */
function timeless(plan: Plan): Plan {
  return { ...plan, arms: plan.arms.map((arm) => ({ ...arm, conds: arm.conds.map((c) => (c.clock ? { ...c, params: c.params.map(() => 'clock') } : c)) })) };
}

/**
 * Keys of the cases whose SLA fell due in [from, to), in list order: they
 * joined (slaBreached) or left (not breached) the list. Read through each
 * arm's SLA index, where the window is a range.
 */
function fellDue(cache: QueueCache, plan: Plan, keyColumns: string, from: number, to: number, limit: number): Key[] {
  const slaIndex = plan.kind === 'cells' ? cellIndex.slaDueAt : plan.kind === 'assigned' ? assignedIndex.slaDueAt : 'cases_walk_sla_idx';
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const arm of plan.arms) {
    const conds = arm.conds.flatMap((c) => (c.clock === 'implied' ? [] : c.clock ? [{ sql: 'sla_due_at >= ? AND sla_due_at < ?', params: [from, to] }] : [c]));
    parts.push(`SELECT ${keyColumns} FROM cases INDEXED BY ${slaIndex} WHERE ${conds.map((c) => c.sql).join(' AND ')}`);
    for (const c of conds) params.push(...c.params);
  }
  const sql = `${parts.join(' UNION ALL ')} LIMIT ?`;
  cache.trace?.push({ sql, params: [...params, limit] });
  const keys = (
    cache
      .statement(sql)
      .raw()
      .all(...params, limit) as unknown[][]
  ).map((row): Key => (plan.column === 'id' ? [row[0] as number, row[0] as number] : [row[0] as number | null, row[1] as number]));
  return keys.sort((x, y) => compareKeys(plan.dir, x, y));
}

/**
 * Where a deep page starts: the key of every stride-th row (positions
 * stride−1, 2·stride−1, …) is remembered per list and list version, computed
 * once and extended on demand (at most `maxAnchors`; deeper offsets continue
 * with a keys-only scan from the last one).
 *
 * A list that depends on the clock (slaBreached) changes as cases fall due:
 * its remembered keys stay valid for `clockReuseMs`, each shifted by the
 * cases that fell due since before it (joined the breached list, or left the
 * not-breached one): a few, found in the SLA index and counted in memory.
 */
function anchorBefore(cache: QueueCache, plan: Plan, offset: number, nowMs: number): { key: number | null; id: number; position: number } | 'end' {
  const keyColumns = plan.column === 'id' ? 'id' : `${plan.column}, id`;
  const toKey = (row: unknown[]): Key => (plan.column === 'id' ? [row[0] as number, row[0] as number] : [row[0] as number | null, row[1] as number]);
  const stride = queueTuning.stride;
  const clockOp = plan.arms[0]?.conds.find((c) => c.clock && c.clock !== 'implied')?.clock as '<' | '>=' | undefined;
  const stable = orderedSelect(timeless(plan), keyColumns);
  const cacheKey = `${stride}\u0000${stable.sql}\u0000${JSON.stringify(stable.params)}`;
  const version = cache.version();
  let entry = cache.anchors.get(cacheKey);
  const wanted = Math.min(Math.floor(offset / stride) - 1, queueTuning.maxAnchors - 1); // anchor i sits at position (i + 1)·stride − 1
  const fresh = (at: number) => ({ version, at, keys: [] as Key[], complete: false });
  if (!entry || entry.version !== version) entry = fresh(nowMs);

  // Cases that fell due since the keys were taken, in list order (none for lists without a clock).
  let moved: Key[] = [];
  if (clockOp && entry.at !== nowMs) {
    const stale = nowMs < entry.at || nowMs - entry.at > queueTuning.clockReuseMs || (entry.keys.length <= wanted && !entry.complete);
    if (!stale) {
      const limit = queueTuning.maxAnchors;
      moved = fellDue(cache, plan, keyColumns, entry.at, nowMs, limit + 1);
      if (moved.length > limit) {
        moved = [];
        entry = fresh(nowMs);
      }
    } else entry = fresh(nowMs);
  }
  const signature = orderedSelect(plan, keyColumns);
  while (entry.keys.length <= wanted && !entry.complete) {
    const last = entry.keys.at(-1);
    const from = last ? orderedSelect(plan, keyColumns, { key: last[0], id: last[1] }) : signature;
    const want = (wanted + 1 - entry.keys.length) * stride;
    cache.trace?.push({ sql: `${from.sql} LIMIT ?`, params: [...from.params, want] });
    let seen = 0;
    for (const row of cache
      .statement(`${from.sql} LIMIT ?`)
      .raw()
      .iterate(...from.params, want) as IterableIterator<unknown[]>) {
      if (++seen % stride === 0) entry.keys.push(toKey(row));
    }
    if (seen < want) entry.complete = true;
  }
  remember(cache.anchors, cacheKey, entry, 32);

  // Rows up to and including anchor i, now: (i + 1)·stride, ± the moved cases up to it.
  const sign = clockOp === '>=' ? -1 : 1;
  const upTo = (i: number) => {
    let lo = 0;
    let hi = moved.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKeys(plan.dir, moved[mid]!, entry!.keys[i]!) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return (i + 1) * stride + sign * lo;
  };
  // The last anchor with at most `offset` rows up to it.
  let lo = 0;
  let hi = entry.keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (upTo(mid) <= offset) lo = mid + 1;
    else hi = mid;
  }
  const base = lo > 0 ? { key: entry.keys[lo - 1]!, rows: upTo(lo - 1) } : undefined;
  // Near an anchor the page query skips the few rows in between itself.
  if (base && offset - base.rows < 2 * stride) return { key: base.key[0], id: base.key[1], position: base.rows - 1 };
  // Far from any (past maxAnchors, or before the first): find the key before the page, reading keys only.
  const from = base ? orderedSelect(plan, keyColumns, { key: base.key[0], id: base.key[1] }) : signature;
  const skip = offset - 1 - (base ? base.rows : 0);
  cache.trace?.push({ sql: `${from.sql} LIMIT 1 OFFSET ?`, params: [...from.params, skip] });
  const row = cache
    .statement(`${from.sql} LIMIT 1 OFFSET ?`)
    .raw()
    .get(...from.params, skip) as unknown[] | undefined;
  if (!row) return 'end';
  const [key, id] = toKey(row);
  return { key, id, position: offset - 1 };
}

function pageRows(cache: QueueCache, plan: Plan, offset: number, limit: number, nowMs: number): RawCase[] {
  if (plan.seekable && offset >= queueTuning.stride) {
    const anchor = anchorBefore(cache, plan, offset, nowMs);
    if (anchor === 'end') return [];
    const page = orderedSelect(plan, listColumns, anchor);
    return cache.all<RawCase>(`${page.sql} LIMIT ? OFFSET ?`, [...page.params, limit, offset - anchor.position - 1]);
  }
  const page = orderedSelect(plan, listColumns);
  return cache.all<RawCase>(`${page.sql} LIMIT ? OFFSET ?`, [...page.params, limit, offset]);
}

function exactCount(cache: QueueCache, plan: Plan): number {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const arm of plan.arms) {
    parts.push(`SELECT count(*) AS n FROM ${arm.from}${arm.conds.length ? ` WHERE ${arm.conds.map((c) => c.sql).join(' AND ')}` : ''}`);
    for (const c of arm.conds) params.push(...c.params);
  }
  return cache.get<{ n: number }>(`SELECT sum(n) AS n FROM (${parts.join(' UNION ALL ')})`, params).n ?? 0;
}

/**
 * A total the page could not give, for filters with SLA-time or email-prefix
 * conditions over more than `exactBudget` candidates.
 *
 * SLA time only: counted per (status, band) cell in cases_queue_sla_idx,
 * where the SLA window is one index range (about 40 ns a row), up to
 * `countBudget` rows over all cells (smallest cells first, each taking an
 * even share of what is left); a cell that reaches its share is
 * extrapolated from how much of the window its counted rows covered.
 *
 * Email prefix: candidates per cell × the share of a sample passing the
 * filters. The sample is spread on an even grid over each cell's ids (each
 * grid point takes the cell's first case at or after it); a case after a
 * wide gap in the cell's ids is hit more often, so each hit is weighted by
 * 1/gap, else cells whose cases crowd into recent ids would be judged by
 * their few old cases.
 */
function estimateTotal(cache: QueueCache, spec: CaseFilterSpec): number {
  const cells = countedCells(cache, spec);
  const candidates = cells.reduce((s, c) => s + c.n, 0);
  if (candidates === 0) return 0;
  const stratum = countableConds(spec, { statuses: false, bands: false, assignee: true });
  const stratumSql = stratum.map((c) => ` AND ${c.sql}`).join('');
  const inCell = (cell: Cell) => ({
    sql: `status = ? AND ${cell.band === null ? 'risk_band IS NULL' : 'risk_band = ?'}${stratumSql}`,
    params: [cell.status, ...(cell.band === null ? [] : [cell.band]), ...stratum.flatMap((c) => c.params)],
  });
  let estimate = 0;
  if (!spec.qPrefix) {
    const window = spec.sla.map((c) => ({ sql: `sla_due_at ${c.op} ?`, params: [c.at] }));
    const windowSql = window.map((c) => ` AND ${c.sql}`).join('');
    const from = Math.max(...spec.sla.filter((c) => c.op === '>=').map((c) => c.at));
    const to = Math.min(...spec.sla.filter((c) => c.op !== '>=').map((c) => c.at));
    // Smallest cells first: what they leave of the budget goes to the bigger ones.
    let budget = queueTuning.countBudget;
    const bySize = [...cells].sort((x, y) => x.n - y.n);
    for (const [i, cell] of bySize.entries()) {
      const where = inCell(cell);
      const cap = Math.max(100, Math.floor(budget / (bySize.length - i)));
      const r = cache.get<{ n: number; first: number | null; last: number | null }>(
        `SELECT count(*) AS n, min(sla_due_at) AS first, max(sla_due_at) AS last FROM (SELECT sla_due_at FROM cases INDEXED BY cases_queue_sla_idx WHERE ${where.sql}${windowSql} ORDER BY sla_due_at LIMIT ?)`,
        [...where.params, ...window.flatMap((c) => c.params), cap],
      );
      budget -= r.n;
      if (r.n < cap || r.first === null || r.last === null) {
        estimate += r.n;
        continue;
      }
      const end = Number.isFinite(to)
        ? to
        : cache.get<{ m: number }>(`SELECT max(sla_due_at) AS m FROM cases INDEXED BY cases_queue_sla_idx WHERE ${where.sql}`, where.params).m;
      const start = Number.isFinite(from) ? Math.max(from, r.first) : r.first;
      estimate += r.last > start ? (r.n * (end - start)) / (r.last - start) : r.n;
    }
    return Math.round(estimate);
  }
  const residual = residualConds(spec);
  const test = residual.map((c) => c.sql).join(' AND ');
  for (const cell of cells) {
    const where = inCell(cell);
    const inCellSql = `FROM cases INDEXED BY cases_queue_id_idx WHERE ${where.sql}`;
    const span = cache.get<{ lo: number | null; hi: number | null }>(`SELECT min(id) AS lo, max(id) AS hi ${inCellSql}`, where.params);
    if (span.lo === null || span.hi === null) continue;
    const points = Math.max(8, Math.ceil((queueTuning.sample * cell.n) / candidates));
    const step = Math.max(1, Math.floor((span.hi - span.lo + 1) / points));
    const r = cache.get<{ weight: number | null; hits: number | null }>(
      `SELECT sum(1.0 / (r - p)) AS weight, sum(CASE WHEN ${test} THEN 1.0 / (r - p) ELSE 0 END) AS hits FROM (
         WITH RECURSIVE points(x) AS (SELECT ? UNION ALL SELECT x + ? FROM points WHERE x + ? <= ?)
         SELECT c.sla_due_at, c.masked_email, c.id AS r, ifnull((SELECT id ${inCellSql} AND id < points.x ORDER BY id DESC LIMIT 1), ? - 1) AS p
         FROM points JOIN cases c ON c.id = (SELECT id ${inCellSql} AND id >= points.x ORDER BY id LIMIT 1))`,
      [...residual.flatMap((c) => c.params), span.lo, step, step, span.hi, ...where.params, span.lo, ...where.params],
    );
    if (r.weight) estimate += (cell.n * (r.hits ?? 0)) / r.weight;
  }
  return Math.round(estimate);
}

export interface CaseListResult {
  rows: CaseListItem[];
  /** null when the caller asked for no total. */
  total: number | null;
  totalIsEstimate: boolean;
  /** With `json: true`: the rows as JSON text (a remembered page keeps its text). */
  json?: string;
}

export interface ListCasesOptions {
  /** false: skip the total (Prefer: count=none). */
  total?: boolean;
  /** The signed-in person's own user account: its cases are flagged `ownAccount: true` (the desk offers no action on them). */
  ownUserId?: number | null;
  /** true: also answer the rows as JSON text (`json`), kept with a remembered page. */
  json?: boolean;
  /** SQLite's data version read earlier in this request (the session lookup's): saves reading it again. */
  dataVersion?: number;
  /** Collects every statement run, with its parameters (the benchmark replays them raw). */
  trace?: { sql: string; params: unknown[] }[];
}

/**
 * One page of the queue with its total. SQLite: the hand-planned reads below,
 * on the reader connection (synchronous, one read transaction). PostgreSQL:
 * queue-pg.ts, where the planner and plain indexes do the work.
 */
export async function listCases(
  database: DatabaseHandle,
  q: ListQuery<CaseSortField>,
  now: Date,
  me: number,
  options: ListCasesOptions = {},
): Promise<CaseListResult> {
  const spec = parseCaseFilter(q.filter, now, me);
  const own = options.ownUserId ?? null;
  if (spec.never) return withJson({ rows: [], total: options.total === false ? null : 0, totalIsEstimate: false }, options);
  if (database.engine === 'pg') {
    const { listCasesPg } = await import('./queue-pg.ts');
    const result = await listCasesPg(database.db, q, spec, now, me, options);
    return withJson({ ...result, rows: result.rows.map((r) => flagOwn(r, own)) }, options);
  }
  const cache = queueCache(database.sqlite!.reader);
  const nowMs = now.getTime();
  // A page of a list that does not depend on the clock is remembered for the
  // case_list_version it was read at (bumped by any change to a case that a
  // list can show or be ordered by): the desk asks for the same queue page
  // over and over, and one version read answers it; no read at all while the
  // database's data version has not moved (nothing was committed since). The
  // page keeps its JSON text; slaBreached is worked out again for the moment
  // of asking (and the text made again when it changed).
  const pageKey =
    options.trace || spec.sla.some((c) => c.clock)
      ? undefined
      : JSON.stringify([q.filter, q.sortField, q.sortOrder, q.offset, q.limit, options.total !== false, me, own]);
  // A stamp read earlier in the request is older, never newer, than the page it checks: a page valid
  // at that stamp is the page as of that moment (and one kept at it is checked again at the next).
  const stamp = pageKey === undefined ? 0 : (options.dataVersion ?? database.dataVersion!());
  if (pageKey !== undefined) {
    const kept = cache.pages.get(pageKey);
    if (kept && (kept.stamp === stamp || kept.version === cache.version())) {
      kept.stamp = stamp;
      rememberedPageStats.hits++;
      let same = true;
      const rows = kept.rows.map((row, i) => {
        const current = breachedAt(row, kept.dueAt[i]!, nowMs);
        if (current !== row) same = false;
        return current;
      });
      const result: CaseListResult = { rows, total: kept.total, totalIsEstimate: kept.totalIsEstimate };
      if (options.json) result.json = same ? (kept.json ??= JSON.stringify(rows)) : JSON.stringify(rows);
      return result;
    }
  }
  cache.trace = options.trace;
  try {
    // One read transaction: case_counts, anchors and rows from the same snapshot.
    return cache.inTransaction((): CaseListResult => {
      const plan = planCaseList(cache, spec, q.sortField, q.sortOrder);
      if (plan.arms.length === 0) return withJson({ rows: [], total: options.total === false ? null : 0, totalIsEstimate: false }, options);
      const raw = pageRows(cache, plan, q.offset, q.limit, nowMs);
      const rows = raw.map((r) => flagOwn(rawListView(r, nowMs), own));
      const result: CaseListResult =
        options.total === false ? { rows, total: null, totalIsEstimate: false } : { rows, ...totalOf(cache, plan, spec, q, rows.length, now, me) };
      if (options.json) result.json = JSON.stringify(rows);
      if (pageKey !== undefined)
        remember(
          cache.pages,
          pageKey,
          {
            version: cache.version(),
            stamp,
            rows: Object.freeze(rows.map((r) => Object.freeze(r))),
            dueAt: raw.map((r) => r.sla_due_at),
            total: result.total,
            totalIsEstimate: result.totalIsEstimate,
            json: result.json,
          },
          queueTuning.rememberedPages,
        );
      return result;
    });
  } finally {
    cache.trace = undefined;
  }
}

function withJson(result: CaseListResult, options: ListCasesOptions): CaseListResult {
  if (options.json) result.json = JSON.stringify(result.rows);
  return result;
}

/** A case about the signed-in person's own account is flagged, so the desk offers no action on it. */
function flagOwn(row: CaseListItem, own: number | null): CaseListItem {
  return own !== null && row.userId === own ? { ...row, ownAccount: true } : row;
}

/** How often a remembered page answered (tests read it). */
export const rememberedPageStats = { hits: 0 };

/** A remembered row as of `now`: the same object while its SLA state has not changed. */
function breachedAt(row: CaseListItem, dueAt: number | null, now: number): CaseListItem {
  const breached = dueAt !== null && dueAt < now && queueStatuses.includes(row.status as CaseStatus);
  return breached === row.slaBreached ? row : { ...row, slaBreached: breached };
}

function totalOf(
  cache: QueueCache,
  plan: Plan,
  spec: CaseFilterSpec,
  q: ListQuery<CaseSortField>,
  shown: number,
  now: Date,
  me: number,
): { total: number; totalIsEstimate: boolean } {
  if (plan.countedTotal !== undefined) return { total: plan.countedTotal, totalIsEstimate: false };
  // A page that is not full ends the list: the total is where it ends.
  if (shown > 0 && shown < q.limit) return { total: q.offset + shown, totalIsEstimate: false };
  if (shown === 0 && q.offset === 0) return { total: 0, totalIsEstimate: false };
  if (plan.kind === 'ids' || plan.kind === 'user' || (plan.candidates ?? 0) <= queueTuning.exactBudget)
    return { total: exactCount(cache, plan), totalIsEstimate: false };
  const key = `${JSON.stringify(q.filter)}\u0000${me}`;
  const cached = cache.estimates.get(key);
  const nowMs = now.getTime();
  let estimate: number;
  if (cached && nowMs - cached.at >= 0 && nowMs - cached.at < queueTuning.estimateTtlMs) estimate = cached.total;
  else {
    estimate = estimateTotal(cache, spec);
    remember(cache.estimates, key, { total: estimate, at: nowMs }, 500);
  }
  // Past the end (an empty page) the list is shorter than the offset; otherwise at least as long as what was shown.
  return { total: shown === 0 ? Math.min(estimate, q.offset) : Math.max(estimate, q.offset + shown), totalIsEstimate: true };
}
