import { runNeighbours, formatNeighbours } from './neighbours.ts';
const f = await runNeighbours({ engine: (process.env.ENGINE as 'pg') ?? 'sqlite', log: console.log });
console.log(formatNeighbours(f));
process.exit(0);
