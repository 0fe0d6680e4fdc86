import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { cases, outbox, users } from '../../db/schema/index.ts';
import { openMessage } from '../../server/messaging/outbox.ts';
import { demoStaff } from '../../fixtures/demo-people.ts';
import { demoTotpSecret } from '../../fixtures/seed.ts';
import { ANSWERS, makeRecoverableUser } from '../server/case-helpers.ts';
import { lastCode, lastMessage, oathtool, USER_PASSWORD } from '../server/user-helpers.ts';
import { launchChromium } from './browser.ts';
import { ensureAccountPagesBuilt, ensureDeskBuilt, startDeskServer, type DeskServer } from './desk/desk-server.ts';
import { collectConsoleErrors, openContext, screenshot } from './account/account-kit.ts';

/**
 * The whole reset story through pages only, in Chromium, at 360 px and 1280 px:
 * a customer binds an authenticator app, loses it, follows "Security
 * verification unavailable?", files with password and email code, answers her
 * security questions and sends a transfer record; an agent approves in the
 * desk by clicking; she opens the emailed link, binds a new key (code from
 * oathtool), signs in with it and sees the 48 h withdrawal lock. Emails are
 * read from the development outbox, as her mailbox.
 */
let desk: DeskServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  ensureDeskBuilt();
  ensureAccountPagesBuilt();
  [desk, browser] = await Promise.all([startDeskServer(), launchChromium()]);
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await desk?.close();
});

const DAY = 86_400_000;
const nextTimeStep = () => desk.ctx.clock.advance(30_000); // a TOTP code is accepted once
const code = (email: string) => lastCode(desk.ctx, email, 'email');

/** The agent signs in (password, then TOTP) and approves the case by clicking. */
async function approveInDesk(caseId: number): Promise<void> {
  const context = await openContext(browser, 1280);
  contexts.push(context);
  const page = await context.newPage();
  const ana = demoStaff.find((s) => s.key === 'ana')!;
  nextTimeStep();
  await page.goto(`${desk.origin}/`);
  await page.fill('input[name=email]', ana.email);
  await page.fill('input[name=password]', ana.password);
  await page.click('button[type=submit]');
  await page.fill('input[name=code]', oathtool(demoTotpSecret('ana'), desk.ctx.clock()));
  await page.click('button[type=submit]');
  await page.getByRole('heading', { name: `Welcome, ${ana.name}` }).waitFor();
  await page.goto(`${desk.origin}/cases/${caseId}/show`);
  await page.getByRole('button', { name: 'Claim' }).click();
  await page.getByText(`Case #${caseId} is yours.`).waitFor();
  await page.getByRole('toolbar', { name: 'Case actions' }).getByRole('button', { name: 'Approve' }).click();
  const dialog = page.getByRole('dialog', { name: `Approve case #${caseId}?` });
  await dialog.getByRole('button', { name: 'Approve' }).click();
  await page.getByText(`Case #${caseId} approved.`).waitFor();
  await context.close();
}

/** Waits for the email step (the code is sent by then), then types the code from her mailbox. */
async function fillEmailCode(page: Page, email: string): Promise<void> {
  const field = page.getByLabel('Code from the email');
  await field.waitFor();
  await field.fill(await code(email));
}

