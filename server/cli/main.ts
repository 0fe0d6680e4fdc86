import { Command } from 'commander';
import pino from 'pino';
import { openRuntime, type Runtime } from '../runtime.ts';
import { createLogger } from '../logger.ts';
import { AppError } from '../errors.ts';
import { serviceScopes, staffRoles, type StaffRole } from '../../db/schema/index.ts';
import { createServiceAccount, findServiceAccountByName, listServiceAccounts, revokeServiceAccount, rotateServiceKey } from '../service-api/accounts.ts';
import { createStaffMember, disableStaffByEmail, listStaff } from '../staff/service.ts';
import { createUser } from '../users/service.ts';
import { recordAuditEvent, verifyAuditChain } from '../audit/audit-log.ts';
import { isDatabaseEmpty, seedDemo, formatDemoCredentials } from '../../fixtures/seed.ts';
import { generateBigFixtures } from '../../fixtures/big.ts';
import { importDepositLedger } from '../ledger/import.ts';
import { sweepCases } from '../recovery/service.ts';
import { biometricWebhookSecret } from '../recovery/biometric.ts';
import { simulatedWebhook } from '../../fixtures/biometric-simulator.ts';
import { biometricSessions } from '../../db/schema/index.ts';
import { and, eq } from 'drizzle-orm';
import { SingleBar, Presets } from 'cli-progress';
import { isPostgresUrl, openDatabase } from '../../db/client.ts';
import { copyDatabase } from './db-copy.ts';
import { backupSqlite, restoreSqlite } from './backup.ts';
import { loadConfig, ConfigError, type Config } from '../config.ts';

/**
 * The operator CLI: `npm run cli -- <command>`. Every command takes --json and
 * then prints exactly one JSON document on stdout (logs go to stderr).
 */
const program = new Command().name('rebind').description('Rebind operator commands').showHelpAfterError();
const operator = { type: 'system' as const, label: 'operator cli' };

function runtime(): Promise<Runtime> {
  return openRuntime({ logger: createLogger(process.env.LOG_LEVEL ?? 'warn', pino.destination(2)) });
}

/** Runs a command body with the runtime open, printing a result or a clear error. */
async function run<T>(
  json: boolean | undefined,
  body: (rt: Runtime) => Promise<T> | T,
  human: (result: T) => string,
  exitCode?: (result: T) => number,
): Promise<void> {
  const rt = await runtime();
  try {
    const result = await body(rt);
    console.log(json ? JSON.stringify(result, null, 2) : human(result));
    process.exitCode = exitCode?.(result) ?? 0;
  } catch (err) {
    const error = err instanceof AppError ? { code: err.code, message: err.message, details: err.details } : { code: 'error', message: (err as Error).message };
    if (json) console.log(JSON.stringify({ error }, null, 2));
    else console.error(`error: ${error.message}`);
    process.exitCode = 1;
  } finally {
    await rt.close();
  }
}

const postgresBackupAdvice =
  'On PostgreSQL, back up with pg_dump (e.g. `pg_dump -Fc "$DATABASE_URL" > rebind.dump`) and restore with pg_restore, or use your provider\'s backups; db backup and db restore copy the SQLite file only.';

/** For commands that must not open (or migrate) the database themselves: backup, restore. */
async function runWithoutRuntime<T>(json: boolean | undefined, body: (config: Config) => Promise<T> | T, human: (result: T) => string): Promise<void> {
  try {
    const result = await body(loadConfig());
    console.log(json ? JSON.stringify(result, null, 2) : human(result));
    process.exitCode = 0;
  } catch (err) {
    const error =
      err instanceof AppError
        ? { code: err.code, message: err.message }
        : err instanceof ConfigError
          ? { code: 'config', message: err.message }
          : { code: 'error', message: (err as Error).message };
    if (json) console.log(JSON.stringify({ error }, null, 2));
    else console.error(`error: ${error.message}`);
    process.exitCode = 1;
  }
}

