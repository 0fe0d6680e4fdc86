import { sleep, Stack } from './harness.ts';
import { missingWrites, prepareLoad, startLoad } from './load.ts';

/**
 * SIGTERM during load: requests in flight finish with their answers, new
 * connections are refused (the load balancer has stopped sending: /readyz is
 * 503 while draining), the process exits 0, and every acknowledged write is
 * in the database after a restart.
 */
export interface ShutdownFigures {
  exitCode: number | null;
  drainMs: number;
  acked: number;
  lost: number;
  cutInFlight: number;
  refusedNew: number;
  errors: Record<string, number>;
}

export async function runShutdown(options: { engine?: 'sqlite' | 'pg'; loadMs?: number; log?: (line: string) => void } = {}): Promise<ShutdownFigures> {
  const stack = new Stack({ engine: options.engine, label: 'shutdown' });
  try {
    await stack.init();
    await stack.seed();
    await stack.start();
    const world = await prepareLoad(stack, { users: 40, agents: 2 });
    const load = startLoad(stack, world, { workers: 8, timeoutMs: 30_000 });
    await sleep(options.loadMs ?? 3000);
    const t0 = Date.now();
    const exitCode = await stack.stop('SIGTERM');
    const drainMs = Date.now() - t0;
    const stats = await load.stop();
    await stack.start();
    const missing = await missingWrites(stack.handle!.db, load.acked);
    const refusedNew = (stats.errors.ECONNREFUSED ?? 0) + (stats.errors.ECONNRESET_UNACCEPTED ?? 0);
    const figures: ShutdownFigures = {
      exitCode,
      drainMs,
      acked: load.ackedCount(),
      lost: missing.total,
      cutInFlight: stats.failed - refusedNew,
      refusedNew,
      errors: stats.errors,
    };
    options.log?.(
      `  SIGTERM under load: exit ${exitCode} after ${drainMs} ms; ${figures.acked} acknowledged, lost ${figures.lost}; cut in flight ${figures.cutInFlight}; ${JSON.stringify(stats.errors)}`,
    );
    return figures;
  } finally {
    await stack.dispose();
  }
}

export function formatShutdown(f: ShutdownFigures): string {
  return `graceful shutdown: SIGTERM under load → exit ${f.exitCode} after ${f.drainMs} ms; ${f.acked} writes acknowledged, lost ${f.lost} (goal 0); requests cut off in flight ${f.cutInFlight} (goal 0); new connections refused while stopping ${f.refusedNew} (of them reset in the accept queue as the listener closed: ${f.errors.ECONNRESET_UNACCEPTED ?? 0})`;
}