async function signInWithPassword(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(USER_PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
}

describe('the reset story through the account pages', () => {
  for (const width of [360, 1280] as const) {
    it(`at ${width} px: lose the authenticator, reset, get approved, bind a new key, sign in`, async () => {
      const { user, deposit } = await makeRecoverableUser(desk.ctx, { email: `story-${width}@example.com` });
      const context = await openContext(browser, width, { ip: `203.0.113.${width === 360 ? 36 : 128}` });
      contexts.push(context);
      const page = await context.newPage();
      const errors = collectConsoleErrors(page);
      const shot = (name: string) => screenshot(page, `account-${width}-${name}`);

      // The day before, she had no tool yet: signs in with her password and binds an authenticator app.
      desk.ctx.clock.advance(-DAY);
      await page.goto(`${desk.origin}/account`);
      await page.getByRole('heading', { level: 1, name: 'Sign in', exact: true }).waitFor();
      await shot('01-sign-in');
      await signInWithPassword(page, user.email);
      await page.getByRole('heading', { level: 1, name: 'Security', exact: true }).waitFor();
      await page.getByText('No 2FA tool is bound').waitFor();
      await shot('02-security-no-tool');
      await page.getByRole('link', { name: 'Bind an authenticator app' }).first().click();
      await page.getByRole('button', { name: 'Send me an email code' }).click();
      await fillEmailCode(page, user.email);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('button', { name: 'Show my new key' }).click();
      const oldKey = (await page.locator('#totp-key').textContent())!.replace(/\s/g, '');
      expect(oldKey).toMatch(/^[A-Z2-7]{32}$/);
      await shot('03-bind-totp-key');
      await page.getByLabel('I have stored the key offline').check();
      await page.getByLabel('Code the app shows now').fill(oathtool(oldKey, desk.ctx.clock()));
      await page.getByRole('button', { name: 'Confirm and bind' }).click();
      await page.getByText('Authenticator app is bound').waitFor();
      await page.getByRole('link', { name: 'Back to Security' }).click();
      await page.getByText('Strong', { exact: true }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      desk.ctx.clock.advance(DAY);

      // The phone is lost. Sign-in asks for the code she no longer has.
      await page.getByRole('heading', { level: 1, name: 'Sign in', exact: true }).waitFor();
      await signInWithPassword(page, user.email);
      await page.getByRole('heading', { level: 1, name: 'Security verification', exact: true }).waitFor();
      await shot('04-sign-in-2fa');
      await page.getByRole('link', { name: 'Security verification unavailable?' }).click();

      // The reset wizard: read, password + email, email code, evidence, review.
      await page.getByRole('heading', { level: 1, name: 'Reset 2FA', exact: true }).waitFor();
      await shot('05-reset-intro');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByText('Tick the box to continue.').waitFor(); // nothing starts unread
      await page.getByLabel('I have read this and want to reset my 2FA').check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await signInWithPassword(page, user.email);
      await fillEmailCode(page, user.email);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { level: 2, name: 'Identity verification', exact: true }).waitFor();
      await page.getByText('Answer your security questions').click();
      const prompts = ['First pet?', 'Birth city?', 'Favourite teacher?'];
      for (const [i, prompt] of prompts.entries()) await page.getByLabel(prompt).fill(ANSWERS[i]!);
      await page.getByRole('button', { name: 'Send the answers' }).click();
      await page.getByText('Received. Our team checks it').first().waitFor();
      await page.getByText('Transfer record from another platform').click();
      await page.getByLabel('Email of this account').fill(user.email);
      await page.getByLabel('Platform you sent from').fill(deposit.platform);
      await page.getByLabel('Asset').fill(deposit.asset);
      await page.getByLabel('Network').fill(deposit.network);
      await page.getByLabel('Amount').fill(deposit.amount);
      await page.getByLabel('Transaction id (txid / hash)').fill(deposit.txid);
      const sent = new Date(deposit.time);
      const local = new Date(sent.getTime() - sent.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
      await page.getByLabel('Time of the transfer').fill(local);
      await shot('06-reset-transfer-record');
      await page.getByRole('button', { name: 'Send the transfer record' }).click();
      await expect.poll(() => page.getByText('Received. Our team checks it').count()).toBe(2);
      await page.getByRole('button', { name: 'Review the request' }).click();
      await shot('07-reset-review');
      await page.getByRole('button', { name: 'Submit for review' }).click();

      // The status page, with when to expect a decision.
      const caseId = (await desk.ctx.deps.db.select().from(cases).where(eq(cases.userId, user.id))).at(-1)!.id;
      await page.getByRole('heading', { name: `Reset request #${caseId}` }).waitFor();
      await page.getByText('Waiting for review').waitFor();
      await page.getByText(/Expected decision by .+\./).waitFor();
      await shot('08-case-status');
      // Her answers, an exact transfer and her usual browser: low risk, one approval.
      expect((await desk.ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]).toMatchObject({ status: 'submitted', riskBand: 'low' });

      // The agent approves in the desk.
      await approveInDesk(caseId);

      // The submission email's link shows the decision (no password).
      const statusLink = new RegExp(`${desk.origin}/account/case/${caseId}#token=[A-Za-z0-9_-]+`).exec(
        await lastMessageTo(user.email, /submitted for review/),
      )![0];
      const mailbox = await context.newPage();
      await mailbox.goto(statusLink);
      await mailbox.getByText('Approved', { exact: true }).waitFor();
      expect(mailbox.url()).toBe(`${desk.origin}/account/case/${caseId}`); // the token left the address bar
      await screenshot(mailbox, `account-${width}-09-case-approved`);
      await mailbox.close();

      // The approval email's link: bind a new authenticator app.
      const rebindLink = /http:\/\/localhost:\d+\/account\/rebind#token=[A-Za-z0-9_-]+/.exec((await lastMessage(desk.ctx, user.email, 'email')).body!)![0];
      await page.goto(rebindLink);
      await page.getByRole('heading', { level: 1, name: 'Bind a new 2FA tool', exact: true }).waitFor();
      expect(page.url()).toBe(`${desk.origin}/account/rebind`);
      await shot('10-rebind-choose');
      await page.getByLabel(/Authenticator app \(TOTP\)/).check();
      await page.getByRole('button', { name: 'Show my new key' }).click();
      const newKey = (await page.locator('#totp-key').textContent())!.replace(/\s/g, '');
      expect(newKey).toMatch(/^[A-Z2-7]{32}$/);
      expect(newKey).not.toBe(oldKey);
      await page.getByLabel('I have stored the key offline').check();
      nextTimeStep();
      await page.getByLabel('Code the app shows now').fill(oathtool(newKey, desk.ctx.clock()));
      await shot('11-rebind-totp');
      await page.getByRole('button', { name: 'Confirm and bind' }).click();
      await page.getByRole('heading', { level: 1, name: 'Your account is protected again', exact: true }).waitFor();
      await shot('12-rebind-done');
      expect((await desk.ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!.status).toBe('completed');

      // Sign in with the new key; the Security page shows the 48 h withdrawal lock.
      await page.getByRole('link', { name: 'Sign in' }).click();
      await signInWithPassword(page, user.email);
      nextTimeStep();
      await page.getByLabel('Code from your authenticator app').fill(oathtool(newKey, desk.ctx.clock()));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('heading', { level: 1, name: 'Security', exact: true }).waitFor();
      await page.getByText('Withdrawals are paused').waitFor();
      const lockUntil = (await desk.ctx.deps.db.select().from(users).where(eq(users.id, user.id)).limit(1))[0]!.withdrawalLockUntil!;
      const approvedAt = (await desk.ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!.decidedAt!;
      expect(lockUntil.getTime() - approvedAt.getTime()).toBe(48 * 3_600_000);
      await page.getByText(/\(4[78] h \d+ min left\)/).waitFor();
      await shot('13-security-locked');
      if (width === 360) {
        await page.emulateMedia({ colorScheme: 'dark' });
        await shot('14-security-locked-dark');
      }
      expect(errors).toEqual([]);
      await context.close();
    }, 120_000);
  }
});

/** The newest email to `to` whose body matches `pattern` (the outbox is her mailbox). */
async function lastMessageTo(to: string, pattern: RegExp): Promise<string> {
  for (const row of await desk.ctx.deps.db.select().from(outbox).where(eq(outbox.channel, 'email')).orderBy(desc(outbox.id))) {
    const opened = openMessage(desk.ctx.deps, row);
    if (opened.to === to && pattern.test(opened.body ?? '')) return opened.body!;
  }
  throw new Error(`no email to ${to} matching ${pattern}`);
}
