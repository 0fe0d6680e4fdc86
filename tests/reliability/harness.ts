import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase, type DatabaseHandle } from '../../db/client.ts';
import { createTestContext, makeStaff, StaffClient, TEST_MASTER_KEY, type TestContext, type StaffAccount } from '../server/helpers.ts';
import type { StaffRole } from '../../db/schema/index.ts';

/**
 * A real Rebind server process (node + tsx, its own port and database) for
 * the reliability suite, with a second connection to its database for the
 * harness (to create staff and to check what the server wrote), and the
 * operator CLI against the same database.
 */
export const ROOT = join(import.meta.dirname, '..', '..');
const execFileAsync = promisify(execFile);
export const WEBHOOK_SECRET = 'reliability-webhook-secret-0123456789';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type Engine = 'sqlite' | 'pg';

export interface StackOptions {
  engine?: Engine;
  /** An existing SQLite file to run on (otherwise a fresh one in a temp directory). */
  databasePath?: string;
  /** The PostgreSQL server to create a database on (engine pg); default TEST_DATABASE_URL or DATABASE_URL. */
  pgServerUrl?: string;
  env?: Record<string, string>;
  label?: string;
}

export class Stack {
  readonly engine: Engine;
  readonly dir: string;
  readonly databasePath: string;
  databaseUrl = '';
  private pgName = '';
  port = 0;
  base = '';
  child: ChildProcess | null = null;
  output: string[] = [];
  env: Record<string, string> = {};
  handle: DatabaseHandle | null = null;
  ctx!: TestContext;
  /** The same context, but its app.request goes to the server over HTTP. */
  http!: TestContext;
  private ownsDir = true;

  constructor(private readonly options: StackOptions = {}) {
    this.engine = options.engine ?? 'sqlite';
    this.dir = mkdtempSync(join(tmpdir(), `rebind-rel-${options.label ?? 'stack'}-`));
    this.databasePath = options.databasePath ?? join(this.dir, 'rebind.db');
  }

  /** Creates (and migrates) the database, opens the harness connection and picks a port. */
  async init(): Promise<this> {
    if (this.engine === 'pg') {
      const server = this.options.pgServerUrl ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
      if (!server) throw new Error('The PostgreSQL run needs TEST_DATABASE_URL (or DATABASE_URL) naming a server.');
      this.pgName = `rebind_rel_${process.pid}_${randomBytes(3).toString('hex')}`;
      await pgAdmin(server, `CREATE DATABASE "${this.pgName}"`);
      const u = new URL(server);
      u.pathname = `/${this.pgName}`;
      this.databaseUrl = u.toString();
    }
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    await this.openHarness();
    this.env = {
      NODE_ENV: 'development',
      PORT: String(this.port),
      HOST: '127.0.0.1',
      ORIGIN: `http://localhost:${this.port}`,
      RP_ID: 'localhost',
      REBIND_MASTER_KEY: TEST_MASTER_KEY,
      DEMO_SEED: 'off',
      REBIND_SKIP_BUILD: '1',
      TRUST_PROXY: 'true',
      LOG_LEVEL: 'warn',
      BIOMETRIC_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ...(this.engine === 'pg' ? { DATABASE_URL: this.databaseUrl } : { DATABASE_PATH: this.databasePath }),
      ...this.options.env,
    };
    return this;
  }

  async openHarness(): Promise<void> {
    this.handle = await openDatabase(this.engine === 'pg' ? { url: this.databaseUrl } : { path: this.databasePath });
    this.ctx = await createTestContext(
      { ORIGIN: `http://localhost:${this.port || 8787}`, RP_ID: 'localhost', BIOMETRIC_WEBHOOK_SECRET: WEBHOOK_SECRET },
      this.handle,
    );
    this.ctx.clock.set(new Date());
    this.http = { ...this.ctx, app: { request: (path: string, init?: RequestInit) => fetch(this.base + path, init) } as unknown as TestContext['app'] };
  }

  async closeHarness(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
  }

  /** Loads the demo data (before the server starts: its housekeeping would race the back-dated seed). */
  async seed(): Promise<void> {
    if ((await this.count('users')) > 0) return;
    const { seedDemo } = await import('../../fixtures/seed.ts');
    this.ctx.clock.set(new Date());
    await seedDemo(this.ctx.deps);
  }

