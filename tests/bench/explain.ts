/**
 * One queue list, explained:
 *   npx tsx tests/bench/explain.ts <db> '<filter json>' '["field","ASC"]' [offset]
 * prints listCases' time and total, then each statement it ran with its query
 * plan and time. The clock is the bench's (2026-11-26T09:00Z), "me" is staff 1.
 */
import { openDatabase } from '../../db/client.ts';
import { listCases, type CaseSortField } from '../../server/cases/queue.ts';

const [path, filterJson, sortJson, offsetArg] = process.argv.slice(2);
if (!path || !filterJson || !sortJson) throw new Error('usage: explain.ts <db> <filter json> <sort json> [offset]');
const database = await openDatabase({ path });
const sqlite = database.sqlite!.reader;
const [sortField, sortOrder] = JSON.parse(sortJson) as [CaseSortField, 'ASC' | 'DESC'];
const q = { filter: JSON.parse(filterJson) as Record<string, unknown>, sortField, sortOrder, offset: Number(offsetArg ?? 0), limit: 25 };
const now = new Date('2026-11-26T09:00:00Z');

for (let i = 0; i < 5; i++) await listCases(database, q, now, 1); // warm: statements, anchors, estimates
const trace: { sql: string; params: unknown[] }[] = [];
const started = performance.now();
const result = await listCases(database, q, now, 1, { trace });
console.log(
  `listCases ${(performance.now() - started).toFixed(3)} ms, total ${result.total}${result.totalIsEstimate ? ' (estimate)' : ''}, ${result.rows.length} rows`,
);
for (const s of trace) {
  console.log(`SQL ${s.sql.length > 400 ? `${s.sql.slice(0, 400)}… (${s.sql.length} chars)` : s.sql}`);
  const plan = sqlite.prepare(`EXPLAIN QUERY PLAN ${s.sql}`).all(...s.params) as { detail: string }[];
  for (const line of new Set(plan.map((p) => p.detail))) console.log(`  ${line}`);
  const statement = sqlite.prepare(s.sql);
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) statement.all(...s.params);
  console.log(`  ${((performance.now() - t0) / 20).toFixed(3)} ms`);
}
