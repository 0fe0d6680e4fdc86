import { createHash, createHmac, hash, timingSafeEqual } from 'node:crypto';

export type Random = (bytes: number) => Buffer;

/** An opaque bearer token: 32 random bytes, base64url. Only its SHA-256 is stored. */
export function generateToken(random: Random): string {
  return random(32).toString('base64url');
}

export function sha256Hex(value: string): string {
  // crypto.hash: the one-shot form (Node ≥ 20.12), without a Hash object per call.
  return hash('sha256', value, 'hex');
}

export function hmacHex(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A readable random password for new staff: 4 groups of 5 from an unambiguous alphabet (~115 bits). */
export function generatePassword(random: Random): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const limit = 256 - (256 % alphabet.length); // rejection sampling keeps it uniform
  const chars: string[] = [];
  while (chars.length < 20) {
    for (const b of random(32)) {
      if (b < limit && chars.length < 20) chars.push(alphabet[b % alphabet.length]!);
    }
  }
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join('')).join('-');
}
