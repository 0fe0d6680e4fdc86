import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { openRuntime } from './runtime.ts';
import { createApp, adminDistDir } from './app.ts';
import { seedDemo, formatDemoCredentials, isDatabaseEmpty } from '../fixtures/seed.ts';
import { dispatchPending, draining } from './messaging/outbox.ts';
import { sweepCases } from './recovery/service.ts';

const root = join(import.meta.dirname, '..');

/** Builds the desk when its output is missing or older than its sources. */
function buildDeskIfNeeded(): void {
  const index = join(adminDistDir, 'index.html');
  const newestSource = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
      const p = join(dir, e.name);
      return Math.max(max, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
    }, 0);
  const sourcesChanged = () => Math.max(newestSource(join(root, 'admin-ui')), statSync(join(root, 'vite.config.ts')).mtimeMs) > statSync(index).mtimeMs;
  if (existsSync(index) && !sourcesChanged()) return;
  console.log('Building the desk (vite build)…');
  const result = spawnSync(join(root, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('The desk failed to build; the API still starts.');
  }
}

async function main() {
  const runtime = await openRuntime();
  const { deps } = runtime;
  if (process.env.REBIND_SKIP_BUILD !== '1') buildDeskIfNeeded();

  if (deps.config.demoSeed && (await isDatabaseEmpty(deps))) {
    const credentials = await seedDemo(deps);
    console.log(formatDemoCredentials(credentials, deps.config.origin));
  }

  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: deps.config.port, hostname: deps.config.host }, (info) => {
    deps.logger.info({ port: info.port }, 'listening');
    console.log(`\nRebind is running: ${deps.config.origin}/  (API docs: ${deps.config.origin}/docs, health: ${deps.config.origin}/healthz)\n`);
  });
  // Deliver queued email and SMS when providers are configured (the outbox is transactional).
  const dispatcher = setInterval(() => void dispatchPending(deps).catch((err) => deps.logger.error({ err: (err as Error).message }, 'dispatch failed')), 2000);
  dispatcher.unref();
  // Housekeeping: drafts abandoned after 24 h, unused rebind links expire their case.
  const sweeper = setInterval(() => void sweepCases(deps).catch((err) => deps.logger.error({ err: (err as Error).message }, 'sweep failed')), 60_000);
  sweeper.unref();
  // SIGTERM: /readyz turns 503 (the proxy stops sending), no new connections,
  // requests in flight finish, background work stops, the database closes.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.logger.info({ signal }, 'shutting down: finishing requests in flight');
    deps.lifecycle.draining = true;
    clearInterval(dispatcher);
    clearInterval(sweeper);
    server.close(() => {
      void Promise.resolve(draining())
        .then(() => runtime.close())
        .catch((err) => deps.logger.error({ err: (err as Error).message }, 'close failed'))
        .finally(() => process.exit(0));
    });
    // Keep-alive connections with no request in flight would hold close() open.
    (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    setTimeout(() => process.exit(1), 20_000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
