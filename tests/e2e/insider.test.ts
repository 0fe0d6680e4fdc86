import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { ensureDeskBuilt, signInThroughPage, startDeskServer, type DeskServer } from './desk/desk-server.ts';

/**
 * The insider-signals page in real Chromium over the demo seed: Sam finds Max
 * flagged and follows a figure to the cases behind it; Root follows one to the
 * audit log. Screenshots (light and dark, 1280 px) go to tests/e2e/artifacts/.
 */
const ARTIFACTS = join(import.meta.dirname, 'artifacts');
let desk: DeskServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const problems: string[] = [];

async function signIn(key: string, colorScheme: 'light' | 'dark'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme, locale: 'en-GB' });
  contexts.push(context);
  const page = await context.newPage();
  await signInThroughPage(page, desk, key);
  // Signed in (the session check before it is an expected 401): from here on, any error is a failure.
  page.on('pageerror', (error) => problems.push(`${key}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${key}: console: ${message.text()}`);
  });
  return page;
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  ensureDeskBuilt();
  [desk, browser] = await Promise.all([startDeskServer(), launchChromium()]);
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await desk?.close();
});

describe('insider signals in Chromium', () => {
  it('shows a supervisor Max flagged, and the cases behind a figure', async () => {
    const page = await signIn('sam', 'light');
    await page.getByRole('menuitem', { name: 'Insider signals' }).click();
    const table = page.getByRole('table', { name: 'Insider signals per reviewer over the last 7 days' });
    await table.waitFor();
    const maxRow = table.getByRole('row').filter({ hasText: 'Max Agent' });
    await expect(maxRow.getByRole('rowheader').textContent()).resolves.toContain('5 flags');
    for (const signal of ['Approval rate', 'Risky approvals', 'Reveals', 'Off-hours actions', 'Fast decisions']) {
      await expect(maxRow.getByRole('button', { name: new RegExp(`^${signal} of Max Agent: .*, flagged$`) }).count(), signal).resolves.toBe(1);
    }
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS, 'insider-light.png'), fullPage: true });

    await maxRow.getByRole('button', { name: /^Risky approvals of Max Agent/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Risky approvals: Max Agent' });
    await dialog.waitFor();
    await page.waitForTimeout(400); // the dialog's fade-in
    await page.screenshot({ path: join(ARTIFACTS, 'insider-evidence-light.png') });
    const links = dialog.getByRole('link', { name: /^Case #\d+$/ });
    await expect(links.count()).resolves.toBe(3);
    const first = (await links.first().textContent())!.replace('Case #', '');
    await links.first().click();
    await page.getByRole('heading', { level: 1, name: `Case #${first}` }).waitFor();
    await expect(page.getByText('Rejected').first().isVisible()).resolves.toBe(true);
    expect(problems).toEqual([]);
  });

  it('takes an admin from a figure to the audit log filtered on its events', async () => {
    desk.ctx.clock.advance(31_000); // a fresh TOTP step
    const page = await signIn('root', 'dark');
    await page.getByRole('menuitem', { name: 'Insider signals' }).click();
    const maxRow = page.getByRole('row').filter({ hasText: 'Max Agent' });
    await maxRow.getByRole('button', { name: /^Fast decisions of Max Agent/ }).waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS, 'insider-dark.png'), fullPage: true });
    await maxRow.getByRole('button', { name: /^Fast decisions of Max Agent/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Fast decisions: Max Agent' });
    await dialog.getByRole('link', { name: 'Open in the audit log' }).waitFor();
    // The insider page itself raised nothing (the audit log's own warnings are the walk's business).
    expect(problems).toEqual([]);
    await dialog.getByRole('link', { name: 'Open in the audit log' }).click();
    // Seven approvals and the seven views that opened the cases.
    await page.getByText('1-14 of 14').waitFor();
    await expect(page.getByRole('cell', { name: 'case.view', exact: true }).count()).resolves.toBe(7);
    await expect(page.getByRole('cell', { name: 'case.approve', exact: true }).count()).resolves.toBe(7);
  });
});
