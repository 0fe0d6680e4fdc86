import { serve } from '@hono/node-server';
import { openRuntime } from './runtime.ts';
import { createApp } from './app.ts';
import { buildStaleUis } from './ui-builds.ts';
import { seedDemo, formatDemoCredentials, isDatabaseEmpty } from '../fixtures/seed.ts';
import { dispatchPending } from './messaging/outbox.ts';
import { sweepCases } from './recovery/service.ts';

async function main() {
  const runtime = openRuntime();
  const { deps } = runtime;
  // The desk and the account pages: built when missing or older than their sources.
  if (process.env.REBIND_SKIP_BUILD !== '1') {
    const { failed } = buildStaleUis((line) => console.log(line));
    if (failed.length) console.error(`Could not build: ${failed.join(', ')}. The API still starts.`);
  }

  if (deps.config.demoSeed && isDatabaseEmpty(deps)) {
    const credentials = await seedDemo(deps);
    console.log(formatDemoCredentials(credentials, deps.config.origin));
  }

  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: deps.config.port, hostname: deps.config.host }, (info) => {
    deps.logger.info({ port: info.port }, 'listening');
    console.log(`\nRebind is running: the desk ${deps.config.origin}/, the account pages ${deps.config.origin}/account  (API docs: ${deps.config.origin}/docs, health: ${deps.config.origin}/healthz)\n`);
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
