import { fileURLToPath } from 'node:url';
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
    plugins: account ? [accountUiOnPreact()] : [accountUiOnPreact(), react()],
    // The desk's build only: react-admin's client-side CSV exporter is never used.
    resolve: testing || account
      ? {}
      : { alias: [{ find: /^jsonexport(\/dist\/index\.js)?$/, replacement: fromRepoRoot('./admin-ui/build/no-jsonexport.ts') }] },
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
      testTimeout: 30_000,
      hookTimeout: 60_000,
      projects: [
        { extends: true as const, test: { name: 'sqlite', include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'] } },
        ...(postgresUrl ? [{ extends: true as const, test: { name: 'postgres', include: ['tests/server/**/*.test.ts'], env: { REBIND_TEST_ENGINE: 'pg' } } }] : []),
      ],
    },
  };
});
