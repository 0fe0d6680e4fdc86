/**
 * The withdrawal gate (GET /service/v1/users/{id}/withdrawal-status) beside a
 * bare Hono hello-world route, both served over real HTTP (node:http through
 * @hono/node-server) and driven by the same load loop: a fixed number of
 * concurrent keep-alive connections in a worker thread (its own core, so the
 * client does not steal the server's event loop). Phases alternate
 * hello, gate, hello, gate so drift on a shared machine hits both alike; the
 * ratio gate ÷ hello is the figure to read, the absolute numbers are noisy.
 *
 * The gate's cost per call: the key lookup (one indexed read), the per-key
 * budget (on PostgreSQL one upsert on rate_limit_buckets, countRequest, so the
 * limit holds across instances; in memory on SQLite), and the user read (one
 * indexed read).
 */
import { Worker } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import pg from 'pg';
import { openDatabase } from '../../db/client.ts';
import { users } from '../../db/schema/index.ts';
import { loadConfig } from '../../server/config.ts';
import { createKeyring } from '../../server/crypto/encryption.ts';
import { createLogger } from '../../server/logger.ts';
import { createApp } from '../../server/app.ts';
import type { Deps } from '../../server/deps.ts';
import { createServiceAccount } from '../../server/service-api/accounts.ts';
import { simulatedBiometricProvider } from '../../fixtures/biometric-simulator.ts';

const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
const USERS = Number(process.env.GATE_USERS ?? 10_000);
const CONCURRENCY = Number(process.env.GATE_CONCURRENCY ?? 16);
const PHASE_MS = Number(process.env.GATE_PHASE_MS ?? 4000);

// The load loop, plain JavaScript for the worker (no TypeScript loader needed there).
const loadLoop = `
const { parentPort, workerData } = require('node:worker_threads');
const { urls, headers, concurrency, durationMs } = workerData;
(async () => {
  const latencies = [];
  let errors = 0;
  let next = 0;
  const end = performance.now() + durationMs;
  async function connection() {
    while (performance.now() < end) {
      const url = urls[next++ % urls.length];
      const t = performance.now();
      try {
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
        if (res.status !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t);
    }
  }
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, connection));
  parentPort.postMessage({ latencies, errors, seconds: (performance.now() - started) / 1000 });
})();
`;

interface PhaseResult {
  latencies: number[];
  errors: number;
  seconds: number;
}

function runLoad(urls: string[], headers: Record<string, string>, durationMs: number): Promise<PhaseResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(loadLoop, { eval: true, workerData: { urls, headers, concurrency: CONCURRENCY, durationMs } });
    worker.once('message', (m: PhaseResult) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', reject);
  });
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

function summarise(phases: PhaseResult[]) {
  const latencies = phases.flatMap((p) => p.latencies).sort((a, b) => a - b);
  const seconds = phases.reduce((s, p) => s + p.seconds, 0);
  return {
    requests: latencies.length,
    errors: phases.reduce((s, p) => s + p.errors, 0),
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    rps: latencies.length / seconds,
  };
}

