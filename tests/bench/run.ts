/**
 * `npm run bench`: the review queue at 10 thousand and at 10 million cases,
 * then the request stack over HTTP (tests/bench/stack.ts).
 * `npm run bench -- --only queue`, `--only stack` or `--only gate` (or BENCH_ONLY=…) runs one of them.
 *
 * Builds (once) or reuses data/bench/cases-<n>.db, then measures the list
 * endpoint through the real app (app.request: routing, session middleware,
 * validation, JSON; no socket) with a staff session cookie, for every filter
 * the desk offers × every sort × both directions, and prints:
 *   - p95 of page 1 at 10k and at the big size, and their ratio (goal ≤ 1.5);
 *   - p95 of the page at offset 100 000 ÷ page 1 (goal ≤ 2), where the list is that long;
 *   - throughput with the total ÷ without it (`Prefer: count=none`) (goal ≥ 0.7);
 *   - endpoint p95 ÷ the same statements run as raw prepared SQL (goal ≤ 1.15).
 *
 * First, the withdrawal gate beside a Hono hello-world over real HTTP
 * (withdrawal-gate.ts; BENCH_ONLY=gate runs only that part).
 *
 * Env: BENCH_BIG=<cases> (default 10 000 000), BENCH_SAMPLES (default 40),
 * BENCH_FILTER=<regex on the filter name>. BENCH_DATABASE_URL=postgres://…/db
 * measures PostgreSQL instead: each size is generated into SQLite as above,
 * then `db copy`-ed once into the database <db>_cases_<n> on that server
 * (reused while data/bench/pg-cases-<n>.json says it is complete); the raw
 * columns are then the same statements' p95 through the pool. The clock is pinned to the time
 * the data was generated for, so SLA-based filters mean the same every run.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../db/client.ts';
import { copyDatabase } from '../../server/cli/db-copy.ts';
import { pgListStatements } from '../../server/cases/queue-pg.ts';
import { staffSessions } from '../../db/schema/index.ts';
import { loadConfig } from '../../server/config.ts';
import { createKeyring } from '../../server/crypto/encryption.ts';
import { sha256Hex } from '../../server/crypto/tokens.ts';
import { createLogger } from '../../server/logger.ts';
import { createApp, type App } from '../../server/app.ts';
import type { Deps } from '../../server/deps.ts';
import { createStaffMember } from '../../server/staff/service.ts';
import { listCases, queueTuning, type CaseSortField } from '../../server/cases/queue.ts';
import { simulatedBiometricProvider } from '../../fixtures/biometric-simulator.ts';
import { generateBigFixtures } from '../../fixtures/big.ts';
import { queueFilters, queueSorts, sortOrders, type FilterContext, type NamedFilter } from './queue-filters.ts';
import { runStackBench } from './stack.ts';
import { benchWithdrawalGate } from './withdrawal-gate.ts';

const T0 = Date.parse('2026-11-26T09:00:00Z');
const SMALL = 10_000;
const BIG = Number(process.env.BENCH_BIG ?? 10_000_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);
const DEEP = 100_000;
const PAGE = 25;
const DIR = 'data/bench';
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
const onlyFilters = process.env.BENCH_FILTER ? new RegExp(process.env.BENCH_FILTER, 'i') : null;

interface Meta {
  cases: number;
  users: number;
  ms: number;
  phases: Record<string, number>;
  generatedFor: string;
  staffIds: number[];
}

const PG = process.env.BENCH_DATABASE_URL;

async function makeDeps(path: string, clock: () => Date, url?: string): Promise<Deps> {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_PATH: path, REBIND_MASTER_KEY: MASTER_KEY, LOG_LEVEL: 'silent' });
  const database = await openDatabase({ path, url });
  const random = (n: number) => randomBytes(n);
  return {
    config,
    db: database.db,
    database,
    keyring: createKeyring(MASTER_KEY),
    clock,
    random,
    logger: createLogger('silent'),
    transports: {},
    biometric: simulatedBiometricProvider(config.origin, random),
    lifecycle: { draining: false },
  };
}

/** Reuses data/bench/cases-<n>.db when its generation finished (the .json beside it), else builds it. */
async function ensureDatabase(n: number): Promise<{ path: string; meta: Meta }> {
  mkdirSync(DIR, { recursive: true });
  const path = `${DIR}/cases-${n}.db`;
  const metaPath = `${DIR}/cases-${n}.json`;
  if (existsSync(path) && existsSync(metaPath)) return { path, meta: JSON.parse(readFileSync(metaPath, 'utf8')) as Meta };
  for (const f of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) rmSync(f, { force: true });
  console.error(`generating ${n.toLocaleString('en')} cases into ${path} …`);
  const deps = await makeDeps(path, () => new Date(T0));
  const staffIds: number[] = [];
  for (const [i, role] of (['agent', 'agent', 'agent', 'supervisor', 'supervisor'] as const).entries()) {
    const created = await createStaffMember(
      deps,
      { email: `bench-${role}-${i}@staff.test`, name: `Bench ${role} ${i}`, role },
      { type: 'system', label: 'bench' },
    );
    staffIds.push(created.member.id);
  }
  let lastPrint = 0;
  const started = performance.now();
  const result = await generateBigFixtures(deps, {
    cases: n,
    onProgress: (done, total) => {
      const t = performance.now();
      if (t - lastPrint < 2000 && done < total) return;
      lastPrint = t;
      process.stderr.write(`  ${((done / total) * 100).toFixed(0)}% ${done.toLocaleString('en')} rows, ${((t - started) / 1000).toFixed(0)} s\n`);
    },
  });
  await deps.database.close();
  const meta: Meta = { ...result, generatedFor: new Date(T0).toISOString(), staffIds };
  writeFileSync(metaPath, JSON.stringify(meta, null, 2));
  console.error(
    `generated ${n.toLocaleString('en')} cases (${result.users.toLocaleString('en')} users) in ${(result.ms / 1000).toFixed(1)} s = ${Math.round(n / (result.ms / 1000)).toLocaleString('en')} cases/s; phases ms ${JSON.stringify(result.phases)}`,
  );
  return { path, meta };
}

