/**
 * The functions with the most self time in a V8 .cpuprofile (from `node
 * --cpu-prof`, or the stack bench with BENCH_PROFILE=dir):
 *   npx tsx tests/bench/profile-top.ts FILE.cpuprofile [N] [--inclusive]
 * Time is summed per function (name, file, line); the file is shown relative
 * to the repository, node_modules packages by package name.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function, or with `inclusive` the time of samples with the function anywhere on the stack. */
export function topSelfTime(profile: Profile, n = 15, inclusive = false): { name: string; ms: number; share: number }[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const names = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = inclusive ? parent.get(at) : undefined) names.add(label(byNode.get(at)!.callFrame));
    for (const name of names) self.set(name, (self.get(name) ?? 0) + us);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / total }));
}

function label(frame: ProfileNode['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const url = frame.url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  const where = pkg ? `${pkg[1]} ${pkg[2]!.split('/').pop()}` : url.replace(/^.*?\/(server|db|tests|fixtures)\//, '$1/').replace(/^node:/, 'node:');
  return `${name} ${where}:${frame.lineNumber + 1}`;
}

export function printTop(file: string, n = 15, title = file, inclusive = false): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const total = profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
  console.log(`\n${title}: top ${n} by ${inclusive ? 'total (inclusive)' : 'self'} time (of ${total.toFixed(0)} ms sampled)`);
  for (const row of topSelfTime(profile, n, inclusive))
    console.log(`  ${(row.share * 100).toFixed(1).padStart(5)} %  ${row.ms.toFixed(0).padStart(6)} ms  ${row.name}`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const args = process.argv.slice(2);
  const inclusive = args.includes('--inclusive');
  const [file, n] = args.filter((a) => a !== '--inclusive');
  if (!file) throw new Error('usage: tsx tests/bench/profile-top.ts FILE.cpuprofile [N] [--inclusive]');
  printTop(file, Number(n ?? 15), file, inclusive);
}
