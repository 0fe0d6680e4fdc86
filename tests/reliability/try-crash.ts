import { Stack } from './harness.ts';
import { runCrash, formatCrash } from './crash.ts';
const stack = await new Stack({ label: 'crash', engine: (process.env.ENGINE as 'pg') ?? 'sqlite' }).init();
try {
  await stack.start();
  const f = await runCrash(stack, { rounds: Number(process.env.R ?? 2), loadMs: [2000, 4000], seed: 7, log: console.log });
  console.log(formatCrash(f));
} catch (e) { console.error(e); console.log(stack.output.join('').slice(-3000)); } finally { await stack.dispose(); }
process.exit(0);
