import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createKeyring, generateMasterKey, KeyError } from '../../server/crypto/encryption.ts';
import { hashPassword, verifyPassword } from '../../server/crypto/password.ts';
import { loadConfig } from '../../server/config.ts';
import { resolveMasterKey } from '../../server/crypto/master-key.ts';
import { openDatabase } from '../../db/client.ts';
import { createLogger } from '../../server/logger.ts';
import { createApp } from '../../server/app.ts';
import type { Deps } from '../../server/deps.ts';
import { createStaffMember } from '../../server/staff/service.ts';
import { StaffClient, testClock } from './helpers.ts';

describe('AES-256-GCM keyring', () => {
  const key = generateMasterKey();

  it('round-trips, and binds each ciphertext to its context', () => {
    const ring = createKeyring(key);
    const sealed = ring.seal('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'staff.totp:1');
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(sealed).not.toContain('JBSWY3DP');
    expect(ring.open(sealed, 'staff.totp:1')).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(() => ring.open(sealed, 'staff.totp:2')).toThrow(KeyError); // moved to another row
    expect(ring.seal('same', 'c')).not.toBe(ring.seal('same', 'c')); // fresh IV each time
  });

  it('detects a flipped bit', () => {
    const ring = createKeyring(key);
    const sealed = ring.seal('secret', 'ctx');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0]! ^= 1;
    parts[3] = body.toString('base64url');
    expect(() => ring.open(parts.join('.'), 'ctx')).toThrow(KeyError);
  });

  it('rotates: data sealed under the old key still opens, new data uses the new key', () => {
    const oldRing = createKeyring(key);
    const sealedOld = oldRing.seal('old secret', 'ctx');
    const newKey = generateMasterKey();
    const rotated = createKeyring(newKey, [key]);
    expect(rotated.activeKeyId).not.toBe(oldRing.activeKeyId);
    expect(rotated.open(sealedOld, 'ctx')).toBe('old secret');
    expect(rotated.seal('new', 'ctx').split('.')[1]).toBe(rotated.activeKeyId);
    expect(() => createKeyring(newKey).open(sealedOld, 'ctx')).toThrow(/no key with id/);
  });

  it('refuses a master key of the wrong size', () => {
    expect(() => createKeyring(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes/);
  });
});

describe('argon2id', () => {
  it('hashes with the OWASP parameters and verifies', async () => {
    const hashed = await hashPassword('correct horse battery staple');
    expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hashed, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hashed, 'wrong')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });
});

describe('master key sources', () => {
  it('production refuses to start without REBIND_MASTER_KEY', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/REBIND_MASTER_KEY: required in production/);
  });

  it('development generates an owner-only key file once and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rebind-key-'));
    try {
      const config = loadConfig({ NODE_ENV: 'development', DATABASE_PATH: join(dir, 'sub', 'rebind.db') });
      const first = resolveMasterKey(config);
      expect(first.origin).toBe('dev-key-file-created');
      expect(statSync(first.path!).mode & 0o777).toBe(0o600);
      const second = resolveMasterKey(config);
      expect(second.origin).toBe('dev-key-file');
      expect(second.key).toBe(first.key);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('nothing secret in clear in the SQLite file', () => {
  it('keeps TOTP keys sealed and passwords hashed, in the database and its WAL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rebind-file-'));
    try {
      const path = join(dir, 'rebind.db');
      const key = generateMasterKey();
      const database = await openDatabase({ path });
      const logs: string[] = [];
      const clock = testClock();
      const deps: Deps = {
        config: loadConfig({ NODE_ENV: 'test', DATABASE_PATH: path, REBIND_MASTER_KEY: key }),
        db: database.db,
        database,
        keyring: createKeyring(key),
        clock,
        random: (n) => randomBytes(n),
        logger: createLogger('debug', { write: (l: string) => void logs.push(l) }),
        transports: {},
        biometric: { name: 'none', startSession: async () => ({ providerRef: 'x', url: 'x' }) },
        lifecycle: { draining: false },
      };
      const created = await createStaffMember(deps, { email: 'clear@staff.test', name: 'Clear', role: 'admin' }, { type: 'system' });
      const app = createApp(deps);
      const client = new StaffClient({ deps, app, clock, logs });
      expect(
        (await client.signIn({ id: created.member.id, email: 'clear@staff.test', password: created.password, totpSecret: created.totpSecret, role: 'admin' }))
          .status,
      ).toBe(200);
      const files = readdirSync(dir).filter((f) => f.startsWith('rebind.db'));
      expect(files).toContain('rebind.db-wal'); // WAL mode is on
      const bytes = Buffer.concat(files.map((f) => readFileSync(join(dir, f))));
      const text = bytes.toString('latin1');
      expect(text).toContain('clear@staff.test'); // sanity: the scan sees row data
      expect(text).not.toContain(created.totpSecret);
      expect(text).not.toContain(created.password);
      expect(text).not.toContain(Buffer.from(created.totpSecret).toString('base64'));
      const token = client.cookie.split('=')[1]!;
      expect(text).not.toContain(token); // sessions are stored as hashes
      // Nor in the logs.
      const logText = logs.join('\n');
      for (const secret of [created.totpSecret, created.password, token, client.csrfToken]) expect(logText).not.toContain(secret);
      await database.close();
      expect(existsSync(path)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('configuration', () => {
  it('names every bad variable', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'eighty', SMTP_URL: 'not a url', LOG_LEVEL: 'loud', STAFF_IDLE_TIMEOUT_MINUTES: '-5' });
    } catch (err) {
      message = (err as Error).message;
    }
    for (const name of ['PORT', 'SMTP_URL', 'LOG_LEVEL', 'STAFF_IDLE_TIMEOUT_MINUTES']) expect(message).toContain(name);
  });

  it('derives the origin and RP ID, and secure cookies over HTTPS', () => {
    expect(loadConfig({})).toMatchObject({
      origin: 'http://localhost:8787',
      rpId: 'localhost',
      secureCookies: false,
      port: 8787,
      databasePath: './data/rebind.db',
    });
    expect(loadConfig({ ORIGIN: 'https://desk.example.com/' })).toMatchObject({
      origin: 'https://desk.example.com',
      rpId: 'desk.example.com',
      secureCookies: true,
    });
    expect(() => loadConfig({ ORIGIN: 'https://desk.example.com', RP_ID: 'other.org' })).toThrow(/RP_ID/);
  });
});
