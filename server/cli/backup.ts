import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync, copyFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../errors.ts';

/**
 * SQLite backup and restore for the operator CLI (`db backup`, `db restore`).
 *
 * Backup is `VACUUM INTO`: one read transaction on its own read-only
 * connection. In WAL mode that is a consistent snapshot of the last commit
 * before it started, and the server's writes go on beside it — unlike the
 * page-by-page online backup API, which starts over whenever another
 * connection writes between two of its steps and so may never finish on a
 * busy desk. The copy is written to a temporary name, synced, checked and then
 * renamed, so FILE is either a whole backup or absent.
 */
export interface BackupResult {
  file: string;
  bytes: number;
  ms: number;
  /** The newest audit event in the copy: every write acknowledged before the backup started is at or below it. */
  auditHeadId: number;
  /** The time of VACUUM INTO alone (the read transaction the server's writes run beside). */
  copyMs: number;
  check: 'ok' | 'skipped';
}

const walk = (file: string) => ['', '-wal', '-shm', '-journal'].map((suffix) => file + suffix);

function syncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function backupSqlite(source: string, target: string, options: { force?: boolean; check?: boolean } = {}): BackupResult {
  const started = Date.now();
  const file = resolve(target);
  if (!existsSync(source)) throw new AppError('not_found', `No database at ${source}.`);
  if (resolve(source) === file) throw new AppError('validation_failed', 'The backup file must not be the database itself.');
  if (existsSync(file) && !options.force) throw new AppError('already_exists', `${file} exists; choose a new name or pass --force.`);
  const partial = `${file}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  const conn = new Database(source, { readonly: true, fileMustExist: true });
  try {
    conn.pragma('busy_timeout = 5000');
    conn.prepare('VACUUM INTO ?').run(partial);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    conn.close();
  }
  const copyMs = Date.now() - started;
  let auditHeadId = 0;
  const copy = new Database(partial, { fileMustExist: true });
  try {
    if (options.check !== false) {
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy failed its check: ${String(check)}`);
    }
    auditHeadId = Number((copy.prepare('SELECT coalesce(max(id), 0) AS n FROM audit_events').get() as { n: number }).n);
  } catch (err) {
    copy.close();
    rmSync(partial, { force: true });
    throw err;
  }
  copy.close();
  syncFile(partial);
  renameSync(partial, file);
  return { file, bytes: statSync(file).size, ms: Date.now() - started, copyMs, auditHeadId, check: options.check === false ? 'skipped' : 'ok' };
}

export interface RestoreResult {
  from: string;
  to: string;
  bytes: number;
  previous: string | null;
  ms: number;
}

/**
 * Puts a backup in place of the database, with the server stopped: checks the
 * backup, refuses while anything holds the database (a running server), keeps
 * the file it replaces beside it, and removes the old WAL so nothing of the
 * replaced database is replayed onto the restored one.
 */
export async function restoreSqlite(backup: string, target: string, options: { serverUrl?: string; fullCheck?: boolean } = {}): Promise<RestoreResult> {
  const started = Date.now();
  const from = resolve(backup);
  const to = resolve(target);
  if (!existsSync(from)) throw new AppError('not_found', `No backup at ${from}.`);
  if (from === to) throw new AppError('validation_failed', 'The backup is the database itself.');
  const check = new Database(from, { readonly: true, fileMustExist: true });
  try {
    // quick_check reads every page and row (O(N)); integrity_check also matches every index to its table.
    const verdict = check.pragma(options.fullCheck ? 'integrity_check' : 'quick_check', { simple: true });
    if (verdict !== 'ok') throw new AppError('validation_failed', `${from} is damaged: ${String(verdict)}`);
    if (!check.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_events'`).get())
      throw new AppError('validation_failed', `${from} is not a Rebind database.`);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('validation_failed', `${from} is not a readable SQLite database: ${(err as Error).message}`);
  } finally {
    check.close();
  }
  if (options.serverUrl) {
    const answering = await fetch(`${options.serverUrl}/healthz`, { signal: AbortSignal.timeout(1500) }).then(
      () => true,
      () => false,
    );
    if (answering) throw new AppError('conflict', `A server answers at ${options.serverUrl}: stop it before restoring.`);
  }
  let previous: string | null = null;
  if (existsSync(to)) {
    // A running server (or any open connection that writes) would hold this lock or the WAL.
    const probe = new Database(to, { fileMustExist: true });
    try {
      probe.pragma('busy_timeout = 0');
      probe.exec('BEGIN EXCLUSIVE');
      probe.exec('ROLLBACK');
      probe.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      probe.close();
      throw new AppError('conflict', `${to} is in use: stop the server before restoring.`);
    }
    probe.close();
    previous = `${to}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(to, previous);
  }
  for (const extra of walk(to).slice(1)) rmSync(extra, { force: true });
  const partial = `${to}.restoring-${process.pid}`;
  copyFileSync(from, partial);
  syncFile(partial);
  renameSync(partial, to);
  const dirFd = openSync(dirname(to), 'r');
  try {
    fsyncSync(dirFd);
  } catch {
    /* some file systems cannot sync a directory */
  } finally {
    closeSync(dirFd);
  }
  return { from, to, bytes: statSync(to).size, previous, ms: Date.now() - started };
}
