import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Config } from './config.ts';
import type { Db } from '../db/client.ts';
import type { Keyring } from './crypto/encryption.ts';
import type { Random } from './crypto/tokens.ts';
import type { Logger } from './logger.ts';
import type { Transports } from './messaging/transports.ts';
import type { BiometricProvider } from './recovery/biometric.ts';

/** Everything a request handler may touch, passed in so tests can fix the clock and randomness. */
export interface Deps {
  config: Config;
  db: Db;
  sqlite: Database.Database;
  keyring: Keyring;
  clock: () => Date;
  random: Random;
  logger: Logger;
  /** Email and SMS providers; a missing one means the development outbox. */
  transports: Transports;
  /** The biometric provider (the local simulator unless a real adapter is wired in). */
  biometric: BiometricProvider;
}

export const systemClock = (): Date => new Date();
export const systemRandom: Random = (bytes) => randomBytes(bytes);
