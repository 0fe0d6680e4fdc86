import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { getCountries, getCountryCallingCode } from 'libphonenumber-js/min';
import { describe, expect, it } from 'vitest';
import { endpoints } from '../../account-ui/src/api/endpoints';
import { en } from '../../account-ui/src/i18n/en';
import { zh } from '../../account-ui/src/i18n/zh';
import { callingCodes } from '../../account-ui/src/factors/calling-codes';
import { BUDGET_KB, formatBudgetTable, pageCosts } from '../../account-ui/build/budget';
import { createTestContext } from '../server/helpers.ts';

const ROOT = join(import.meta.dirname, '../..');
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? sources(join(dir, name)) : [join(dir, name)]));

describe('the account pages against the API and their own rules', () => {
  it('call only /api/v1 endpoints the OpenAPI document lists, with their methods', async () => {
    const ctx = await createTestContext();
    const doc = (await (await ctx.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [name, [method, path]] of Object.entries(endpoints)) {
      expect(doc.paths[`/api/v1${path}`]?.[method.toLowerCase()], `${name}: ${method} /api/v1${path}`).toBeTruthy();
    }
  });

  it('make every request through the one API client', () => {
    const callers = sources(join(ROOT, 'account-ui/src')).filter((file) => /\bfetch\(|XMLHttpRequest|sendBeacon/.test(readFileSync(file, 'utf8')));
    expect(callers.map((f) => f.slice(ROOT.length + 1))).toEqual(['account-ui/src/api/client.ts']);
  });

  it('have every English message in Chinese, with the same placeholders', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zh[key].trim(), key).not.toBe('');
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('know the calling code of every country libphonenumber-js knows', () => {
    expect(callingCodes).toEqual(Object.fromEntries(getCountries().map((c) => [c, getCountryCallingCode(c)])));
  });

  it(`ship at most ${BUDGET_KB} KB of gzip JavaScript per page, worst case (vite build --mode account)`, () => {
    const costs = pageCosts(join(ROOT, 'dist/account'));
    console.log(`\n${formatBudgetTable(costs)}\n`);
    expect(costs.map((c) => c.page).sort()).toEqual([
      'CasePage',
      'OperationPage',
      'RebindPage',
      'ResetPage',
      'SecurityPage',
      'SecurityQuestionsPage',
      'SignInPage',
    ]);
    for (const c of costs) expect(c.totalKb, c.page).toBeLessThanOrEqual(BUDGET_KB);
  });

  it('run on Preact, with no inline script in the page', () => {
    const html = readFileSync(join(ROOT, 'dist/account/index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const js = readdirSync(join(ROOT, 'dist/account/assets'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(ROOT, 'dist/account/assets', f), 'utf8'))
      .join('\n');
    expect(js).not.toContain('react.dev/errors'); // React's own runtime did not sneak in
  });
});
