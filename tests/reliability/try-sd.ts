import { runShutdown, formatShutdown } from './shutdown.ts';
const f = await runShutdown({ engine: (process.env.ENGINE as 'pg') ?? 'sqlite', log: console.log });
console.log(formatShutdown(f));
process.exit(0);
