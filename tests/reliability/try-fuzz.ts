import { Stack } from './harness.ts';
import { runFuzz, formatFuzz } from './fuzz.ts';
const stack = await new Stack({ label: 'fuzz', engine: (process.env.ENGINE as 'pg') ?? 'sqlite' }).init();
try {
  await stack.start();
  const f = await runFuzz(stack, { requests: Number(process.env.N ?? 2000), keepAlive: process.env.KA !== "0", seed: Number(process.env.SEED ?? 1), log: console.log });
  console.log(formatFuzz(f));
  for (const x of f.failures.filter((y) => y.kind === "dropped")) console.log(x.kind, x.status, x.request.slice(0, 400), '\n   ', x.detail.slice(0, 400));
  console.log(stack.output.join('').slice(-3000));
} finally { await stack.dispose(); }
process.exit(0);
