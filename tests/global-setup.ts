import { ensureDeskBuilt } from './e2e/desk/desk-server.ts';

/**
 * Once, before the test files run in parallel: build the desk if its sources
 * changed, so no two browser test files build (and empty) dist/admin at once.
 */
export default function setup(): void {
  ensureDeskBuilt();
}