interface Target {
  n: number;
  meta: Meta;
  deps: Deps;
  app: App;
  cookie: string;
  resetClock: () => void;
  me: number;
  fc: FilterContext;
}

/** The PostgreSQL copy of data/bench/cases-<n>.db (made once with db copy). */
async function ensurePostgres(n: number, path: string): Promise<string> {
  const base = new URL(PG!);
  const name = `${base.pathname.slice(1) || 'rebind'}_cases_${n}`;
  const url = new URL(PG!);
  url.pathname = `/${name}`;
  const marker = `${DIR}/pg-cases-${n}.json`;
  if (existsSync(marker) && JSON.parse(readFileSync(marker, 'utf8')).url === url.toString()) return url.toString();
  const admin = new pg.Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  console.error(`copying ${n.toLocaleString('en')} cases into ${name} …`);
  const source = await openDatabase({ path });
  const target = await openDatabase({ url: url.toString() });
  const report = await copyDatabase(source, target, (table, rows) => process.stderr.write(`  ${table}: ${rows}\n`));
  await target.db.exec(sql`ANALYZE`);
  await source.close();
  await target.close();
  writeFileSync(marker, JSON.stringify({ url: url.toString(), ms: report.ms }, null, 2));
  console.error(`copied in ${(report.ms / 1000).toFixed(1)} s`);
  return url.toString();
}

