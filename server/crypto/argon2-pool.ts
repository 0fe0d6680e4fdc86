import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * argon2 off the event loop, on threads the event loop wins against.
 *
 * @node-rs/argon2's async functions run on libuv's thread pool (4 threads): on
 * a 2-core machine, a burst of sign-ins puts four argon2 threads against the
 * event loop, and a TOTP step or a queue page waits for a core. Here argon2
 * runs synchronously in worker threads, one per core by default
 * (ARGON2_THREADS), each at a lower scheduling priority (Linux keeps it per
 * thread): by default SCHED_IDLE, so when the event loop (or V8's GC helpers)
 * wakes it takes a core at once, and when it has nothing to do argon2 has
 * every core. A nice value alone is weaker on Linux's EEVDF scheduler: a woken
 * thread can wait for the running one's time slice (measured: the event loop
 * waited 220 ms for a core over 2 s of saturated sign-ins at nice 10, 75–95 ms
 * with SCHED_IDLE).
 */

// Plain JavaScript evaluated in the worker (no TypeScript loader there).
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { setPriority } = require('node:os');
const argon2 = require(workerData.argon2);
const nice = workerData.nice === 'idle' ? 19 : workerData.nice;
try { setPriority(0, nice); } catch { /* not permitted: run at the normal priority */ }
if (workerData.nice === 'idle' && process.platform === 'linux') {
  // SCHED_IDLE for this thread (Node has no call for it; util-linux's chrt has): a waking event loop takes the core at once.
  try {
    const tid = require('node:fs').readlinkSync('/proc/thread-self').split('/').pop();
    require('node:child_process').execFileSync('chrt', ['--idle', '--pid', '0', tid], { stdio: 'ignore', timeout: 5000 });
  } catch { /* no chrt, or not permitted: the nice value above stays */ }
}
parentPort.on('message', ({ id, op, hashed, password, options }) => {
  try {
    const result = op === 'verify' ? argon2.verifySync(hashed, password) : argon2.hashSync(password, options);
    parentPort.postMessage({ id, result });
  } catch (err) {
    parentPort.postMessage({ id, error: err && err.message ? err.message : String(err) });
  }
});
`;

/**
 * CPU priority of the argon2 threads (ARGON2_NICE): 'idle' (the default) is
 * Linux's SCHED_IDLE policy, set with chrt (nice 19 where that is missing);
 * 0–19 a nice value. Lowering a thread's own priority needs no privilege.
 */
let argon2Nice: number | 'idle' = 'idle';

type Job = { id: number; op: 'verify' | 'hash'; hashed?: string; password: string; options?: object };
type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void };

class Argon2Pool {
  private readonly idle: Worker[] = [];
  private readonly queue: Job[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly busy = new Map<Worker, number>();
  private nextId = 1;
  private started = 0;

  constructor(private readonly size: number) {}

  run<T>(job: Omit<Job, 'id'>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.queue.push({ ...job, id });
      this.dispatch();
    });
  }

  private dispatch() {
    while (this.queue.length) {
      const worker = this.idle.pop() ?? (this.started < this.size ? this.spawn() : undefined);
      if (!worker) return;
      const job = this.queue.shift()!;
      this.busy.set(worker, job.id);
      worker.ref(); // a job in flight keeps the process alive (a CLI command awaiting a hash)
      worker.postMessage(job);
    }
  }

  private spawn(): Worker {
    this.started++;
    const argon2 = createRequire(import.meta.url).resolve('@node-rs/argon2');
    const worker = new Worker(workerSource, { eval: true, workerData: { argon2, nice: argon2Nice } });
    worker.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      this.busy.delete(worker);
      this.idle.push(worker);
      worker.unref(); // idle workers never hold the process open
      if (m.error !== undefined) p?.reject(new Error(m.error));
      else p?.resolve(m.result);
      this.dispatch();
    });
    worker.on('error', (err) => this.fail(worker, err));
    worker.on('exit', (code) => this.fail(worker, new Error(`argon2 worker exited (${code})`)));
    return worker;
  }

  /** A dead worker: its job fails, a new worker takes its place for the rest. */
  private fail(worker: Worker, err: Error) {
    const idleAt = this.idle.indexOf(worker);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    const id = this.busy.get(worker);
    if (this.busy.delete(worker) || idleAt >= 0) this.started--;
    if (id !== undefined) {
      this.pending.get(id)?.reject(err);
      this.pending.delete(id);
    }
    this.dispatch();
  }
}

let pool: Argon2Pool | undefined;
let poolSize = availableParallelism();

/** Threads for argon2 (ARGON2_THREADS; default one per core) and their nice value; takes effect before the first hash or verify. */
export function configureArgon2(options: { threads?: number; nice?: number | 'idle' }): void {
  if (pool) return;
  if (options.threads && options.threads > 0) poolSize = options.threads;
  if (options.nice !== undefined) argon2Nice = options.nice;
}

const thePool = () => (pool ??= new Argon2Pool(poolSize));

export function argon2Verify(hashed: string, password: string): Promise<boolean> {
  return thePool().run<boolean>({ op: 'verify', hashed, password });
}

export function argon2Hash(password: string, options: object): Promise<string> {
  return thePool().run<string>({ op: 'hash', password, options });
}
