import { sql } from 'drizzle-orm';
import { seededRandom } from '../../fixtures/random.ts';
import { sleep, type Stack } from './harness.ts';
import { missingWrites, prepareLoad, startLoad, type Acked } from './load.ts';

/**
 * kill -9 under mixed load (sign-ins, case filings, notes), restart, then:
 * the database's integrity check, audit verify, and every write the server
 * acknowledged before it died must be there.
 */
export interface CrashFigures {
  rounds: number;
  acked: number;
  lost: number;
  inFlightFailed: number;
  integrity: string[];
  auditVerify: { ok: boolean; count: number };
  restartMs: number[];
  perRound: { acked: number; lost: number; killedAfterMs: number }[];
}

/** The engine's own consistency check: PRAGMA integrity_check on SQLite, a catalog-wide read on PostgreSQL. */
export async function integrityCheck(stack: Stack): Promise<string> {
  if (stack.engine === 'sqlite') {
    const rows = await stack.handle!.db.rows<{ integrity_check: string }>(sql`PRAGMA integrity_check`);
    return rows.map((r) => r.integrity_check).join('; ');
  }
  // PostgreSQL recovers from its WAL on start; read every table through once (a damaged page or index would error).
  const tables = await stack.handle!.db.rows<{ name: string }>(
    sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`,
  );
  for (const t of tables) await stack.handle!.db.rows(sql`SELECT count(*) FROM ${sql.identifier(t.name)}`);
  return 'ok';
}

export async function runCrash(
  stack: Stack,
  options: { rounds: number; loadMs: [number, number]; seed: number; workers?: number; log?: (line: string) => void },
): Promise<CrashFigures> {
  const rng = seededRandom(options.seed);
  const log = options.log ?? (() => undefined);
  const figures: CrashFigures = {
    rounds: options.rounds,
    acked: 0,
    lost: 0,
    inFlightFailed: 0,
    integrity: [],
    auditVerify: { ok: false, count: 0 },
    restartMs: [],
    perRound: [],
  };
  const all: Acked = { sessions: [], cases: [], notes: [], labels: [] };
  for (let round = 1; round <= options.rounds; round++) {
    const world = await prepareLoad(stack, { users: 40, agents: 2 });
    const load = startLoad(stack, world, { workers: options.workers ?? 6, timeoutMs: 10_000 });
    const killAfter = rng.int(options.loadMs[0], options.loadMs[1]);
    await sleep(killAfter);
    await stack.stop('SIGKILL');
    const stats = await load.stop();
    figures.inFlightFailed += stats.failed;
    const t0 = Date.now();
    await stack.start();
    figures.restartMs.push(Date.now() - t0);
    all.sessions.push(...load.acked.sessions);
    all.cases.push(...load.acked.cases);
    all.notes.push(...load.acked.notes);
    all.labels.push(...load.acked.labels);
    const missing = await missingWrites(stack.handle!.db, load.acked);
    const integrity = await integrityCheck(stack);
    figures.integrity.push(integrity);
    const acked = load.ackedCount();
    figures.acked += acked;
    figures.lost += missing.total;
    figures.perRound.push({ acked, lost: missing.total, killedAfterMs: killAfter });
    log(
      `  crash round ${round}: killed after ${killAfter} ms with ${acked} writes acknowledged (${stats.failed} in flight cut), restarted in ${figures.restartMs.at(-1)} ms; lost ${missing.total}; integrity ${integrity}`,
    );
  }
  // Everything acknowledged in any round is still there at the end.
  figures.lost = Math.max(figures.lost, (await missingWrites(stack.handle!.db, all)).total);
  figures.auditVerify = await stack.auditVerify();
  return figures;
}

export function formatCrash(f: CrashFigures): string {
  const okIntegrity = f.integrity.every((x) => x === 'ok');
  return [
    `crash: ${f.rounds} × SIGKILL under load (sign-ins, case filings, notes): ${f.acked} writes acknowledged, lost ${f.lost} (goal 0); ${f.inFlightFailed} requests in flight cut off (never acknowledged)`,
    `  integrity check after each restart: ${okIntegrity ? 'ok' : f.integrity.join(' | ')} · audit verify: ${f.auditVerify.ok ? `intact, ${f.auditVerify.count} events` : `BROKEN ${JSON.stringify(f.auditVerify)}`} · restart to ready: ${Math.max(...f.restartMs)} ms at most`,
  ].join('\n');
}
