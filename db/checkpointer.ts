import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/**
 * WAL checkpoints on their own thread.
 *
 * By default SQLite checkpoints inside the COMMIT that takes the WAL past 1000
 * pages: it copies the pages into the database file and, with synchronous =
 * NORMAL, waits for fsync — 5–6 ms measured here, on the event loop, in
 * whichever request happened to commit (a TOTP step, a sign-in). Here the
 * writer connection never checkpoints (wal_autocheckpoint = 0) and a worker
 * thread with its own connection runs PASSIVE checkpoints every
 * `intervalMs`: they never wait for a reader or a writer, and a commit only
 * appends to the WAL. When a checkpoint has caught up, the next write
 * transaction starts the WAL over, so it does not grow without end.
 *
 * If the worker cannot start or dies, the writer checkpoints again itself
 * (SQLite's default), so the WAL stays bounded either way.
 */

// Plain JavaScript evaluated in the worker (no TypeScript loader there).
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const conn = new Database(workerData.file);
conn.pragma('busy_timeout = 0');
const checkpoint = () => {
  try {
    conn.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // another checkpoint is running (a backup, the CLI): the next tick catches up
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  conn.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Stops the thread (after its current checkpoint); the caller closes its connections afterwards. */
  stop(): Promise<void>;
  /** Whether the worker runs; false when the writer has gone back to checkpointing itself. */
  readonly running: boolean;
}

export function startCheckpointer(
  file: string,
  writer: Database.Database,
  options: { intervalMs?: number; onError?: (err: Error) => void } = {},
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  let running = false;
  let worker: Worker | undefined;
  const fallBack = (err: Error) => {
    if (!running) return;
    running = false;
    if (writer.open) writer.pragma('wal_autocheckpoint = 1000');
    options.onError?.(err);
  };
  try {
    worker = new Worker(workerSource, { eval: true, workerData: { file, driver, intervalMs: options.intervalMs ?? 200 } });
    worker.unref(); // never holds the process open
    writer.pragma('wal_autocheckpoint = 0');
    running = true;
    worker.on('error', fallBack);
    worker.on('exit', (code) => fallBack(new Error(`checkpoint thread exited (${code})`)));
  } catch (err) {
    writer.pragma('wal_autocheckpoint = 1000');
    options.onError?.(err as Error);
  }
  return {
    get running() {
      return running;
    },
    async stop() {
      if (!worker || !running) return;
      running = false;
      const exited = new Promise<void>((resolve) => worker!.once('exit', () => resolve()));
      worker.ref(); // until it has stopped: an unreferenced worker would let the process end with close() still waiting
      worker.postMessage('stop');
      await exited;
    },
  };
}
