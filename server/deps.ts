import { randomBytes } from 'node:crypto';
import type { Config } from './config.ts';
import type { DatabaseHandle, Db } from '../db/client.ts';
import type { Keyring } from './crypto/encryption.ts';
import type { Random } from './crypto/tokens.ts';
import type { Logger } from './logger.ts';
import type { Transports } from './messaging/transports.ts';
import type { BiometricProvider } from './recovery/biometric.ts';

/** Everything a request handler may touch, passed in so tests can fix the clock and randomness. */
export interface Deps {
  config: Config;
  db: Db;
  /** The open database behind `db`: engine, name, health, migrations, engine-specific tools. */
  database: DatabaseHandle;
  keyring: Keyring;
  clock: () => Date;
  random: Random;
  logger: Logger;
  /** Email and SMS providers; a missing one means the development outbox. */
  transports: Transports;
  /** The biometric provider (the local simulator unless a real adapter is wired in). */
  biometric: BiometricProvider;
  /** Set on SIGTERM: /readyz answers 503 while requests in flight finish. */
  lifecycle: { draining: boolean };
}

export const systemClock = (): Date => new Date();
export const systemRandom: Random = (bytes) => randomBytes(bytes);
