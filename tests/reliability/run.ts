/**
 * `npm run reliability`: Rebind against real server processes, with figures.
 *
 *   fuzz       malformed requests for every operation of /openapi.json (10 000 by default)
 *   crash      kill -9 under mixed load, restart, integrity, audit verify, lost writes
 *   backup     db backup of a 1M-case database while the server takes ≥ 50 writes/s, then db restore
 *   neighbours SMTP down and slow, SMS provider failing, biometric webhooks twice, late, malformed
 *   faults     the database locked, read-only or full: 503 with a code, nothing half-written, recovery
 *   shutdown   SIGTERM under load: in-flight requests finish, nothing lost
 *
 * Options: --engine sqlite|pg (pg: a database is created on TEST_DATABASE_URL or DATABASE_URL),
 * --only fuzz,crash,…  --seed N (the fuzz's; printed either way)  --requests N  --cases N (backup)
 * --crash-rounds N, --big-db FILE (a generated database to copy for the backup part instead of
 * data/reliability/cases-N.db), --compare-old-backup (also time the page-by-page backup API under the
 * same load, capped at 60 s). Exit status 0 only when every figure is at its goal.
 */
import { Stack } from './harness.ts';
import { formatFuzz, runFuzz } from './fuzz.ts';
import { formatCrash, runCrash } from './crash.ts';
import { formatBackup, runBackupUnderLoad } from './backup.ts';
import { formatNeighbours, runNeighbours } from './neighbours.ts';
import { formatFaults, runFaults } from './faults.ts';
import { formatShutdown, runShutdown } from './shutdown.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const engine = opt('engine', 'sqlite') as 'sqlite' | 'pg';
const parts = opt('only', 'fuzz,crash,backup,neighbours,faults,shutdown').split(',');
const seed = Number(opt('seed', String(Math.floor(Math.random() * 2 ** 31))));
const requests = Number(opt('requests', '10000'));
const cases = Number(opt('cases', '1000000'));
const crashRounds = Number(opt('crash-rounds', '5'));
const log = (line: string) => console.log(line);

const problems: string[] = [];
const goal = (ok: boolean, what: string) => {
  if (!ok) problems.push(what);
};
const section = async (name: string, body: () => Promise<string>) => {
  if (!parts.includes(name)) return;
  const t0 = Date.now();
  console.log(`\n== ${name} (${engine}) ==`);
  try {
    const report = await body();
    console.log(report);
    console.log(`   (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  } catch (err) {
    problems.push(`${name}: ${(err as Error).message}`);
    console.log(`   ${name} could not run: ${(err as Error).stack}`);
  }
};

console.log(`Rebind reliability suite — engine ${engine}, fuzz seed ${seed} (rerun with --seed ${seed}), node ${process.version}`);

await section('fuzz', async () => {
  const stack = await new Stack({ engine, label: 'fuzz' }).init();
  try {
    await stack.seed();
    await stack.start();
    const f = await runFuzz(stack, { requests, seed, log });
    goal(f.fiveXX === 0, 'fuzz: 5xx');
    goal(f.nonJsonErrors === 0, 'fuzz: non-JSON error bodies');
    goal(f.dropped === 0 && f.timeouts === 0, 'fuzz: dropped connections or timeouts');
    goal(f.changedByRefusal === 0, 'fuzz: business rows changed by refused requests');
    goal(f.auditVerify.ok, 'fuzz: audit verify');
    goal(f.operationsHit === f.operations, 'fuzz: operations not reached');
    return formatFuzz(f);
  } finally {
    await stack.dispose();
  }
});

await section('crash', async () => {
  const stack = await new Stack({ engine, label: 'crash' }).init();
  try {
    await stack.seed();
    await stack.start();
    const f = await runCrash(stack, { rounds: crashRounds, loadMs: [1500, 5000], seed, log });
    goal(f.lost === 0, 'crash: lost acknowledged writes');
    goal(
      f.integrity.every((x) => x === 'ok'),
      'crash: integrity',
    );
    goal(f.auditVerify.ok, 'crash: audit verify');
    return formatCrash(f);
  } finally {
    await stack.dispose();
  }
});

await section('backup', async () => {
  if (engine === 'pg') {
    const stack = await new Stack({ engine, label: 'backup-pg' }).init();
    try {
      const r = await stack.cli(['db', 'backup', '/tmp/never-written.db']);
      goal(r.code !== 0 && /pg_dump/.test(r.stdout), 'backup: the PostgreSQL advice');
      return `backup on PostgreSQL: db backup declines and says so (exit ${r.code}): ${r.json?.error?.message ?? r.stdout.trim()}`;
    } finally {
      await stack.dispose();
    }
  }
  const f = await runBackupUnderLoad({
    cases,
    perSecond: 100,
    log,
    compareOldApi: args.includes('--compare-old-backup'),
    source: args.includes('--big-db') ? opt('big-db', '') : undefined,
  });
  goal(f.writesPerSecondDuring >= 50, 'backup: fewer than 50 writes/s during the backup');
  goal(f.integrity === 'ok' && f.auditVerify.ok && f.missingInBackup === 0, 'backup: the copy is not consistent');
  goal(f.restoredReady && f.restoredListStatus === 200, 'backup: the restored desk does not work');
  return formatBackup(f);
});

await section('neighbours', async () => {
  const f = await runNeighbours({ engine, log });
  goal(f.smtpDown.non201 === 0 && f.smtpSlow.non201 === 0, 'neighbours: a filing was not answered 201');
  goal(
    f.smtpDown.deliveredAfterRecovery === f.smtpDown.expected && f.smtpSlow.delivered === f.smtpSlow.expected && f.sms.delivered === f.sms.messages,
    'neighbours: a message was lost',
  );
  goal(f.smtpDown.failedForGood === 0 && f.sms.failedForGood === 0, 'neighbours: a message was given up');
  goal(f.webhook.fiveXX === 0 && f.webhook.resultsRecorded === f.webhook.events, 'neighbours: webhook');
  return formatNeighbours(f);
});

await section('faults', async () => {
  const f = await runFaults({ engine, log });
  for (const c of f.cases) {
    goal(
      c.during.every((d) => d.status === 503 && d.code.length > 0 && !d.code.startsWith('non-JSON')),
      `faults: ${c.fault}: not a 503 with a code`,
    );
    goal(c.halfWritten === 0, `faults: ${c.fault}: half-written`);
    goal(c.after === 200, `faults: ${c.fault}: no recovery`);
  }
  goal(f.auditVerify.ok, 'faults: audit verify');
  return formatFaults(f);
});

await section('shutdown', async () => {
  const f = await runShutdown({ engine, log });
  goal(f.exitCode === 0, 'shutdown: exit status');
  goal(f.lost === 0 && f.cutInFlight === 0, 'shutdown: lost or cut requests');
  return formatShutdown(f);
});

console.log(problems.length ? `\nNOT AT GOAL (${problems.length}):\n${problems.map((p) => `  - ${p}`).join('\n')}` : '\nEvery figure at its goal.');
process.exit(problems.length ? 1 : 0);