/** A fresh database of the engine under test: a temp SQLite file, or a new database on the PostgreSQL server. */
async function freshDatabase(pgUrl?: string) {
  if (!pgUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'rebind-gate-'));
    const database = await openDatabase({ path: join(dir, 'gate.db') });
    return { database, path: join(dir, 'gate.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const base = new URL(pgUrl);
  const name = `${base.pathname.slice(1) || 'rebind'}_gate`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  return {
    database,
    path: ':memory:',
    drop: async () => {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function benchWithdrawalGate(pgUrl?: string): Promise<void> {
  const fresh = await freshDatabase(pgUrl);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_PATH: fresh.path,
    REBIND_MASTER_KEY: MASTER_KEY,
    LOG_LEVEL: 'silent',
    SERVICE_RATE_LIMIT_PER_MINUTE: '100000000',
  });
  const random = (n: number) => randomBytes(n);
  const deps: Deps = {
    config,
    db: fresh.database.db,
    database: fresh.database,
    keyring: createKeyring(MASTER_KEY),
    clock: () => new Date(),
    random,
    logger: createLogger('silent'),
    transports: {},
    biometric: simulatedBiometricProvider(config.origin, random),
    lifecycle: { draining: false },
  };

  // Users, a tenth of them locked and a few frozen, so the answers vary.
  const now = new Date();
  const rows = Array.from({ length: USERS }, (_, i) => ({
    email: `gate${i}@bench.test`,
    externalId: `ex-${i}`,
    passwordHash: '!',
    status: (i % 97 === 0 ? 'frozen' : 'active') as 'frozen' | 'active',
    withdrawalLockUntil: i % 10 === 0 ? new Date(now.getTime() + 86_400_000) : null,
    createdAt: now,
    updatedAt: now,
  }));
  for (let i = 0; i < rows.length; i += 500) await deps.db.insert(users).values(rows.slice(i, i + 500));
  const { key } = await createServiceAccount(deps, { name: 'bench-wallet', scopes: ['withdrawals:read'] }, { type: 'system', label: 'bench' });

  const hello = new Hono().get('/hello', (c) => c.json({ hello: 'world' }));
  const listen = (fetch: (req: Request) => Response | Promise<Response>) =>
    new Promise<{ port: number; close: () => Promise<void> }>((resolve) => {
      const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
        resolve({ port: info.port, close: () => new Promise((r) => server.close(() => r())) }),
      );
    });
  const app = createApp(deps);
  const gateServer = await listen(app.fetch);
  const helloServer = await listen(hello.fetch);
  const helloUrls = [`http://127.0.0.1:${helloServer.port}/hello`];
  // Half by Rebind id, half by the exchange's id (ext:), spread over all users.
  const gateUrls = Array.from({ length: 2000 }, (_, i) => {
    const n = (i * 7919) % USERS;
    return `http://127.0.0.1:${gateServer.port}/service/v1/users/${i % 2 ? `ext:ex-${n}` : n + 1}/withdrawal-status`;
  });
  const auth = { authorization: `Bearer ${key}` };

  console.error(
    `withdrawal gate on ${fresh.database.engine === 'pg' ? 'PostgreSQL' : 'SQLite'}: ${USERS} users, ${CONCURRENCY} connections, ${PHASE_MS / 1000} s phases …`,
  );
  await runLoad(helloUrls, {}, 1000); // warm-up: JIT, connections, statement caches
  await runLoad(gateUrls, auth, 1000);
  const helloPhases: PhaseResult[] = [];
  const gatePhases: PhaseResult[] = [];
  for (let round = 0; round < 2; round++) {
    helloPhases.push(await runLoad(helloUrls, {}, PHASE_MS));
    gatePhases.push(await runLoad(gateUrls, auth, PHASE_MS));
  }
  const h = summarise(helloPhases);
  const g = summarise(gatePhases);
  const fmt = (x: number) => x.toFixed(2);
  console.log(
    `\nwithdrawal gate vs Hono hello-world, real HTTP (node:http), ${CONCURRENCY} concurrent keep-alive connections, ${fresh.database.engine === 'pg' ? 'PostgreSQL' : 'SQLite'}, Node ${process.version}`,
  );
  console.log('  route                                   requests   errors   p50 ms   p99 ms      req/s');
  for (const [name, s] of [
    ['GET /hello (bare Hono)', h],
    ['GET /service/v1/users/{id}/withdrawal-status', g],
  ] as const) {
    console.log(
      `  ${name.padEnd(40)}${String(s.requests).padStart(8)}${String(s.errors).padStart(9)}${fmt(s.p50).padStart(9)}${fmt(s.p99).padStart(9)}${Math.round(s.rps).toString().padStart(11)}`,
    );
  }
  console.log(
    `  ratio gate ÷ hello: p50 ×${fmt(g.p50 / h.p50)}, p99 ×${fmt(g.p99 / h.p99)}, throughput ×${fmt(g.rps / h.rps)} (shared 2-core machine: read the ratios, not the absolute figures)`,
  );
  await gateServer.close();
  await helloServer.close();
  await fresh.database.close();
  await fresh.drop();
}
