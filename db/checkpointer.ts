import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/**
 * WAL checkpoints on their own thread.
 *
 * By default SQLite checkpoints inside the COMMIT that takes the WAL past 1000
 * pages: it copies the pages into the database file and, with synchronous =
 * NORMAL, waits for fsync — 5–6 ms measured here, on the event loop, in
 * whichever request happened to commit (a TOTP step, a sign-in). Here a
 * worker thread with its own connection runs PASSIVE checkpoints every
 * `intervalMs`: they never wait for a reader or a writer, and a commit only
 * appends to the WAL.
 *
 * The WAL starts over only when a write begins after a checkpoint that copied
 * every frame; under writes that never pause (a seed, a burst of sign-ins)
 * the thread is always a few frames behind, and the WAL would grow without
 * end (93 MB after the demo seed, measured). So the writer keeps a backstop:
 * SQLite's own checkpoint in the commit that passes BACKSTOP_PAGES (10× the
 * default: by then the thread has copied nearly all of it), which completes
 * and lets the next write start the WAL over; and journal_size_limit cuts the
 * file back when it does.
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

/** The writer's own checkpoint threshold while the thread runs (SQLite's default is 1000 pages). */
export const BACKSTOP_PAGES = 10_000;
/** The WAL file is cut back to this when it starts over. */
const WAL_SIZE_LIMIT = 16 * 1024 * 1024;

export interface Checkpointer {
  /** Stops the thread (after its current checkpoint); the caller closes its connections afterwards. */
  stop(): Promise<void>;
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
    writer.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    writer.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    running = true;
    worker.on('error', fallBack);
    worker.on('exit', (code) => fallBack(new Error(`checkpoint thread exited (${code})`)));
  } catch (err) {
    writer.pragma('wal_autocheckpoint = 1000');
    options.onError?.(err as Error);
  }
  return {
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
