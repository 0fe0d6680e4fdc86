import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { createTestContext, signedInStaff, type TestContext } from '../server/helpers.ts';
import { lastMessage, oathtool, UserClient } from '../server/user-helpers.ts';
import { ANSWERS, makeRecoverableUser, submittedCase } from '../server/case-helpers.ts';
import { cases } from '../../db/schema/index.ts';
import { freePort, launchChromium } from './browser.ts';

let ctx: TestContext;
let server: ServerType;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  const port = await freePort();
  origin = `http://localhost:${port}`;
  ctx = await createTestContext({ ORIGIN: origin });
  ctx.clock.set(new Date()); // the page's code comes from oathtool at real time
  server = serve({ fetch: ctx.app.fetch, port, hostname: '127.0.0.1' });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

describe('the approval email link in a real browser', () => {
  it('binds a new authenticator app and completes the case, under the CSP', async () => {
    const { user, deposit } = await makeRecoverableUser(ctx);
    const { caseId } = await submittedCase(ctx, user.email, [{ method: 'security_questions', answers: ANSWERS }, { method: 'transfer_record', email: user.email, ...deposit }]);
    const agent = await signedInStaff(ctx, 'agent');
    const v = async () => (await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!.version;
    await agent.client.post(`/admin/api/cases/${caseId}/claim`, { version: await v() });
    expect((await agent.client.post(`/admin/api/cases/${caseId}/approve`, { version: await v() })).status).toBe(200);
    const link = /(http:\/\/localhost:\d+\/recovery\/rebind\?token=[A-Za-z0-9_-]+)/.exec((await lastMessage(ctx, user.email, 'email')).body!)![1]!;

    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => m.type() === 'error' && violations.push(m.text()));
    await page.goto(link);
    expect(page.url()).toBe(`${origin}/recovery/rebind`); // the token left the address bar
    await page.click('#begin');
    await page.waitForSelector('#key:not(:empty)');
    const key = (await page.textContent('#key'))!;
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    expect(await page.getAttribute('#qr', 'src')).toMatch(/^data:image\/png;base64,/);
    await page.fill('#code', oathtool(key, ctx.clock()));
    await page.click('#verify button');
    await page.waitForFunction(() => document.getElementById('result')?.textContent?.startsWith('Done'));
    expect((await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!.status).toBe('completed');
    expect(violations).toEqual([]);
    ctx.clock.advance(30_000);
    expect((await new UserClient(ctx).signIn(user.email, { totpSecret: key })).status).toBe(200);
  });
});
