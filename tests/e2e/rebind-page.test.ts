import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { createTestContext, signedInStaff, type TestContext } from '../server/helpers.ts';
import { lastCode, lastMessage } from '../server/user-helpers.ts';
import { ANSWERS, makeRecoverableUser, submittedCase } from '../server/case-helpers.ts';
import { cases, userFactors } from '../../db/schema/index.ts';
import { freePort, launchChromium } from './browser.ts';
import { ensureAccountPagesBuilt } from './desk/desk-server.ts';

let ctx: TestContext;
let server: ServerType;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  ensureAccountPagesBuilt();
  const port = await freePort();
  origin = `http://localhost:${port}`;
  ctx = await createTestContext({ ORIGIN: origin });
  ctx.clock.set(new Date());
  server = serve({ fetch: ctx.app.fetch, port, hostname: '127.0.0.1' });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

describe('the approval email link in a real browser', () => {
  it('binds a phone (country picker, texted code) on the account pages, under the CSP; an older /recovery/rebind link still lands there', async () => {
    const { user, deposit } = await makeRecoverableUser(ctx);
    const { caseId } = await submittedCase(ctx, user.email, [
      { method: 'security_questions', answers: ANSWERS },
      { method: 'transfer_record', email: user.email, ...deposit },
    ]);
    const agent = await signedInStaff(ctx, 'agent');
    const v = async () => (await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!.version;
    await agent.client.post(`/admin/api/cases/${caseId}/claim`, { version: await v() });
    expect((await agent.client.post(`/admin/api/cases/${caseId}/approve`, { version: await v() })).status).toBe(200);
    const token = /\/account\/rebind#token=([A-Za-z0-9_-]+)/.exec((await lastMessage(ctx, user.email, 'email')).body!)![1]!;

    const page = await browser.newPage({ locale: 'en-GB' });
    const violations: string[] = [];
    page.on('console', (m) => m.type() === 'error' && violations.push(m.text()));
    // The link format of approval emails sent before the account pages.
    await page.goto(`${origin}/recovery/rebind?token=${token}`);
    await page.getByRole('heading', { level: 1, name: 'Bind a new 2FA tool' }).waitFor();
    expect(page.url()).toBe(`${origin}/account/rebind`); // the token left the address bar
    await page.getByLabel(/^SMS/).check();
    expect(await page.getByLabel('Country or region').inputValue()).toBe('GB'); // from the browser's en-GB
    await page.getByLabel('Country or region').selectOption('DE');
    await page.getByLabel('Phone number').fill('0151 23456789');
    await page.getByRole('button', { name: 'Text me a code' }).click();
    await page.getByText(/Code sent to \+49/).waitFor();
    await page.getByLabel('Code from the text message').fill(await lastCode(ctx, '+4915123456789', 'sms'));
    await page.getByRole('button', { name: 'Confirm and bind' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your account is protected again' }).waitFor();
    expect((await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!.status).toBe('completed');
    expect(
      await ctx.deps.db
        .select()
        .from(userFactors)
        .where(and(eq(userFactors.userId, user.id), eq(userFactors.status, 'active'))),
    ).toMatchObject([{ type: 'sms' }]);
    expect(violations).toEqual([]);
    // The link is spent: opening it again (a new tab from the email) says so.
    const again = await browser.newPage();
    await again.goto(`${origin}/account/rebind#token=${token}`);
    await again.getByText('This link cannot be used').waitFor();
  }, 60_000);
});
