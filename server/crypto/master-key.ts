import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config.ts';
import { generateMasterKey } from './encryption.ts';

export interface MasterKeySource {
  key: string;
  /** Where it came from, for the start-up message. Never the key. */
  origin: 'environment' | 'dev-key-file-created' | 'dev-key-file';
  path?: string;
}

/**
 * The master key comes from REBIND_MASTER_KEY. In development only, a missing
 * key is generated into `master.key` beside the database (mode 0600) so the demo
 * runs out of the box; the caller warns loudly about it on every start.
 * (Production never gets here without a key: loadConfig refuses.)
 */
export function resolveMasterKey(config: Config): MasterKeySource {
  if (config.masterKey) return { key: config.masterKey, origin: 'environment' };
  if (config.env === 'production') throw new Error('REBIND_MASTER_KEY is required in production');
  const base = config.databasePath === ':memory:' ? './data' : dirname(config.databasePath);
  const path = join(base, 'master.key');
  if (existsSync(path)) {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) chmodSync(path, 0o600); // tighten a key file someone loosened
    return { key: readFileSync(path, 'utf8').trim(), origin: 'dev-key-file', path };
  }
  mkdirSync(base, { recursive: true });
  writeFileSync(path, generateMasterKey() + '\n', { mode: 0o600, flag: 'wx' });
  return { key: readFileSync(path, 'utf8').trim(), origin: 'dev-key-file-created', path };
}
