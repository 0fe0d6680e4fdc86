import { runFaults, formatFaults } from './faults.ts';
const f = await runFaults({ engine: (process.env.ENGINE as 'pg') ?? 'sqlite', log: console.log });
console.log(formatFaults(f));
process.exit(0);
