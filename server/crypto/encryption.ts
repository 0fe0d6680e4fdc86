import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Authenticated encryption of secrets at rest (AES-256-GCM) under a master key,
 * with a key id in every ciphertext so the master key can rotate: new data is
 * sealed with the active key, old data opens with any key still in the ring.
 *
 * Format: `v1.<kid>.<iv b64url>.<ciphertext+tag b64url>`. The `context` is
 * bound as additional authenticated data, so a ciphertext moved to another row
 * or column does not open.
 */
export interface Keyring {
  activeKeyId: string;
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
  /** A purpose-specific subkey (HKDF-SHA256) of the active key, e.g. for keyed code hashes. */
  subkey(purpose: string): Buffer;
}

export class KeyError extends Error {}

export function parseMasterKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new KeyError('a master key must be 32 bytes, base64- or hex-encoded');
  return key;
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('rebind-key-id:').update(key).digest('hex').slice(0, 8);
}

export function generateMasterKey(): string {
  return randomBytes(32).toString('base64');
}

export function createKeyring(activeKey: string, oldKeys: string[] = []): Keyring {
  const active = parseMasterKey(activeKey);
  const activeKeyId = keyIdOf(active);
  const keys = new Map<string, Buffer>([[activeKeyId, active]]);
  for (const old of oldKeys) {
    const k = parseMasterKey(old);
    keys.set(keyIdOf(k), k);
  }
  // Data keys are derived so the master key itself never touches a cipher.
  const dataKey = (kid: string) => {
    const master = keys.get(kid);
    if (!master) throw new KeyError(`no key with id ${kid} in the key ring`);
    return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'rebind-aes-256-gcm', 32));
  };
  const dataKeys = new Map<string, Buffer>();
  const dataKeyFor = (kid: string) => {
    let k = dataKeys.get(kid);
    if (!k) {
      k = dataKey(kid);
      dataKeys.set(kid, k);
    }
    return k;
  };

  return {
    activeKeyId,
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', dataKeyFor(activeKeyId), iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `v1.${activeKeyId}.${iv.toString('base64url')}.${ct.toString('base64url')}`;
    },
    open(sealed, context) {
      const [version, kid, ivText, ctText] = sealed.split('.');
      if (version !== 'v1' || !kid || !ivText || !ctText) throw new KeyError('not a sealed value');
      const iv = Buffer.from(ivText, 'base64url');
      const body = Buffer.from(ctText, 'base64url');
      if (body.length < 16) throw new KeyError('not a sealed value');
      const decipher = createDecipheriv('aes-256-gcm', dataKeyFor(kid), iv);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - 16));
      try {
        return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
      } catch {
        throw new KeyError('sealed value failed authentication');
      }
    },
    subkey(purpose) {
      return Buffer.from(hkdfSync('sha256', active, Buffer.alloc(0), `rebind-subkey:${purpose}`, 32));
    },
  };
}