const staffCmd = program.command('staff').description('staff accounts');
staffCmd
  .command('create')
  .description('create a staff member; prints the initial password and TOTP key once')
  .requiredOption('--email <email>')
  .requiredOption('--role <role>', `one of ${staffRoles.join(', ')}`)
  .option('--name <name>')
  .option('--json', 'machine-readable output')
  .action((o: { email: string; role: string; name?: string; json?: boolean }) =>
    run(
      o.json,
      async (rt) => {
        if (!staffRoles.includes(o.role as StaffRole)) throw new AppError('validation_failed', `--role must be one of ${staffRoles.join(', ')}`);
        // The same limits as POST /admin/api/staff.
        if (o.email.length > 254) throw new AppError('validation_failed', '--email is longer than 254 characters');
        if (o.name !== undefined && (o.name.trim().length < 1 || o.name.trim().length > 120))
          throw new AppError('validation_failed', '--name must be 1 to 120 characters');
        const created = await createStaffMember(rt.deps, { email: o.email, name: o.name ?? o.email, role: o.role as StaffRole }, operator);
        return { ...created.member, password: created.password, totpSecret: created.totpSecret, otpauthUri: created.otpauthUri };
      },
      (r) =>
        [
          `Created ${r.role} ${r.email} (id ${r.id}). Shown once, hand over securely:`,
          `  password:    ${r.password}`,
          `  TOTP key:    ${r.totpSecret}`,
          `  otpauth URI: ${r.otpauthUri}`,
        ].join('\n'),
    ),
  );
staffCmd
  .command('disable')
  .description('disable a staff member and revoke their sessions')
  .requiredOption('--email <email>')
  .option('--json', 'machine-readable output')
  .action((o: { email: string; json?: boolean }) =>
    run(
      o.json,
      async (rt) => await disableStaffByEmail(rt.deps, o.email),
      (r) => `Disabled ${r.email}; their sessions are revoked.`,
    ),
  );
staffCmd
  .command('list')
  .description('list staff members')
  .option('--json', 'machine-readable output')
  .action((o: { json?: boolean }) =>
    run(
      o.json,
      async (rt) => (await listStaff(rt.deps, { filter: {}, sortField: 'id', sortOrder: 'ASC', offset: 0, limit: 500 })).rows,
      (rows) => rows.map((r) => `${String(r.id).padStart(4)}  ${r.role.padEnd(10)} ${r.email}${r.disabled ? '  (disabled)' : ''}`).join('\n'),
    ),
  );

program
  .command('user')
  .description('end-user accounts')
  .command('create')
  .description('create an end-user account')
  .requiredOption('--email <email>')
  .requiredOption('--password <password>')
  .option('--name <name>')
  .option('--json', 'machine-readable output')
  .action((o: { email: string; password: string; name?: string; json?: boolean }) =>
    run(
      o.json,
      async (rt) => await createUser(rt.deps, { email: o.email, password: o.password, displayName: o.name }, operator),
      (r) => `Created user ${r.email} (id ${r.id}).`,
    ),
  );

const serviceCmd = program.command('service').description("service accounts: keys for the exchange's own systems on /service/v1");
serviceCmd
  .command('create')
  .description('create a service account; prints its API key once')
  .requiredOption('--name <name>')
  .requiredOption('--scopes <list>', `comma-separated, from ${serviceScopes.join(', ')}`)
  .option('--json', 'machine-readable output')
  .action((o: { name: string; scopes: string; json?: boolean }) =>
    run(
      o.json,
      async (rt) => {
        const created = await createServiceAccount(
          rt.deps,
          {
            name: o.name,
            scopes: o.scopes
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          },
          operator,
        );
        return { ...created.account, key: created.key };
      },
      (r) =>
        [`Created service account ${r.name} (id ${r.id}) with scopes ${r.scopes.join(', ')}. Its key, shown once, hand over securely:`, `  ${r.key}`].join(
          '\n',
        ),
    ),
  );