async function openTarget(n: number): Promise<Target> {
  const { path, meta } = await ensureDatabase(n);
  const pgUrl = PG ? await ensurePostgres(n, path) : undefined;
  // The app's clock starts at T0 when measuring starts (resetClock): building the other size can take
  // longer than a staff session's idle limit.
  let started = performance.now();
  const deps = await makeDeps(path, () => new Date(T0 + (performance.now() - started)), pgUrl);
  deps.database.sqlite?.reader.pragma('cache_size = -2000000'); // 2 GB page cache: measure the queries, not the disk
  const me = meta.staffIds[0]!;
  // A session row for the bench's agent (the sign-in flow has its own tests).
  const token = randomBytes(32).toString('base64url');
  await deps.db.insert(staffSessions).values({
    id: sha256Hex(token),
    staffId: me,
    state: 'active',
    csrfToken: 'bench',
    createdAt: new Date(T0),
    lastSeenAt: new Date(T0),
    expiresAt: new Date(T0 + 86_400_000),
  });
  const maxId = Number((await deps.db.rows<{ m: number }>(sql`SELECT max(id) AS m FROM cases`))[0]!.m);
  const caseIds = Array.from({ length: 8 }, (_, i) => Math.max(1, Math.floor((maxId * (i + 1)) / 9)));
  const userId = Number((await deps.db.rows<{ user_id: number }>(sql`SELECT user_id FROM cases WHERE id = ${caseIds[3]!}`))[0]!.user_id);
  return {
    n,
    meta,
    deps,
    app: createApp(deps),
    cookie: `rebind_staff=${token}`,
    me,
    fc: { now: new Date(T0), userId, caseId: caseIds[4]!, caseIds },
    resetClock: () => {
      started = performance.now();
    },
  };
}

const url = (filter: Record<string, unknown>, sort: string, dir: string, from: number) =>
  `/admin/api/cases?filter=${encodeURIComponent(JSON.stringify(filter))}&sort=${encodeURIComponent(JSON.stringify([sort, dir]))}&range=${encodeURIComponent(JSON.stringify([from, from + PAGE - 1]))}`;

async function request(t: Target, path: string, countNone = false): Promise<{ ms: number; total: string; estimate: boolean }> {
  const headers: Record<string, string> = { cookie: t.cookie };
  if (countNone) headers.prefer = 'count=none';
  const started = performance.now();
  const res = await t.app.request(path, { headers });
  await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  return { ms, total: res.headers.get('content-range')!.split('/')[1]!, estimate: res.headers.get('x-total-is-estimate') === 'true' };
}

const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!;
};

async function sample(t: Target, path: string, n: number, countNone = false): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await request(t, path, countNone)).ms);
  return out;
}

interface Row {
  filter: string;
  sort: string;
  small: number;
  big: number;
  total: string;
  estimate: boolean;
  deepCold?: number;
  deep?: number;
  withTotal: number; // requests per second
  withoutTotal: number;
  fn: number;
  raw: number;
}

