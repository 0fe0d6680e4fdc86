import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * What each account page costs a phone, in gzip-compressed JavaScript, from
 * the manifest of `vite build --mode account`. A page's worst case is: the
 * entry and its static imports, the page's chunk and its static imports, the
 * larger of the two language catalogs (a reader loads one), and every chunk
 * the page may load on demand (the phone picker, the WebAuthn helper) —
 * never another page's chunk.
 *
 *   npx tsx account-ui/build/budget.ts   (after `npm run build`)
 */
export const BUDGET_KB = 60;

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

export interface PageCost {
  page: string;
  initialKb: number;
  onDemandKb: number;
  totalKb: number;
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 100) / 100;

export function pageCosts(distDir: string): PageCost[] {
  const manifest = JSON.parse(readFileSync(join(distDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const gz = new Map<string, number>();
  const size = (key: string) => {
    const file = manifest[key]!.file;
    if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(join(distDir, file)), { level: 9 }).length);
    return gz.get(file)!;
  };
  const isPage = (key: string) => key.startsWith('src/pages/');
  const isCatalog = (key: string) => key.startsWith('src/i18n/') && manifest[key]!.isDynamicEntry;
  const staticClosure = (keys: string[], into = new Set<string>()) => {
    for (const key of keys) {
      if (into.has(key)) continue;
      into.add(key);
      staticClosure(manifest[key]!.imports ?? [], into);
    }
    return into;
  };
  const entry = Object.keys(manifest).find((k) => manifest[k]!.isEntry)!;
  const catalogs = Object.keys(manifest).filter(isCatalog);
  const catalogBytes = Math.max(...catalogs.map((k) => gzipSync(readFileSync(join(distDir, manifest[k]!.file)), { level: 9 }).length));
  return Object.keys(manifest)
    .filter(isPage)
    .sort()
    .map((page) => {
      const initial = staticClosure([entry, page]);
      const onDemand = new Set<string>();
      const queue = [...initial];
      while (queue.length) {
        for (const dyn of manifest[queue.pop()!]!.dynamicImports ?? []) {
          if (isPage(dyn) || isCatalog(dyn) || initial.has(dyn) || onDemand.has(dyn)) continue;
          for (const key of staticClosure([dyn])) {
            if (initial.has(key) || onDemand.has(key)) continue;
            onDemand.add(key);
            queue.push(key);
          }
        }
      }
      const initialBytes = [...initial].reduce((s, k) => s + size(k), 0) + catalogBytes;
      const onDemandBytes = [...onDemand].reduce((s, k) => s + size(k), 0);
      return {
        page: page.replace(/^src\/pages\/|\.tsx$/g, ''),
        initialKb: kb(initialBytes),
        onDemandKb: kb(onDemandBytes),
        totalKb: kb(initialBytes + onDemandBytes),
      };
    });
}

export function formatBudgetTable(costs: PageCost[]): string {
  const rows = costs.map(
    (c) => `| ${c.page} | ${c.initialKb.toFixed(1)} | ${c.onDemandKb.toFixed(1)} | ${c.totalKb.toFixed(1)} | ${c.totalKb <= BUDGET_KB ? 'ok' : 'OVER'} |`,
  );
  return [`| page | opens with (KB gzip) | may load later | worst case | ≤ ${BUDGET_KB} KB |`, '| --- | ---: | ---: | ---: | --- |', ...rows].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatBudgetTable(pageCosts(join(import.meta.dirname, '..', '..', 'dist', 'account'))));
}
