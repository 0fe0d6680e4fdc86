import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { openRuntime } from './runtime.ts';
import { createApp, adminDistDir } from './app.ts';
import { seedDemo, formatDemoCredentials, isDatabaseEmpty } from '../fixtures/seed.ts';
import { dispatchPending } from './messaging/outbox.ts';
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
  const runtime = openRuntime();
  const { deps } = runtime;
  if (process.env.REBIND_SKIP_BUILD !== '1') buildDeskIfNeeded();

  if (deps.config.demoSeed && isDatabaseEmpty(deps)) {
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
  const sweeper = setInterval(() => {
    try {
      sweepCases(deps);
    } catch (err) {
      deps.logger.error({ err: (err as Error).message }, 'sweep failed');
    }
  }, 60_000);
  sweeper.unref();
  const shutdown = () => {
    clearInterval(dispatcher);
    clearInterval(sweeper);
    server.close(() => {
      runtime.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
