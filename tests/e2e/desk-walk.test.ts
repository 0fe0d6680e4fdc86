import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { ensureDeskBuilt, signInThroughPage, startDeskServer, type DeskServer } from './desk/desk-server.ts';
import { DeskWalker } from './desk/walk.ts';

/**
 * The whole desk, by clicking, as each role: sign in through the page, open
 * every menu entry, open the first rows of every list (the row and its link),
 * every tab, panel and dialog offered (and cancel it), go back, switch
 * language and theme. Any error page, uncaught error, console error or failed
 * request fails the walk. This is the test that catches a screen that only
 * works when reached by typing its address.
 */
const ARTIFACTS = join(import.meta.dirname, 'artifacts', 'walk');
let desk: DeskServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

// One-click by design (claim opens the case; release gives it back), and the
// CSV export is a download: the walk never clicks these.
const DIRECT_ACTIONS = /^(Claim|Release|Export CSV|认领|释放|导出 CSV)$/;

async function signIn(key: string, walkerFor: (page: Page) => DeskWalker): Promise<DeskWalker> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', locale: 'en-GB' });
  contexts.push(context);
  const page = await context.newPage();
  const walker = walkerFor(page);
  await walker.mutating(async () => {
    await signInThroughPage(page, desk, key);
  });
  await walker.settle('dashboard');
  return walker;
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

const roles = [
  { key: 'ana', role: 'agent', menu: ['Dashboard', 'Queue', 'Users'] },
  { key: 'sam', role: 'supervisor', menu: ['Dashboard', 'Queue', 'Team', 'Users', 'Insider signals'] },
  { key: 'ada', role: 'auditor', menu: ['Dashboard', 'Queue', 'Users', 'Audit log'] },
  {
    key: 'root',
    role: 'admin',
    menu: ['Dashboard', 'Queue', 'Users', 'Audit log', 'Insider signals', 'Reason codes', 'Staff', 'Service accounts', 'Webhooks', 'Outbox'],
  },
] as const;

describe('a walk of the whole desk by clicking, in Chromium', () => {
  for (const { key, role, menu } of roles) {
    it(`as the ${role}: every menu entry, list row, dialog, back, language and theme`, async () => {
      const walker = await signIn(
        key,
        (page) =>
          new DeskWalker(page, desk.origin, {
            directActions: DIRECT_ACTIONS,
            rowsPerList: 2,
            onScreen: async (shot, name) => {
              await shot.screenshot({ path: join(ARTIFACTS, `${role}-${name.replace(/[^\w-]+/g, '_')}.png`) });
            },
          }),
      );
      const entries = await walker.menuEntries();
      // The menu offers at least what the role needs (new entries are walked too).
      for (const entry of menu) expect(entries).toContain(entry);
      try {
        for (const entry of entries) {
          await walker.openMenuEntry(entry);
          await walker.walkList(entry);
          await walker.walkListScreen(entry);
        }
        await walker.switchLanguageAndTheme();
        await walker.darkPass(entries);
      } catch (error) {
        walker.problem(`the walk stopped: ${(error as Error).message.split('\n')[0]}`);
      }
      expect(walker.report()).toBe('');
      // The walk reached detail screens, not only lists.
      expect([...walker.visited].some((path) => /\/(show|:id)$/.test(path))).toBe(true);
    }, 300_000);
  }
});
