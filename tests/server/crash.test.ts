import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack } from '../reliability/harness.ts';
import { formatCrash, runCrash } from '../reliability/crash.ts';
import { testEngine } from './test-database.ts';

/**
 * The crash test of `npm run reliability` (tests/reliability/crash.ts), one
 * round shorter: SIGKILL a real server under sign-ins, case filings and
 * notes, restart it, and find every acknowledged write, an intact database
 * and an intact audit chain.
 */
describe('kill -9 under load', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await new Stack({ engine: testEngine, label: 'crash-test' }).init();
    await stack.seed();
    await stack.start();
  }, 120_000);
  afterAll(async () => {
    await stack?.dispose();
  }, 60_000);

  it('loses no acknowledged write, and the database and the audit chain are intact after the restart', async () => {
    const figures = await runCrash(stack, { rounds: 2, loadMs: [1500, 3000], seed: Number(process.env.CRASH_SEED ?? Date.now() % 100_000) });
    const report = formatCrash(figures);
    console.log(report);
    expect(figures.acked, report).toBeGreaterThan(10);
    expect(figures.lost, report).toBe(0);
    expect(
      figures.integrity.every((x) => x === 'ok'),
      report,
    ).toBe(true);
    expect(figures.auditVerify.ok, report).toBe(true);
  }, 180_000);
});
