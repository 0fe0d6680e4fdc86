import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const fromRepoRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The API server (server/) listens here in development.
const API_SERVER = 'http://localhost:8787';

// One config for the desk build (root admin-ui/) and for vitest (root: the repository).
const testing = Boolean(process.env.VITEST);

export default defineConfig({
  root: testing ? fromRepoRoot('.') : fromRepoRoot('./admin-ui'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fromRepoRoot('./dist/admin'),
    emptyOutDir: true,
    // The server's CSP allows no inline script; keep assets as files, never data: URLs for scripts.
    assetsInlineLimit: 0,
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
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
