/**
 * The functions with the most self time in a V8 .cpuprofile (from `node
 * --cpu-prof`, or the stack bench with BENCH_PROFILE=dir):
 *   npx tsx tests/bench/profile-top.ts FILE.cpuprofile [N]
 * Time is summed per function (name, file, line); the file is shown relative
 * to the repository, node_modules packages by package name.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function topSelfTime(profile: Profile, n = 15): { name: string; ms: number; share: number }[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id)!.callFrame;
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    self.set(label(frame), (self.get(label(frame)) ?? 0) + us);
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

export function printTop(file: string, n = 15, title = file): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const total = profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
  console.log(`\n${title}: top ${n} by self time (of ${total.toFixed(0)} ms sampled)`);
  for (const row of topSelfTime(profile, n)) console.log(`  ${(row.share * 100).toFixed(1).padStart(5)} %  ${row.ms.toFixed(0).padStart(6)} ms  ${row.name}`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [file, n] = process.argv.slice(2);
  if (!file) throw new Error('usage: tsx tests/bench/profile-top.ts FILE.cpuprofile [N]');
  printTop(file, Number(n ?? 15));
}
