import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { auditEvents, cases, staff, users } from '../../db/schema/index.ts';
import { demoStaff } from '../../fixtures/demo-people.ts';
import { launchChromium } from './browser.ts';
import { ensureDeskBuilt, signInThroughPage, startDeskServer, type DeskServer } from './desk/desk-server.ts';

/**
 * A supervisor runs the team in real Chromium over the demo seed: assigns
 * Alice's case to Bo by name, Bo finds it under "My cases", the Team page
 * shows who holds what, and "Release all" gives Bo's cases back to the queue.
 * Screenshots of the Team page (light and dark) go to tests/e2e/artifacts/.
 */
const ARTIFACTS = join(import.meta.dirname, 'artifacts');
let desk: DeskServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

const person = (key: string) => demoStaff.find((s) => s.key === key)!;
const staffId = async (key: string) =>
  (
    await desk.ctx.deps.db
      .select()
      .from(staff)
      .where(eq(staff.email, person(key).email))
      .limit(1)
  )[0]!.id;
const caseOf = async (email: string) => {
  const { db } = desk.ctx.deps;
  const user = (await db.select().from(users).where(eq(users.email, email)).limit(1))[0]!;
  return (await db.select().from(cases).where(eq(cases.userId, user.id))).at(-1)!;
};

async function signIn(key: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme, locale: 'en-GB' });
  contexts.push(context);
  const page = await context.newPage();
  await signInThroughPage(page, desk, key);
  return page;
}

const screenshot = async (page: Page, name: string) => {
  await page.waitForTimeout(300); // chips and transitions settle
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
};

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

describe('a supervisor runs the team in Chromium', () => {
  it('assigns a case by name, the agent finds it in "My cases", and "Release all" gives it back', async () => {
    const errors: string[] = [];
    const sam = await signIn('sam');
    sam.on('pageerror', (error) => errors.push(error.message));

    // The Team page: Ana holds Bruno's case (the demo's Monday morning).
    await sam.getByRole('menuitem', { name: 'Team' }).click();
    const anaRow = sam.getByRole('row').filter({ hasText: 'Ana Agent' });
    await expect.poll(() => anaRow.getByRole('link', { name: 'View cases' }).count()).toBe(1);
    await screenshot(sam, 'team-light');

    // Alice's case, waiting in the queue: assign it to Bo by name, with a note.
    const alice = await caseOf('alice.martin@example.com');
    await sam.goto(`${desk.origin}/cases/${alice.id}/show`);
    await sam.getByRole('toolbar', { name: 'Case actions' }).getByRole('button', { name: 'Assign' }).click();
    const dialog = sam.getByRole('dialog', { name: `Assign case #${alice.id}` });
    await dialog.getByRole('combobox', { name: /Assign to/ }).click();
    await sam.getByRole('option', { name: 'Bo Agent (Agent)' }).click();
    await dialog.getByRole('textbox', { name: /Why/ }).fill('Bo speaks French with Alice.');
    await screenshot(sam, 'assign-dialog-light');
    await dialog.getByRole('button', { name: 'Assign' }).click();
    await sam.getByText(`Case #${alice.id} assigned.`).waitFor();
    await sam.getByText('Held by Bo Agent.').waitFor();
    expect(await caseOf('alice.martin@example.com')).toMatchObject({ status: 'in_review', assigneeId: await staffId('bo') });
    const assigned = (
      await desk.ctx.deps.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, 'case.assign'), eq(auditEvents.targetId, String(alice.id))))
        .limit(1)
    )[0]!;
    expect(JSON.parse(assigned.details)).toMatchObject({ from: null, to: await staffId('bo') });

    // Bo sees it under "My cases".
    desk.ctx.clock.advance(31_000); // a fresh TOTP step for the second sign-in
    const bo = await signIn('bo');
    await bo.getByRole('menuitem', { name: 'Queue' }).click();
    await bo.getByRole('toolbar', { name: 'Saved views' }).getByRole('button', { name: 'My cases' }).click();
    await bo.getByRole('link', { name: `#${alice.id}` }).waitFor();
    await sam.getByRole('menuitem', { name: 'Queue' }).click();
    await sam
      .getByRole('row')
      .filter({ hasText: `#${alice.id}` })
      .getByText('Bo Agent')
      .waitFor();
    await screenshot(sam, 'queue-assignees-light');

    // Back on the Team page, Bo holds one case: release all of them.
    await sam.getByRole('menuitem', { name: 'Team' }).click();
    const boRow = sam.getByRole('row').filter({ hasText: 'Bo Agent' });
    await boRow.getByRole('button', { name: 'Release all' }).click();
    const confirm = sam.getByRole('dialog', { name: 'Release every case Bo Agent holds?' });
    await confirm.getByRole('textbox', { name: 'Reason (optional)' }).fill('Bo went home sick');
    await confirm.getByRole('button', { name: 'Release all' }).click();
    await sam.getByText('1 case of Bo Agent is back in the queue.').waitFor();
    await expect.poll(() => boRow.getByRole('button', { name: 'Release all' }).count()).toBe(0);
    expect(await caseOf('alice.martin@example.com')).toMatchObject({ status: 'submitted', assigneeId: null });
    expect(errors).toEqual([]);

    desk.ctx.clock.advance(31_000); // Sam's second sign-in needs the next TOTP step
    const dark = await signIn('sam', 'dark');
    await dark.getByRole('menuitem', { name: 'Team' }).click();
    await dark.getByRole('row').filter({ hasText: 'Ana Agent' }).getByRole('link', { name: 'View cases' }).waitFor();
    await screenshot(dark, 'team-dark');
  }, 120_000);
});