serviceCmd
  .command('list')
  .description('list service accounts and their keys (prefixes only)')
  .option('--json', 'machine-readable output')
  .action((o: { json?: boolean }) =>
    run(
      o.json,
      async (rt) => await listServiceAccounts(rt.deps),
      (rows) =>
        rows.length === 0
          ? 'No service accounts.'
          : rows
              .map(
                (r) =>
                  `${String(r.id).padStart(4)}  ${r.name.padEnd(24)} ${r.status.padEnd(8)} ${r.scopes.join(',')}\n${r.keys.map((k) => `        ${k.prefix}  ${k.status}${k.expiresAt ? ` until ${k.expiresAt}` : ''}`).join('\n')}`,
              )
              .join('\n'),
    ),
  );
serviceCmd
  .command('rotate')
  .description('issue a new key; the old one keeps working for --overlap-hours (default 24; 0 stops it now)')
  .requiredOption('--name <name>')
  .option('--overlap-hours <hours>', 'how long the old key keeps working', '24')
  .option('--json', 'machine-readable output')
  .action((o: { name: string; overlapHours: string; json?: boolean }) =>
    run(
      o.json,
      async (rt) => {
        const hours = Number(o.overlapHours);
        if (!Number.isFinite(hours) || hours < 0) throw new AppError('validation_failed', '--overlap-hours must be a number of hours, 0 or more');
        const account = await findServiceAccountByName(rt.deps, o.name);
        const rotated = await rotateServiceKey(rt.deps, account.id, Math.round(hours * 3_600_000), operator);
        return { ...rotated.account, key: rotated.key, oldKeysExpireAt: rotated.oldKeysExpireAt };
      },
      (r) => [`New key for ${r.name}, shown once:`, `  ${r.key}`, `The previous key works until ${r.oldKeysExpireAt}.`].join('\n'),
    ),
  );
serviceCmd
  .command('revoke')
  .description('revoke a service account and every key it has, now')
  .requiredOption('--name <name>')
  .option('--json', 'machine-readable output')
  .action((o: { name: string; json?: boolean }) =>
    run(
      o.json,
      async (rt) => await revokeServiceAccount(rt.deps, (await findServiceAccountByName(rt.deps, o.name)).id, operator),
      (r) => `Revoked ${r.name}: its keys no longer work.`,
    ),
  );

program
  .command('audit')
  .description('the audit trail')
  .command('verify')
  .description('verify the hash chain; exit status 0 only when it is intact')
  .option('--json', 'machine-readable output')
  .action((o: { json?: boolean }) =>
    run(
      o.json,
      async (rt) => ({ database: rt.deps.database.name, ...(await verifyAuditChain(rt.deps.db)) }),
      (v) =>
        v.ok
          ? `Audit chain intact in ${v.database}: ${v.count} events, head ${v.headHash}.`
          : `AUDIT CHAIN BROKEN in ${v.database} at event ${v.firstBadEventId} (${v.problem}): ${v.message}`,
      (v) => (v.ok ? 0 : 1),
    ),
  );

const dbCmd = program.command('db').description('database maintenance');
dbCmd
  .command('copy')
  .description('copy this SQLite deployment (DATABASE_PATH) into an empty PostgreSQL database, then verify its audit chain there')
  .requiredOption('--to <url>', 'postgres://user:pass@host:5432/db (created tables, must hold no data)')
  .option('--json', 'machine-readable output')
  .action((o: { to: string; json?: boolean }) =>
    run(
      o.json,
      async (rt) => {
        if (!isPostgresUrl(o.to)) throw new AppError('validation_failed', '--to must be a postgres:// URL.');
        const target = await openDatabase({ url: o.to });
        try {
          return await copyDatabase(rt.deps.database, target, (table, rows) => {
            if (!o.json) process.stderr.write(`  ${table}: ${rows}\n`);
          });
        } finally {
          await target.close();
        }
      },
      (r) =>
        [
          `Copied ${r.from} into ${r.to} in ${(r.ms / 1000).toFixed(1)} s: ${Object.values(r.tables).reduce((a, b) => a + b, 0)} rows in ${Object.keys(r.tables).length} tables.`,
          r.audit.ok
            ? `Audit chain intact in ${r.to}: ${r.audit.count} events, head ${r.audit.headHash}.`
            : `AUDIT CHAIN BROKEN in ${r.to} at event ${r.audit.firstBadEventId}: ${r.audit.message}`,
        ].join('\n'),
      (r) => (r.audit.ok ? 0 : 1),
    ),
  );
