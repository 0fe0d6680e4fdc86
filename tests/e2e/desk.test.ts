import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { cases, users } from '../../db/schema/index.ts';
import { demoStaff } from '../../fixtures/demo-people.ts';
import { demoTotpSecret } from '../../fixtures/seed.ts';
import { StaffClient } from '../server/helpers.ts';
import { oathtool } from '../server/user-helpers.ts';
import { launchChromium } from './browser.ts';
import { ensureDeskBuilt, signInThroughPage, startDeskServer, type DeskServer } from './desk/desk-server.ts';

/**
 * The desk in real Chromium against the real server and the demo seed: an
 * agent signs in with TOTP, claims and approves a case, rejects another with
 * a reason, is told (not failed) when another session decided first; the
 * auditor exports the trail as CSV. Screenshots go to tests/e2e/artifacts/.
 */
const ARTIFACTS = join(import.meta.dirname, 'artifacts');
let desk: DeskServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

const person = (key: string) => demoStaff.find((s) => s.key === key)!;

const caseIdOf = async (email: string): Promise<number> => {
  const { db } = desk.ctx.deps;
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  const rows = await db.select().from(cases).where(eq(cases.userId, user!.id));
  return rows.at(-1)!.id;
};
const caseRow = async (id: number) => (await desk.ctx.deps.db.select().from(cases).where(eq(cases.id, id)).limit(1))[0]!;

/** Email, password, then the TOTP code of the server's (test) time, from oathtool. */
async function signIn(key: string, options: { colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: options.colorScheme ?? 'light', locale: 'en-GB' });
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

describe('the desk in Chromium', () => {
  it('an agent signs in with TOTP, claims and approves a case, rejects one with a reason, and is told when someone else decided first', async () => {
    const page = await signIn('ana');
    // The dashboard draws its charts from /stats.
    await expect(page.getByRole('img', { name: /Open cases by status and risk band/ }).count()).resolves.toBe(1);

    // The queue, most urgent first.
    await page.getByRole('menuitem', { name: 'Queue' }).click();
    const alice = await caseIdOf('alice.martin@example.com');
    const row = page.locator('tr', { has: page.getByRole('link', { name: `#${alice}`, exact: true }) });
    await row.waitFor();
    await screenshot(page, 'desk-queue-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'desk-queue-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Claim from the queue opens the case; approve after the confirmation.
    await row.getByRole('button', { name: 'Claim' }).click();
    await page.waitForURL(`**/cases/${alice}/show`);
    await page.getByText(`Case #${alice} is yours.`).waitFor();
    await page.getByRole('toolbar', { name: 'Case actions' }).getByRole('button', { name: 'Approve' }).click();
    const approveDialog = page.getByRole('dialog', { name: `Approve case #${alice}?` });
    await approveDialog.getByRole('textbox', { name: 'Internal note (optional)' }).fill('Answers 3/3 and an exact transfer match from her usual IP.');
    await approveDialog.getByRole('button', { name: 'Approve' }).click();
    await page.getByText(`Case #${alice} approved.`).waitFor();
    await expect(page.getByRole('toolbar', { name: 'Case actions' }).count()).resolves.toBe(0);
    expect(await caseRow(alice)).toMatchObject({ status: 'approved' });

    // Eve's case: the evidence beside the checks, then a rejection with a reason.
    const eve = await caseIdOf('emma.lindqvist@example.com');
    await page.goto(`${desk.origin}/cases/${eve}/show`);
    await page.getByText('This transaction id belongs to a deposit of another account.').waitFor();
    await page.getByRole('button', { name: 'Claim' }).click();
    await page.getByText(`Case #${eve} is yours.`).waitFor();
    await page.getByText(`Case #${eve} is yours.`).waitFor({ state: 'hidden' }); // not in the picture
    await screenshot(page, 'desk-case-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'desk-case-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('toolbar', { name: 'Case actions' }).getByRole('button', { name: 'Reject' }).click();
    const rejectDialog = page.getByRole('dialog', { name: `Reject case #${eve}?` });
    await rejectDialog.getByRole('combobox', { name: 'Reason' }).click();
    await page.getByRole('option', { name: 'Identity not verified' }).click();
    await rejectDialog.getByRole('button', { name: 'Reject' }).click();
    await page.getByText(`Case #${eve} rejected.`).waitFor();
    expect(await caseRow(eve)).toMatchObject({ status: 'rejected', reasonCode: 'identity_not_verified' });

    // Bruno's case is Ana's. She decides it in another session (the API) while
    // this page still shows it: the page explains and reloads instead of failing.
    const bruno = await caseIdOf('bruno.costa@example.com');
    await page.goto(`${desk.origin}/cases/${bruno}/show`);
    await page.getByRole('toolbar', { name: 'Case actions' }).waitFor();
    desk.ctx.clock.advance(30_000); // a TOTP code is accepted once: the next step
    const otherSession = new StaffClient(desk.ctx);
    const signedIn = await otherSession.signIn({
      id: 0,
      email: person('ana').email,
      password: person('ana').password,
      totpSecret: demoTotpSecret('ana'),
      role: 'agent',
    });
    expect(signedIn.status).toBe(200);
    const { version } = (await (await otherSession.get(`/admin/api/cases/${bruno}`)).json()) as { version: number };
    expect((await otherSession.post(`/admin/api/cases/${bruno}/approve`, { version })).status).toBe(200);

    await page.getByRole('toolbar', { name: 'Case actions' }).getByRole('button', { name: 'Reject' }).click();
    const staleDialog = page.getByRole('dialog', { name: `Reject case #${bruno}?` });
    await staleDialog.getByRole('combobox', { name: 'Reason' }).click();
    await page.getByRole('option', { name: 'Evidence inconsistent with our records' }).click();
    await staleDialog.getByRole('button', { name: 'Reject' }).click();
    await page.getByText(`Case #${bruno} is no longer in a state that allows this`, { exact: false }).waitFor();
    await staleDialog.waitFor({ state: 'detached' }); // the dialog closes (after its fade-out)
    await page.getByText(/Decided by Ana Agent/).waitFor(); // reloaded: the decision is shown
    expect(await caseRow(bruno)).toMatchObject({ status: 'approved' });
  }, 120_000); // about 25 s alone; more beside other test files on 2 cores

  it('the auditor exports the audit trail as CSV, filtered to a case', async () => {
    const page = await signIn('ada');
    // Auditors read, they do not work cases: no claim button in the queue.
    await page.getByRole('menuitem', { name: 'Queue' }).click();
    await page.getByRole('columnheader', { name: 'Risk' }).waitFor();
    await expect(page.getByRole('button', { name: 'Claim' }).count()).resolves.toBe(0);

    const alice = await caseIdOf('alice.martin@example.com');
    await page.goto(`${desk.origin}/cases/${alice}/show`);
    await page.getByRole('link', { name: 'Open in the audit log' }).click();
    await page.waitForURL('**/audit-events**');
    await page.getByRole('cell', { name: 'case.approve' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('id,ts,actorType,actorId,actorLabel,action,targetType,targetId,ip,requestId,details,hash');
    // The list's filter went along: only this case's events, its approval among them.
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.slice(1).every((line) => line.includes(`,case,${alice},`))).toBe(true);
    expect(lines.some((line) => line.includes(',case.approve,'))).toBe(true);
  });
});
