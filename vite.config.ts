import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const fromRepoRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The API server (server/) listens here in development.
const API_SERVER = 'http://localhost:8787';

// One config for the desk build (root admin-ui/) and for vitest (root: the repository).
const testing = Boolean(process.env.VITEST);

// `npm test` runs everything on SQLite and, when TEST_DATABASE_URL names a
// PostgreSQL server, the server tests once more on PostgreSQL (each file in a
// database of its own, created and dropped by the file).
const postgresUrl = process.env.TEST_DATABASE_URL;
if (testing && !postgresUrl && !process.env.VITEST_WORKER_ID && !process.env.REBIND_QUIET_SKIP) {
  process.env.REBIND_QUIET_SKIP = '1';
  console.log('PostgreSQL variant of the server tests skipped: set TEST_DATABASE_URL=postgres://user@host:5432/db to run it too.');
}

export default defineConfig({
  root: testing ? fromRepoRoot('.') : fromRepoRoot('./admin-ui'),
  base: '/',
  plugins: [react()],
  // The desk's build only: react-admin's client-side CSV exporter is never used.
  resolve: testing
    ? {}
    : { alias: [{ find: /^jsonexport(\/dist\/index\.js)?$/, replacement: fromRepoRoot('./admin-ui/build/no-jsonexport.ts') }] },
  build: {
    outDir: fromRepoRoot('./dist/admin'),
    emptyOutDir: true,
    // The server's CSP allows no inline script; keep assets as files, never data: URLs for scripts.
    assetsInlineLimit: 0,
    // The desk (react-admin + MUI) is one lazy chunk of ~880 KB (272 KB gzip), on purpose:
    // the sign-in page never loads it. The budget is checked in gzip, not by this warning.
    chunkSizeWarningLimit: 1000,
  },
  server: {
    proxy: {
      '/admin/api': API_SERVER,
      '/api': API_SERVER,
      '/healthz': API_SERVER,
      '/openapi.json': API_SERVER,
      '/docs': API_SERVER,
    },
  },
  test: {
    globalSetup: ['tests/global-setup.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true as const, test: { name: 'sqlite', include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'] } },
      ...(postgresUrl ? [{ extends: true as const, test: { name: 'postgres', include: ['tests/server/**/*.test.ts'], env: { REBIND_TEST_ENGINE: 'pg' } } }] : []),
    ],
  },
});
