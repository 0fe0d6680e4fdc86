import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTestContext, type TestContext } from '../server/helpers.ts';
import { lastCode, makeEndUser, oathtool, UserClient, USER_PASSWORD } from '../server/user-helpers.ts';
import { auditEvents, factorHistory, userFactors } from '../../db/schema/index.ts';
import { freePort, launchChromium } from './browser.ts';

/**
 * Passkeys against a real browser: Debian's Chromium with a CTAP2 virtual
 * authenticator (user verification on), driven by @simplewebauthn/browser on a
 * minimal page served from the app's own origin.
 */
let ctx: TestContext;
let server: ServerType;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let origin: string;

beforeAll(async () => {
  const port = await freePort();
  origin = `http://localhost:${port}`;
  ctx = await createTestContext({ ORIGIN: origin });
  server = serve({ fetch: ctx.app.fetch, port, hostname: '127.0.0.1' });
  browser = await launchChromium();
  context = await browser.newContext();
  page = await context.newPage();
  const bundle = readFileSync('node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js', 'utf8');
  await page.route(`${origin}/__passkey-test/**`, (route) =>
    route.request().url().endsWith('.js')
      ? route.fulfill({ contentType: 'text/javascript', body: bundle })
      : route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>passkey test</title><script src="/__passkey-test/swa.js"></script>' }),
  );
  await page.goto(`${origin}/__passkey-test/index.html`);
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

const register = (optionsJSON: unknown) => page.evaluate((o) => (window as any).SimpleWebAuthnBrowser.startRegistration({ optionsJSON: o }), optionsJSON);
const authenticate = (optionsJSON: unknown) => page.evaluate((o) => (window as any).SimpleWebAuthnBrowser.startAuthentication({ optionsJSON: o }), optionsJSON);

describe('passkeys in Chromium', () => {
  it('registers a named passkey, signs in with it, saves the counter and refuses a regression', async () => {
    const user = await makeEndUser(ctx);
    const client = new UserClient(ctx);
    await client.signIn(user.email);
    const secret = await client.bindTotp(user.email);

    const ops = '/api/v1/me/security/operations';
    const id = (await client.post(ops, { action: 'bind', factorType: 'passkey' })).body.operationId;
    await client.post(`${ops}/${id}/email`, { code: await lastCode(ctx, user.email, 'email') });
    await client.post(`${ops}/${id}/2fa`, { method: 'totp', code: oathtool(secret, ctx.clock()) });
    const setup = await client.post(`${ops}/${id}/new-factor`, { factorType: 'passkey' });
    expect(setup.status).toBe(200);
    expect(setup.body.passkeyOptions.rp.id).toBe('localhost');
    expect(setup.body.passkeyOptions.authenticatorSelection.userVerification).toBe('required');
    const attestation = await register(setup.body.passkeyOptions);
    const bound = await client.post(`${ops}/${id}/new-factor/verify`, { response: attestation, name: 'Work laptop' });
    expect(bound.status).toBe(200);
    expect(bound.body.factor).toMatchObject({ type: 'passkey', name: 'Work laptop' });

    // The same authenticator is excluded from a second registration.
    const id2 = (await client.post(ops, { action: 'bind', factorType: 'passkey' })).body.operationId;
    await client.post(`${ops}/${id2}/email`, { code: await lastCode(ctx, user.email, 'email') });
    ctx.clock.advance(30_000);
    await client.post(`${ops}/${id2}/2fa`, { method: 'totp', code: oathtool(secret, ctx.clock()) });
    const setup2 = await client.post(`${ops}/${id2}/new-factor`, { factorType: 'passkey' });
    expect(setup2.body.passkeyOptions.excludeCredentials.map((c: { id: string }) => c.id)).toEqual([attestation.id]);
    await expect(register(setup2.body.passkeyOptions)).rejects.toThrow();

    // Sign in with the passkey: challenge, then the assertion.
    const signIn = async () => {
      const step1 = await new UserClient(ctx).post('/api/v1/auth/login', { email: user.email, password: USER_PASSWORD });
      expect(step1.body.methods.sort()).toEqual(['passkey', 'totp']);
      const challenge = await new UserClient(ctx).post('/api/v1/auth/login/2fa', { challengeId: step1.body.challengeId, method: 'passkey' });
      expect(challenge.body.status).toBe('challenge');
      const assertion = await authenticate(challenge.body.passkeyOptions);
      return new UserClient(ctx).post('/api/v1/auth/login/2fa', { challengeId: step1.body.challengeId, method: 'passkey', response: assertion });
    };
    const ok = await signIn();
    expect(ok.status).toBe(200);
    expect(ok.body.token).toBeTruthy();
    const factor = (await ctx.deps.db.select().from(userFactors).where(eq(userFactors.credentialId, attestation.id)).limit(1))[0]!;
    expect(factor.signCount).toBeGreaterThan(0);
    expect(factor.lastUsedAt).not.toBeNull();

    // A stored counter ahead of the authenticator's means a clone: refused and flagged.
    await ctx.deps.db
      .update(userFactors)
      .set({ signCount: factor.signCount! + 1000 })
      .where(eq(userFactors.id, factor.id));
    const cloned = await signIn();
    expect(cloned.status).toBe(401);
    expect(await ctx.deps.db.select().from(factorHistory).where(eq(factorHistory.event, 'counter_regression'))).toHaveLength(1);
    expect(await ctx.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'passkey.counter_regression'))).toHaveLength(1);
  });
});
