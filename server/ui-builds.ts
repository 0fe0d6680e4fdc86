import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

/** The two front ends vite builds from one config: the desk and the end user's pages. */
export const uiBuilds = {
  desk: { label: 'the desk', sources: 'admin-ui', index: join(root, 'dist', 'admin', 'index.html'), args: ['build'] },
  account: { label: 'the account pages', sources: 'account-ui', index: join(root, 'dist', 'account', 'index.html'), args: ['build', '--mode', 'account'] },
} as const;
export type UiBuild = keyof typeof uiBuilds;

const newestFile = (path: string): number => {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestFile(join(path, name))), stat.mtimeMs);
};

/** True when the build is missing or older than its sources or the vite config. */
export function uiBuildIsStale(name: UiBuild): boolean {
  const ui = uiBuilds[name];
  if (!existsSync(ui.index)) return true;
  const sources = Math.max(newestFile(join(root, ui.sources)), statSync(join(root, 'vite.config.ts')).mtimeMs);
  return sources > statSync(ui.index).mtimeMs;
}

/**
 * Builds one front end with vite as production (vitest's NODE_ENV=test would
 * otherwise give React's development build). Returns whether it succeeded.
 */
export function buildUi(name: UiBuild, options: { quiet?: boolean } = {}): boolean {
  const result = spawnSync(join(root, 'node_modules', '.bin', 'vite'), [...uiBuilds[name].args, '--logLevel', 'warn'], {
    cwd: root,
    stdio: options.quiet ? 'pipe' : 'inherit',
    env: { ...process.env, VITEST: '', NODE_ENV: 'production' },
  });
  return result.status === 0;
}

/** Builds whichever front ends changed since their last build. */
export function buildStaleUis(log: (line: string) => void = () => undefined): { failed: UiBuild[] } {
  const failed: UiBuild[] = [];
  for (const name of Object.keys(uiBuilds) as UiBuild[]) {
    if (!uiBuildIsStale(name)) continue;
    log(`Building ${uiBuilds[name].label} (vite build)…`);
    if (!buildUi(name)) failed.push(name);
  }
  return { failed };
}
