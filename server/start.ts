import { Server as NetServer } from 'node:net';
import { serve } from '@hono/node-server';
import { openRuntime } from './runtime.ts';
import { createApp } from './app.ts';
import { buildStaleUis } from './ui-builds.ts';
import { seedDemo, formatDemoCredentials, isDatabaseEmpty } from '../fixtures/seed.ts';
import { dispatchPending, draining } from './messaging/outbox.ts';
import { sweepCases } from './recovery/service.ts';
import { answerClientError } from './platform/client-error.ts';
import { loggableError } from './errors.ts';
import { dispatchWebhooks, webhooksDraining } from './events/webhook-dispatcher.ts';

/** How long a stopping server still answers on open connections before it stops listening. */
const DRAIN_GRACE_MS = 1000;

async function main() {
  const runtime = await openRuntime();
  const { deps } = runtime;
  // The desk and the account pages: built when missing or older than their sources.
  if (process.env.REBIND_SKIP_BUILD !== '1') {
    const { failed } = buildStaleUis((line) => console.log(line));
    if (failed.length) console.error(`Could not build: ${failed.join(', ')}. The API still starts.`);
  }

  if (deps.config.demoSeed && (await isDatabaseEmpty(deps))) {
    const credentials = await seedDemo(deps);
    console.log(formatDemoCredentials(credentials, deps.config.origin));
  }

  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: deps.config.port, hostname: deps.config.host }, (info) => {
    deps.logger.info({ port: info.port }, 'listening');
    console.log(
      `\nRebind is running: the desk ${deps.config.origin}/, the account pages ${deps.config.origin}/account  (API docs: ${deps.config.origin}/docs, health: ${deps.config.origin}/healthz)\n`,
    );
  });
  server.on('clientError', answerClientError);
  // Deliver queued email and SMS when providers are configured (the outbox is transactional).
  const dispatcher = setInterval(
    () => void dispatchPending(deps).catch((err) => deps.logger.error({ err: loggableError(err).message }, 'dispatch failed')),
    2000,
  );
  dispatcher.unref();
  // Security events to webhook endpoints: each delivery claimed by one instance at a time, retried on its schedule.
  const webhooks = setInterval(
    () => void dispatchWebhooks(deps).catch((err) => deps.logger.error({ err: loggableError(err).message }, 'webhook dispatch failed')),
    1000,
  );
  webhooks.unref();
  // Housekeeping: drafts abandoned after 24 h, unused rebind links expire their case.
  const sweeper = setInterval(() => void sweepCases(deps).catch((err) => deps.logger.error({ err: loggableError(err).message }, 'sweep failed')), 60_000);
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
    clearInterval(webhooks);
    // For a second the server still answers (each answer with Connection: close, see app.ts), so a
    // client sending on a kept-alive connection gets its answer and then a closed connection, not a
    // reset. Then it stops listening (net close: http's close() would also cut connections accepted a
    // moment ago whose request has not arrived yet), requests in flight finish, and a second later
    // connections still idle are closed.
    const closeIdle = () => (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    setTimeout(() => {
      NetServer.prototype.close.call(server, () => {
        void Promise.all([draining(), webhooksDraining(deps)])
          .then(() => runtime.close())
          .catch((err) => deps.logger.error({ err: loggableError(err).message }, 'close failed'))
          .finally(() => process.exit(0));
      });
      setTimeout(() => setInterval(closeIdle, 100).unref(), DRAIN_GRACE_MS).unref();
    }, DRAIN_GRACE_MS).unref();
    setTimeout(() => process.exit(1), 20_000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
