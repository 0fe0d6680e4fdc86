import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const fromRepoRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The API server (server/) listens here in development.
const API_SERVER = 'http://localhost:8787';
const ACCOUNT_UI = fromRepoRoot('./account-ui/');

/**
 * The end user's pages are written against React's API but run on Preact's
 * compatibility layer: React's own runtime is ~69 KB gzip, over the pages'
 * whole 60 KB budget. Only imports made from account-ui/ are redirected, in
 * the build and in vitest alike, so the component tests run what ships.
 */
const reactToPreact: Record<string, string> = {
  react: 'preact/compat',
  'react-dom': 'preact/compat',
  'react-dom/client': 'preact/compat/client',
  'react/jsx-runtime': 'preact/jsx-runtime',
  'react/jsx-dev-runtime': 'preact/jsx-runtime',
};
const accountUiOnPreact = (): Plugin => ({
  name: 'rebind:account-ui-on-preact',
  enforce: 'pre',
  async resolveId(source, importer, options) {
    const target = reactToPreact[source];
    if (!target || !importer || !importer.startsWith(ACCOUNT_UI)) return null;
    return this.resolve(target, importer, { ...options, skipSelf: true });
  },
});

/**
 * After a build, every compressible file of the output gets a brotli (.br)
 * and a gzip (.gz) twin at maximum compression, once, so the server answers
 * by content negotiation without compressing per request
 * (server/static-assets.ts). A twin that would not be smaller is not written.
 */
const compressible = /\.(js|mjs|css|html|svg|json|txt|map|webmanifest)$/i;
const precompress = (): Plugin => {
  let outDir = '';
  return {
    name: 'rebind:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      // Skips dot folders (.vite holds the manifest, which no browser asks for).
      const walk = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? (e.name.startsWith('.') ? [] : walk(join(dir, e.name))) : [join(dir, e.name)],
        );
      for (const file of walk(outDir)) {
        if (!compressible.test(file) || statSync(file).size < 256) continue;
        const data = readFileSync(file);
        const br = brotliCompressSync(data, {
          params: {
            [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
            [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
            [zlib.BROTLI_PARAM_SIZE_HINT]: data.length,
          },
        });
        const gz = gzipSync(data, { level: 9 });
        if (br.length < data.length) writeFileSync(`${file}.br`, br);
        if (gz.length < data.length) writeFileSync(`${file}.gz`, gz);
      }
    },
  };
};

// `npm test` runs everything on SQLite and, when TEST_DATABASE_URL names a
// PostgreSQL server, the server tests once more on PostgreSQL (each file in a
// database of its own, created and dropped by the file).
const postgresUrl = process.env.TEST_DATABASE_URL;
if (process.env.VITEST && !postgresUrl && !process.env.VITEST_WORKER_ID && !process.env.REBIND_QUIET_SKIP) {
  process.env.REBIND_QUIET_SKIP = '1';
  console.log('PostgreSQL variant of the server tests skipped: set TEST_DATABASE_URL=postgres://user@host:5432/db to run it too.');
}

// One config for three jobs: the desk's build (root admin-ui/, the default mode), the end user's
// pages (`vite build --mode account`, root account-ui/) and vitest (root: the repository).
export default defineConfig(({ mode }) => {
  const testing = Boolean(process.env.VITEST);
  const account = mode === 'account';
  const proxy = {
    '/admin/api': API_SERVER,
    '/api': API_SERVER,
    '/healthz': API_SERVER,
    '/openapi.json': API_SERVER,
    '/docs': API_SERVER,
    '/dev/biometric': API_SERVER,
  };
  return {
    root: testing ? fromRepoRoot('.') : account ? ACCOUNT_UI : fromRepoRoot('./admin-ui'),
    base: account ? '/account/' : '/',
    // The account pages need no React plugin: Vite compiles their TSX (automatic runtime, see tsconfig).
    plugins: account ? [accountUiOnPreact(), precompress()] : [accountUiOnPreact(), react(), precompress()],
    // The desk's build only: react-admin's client-side CSV exporter is never used.
    resolve:
      testing || account ? {} : { alias: [{ find: /^jsonexport(\/dist\/index\.js)?$/, replacement: fromRepoRoot('./admin-ui/build/no-jsonexport.ts') }] },
    build: account
      ? {
          outDir: fromRepoRoot('./dist/account'),
          emptyOutDir: true,
          assetsInlineLimit: 0,
          // account-ui/build/budget.ts reads it to sum each page's JS.
          manifest: true,
        }
      : {
          outDir: fromRepoRoot('./dist/admin'),
          emptyOutDir: true,
          // The server's CSP allows no inline script; keep assets as files, never data: URLs for scripts.
          assetsInlineLimit: 0,
          // The desk (react-admin + MUI) is one lazy chunk of ~880 KB (272 KB gzip), on purpose:
          // the sign-in page never loads it. The budget is checked in gzip, not by this warning.
          chunkSizeWarningLimit: 1000,
        },
    server: { proxy },
    test: {
      globalSetup: ['tests/global-setup.ts'],
      setupFiles: ['tests/setup-async-timeout.ts'],
      environment: 'node',
      pool: 'forks',
      // Two cores on the CI machine: vitest's default (cores − 1) would run the files one by one.
      maxWorkers: 2,
      testTimeout: 30_000,
      hookTimeout: 60_000,
      projects: [
        { extends: true as const, test: { name: 'sqlite', include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'] } },
        ...(postgresUrl
          ? [{ extends: true as const, test: { name: 'postgres', include: ['tests/server/**/*.test.ts'], env: { REBIND_TEST_ENGINE: 'pg' } } }]
          : []),
      ],
    },
  };
});