  /** Starts the server and waits for /readyz. */
  async start(extraEnv: Record<string, string> = {}, timeoutMs = 90_000): Promise<void> {
    const env = { ...process.env, ...this.env, ...extraEnv, VITEST: '', REBIND_TEST_ENGINE: '', VITEST_WORKER_ID: '', VITEST_POOL_ID: '' };
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.output = [];
    child.stdout!.on('data', (d: Buffer) => this.output.push(d.toString()));
    child.stderr!.on('data', (d: Buffer) => this.output.push(d.toString()));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ok = await fetch(`${this.base}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the server did not start:\n${this.output.join('').slice(-4000)}`);
      await sleep(150);
    }
  }

  /** SIGTERM (graceful) or SIGKILL; resolves with the exit code (null when killed). */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    const code = await exited;
    this.child = null;
    return code;
  }

  /** The operator CLI on this stack's database; parses its one JSON document. */
  async cli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; json: any; stdout: string; stderr: string }> {
    const env = { ...process.env, ...this.env, LOG_LEVEL: 'silent', ...extraEnv, VITEST: '', REBIND_TEST_ENGINE: '' };
    try {
      const { stdout, stderr } = await execFileAsync(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args, '--json'], {
        cwd: ROOT,
        env,
        maxBuffer: 64 * 1024 * 1024,
      });
      return { code: 0, json: parseJson(stdout), stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : 1, json: parseJson(e.stdout ?? ''), stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }

  async auditVerify(): Promise<{ ok: boolean; count: number; message?: string }> {
    const r = await this.cli(['audit', 'verify']);
    return r.json ?? { ok: false, count: 0, message: r.stderr.slice(-500) };
  }

  /** A signed-in staff member of this role (a fresh account each time: a TOTP step is usable once). */
  async staff(role: StaffRole, ip = randomIp()): Promise<{ account: StaffAccount; client: StaffClient }> {
    this.ctx.clock.set(new Date());
    const account = await makeStaff(this.ctx, role);
    const client = new StaffClient(this.http, ip);
    const res = await client.signIn(account);
    if (res.status !== 200) throw new Error(`staff sign-in failed: ${res.status} ${await res.text()}`);
    return { account, client };
  }

  async count(table: string, where = sql``): Promise<number> {
    return Number((await this.handle!.db.rows<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql.identifier(table)} ${where}`))[0]!.n);
  }

  async dispose(): Promise<void> {
    await this.stop('SIGKILL').catch(() => undefined);
    await this.closeHarness().catch(() => undefined);
    if (this.pgName) {
      const server = this.options.pgServerUrl ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
      await pgAdmin(server!, `DROP DATABASE IF EXISTS "${this.pgName}" WITH (FORCE)`).catch(() => undefined);
    }
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function pgAdmin(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

let ipCounter = 0;
/** A distinct client address (TRUST_PROXY is on), so per-address rate limits do not pile up on one. */
export function randomIp(): string {
  const n = ++ipCounter;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * The business tables: what a refused request must never change. (Audit
 * events, sessions, sign-in challenges, rate-limit buckets, one-time code
 * attempt counters and sightings legitimately record refused attempts.)
 */
export const BUSINESS_TABLES = [
  'users',
  'user_factors',
  'factor_history',
  'security_questions',
  'cases',
  'case_evidence',
  'case_notes',
  'reason_codes',
  'staff',
  'deposits',
  'kyc_references',
  'security_operations',
  'biometric_sessions',
  'freeze_tokens',
  'settings',
] as const;

/** Columns that change on a refused attempt by design (failure counters, last-seen times). */
const VOLATILE: Record<string, string[]> = {
  cases: ['question_attempts', 'last_activity_at'],
};

/** One hash per business table over every row, ordered. */
export async function businessDigest(handle: DatabaseHandle): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (handle.engine === 'pg') {
    // One round trip: each table's rows as JSON (volatile columns removed), hashed in the database.
    const parts = BUSINESS_TABLES.map((table) => {
      const row = (VOLATILE[table] ?? []).reduce((expr, column) => sql`${expr} - ${column}`, sql`to_jsonb(x)`);
      return sql`SELECT ${table} AS t, count(*) AS n, md5(coalesce(string_agg((${row})::text, '|' ORDER BY (${row})::text), '')) AS h FROM ${sql.identifier(table)} x`;
    });
    for (const r of await handle.db.rows<{ t: string; n: number; h: string }>(sql.join(parts, sql` UNION ALL `))) out.set(r.t, `${r.n}:${r.h.slice(0, 16)}`);
    return out;
  }
  for (const table of BUSINESS_TABLES) {
    const rows = await handle.db.rows<Record<string, unknown>>(sql`SELECT * FROM ${sql.identifier(table)} ORDER BY 1`);
    const h = createHash('sha256');
    const skip = new Set(VOLATILE[table] ?? []);
    for (const row of rows) {
      for (const [k, v] of Object.entries(row)) if (!skip.has(k)) h.update(`${k}=${Buffer.isBuffer(v) ? v.toString('hex') : String(v)};`);
      h.update('\n');
    }
    out.set(table, `${rows.length}:${h.digest('hex').slice(0, 16)}`);
  }
  return out;
}

export function digestDiff(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...a.keys()].filter((k) => a.get(k) !== b.get(k));
}

/** Percentile of a list of numbers (p in 0..100). */
export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  complete: boolean;
}

/** A keep-alive agent for the suite's clients, as a browser or proxy would hold connections. */
export const keepAlive = new Agent({ keepAlive: true, maxSockets: 32 });

/**
 * One request through node:http (exact bytes, no header added: no
 * Content-Type unless given). Rejects when the connection drops before a
 * whole response arrived; `complete` is false for a response cut short.
 */
export function send(
  base: string,
  req: { method: string; path: string; headers?: OutgoingHttpHeaders; body?: string | Buffer; timeoutMs?: number; agent?: Agent | false },
): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const body = req.body === undefined ? undefined : typeof req.body === 'string' ? Buffer.from(req.body) : req.body;
    const headers: OutgoingHttpHeaders = { ...req.headers };
    if (body !== undefined) headers['content-length'] = String(body.length);
    const r = httpRequest(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent: req.agent ?? keepAlive, timeout: req.timeoutMs ?? 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers as RawResponse['headers'],
            text: Buffer.concat(chunks).toString('utf8'),
            complete: res.complete,
          }),
        );
        res.on('error', (err) => reject(err));
        res.on('aborted', () => reject(Object.assign(new Error('response aborted'), { code: 'ABORTED' })));
      },
    );
    let previous = '';
    r.on('socket', (socket) => {
      const mark = socket as unknown as { rebindLast?: string };
      previous = mark.rebindLast ?? '(new connection)';
      mark.rebindLast = `${req.method} ${req.path.slice(0, 80)} ${req.headers?.['content-type'] ?? ''} ${body?.length ?? 0}B at ${Date.now()}`;
    });
    r.on('timeout', () => r.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })));
    r.on('error', (err) => reject(Object.assign(err, { previousOnSocket: previous, at: Date.now() })));
    r.end(body);
  });
}
