import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../db/client.ts';
import { TEST_MASTER_KEY } from '../server/helpers.ts';
import { ROOT, send, sleep, Stack } from './harness.ts';
import { missingWrites, prepareLoad, startLoad, type Acked } from './load.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * `db backup` of a big SQLite database while the server takes writes, then
 * `db restore` of that backup with the server stopped, and the desk working
 * on it. The big database is generated once by the bench's generator
 * (`fixtures big`, fixtures/big.ts) into data/reliability/ and copied for
 * each run.
 */
export interface BackupFigures {
  cases: number;
  databaseMb: number;
  backupMs: number;
  /** VACUUM INTO alone (the rest is the check of the copy). */
  copyMs: number;
  backupMb: number;
  writesPerSecondDuring: number;
  writesPerSecondBefore: number;
  ackedBefore: number;
  missingInBackup: number;
  integrity: string;
  auditVerify: { ok: boolean; count: number };
  restoreMs: number;
  restoredReady: boolean;
  restoredListStatus: number;
  restoredTotal: string;
  oldApi?: { finished: boolean; ms: number; writesPerSecondDuring: number };
}

export async function bigDatabase(cases: number, log: (line: string) => void): Promise<string> {
  const dir = join(ROOT, 'data', 'reliability');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `cases-${cases}.db`);
  if (existsSync(file)) return file;
  log(`  generating ${cases} cases once into ${file} (fixtures big, the bench's generator)…`);
  const partial = `${file}.partial`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(partial + suffix, { force: true });
  const t0 = Date.now();
  await execFileAsync(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', 'fixtures', 'big', '--cases', String(cases), '--json'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: partial, DATABASE_URL: '', REBIND_MASTER_KEY: TEST_MASTER_KEY, LOG_LEVEL: 'silent', VITEST: '' },
    maxBuffer: 16 * 1024 * 1024,
  });
  // One file, no WAL beside it.
  const conn = new Database(partial);
  conn.pragma('wal_checkpoint(TRUNCATE)');
  conn.close();
  renameSync(partial, file);
  log(`  generated in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return file;
}

export async function runBackupUnderLoad(options: {
  cases: number;
  perSecond: number;
  log?: (line: string) => void;
  compareOldApi?: boolean;
  source?: string;
}): Promise<BackupFigures> {
  const log = options.log ?? (() => undefined);
  // An existing generated database (e.g. the bench's data/bench/cases-10000000.db) is copied, never written.
  const source = options.source ?? (await bigDatabase(options.cases, log));
  const stack = new Stack({ label: 'backup' });
  try {
    copyFileSync(source, stack.databasePath);
    await stack.init();
    await stack.start();
    const world = await prepareLoad(stack, { users: 40, agents: 3 });
    // Staff writes (notes on cases, an admin relabelling reason codes: each a transaction with its
    // audit event), end-user sign-ins and case filings (password hashing) among them.
    const load = startLoad(stack, world, {
      workers: 16,
      perSecond: options.perSecond,
      kinds: ['relabel', 'note', 'relabel', 'relabel', 'signin', 'relabel', 'note', 'relabel', 'relabel', 'file'],
    });
    const warmStart = Date.now();
    await sleep(5000);
    const writesPerSecondBefore = load.ackedCount() / ((Date.now() - warmStart) / 1000);
    const before: Acked = { sessions: [...load.acked.sessions], cases: [...load.acked.cases], notes: [...load.acked.notes], labels: [...load.acked.labels] };
    const ackedAtStart = load.ackedCount();
    const file = join(stack.dir, 'backup.db');
    const t0 = Date.now();
    const result = await stack.cli(['db', 'backup', file]);
    const backupMs = Date.now() - t0;
    const writesPerSecondDuring = (load.ackedCount() - ackedAtStart) / (backupMs / 1000);
    if (result.code !== 0) throw new Error(`db backup failed: ${result.stdout} ${result.stderr}`);
    log(
      `  db backup: ${(result.json.bytes / 1e6).toFixed(0)} MB in ${(backupMs / 1000).toFixed(1)} s while the server acknowledged ${writesPerSecondDuring.toFixed(0)} writes/s`,
    );
    let oldApi: BackupFigures['oldApi'];
    if (options.compareOldApi) oldApi = await oldOnlineBackup(stack, load, join(stack.dir, 'old-api.db'), 60_000, log);
    await load.stop();

    // The copy on its own: integrity, audit chain, every write acknowledged before it started.
    const check = new Database(file, { readonly: true });
    const integrity = String(check.pragma('integrity_check', { simple: true }));
    check.close();
    const copy = await openDatabase({ path: file, migrate: false });
    const missing = await missingWrites(copy.db, before);
    await copy.close();
    const audit = await stack.cli(['audit', 'verify'], { DATABASE_PATH: file });

    // Restore with the server stopped, then the desk works on the restored database.
    await stack.stop('SIGTERM');
    await stack.closeHarness();
    const refused = await stack.cli(['db', 'restore', join(stack.dir, 'does-not-exist.db')]);
    if (refused.code === 0) throw new Error('db restore accepted a missing file');
    const r0 = Date.now();
    const restored = await stack.cli(['db', 'restore', file]);
    const restoreMs = Date.now() - r0;
    if (restored.code !== 0) throw new Error(`db restore failed: ${restored.stdout} ${restored.stderr}`);
    await stack.openHarness();
    await stack.start();
    const ready = await send(stack.base, { method: 'GET', path: '/readyz' });
    const { client } = await stack.staff('agent');
    const list = await send(stack.base, { method: 'GET', path: `/admin/api/cases?range=${encodeURIComponent('[0,24]')}`, headers: { cookie: client.cookie } });
    return {
      cases: options.cases,
      databaseMb: statSync(source).size / 1e6,
      backupMs,
      copyMs: Number(result.json.copyMs ?? backupMs),
      backupMb: result.json.bytes / 1e6,
      writesPerSecondDuring,
      writesPerSecondBefore,
      ackedBefore: before.sessions.length + before.cases.length + before.notes.length,
      missingInBackup: missing.total,
      integrity,
      auditVerify: audit.json ?? { ok: false, count: 0 },
      restoreMs,
      restoredReady: ready.status === 200,
      restoredListStatus: list.status,
      restoredTotal: String(list.headers['content-range'] ?? ''),
      oldApi,
    };
  } finally {
    await stack.dispose();
  }
}

/** The page-by-page online backup API that `db backup` used before, under the same load, for comparison. */
async function oldOnlineBackup(
  stack: Stack,
  load: ReturnType<typeof startLoad>,
  file: string,
  capMs: number,
  log: (line: string) => void,
): Promise<NonNullable<BackupFigures['oldApi']>> {
  const script = `const D=require('better-sqlite3');const c=new D(process.argv[1],{readonly:true});c.backup(process.argv[2]).then(()=>process.exit(0),(e)=>{console.error(e);process.exit(1)});`;
  const ackedAtStart = load.ackedCount();
  const t0 = Date.now();
  const child = execFile(process.execPath, ['-e', script, stack.databasePath, file], { cwd: ROOT });
  const finished = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(false);
    }, capMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
  const ms = Date.now() - t0;
  const writesPerSecondDuring = (load.ackedCount() - ackedAtStart) / (ms / 1000);
  log(
    `  the old online backup API under the same load: ${finished ? `finished in ${(ms / 1000).toFixed(1)} s` : `not finished after ${(ms / 1000).toFixed(0)} s`} (${writesPerSecondDuring.toFixed(0)} writes/s)`,
  );
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
  return { finished, ms, writesPerSecondDuring };
}

export function formatBackup(f: BackupFigures): string {
  return [
    `backup under load: ${f.cases.toLocaleString('en')} cases (${f.databaseMb.toFixed(0)} MB): db backup finished in ${(f.backupMs / 1000).toFixed(1)} s (the copy ${(f.copyMs / 1000).toFixed(1)} s, then its quick_check) while the server acknowledged ${f.writesPerSecondDuring.toFixed(0)} writes/s (goal ≥ 50; ${f.writesPerSecondBefore.toFixed(0)}/s before it started)`,
    `  the backup: integrity ${f.integrity}, audit verify ${f.auditVerify.ok ? `intact (${f.auditVerify.count} events)` : 'BROKEN'}, ${f.missingInBackup} of ${f.ackedBefore} writes acknowledged before it started missing (goal 0)`,
    `  db restore (server stopped): ${(f.restoreMs / 1000).toFixed(1)} s; the server on it: /readyz ${f.restoredReady ? 'ready' : 'NOT READY'}, the case list ${f.restoredListStatus} (${f.restoredTotal})`,
    ...(f.oldApi
      ? [
          `  for comparison, the old page-by-page online backup under the same load: ${f.oldApi.finished ? `finished in ${(f.oldApi.ms / 1000).toFixed(1)} s` : `not finished after ${(f.oldApi.ms / 1000).toFixed(0)} s`} (${f.oldApi.writesPerSecondDuring.toFixed(0)} writes/s)`,
        ]
      : []),
  ].join('\n');
}
