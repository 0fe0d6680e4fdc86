import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Screenshots of the account pages go here (git-ignored), to be looked at. */
export const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

/**
 * A phone (360 px) or a laptop (1280 px). `ip` is the address the server sees
 * (the test server trusts X-Forwarded-For), so two people in one test do not
 * share an address — which the risk signals would rightly flag.
 */
export async function openContext(
  browser: Browser,
  width: 360 | 1280,
  options: { colorScheme?: 'light' | 'dark'; locale?: string; ip?: string } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width, height: width === 360 ? 740 : 900 },
    deviceScaleFactor: 1,
    isMobile: width === 360,
    hasTouch: width === 360,
    colorScheme: options.colorScheme ?? 'light',
    locale: options.locale ?? 'en-GB',
    extraHTTPHeaders: options.ip ? { 'x-forwarded-for': options.ip } : undefined,
  });
}

/** Console errors (a CSP violation shows up there) collected for the end of the test. */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    // A 4xx answer the page handles (a wrong code, a refused unbind) is logged by Chromium as a failed resource.
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** A Chromium virtual authenticator (CTAP2, user verification on) for this page. */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<void> {
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
}
