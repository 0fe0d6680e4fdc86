import { serve, type ServerType } from '@hono/node-server';
import { createTestContext, type TestContext } from '../../server/helpers.ts';
import { seedDemo, type DemoCredential } from '../../../fixtures/seed.ts';
import { freePort } from '../browser.ts';
import type { Page } from 'playwright-core';
import { demoStaff } from '../../../fixtures/demo-people.ts';
import { demoTotpSecret } from '../../../fixtures/seed.ts';
import { oathtool } from '../../server/user-helpers.ts';
import { buildUi, uiBuildIsStale, type UiBuild } from '../../../server/ui-builds.ts';

/**
 * Builds a front end (the desk into dist/admin, the account pages into
 * dist/account) unless its build is newer than every one of its sources. A
 * production build: the browser tests test what ships. tests/global-setup.ts
 * calls these once before the test files run in parallel.
 */
function ensureBuilt(name: UiBuild): void {
  if (uiBuildIsStale(name) && !buildUi(name)) throw new Error(`vite build of ${name} failed`);
}
export const ensureDeskBuilt = (): void => ensureBuilt('desk');
export const ensureAccountPagesBuilt = (): void => ensureBuilt('account');

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

/**
 * A demo staff member signs in through the page, as a person does: email and
 * password, then the TOTP code of the server's (test) time, from oathtool.
 */
export async function signInThroughPage(page: Page, desk: DeskServer, key: string): Promise<void> {
  const member = demoStaff.find((s) => s.key === key)!;
  await page.goto(`${desk.origin}/`);
  await page.fill('input[name=email]', member.email);
  await page.fill('input[name=password]', member.password);
  await page.click('button[type=submit]');
  await page.fill('input[name=code]', oathtool(demoTotpSecret(member.key), desk.ctx.clock()));
  await page.click('button[type=submit]');
  await page.getByRole('heading', { name: `Welcome, ${member.name}` }).waitFor();
}
