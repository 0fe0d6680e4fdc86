import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import englishMessages from 'ra-language-english';
import { describe, expect, it } from 'vitest';
import en from '../../admin-ui/src/i18n/en';
import zh from '../../admin-ui/src/i18n/zh';
import { STAFF_ROLES } from '../../admin-ui/src/roles';
import { ACTOR_TYPES } from '../../admin-ui/src/audit-events/actor-types';

const keysOf = (node: unknown, prefix = ''): string[] =>
  node && typeof node === 'object' ? Object.entries(node).flatMap(([key, value]) => keysOf(value, prefix ? `${prefix}.${key}` : key)) : [prefix];

const has = (catalog: object, key: string) => keysOf(catalog).includes(key);

const sourceDir = join(import.meta.dirname, '../../admin-ui/src');
const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'i18n' ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });

describe('translation catalogs', () => {
  it('English and Chinese have the same keys', () => {
    expect(keysOf(zh).sort()).toEqual(keysOf(en).sort());
  });

  it('the Chinese ra.* keys cover ra-language-english', () => {
    const zhKeys = new Set(keysOf(zh));
    expect(keysOf(englishMessages).filter((key) => !zhKeys.has(key))).toEqual([]);
  });

  it('every key named in the source exists in both catalogs', () => {
    const keyPattern = /['"`]((?:rebind|resources|ra)\.[a-zA-Z0-9_.-]+)['"`]/g;
    const missing: string[] = [];
    let found = 0;
    for (const file of sourceFiles(sourceDir)) {
      for (const [, key] of readFileSync(file, 'utf8').matchAll(keyPattern)) {
        found += 1;
        for (const [name, catalog] of [
          ['en', en],
          ['zh', zh],
        ] as const) {
          if (!has(catalog, key)) missing.push(`${name}: ${key} (${file})`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(found).toBeGreaterThan(40); // the scan does see the source
  });

  it('every role and actor type has a name', () => {
    for (const catalog of [en, zh]) {
      for (const role of STAFF_ROLES) expect(has(catalog, `rebind.roles.${role}`)).toBe(true);
      for (const type of ACTOR_TYPES) {
        expect(has(catalog, `resources.audit-events.actor_types.${type}`)).toBe(true);
      }
    }
  });
});

describe('audit chain problems', () => {
  it('names every problem GET /audit-events/verify reports', () => {
    for (const catalog of [en, zh]) {
      for (const problem of ['edited', 'missing', 'reordered', 'truncated', 'head_mismatch']) {
        expect(has(catalog, `resources.audit-events.chain.problems.${problem}`)).toBe(true);
      }
    }
  });
});
