import { ensureAccountPagesBuilt, ensureDeskBuilt } from './e2e/desk/desk-server.ts';

/**
 * Once, before the test files run in parallel: build the desk and the account
 * pages if their sources changed, so no two browser test files build (and
 * empty) dist/admin or dist/account at once.
 */
export default function setup(): void {
  ensureDeskBuilt();
  ensureAccountPagesBuilt();
}
