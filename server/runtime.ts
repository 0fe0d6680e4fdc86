import { loadConfig, ConfigError, type Config } from './config.ts';
import { openDatabase } from '../db/client.ts';
import { createKeyring } from './crypto/encryption.ts';
import { resolveMasterKey, type MasterKeySource } from './crypto/master-key.ts';
import { createLogger, type Logger } from './logger.ts';
import { systemClock, systemRandom, type Deps } from './deps.ts';
import { transportsFromConfig } from './messaging/transports.ts';
import { simulatedBiometricProvider } from '../fixtures/biometric-simulator.ts';
import { configureArgon2 } from './crypto/argon2-pool.ts';

export interface Runtime {
  deps: Deps;
  keySource: MasterKeySource;
  close(): Promise<void>;
}

/**
 * Configuration, master key, database (migrated) and logger: what both the
 * server and the operator CLI start from. Exits with a readable message on a
 * configuration problem instead of a stack trace.
 */
export async function openRuntime(options: { logger?: Logger; env?: Record<string, string | undefined> } = {}): Promise<Runtime> {
  let config: Config;
  try {
    config = loadConfig(options.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = options.logger ?? createLogger(config.logLevel);
  configureArgon2({ threads: config.argon2Threads, nice: config.argon2Nice });
  const keySource = resolveMasterKey(config);
  if (keySource.origin !== 'environment') {
    logger.warn(
      { keyFile: keySource.path },
      keySource.origin === 'dev-key-file-created'
        ? 'DEVELOPMENT MASTER KEY GENERATED: secrets are encrypted with a key file beside the database. Set REBIND_MASTER_KEY for any real deployment.'
        : 'DEVELOPMENT MASTER KEY IN USE: secrets are encrypted with a key file beside the database. Set REBIND_MASTER_KEY for any real deployment.',
    );
  }
  const keyring = createKeyring(keySource.key, config.oldMasterKeys);
  const database = await openDatabase({ url: config.databaseUrl, path: config.databasePath });
  const deps: Deps = {
    config,
    db: database.db,
    database,
    keyring,
    clock: systemClock,
    random: systemRandom,
    logger,
    transports: transportsFromConfig(config),
    biometric: simulatedBiometricProvider(config.origin, systemRandom),
    lifecycle: { draining: false },
  };
  return { deps, keySource, close: () => database.close() };
}
