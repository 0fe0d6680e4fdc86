import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack } from '../reliability/harness.ts';
import { formatFuzz, runFuzz } from '../reliability/fuzz.ts';
import { testEngine } from './test-database.ts';

/**
 * The short fuzz of `npm run reliability` (tests/reliability/fuzz.ts): about
 * 2 000 malformed requests over every operation of the OpenAPI document, sent
 * to a real server process. Seed: FUZZ_SEED, or a new one each run (printed;
 * rerun with it to reproduce a failure).
 */
describe('fuzzing every operation of the OpenAPI document on a real server', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await new Stack({ engine: testEngine, label: 'fuzz-test' }).init();
    await stack.seed();
    await stack.start();
  }, 120_000);
  afterAll(async () => {
    await stack?.dispose();
  }, 60_000);

  it('answers 2 000 malformed requests with no 5xx, no non-JSON error, no dropped connection and no change made by a refusal', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const figures = await runFuzz(stack, { requests: Number(process.env.FUZZ_REQUESTS ?? 2000), seed });
    const report = formatFuzz(figures);
    console.log(report);
    // A 5xx: the server's own log line says why (it logs the error, never the request's values).
    if (figures.fiveXX > 0)
      console.log(
        stack.output
          .filter((line) => /unhandled error|"level":50/.test(line))
          .join('')
          .slice(-4000),
      );
    expect(figures.operationsHit, report).toBe(figures.operations);
    expect(figures.fiveXX, report).toBe(0);
    expect(figures.nonJsonErrors, report).toBe(0);
    expect(figures.dropped, report).toBe(0);
    expect(figures.timeouts, report).toBe(0);
    expect(figures.changedByRefusal, report).toBe(0);
    expect(figures.refusedRequestsChecked, report).toBeGreaterThan(200);
    expect(figures.auditVerify.ok, report).toBe(true);
  }, 180_000);
});