dbCmd
  .command('backup')
  .description('consistent backup of the SQLite database to FILE, safe and finishing while the server runs and takes writes (PostgreSQL: use pg_dump)')
  .argument('<file>')
  .option('--force', 'overwrite FILE if it exists')
  .option('--no-check', 'skip the quick_check of the copy (it reads the whole copy once more)')
  .option('--json', 'machine-readable output')
  .action((file: string, o: { force?: boolean; check: boolean; json?: boolean }) =>
    runWithoutRuntime(
      o.json,
      (config) => {
        if (config.databaseUrl) throw new AppError('validation_failed', postgresBackupAdvice);
        return backupSqlite(config.databasePath, file, { force: o.force, check: o.check });
      },
      (r) =>
        `Backed up ${(r.bytes / 1e6).toFixed(1)} MB to ${r.file} in ${(r.ms / 1000).toFixed(1)} s (copy ${(r.copyMs / 1000).toFixed(1)} s${r.check === 'ok' ? ', checked' : ''}; audit events up to #${r.auditHeadId}).`,
    ),
  );
dbCmd
  .command('restore')
  .description('replace the SQLite database (DATABASE_PATH) with a backup FILE; stop the server first (PostgreSQL: use pg_restore)')
  .argument('<file>')
  .option('--full-check', 'run integrity_check on FILE first (slower) instead of quick_check')
  .option('--json', 'machine-readable output')
  .action((file: string, o: { json?: boolean; fullCheck?: boolean }) =>
    runWithoutRuntime(
      o.json,
      async (config) => {
        if (config.databaseUrl) throw new AppError('validation_failed', postgresBackupAdvice);
        return await restoreSqlite(file, config.databasePath, { serverUrl: `http://127.0.0.1:${config.port}`, fullCheck: o.fullCheck });
      },
      (r) =>
        `Restored ${r.from} into ${r.to} (${(r.bytes / 1e6).toFixed(1)} MB) in ${(r.ms / 1000).toFixed(1)} s.${r.previous ? ` The replaced database is kept as ${r.previous}.` : ''} Start the server and run \`audit verify\`.`,
    ),
  );

program
  .command('seed')
  .description('load the demo data into an empty database')
  .option('--json', 'machine-readable output')
  .action((o: { json?: boolean }) =>
    run(
      o.json,
      async (rt) => {
        if (!(await isDatabaseEmpty(rt.deps))) throw new AppError('conflict', 'The database already has data; the demo seed only loads into an empty one.');
        return { staff: await seedDemo(rt.deps), origin: rt.deps.config.origin };
      },
      (r) => formatDemoCredentials(r.staff, r.origin),
    ),
  );

program
  .command('deposits')
  .description('the deposit ledger')
  .command('import')
  .description('import the exchange deposit ledger (CSV: email,asset,network,amount,txid,platform,credited_at)')
  .argument('<file>')
  .option('--json', 'machine-readable output')
  .action((file: string, o: { json?: boolean }) =>
    run(
      o.json,
      async (rt) => await importDepositLedger(rt.deps, file),
      (r) =>
        r.errors.length
          ? [`Nothing imported: ${r.errors.length} invalid (await row(s)).`, ...r.errors.slice(0, 20).map((e) => `  line ${e.line}: ${e.message}`)].join('\n')
          : `Imported ${r.imported} of ${r.rows} rows (${r.duplicates} already present, ${r.unknownAccounts} for emails with no account yet).`,
      (r) => (r.errors.length ? 1 : 0),
    ),
  );