async function measure(small: Target, t: Target, f: NamedFilter, sort: CaseSortField, dir: 'ASC' | 'DESC'): Promise<Row> {
  const filter = f.filter(t.fc);
  const smallPath = url(f.filter(small.fc), sort, dir, 0);
  const path = url(filter, sort, dir, 0);
  await sample(small, smallPath, 3);
  const first = await request(t, path);
  // Bounded: a combination slower than 50 ms gets a handful of samples.
  const n = first.ms > 50 ? 5 : SAMPLES;
  await sample(t, path, 2);
  // Page 1 at both sizes in alternating rounds, so both see the same machine state.
  const smallTimes: number[] = [];
  const bigTimes: number[] = [];
  const rounds = n >= 20 ? 4 : 1;
  for (let r = 0; r < rounds; r++) {
    smallTimes.push(...(await sample(small, smallPath, Math.ceil(n / rounds))));
    bigTimes.push(...(await sample(t, path, Math.ceil(n / rounds))));
  }
  const row: Row = {
    filter: f.name,
    sort: `${sort} ${dir}`,
    small: p95(smallTimes),
    big: p95(bigTimes),
    total: first.total,
    estimate: first.estimate,
    withTotal: 0,
    withoutTotal: 0,
    fn: 0,
    raw: 0,
  };

  if (Number(first.total) >= DEEP + PAGE) {
    const deepPath = url(filter, sort, dir, DEEP);
    row.deepCold = (await request(t, deepPath)).ms;
    row.deep = p95(await sample(t, deepPath, n));
  }

  // Throughput, interleaved so both modes see the same machine state.
  let withMs = 0;
  let withoutMs = 0;
  const per = Math.max(2, Math.round(n / 3));
  for (let r = 0; r < 5; r++) {
    withMs += (await sample(t, path, per)).reduce((a, b) => a + b, 0);
    withoutMs += (await sample(t, path, per, true)).reduce((a, b) => a + b, 0);
  }
  row.withTotal = (5 * per) / (withMs / 1000);
  row.withoutTotal = (5 * per) / (withoutMs / 1000);

  // The same statements, as listCases runs them in the steady state, then raw.
  const q = { filter, sortField: sort, sortOrder: dir, offset: 0, limit: PAGE };
  const fnTimes: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await listCases(t.deps.database, q, t.deps.clock(), t.me);
    fnTimes.push(performance.now() - started);
  }
  row.fn = p95(fnTimes);
  const trace: { sql: string; params: unknown[] }[] = [];
  await listCases(t.deps.database, q, t.deps.clock(), t.me, { trace });
  const rawTimes: number[] = [];
  const reader = t.deps.database.sqlite?.reader;
  if (reader) {
    const statements = trace.map((s) => ({ st: reader.prepare(s.sql), params: s.params }));
    for (let i = 0; i < n + 3; i++) {
      const started = performance.now();
      for (const s of statements) s.st.all(...s.params);
      if (i >= 3) rawTimes.push(performance.now() - started);
    }
  } else {
    // PostgreSQL: the page's statement and its count, as listCasesPg builds them, straight through the pool.
    const pool = t.deps.database.pool!;
    const statements = await pgTrace(q, t);
    for (let i = 0; i < n + 3; i++) {
      const started = performance.now();
      for (const s of statements) await pool.query(s.sql, s.params as unknown[]);
      if (i >= 3) rawTimes.push(performance.now() - started);
    }
  }
  row.raw = p95(rawTimes);
  return row;
}

const fmt = (x: number | undefined, digits = 2) => (x === undefined ? '–' : x.toFixed(digits));
const mark = (ok: boolean) => (ok ? ' ' : '✗');

function printTable(rows: Row[]) {
  const head = [
    'filter',
    'sort',
    'p95 10k',
    `p95 ${short(BIG)}`,
    'ratio',
    '',
    'total',
    `@100k cold`,
    '@100k p95',
    '÷p1',
    '',
    'req/s total',
    'req/s none',
    'ratio',
    '',
    'fn p95',
    'raw p95',
    'endp÷raw',
    '',
  ];
  const widths = [20, 16, 8, 9, 6, 1, 12, 10, 9, 6, 1, 11, 10, 6, 1, 7, 8, 8, 1];
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 || i === 6 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ');
  console.log(line(head));
  for (const r of rows) {
    const ratio = r.big / r.small;
    const deepRatio = r.deep === undefined ? undefined : r.deep / r.big;
    const thr = r.withTotal / r.withoutTotal;
    const endpoint = r.big / r.raw;
    console.log(
      line([
        r.filter,
        r.sort,
        fmt(r.small),
        fmt(r.big),
        fmt(ratio),
        mark(ratio <= 1.5),
        `${r.total}${r.estimate ? '~' : ''}`,
        fmt(r.deepCold, 1),
        fmt(r.deep),
        fmt(deepRatio),
        mark(deepRatio === undefined || deepRatio <= 2),
        r.withTotal.toFixed(0),
        r.withoutTotal.toFixed(0),
        fmt(thr),
        mark(thr >= 0.7),
        fmt(r.fn, 3),
        fmt(r.raw, 3),
        fmt(endpoint),
        mark(endpoint <= 1.15),
      ]),
    );
  }
  const deepRows = rows.filter((r) => r.deep !== undefined);
  const met = (xs: boolean[]) => `${xs.filter(Boolean).length}/${xs.length}`;
  console.log('');
  console.log(
    `goals met: page-1 ${short(BIG)}÷10k ≤ 1.5: ${met(rows.map((r) => r.big / r.small <= 1.5))}; @100k÷page-1 ≤ 2: ${met(deepRows.map((r) => r.deep! / r.big <= 2))}; with÷without total ≥ 0.7: ${met(rows.map((r) => r.withTotal / r.withoutTotal >= 0.7))}; endpoint÷raw ≤ 1.15: ${met(rows.map((r) => r.big / r.raw <= 1.15))}`,
  );
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `medians: page-1 ratio ${fmt(med(rows.map((r) => r.big / r.small)))}, deep ratio ${deepRows.length ? fmt(med(deepRows.map((r) => r.deep! / r.big))) : '–'}, throughput ratio ${fmt(med(rows.map((r) => r.withTotal / r.withoutTotal)))}, endpoint÷raw ${fmt(med(rows.map((r) => r.big / r.raw)))}, fn÷raw ${fmt(med(rows.map((r) => r.fn / r.raw)))}`,
  );
  console.log(
    '(~ after a total: estimated, X-Total-Is-Estimate; times in ms; "none" = Prefer: count=none; fn = await listCases() called directly; raw = its statements as prepared SQL)',
  );
}

