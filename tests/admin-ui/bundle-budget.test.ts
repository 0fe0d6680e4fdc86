import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../admin-ui/src/i18n/locales';

/**
 * The desk's JavaScript budgets, on the production build that
 * tests/global-setup.ts made: the sign-in page (what the browser loads before
 * anyone is signed in: the entry, its preloads and one catalog) ≤ 100 KB gzip;
 * the whole desk in one language (every chunk, lazy pages included, and that
 * language's catalog) ≤ 365 KB gzip.
 */
const DIST = join(import.meta.dirname, '../../dist/admin');
const KB = 1024;

const gzipSize = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;
const isCatalog = (file: string, locale: string) => new RegExp(`^assets/${locale}-[\\w-]+\\.js$`).test(file);

describe('desk bundle budgets (vite build, gzip)', () => {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const entry = [...html.matchAll(/<script[^>]+src="\/([^"]+\.js)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+\.js)"/g)].map(
    (m) => m[1],
  );
  const allJs = readdirSync(join(DIST, 'assets'))
    .filter((name) => name.endsWith('.js'))
    .map((name) => `assets/${name}`);

  for (const { locale } of LOCALES) {
    const catalog = allJs.filter((file) => isCatalog(file, locale));
    const otherCatalogs = allJs.filter((file) => LOCALES.some((l) => l.locale !== locale && isCatalog(file, l.locale)));

    it(`sign-in page in ${locale} ≤ 100 KB`, () => {
      expect(entry.length).toBeGreaterThan(0);
      expect(catalog).toHaveLength(1);
      const total = [...entry, ...catalog].reduce((sum, file) => sum + gzipSize(file), 0);
      console.log(`sign-in (${locale}): ${(total / KB).toFixed(1)} KB gzip`);
      expect(total).toBeLessThanOrEqual(100 * KB);
    });

    it(`whole desk in ${locale} ≤ 365 KB`, () => {
      const files = allJs.filter((file) => !otherCatalogs.includes(file));
      const total = files.reduce((sum, file) => sum + gzipSize(file), 0);
      console.log(`whole desk (${locale}): ${(total / KB).toFixed(1)} KB gzip in ${files.length} files`);
      expect(total).toBeLessThanOrEqual(365 * KB);
    });
  }
});