const casesCmd = program.command('cases').description('reset cases');
casesCmd
  .command('sweep')
  .description('abandon drafts older than 24 h and expire unused rebind links (the server also does this every minute)')
  .option('--json', 'machine-readable output')
  .action((o: { json?: boolean }) =>
    run(
      o.json,
      async (rt) => await sweepCases(rt.deps),
      (r) => `Abandoned ${r.abandoned} draft(s), expired ${r.expired} approval(s).`,
    ),
  );

program
  .command('biometric')
  .description('the local biometric provider simulator')
  .command('simulate')
  .description("play the provider: send the signed result of a case's pending biometric session to the running server")
  .requiredOption('--case <id>', 'case id')
  .option('--liveness <score>', 'liveness score 0-1', '0.97')
  .option('--match <score>', 'face-match score 0-1', '0.93')
  .option('--url <origin>', 'server origin (default: ORIGIN)')
  .option('--json', 'machine-readable output')
  .action((o: { case: string; liveness: string; match: string; url?: string; json?: boolean }) =>
    run(
      o.json,
      async (rt) => {
        const caseId = Number(o.case);
        const session = (
          await rt.deps.db
            .select()
            .from(biometricSessions)
            .where(and(eq(biometricSessions.caseId, caseId), eq(biometricSessions.status, 'pending')))
            .limit(1)
        )[0];
        if (!session) throw new AppError('not_found', `Case ${o.case} has no pending biometric session.`);
        const secret = biometricWebhookSecret(rt.deps);
        if (!secret) throw new AppError('forbidden', 'No webhook secret: set BIOMETRIC_WEBHOOK_SECRET.');
        const hook = simulatedWebhook(
          secret,
          { eventId: `evt_cli_${Date.now()}`, sessionRef: session.providerRef, caseId, liveness: Number(o.liveness), faceMatch: Number(o.match) },
          new Date(),
        );
        const res = await fetch(`${o.url ?? rt.deps.config.origin}/api/v1/webhooks/biometric`, { method: 'POST', headers: hook.headers, body: hook.body });
        return { status: res.status, response: await res.json() };
      },
      (r) => `Provider callback answered ${r.status}: ${JSON.stringify(r.response)}`,
      (r) => (r.status === 200 ? 0 : 1),
    ),
  );

program
  .command('fixtures')
  .description('generated data')
  .command('big')
  .description('bulk-generate N cases (and their users) for scale tests; 10 million is practical')
  .requiredOption('--cases <n>', 'how many cases')
  .option('--json', 'machine-readable output')
  .action((o: { cases: string; json?: boolean }) =>
    run(
      o.json,
      async (rt) => {
        const total = Number(o.cases);
        if (!Number.isInteger(total) || total < 1) throw new AppError('validation_failed', '--cases must be a positive integer');
        const bar = o.json
          ? null
          : new SingleBar({ format: 'cases {bar} {percentage}% | {value}/{total} | eta {eta_formatted}', etaBuffer: 50 }, Presets.shades_classic);
        bar?.start(total, 0);
        try {
          const result = await generateBigFixtures(rt.deps, { cases: total, onProgress: (done) => bar?.update(done) });
          await rt.deps.db.transaction(async (tx) => {
            await recordAuditEvent(tx, rt.deps.clock(), {
              actor: operator,
              action: 'fixtures.generate',
              details: { cases: result.cases, users: result.users },
            });
          });
          return result;
        } finally {
          bar?.stop();
        }
      },
      (r) => `Generated ${r.cases} cases for ${r.users} users in ${(r.ms / 1000).toFixed(1)} s.`,
    ),
  );

await program.parseAsync(process.argv);