/** The statements listCasesPg runs for a page, as SQL text and parameters. */
function pgTrace(q: Parameters<typeof listCases>[1], t: Target) {
  return pgListStatements(t.deps.db, q, t.deps.clock(), t.me);
}

const short = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));

async function main() {
  const filters = queueFilters.filter((f) => !onlyFilters || onlyFilters.test(f.name));
  const small = await openTarget(SMALL);
  const big = await openTarget(BIG);
  small.resetClock();
  big.resetClock();
  // Warm-up: JIT, statement caches, page cache, so the first rows measured are not the slowest.
  for (const t of [small, big]) for (const f of filters) for (const sort of queueSorts) await sample(t, url(f.filter(t.fc), sort, 'ASC', 0), 2);
  console.error(
    `measuring ${filters.length} filters × ${queueSorts.length} sorts × 2 directions at ${short(SMALL)} and ${short(BIG)} (app.request, ${SAMPLES} samples each) …`,
  );
  const rows: Row[] = [];
  const started = performance.now();
  for (const f of filters) {
    for (const sort of queueSorts) {
      for (const dir of sortOrders) {
        rows.push(await measure(small, big, f, sort, dir));
      }
    }
    process.stderr.write(`  ${f.name} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  const cube = (await big.deps.db.rows<{ n: number }>(sql`SELECT count(*) AS n FROM case_counts`))[0]!;
  console.log(
    `\nqueue list on ${big.deps.database.engine === 'pg' ? 'PostgreSQL' : 'SQLite'}, ${short(SMALL)} vs ${short(BIG)} cases (case_counts rows: ${cube.n}); Node ${process.version}`,
  );
  for (const t of [small, big]) {
    console.log(
      `  ${short(t.n)}: generated (when built) in ${(t.meta.ms / 1000).toFixed(1)} s = ${Math.round(t.n / (t.meta.ms / 1000)).toLocaleString('en')} cases/s, phases ms ${JSON.stringify(t.meta.phases)}`,
    );
  }
  console.log('');
  printTable(rows);
  writeFileSync(
    `${DIR}/results-${PG ? 'pg-' : ''}${short(BIG)}${onlyFilters ? '-partial' : ''}.json`,
    JSON.stringify({ big: BIG, samples: SAMPLES, rows }, null, 2),
  );
  await small.deps.database.close();
  await big.deps.database.close();
}

const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const part = only ?? (process.env.BENCH_ONLY || undefined);
if (part !== undefined && !['queue', 'stack', 'gate'].includes(part)) throw new Error(`--only takes queue, stack or gate, not ${part}`);
// The withdrawal gate first: quick, on its own fresh database (and on BENCH_DATABASE_URL's server when set).
if (part === undefined || part === 'gate') await benchWithdrawalGate(PG);
if (part === undefined || part === 'queue') {
  // G1–G3 measure the queue's reads: the same page asked again would be answered from memory on SQLite.
  const remembered = queueTuning.rememberedPages;
  queueTuning.rememberedPages = 0;
  try {
    await main();
  } finally {
    queueTuning.rememberedPages = remembered;
  }
}
if (part === undefined || part === 'stack') await runStackBench();
