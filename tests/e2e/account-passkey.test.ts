import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { userFactors } from '../../db/schema/index.ts';
import { createTestContext, type TestContext } from '../server/helpers.ts';
import { lastCode, makeEndUser, USER_PASSWORD } from '../server/user-helpers.ts';
import { freePort, launchChromium } from './browser.ts';
import { ensureAccountPagesBuilt } from './desk/desk-server.ts';
import { addVirtualAuthenticator, collectConsoleErrors, openContext, screenshot } from './account/account-kit.ts';

/**
 * A passkey through the account pages in Chromium (a CTAP2 virtual
 * authenticator): bind one as the first tool, sign in with it, and be told —
 * before trying — that the only tool cannot be unbound.
 */
let ctx: TestContext;
let server: ServerType;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  ensureAccountPagesBuilt();
  const port = await freePort();
  origin = `http://localhost:${port}`; // the WebAuthn RP ID is "localhost"
  ctx = await createTestContext({ ORIGIN: origin });
  ctx.clock.set(new Date());
  server = serve({ fetch: ctx.app.fetch, port, hostname: '127.0.0.1' });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

async function signIn(page: Page, email: string) {
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(USER_PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
}
const h1 = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true });

describe('a passkey through the account pages', () => {
  for (const width of [360, 1280] as const) {
    it(`at ${width} px: binds a named passkey, signs in with it, and may not unbind the last tool`, async () => {
      const user = await makeEndUser(ctx, { email: `passkey-${width}@example.com` });
      const context = await openContext(browser, width);
      const page = await context.newPage();
      await addVirtualAuthenticator(context, page);
      const errors = collectConsoleErrors(page);
      const shot = (name: string) => screenshot(page, `account-passkey-${width}-${name}`);

      await page.goto(`${origin}/account/sign-in`);
      await signIn(page, user.email);
      await h1(page, 'Security').waitFor();
      await page.getByRole('link', { name: 'Add a passkey' }).first().click();
      await h1(page, 'Bind: Passkey').waitFor();
      await page.getByRole('button', { name: 'Send me an email code' }).click();
      const field = page.getByLabel('Code from the email');
      await field.waitFor();
      await field.fill(await lastCode(ctx, user.email, 'email'));
      await page.getByRole('button', { name: 'Continue' }).click();
      // A first tool: no "existing 2FA" step.
      await page.getByRole('button', { name: 'Create the passkey' }).click();
      await page.getByText('Fill this in.').waitFor(); // the name comes first
      await page.getByLabel('Name for this passkey').fill(`Phone ${width}`);
      await shot('01-bind');
      await page.getByRole('button', { name: 'Create the passkey' }).click();
      await page.getByText(`Phone ${width} is bound`).waitFor();
      const bound = await ctx.deps.db
        .select()
        .from(userFactors)
        .where(and(eq(userFactors.userId, user.id), eq(userFactors.status, 'active')));
      expect(bound).toMatchObject([{ type: 'passkey', name: `Phone ${width}` }]);

      // The overview: the only tool's Unbind is disabled and says why.
      await page.getByRole('link', { name: 'Back to Security' }).click();
      await page.getByText(`Phone ${width}`, { exact: true }).waitFor();
      const unbind = page.getByRole('button', { name: 'Unbind' });
      expect(await unbind.isDisabled()).toBe(true);
      expect(await unbind.getAttribute('aria-describedby')).toBeTruthy();
      await page.getByText('Your only 2FA tool cannot be unbound').waitFor();
      await shot('02-security-last-tool');
      // Reached directly, the unbind page explains and offers nothing to press.
      await page.goto(`${origin}/account/security/unbind/${bound[0]!.id}`);
      await page.getByText('This is your only 2FA tool').waitFor();
      expect(await page.getByRole('button', { name: 'Send me an email code' }).count()).toBe(0);
      await shot('03-unbind-refused');

      // Sign out, then in with the passkey.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await h1(page, 'Sign in').waitFor();
      await signIn(page, user.email);
      await h1(page, 'Security verification').waitFor();
      await shot('04-sign-in-passkey');
      await page.getByRole('button', { name: 'Use my passkey' }).click();
      await h1(page, 'Security').waitFor();
      const used = (await ctx.deps.db.select().from(userFactors).where(eq(userFactors.id, bound[0]!.id)).limit(1))[0]!;
      expect(used.lastUsedAt).not.toBeNull();
      expect(errors).toEqual([]);
      await context.close();
    }, 90_000);
  }
});
