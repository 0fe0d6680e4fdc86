import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createTestContext, type TestContext } from '../../server/helpers.ts';
import { seedDemo, type DemoCredential } from '../../../fixtures/seed.ts';
import { freePort } from '../browser.ts';

const ROOT = join(import.meta.dirname, '../../..');
const BUILT_INDEX = join(ROOT, 'dist/admin/index.html');

const newestSource = (dir: string): number =>
  readdirSync(dir).reduce((newest, name) => {
    const path = join(dir, name);
    const stat = statSync(path);
    return Math.max(newest, stat.isDirectory() ? newestSource(path) : stat.mtimeMs);
  }, 0);

/**
 * Builds the desk into dist/admin unless the build is newer than every
 * admin-ui source. A production build: the browser tests test what ships
 * (vitest's NODE_ENV=test would otherwise give React's development build).
 * tests/global-setup.ts calls this once before the test files run in parallel.
 */
export function ensureDeskBuilt(): void {
  const sources = Math.max(newestSource(join(ROOT, 'admin-ui')), statSync(join(ROOT, 'vite.config.ts')).mtimeMs);
  if (existsSync(BUILT_INDEX) && statSync(BUILT_INDEX).mtimeMs > sources) return;
  execFileSync(join(ROOT, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, VITEST: '', NODE_ENV: 'production' } });
}

export interface DeskServer {
  ctx: TestContext;
  origin: string;
  credentials: DemoCredential[];
  close(): Promise<void>;
}

/**
 * The whole app on a free port over a fresh in-memory database with the demo
 * seed, its test clock set to the real time (the browser's SLA countdowns use
 * the real clock). The test clock does not tick: TOTP codes are made at
 * ctx.clock(), and a second sign-in of the same person moves it by 30 s.
 */
export async function startDeskServer(): Promise<DeskServer> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const ctx = await createTestContext({ ORIGIN: origin });
  ctx.clock.set(new Date());
  const credentials = await seedDemo(ctx.deps);
  const server: ServerType = serve({ fetch: ctx.app.fetch, port, hostname: '127.0.0.1' });
  return {
    ctx,
    origin,
    credentials,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
