import { generateSync, generateURI, verifySync, ScureBase32Plugin } from 'otplib';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import type { Random } from './tokens.ts';

/** RFC 6238 as the spec fixes it: SHA-1, 6 digits, 30 s steps, ±1 step. */
const STEP_SECONDS = 30;
const base32 = new ScureBase32Plugin();
// HMAC through node:crypto (OpenSSL) rather than otplib's default pure-JavaScript one:
// a check computes up to three HMACs, about 0.3 ms in JavaScript, a few µs natively.
const crypto = new NodeCryptoPlugin();

/** 20 random bytes → the 32-character base32 key users type into an authenticator. */
export function generateTotpSecret(random: Random): string {
  return base32.encode(random(20)).replace(/=+$/, '');
}

export function totpUri(secret: string, label: string, issuer = 'Rebind'): string {
  return generateURI({ issuer, label, secret });
}

export function isTotpCodeShape(code: string): boolean {
  return /^\d{6}$/.test(code);
}

export type TotpCheck = { ok: true; timeStep: number } | { ok: false; reason: 'malformed' | 'invalid' | 'replayed' };

/**
 * Checks a code against the key. `lastTimeStep` is the last step accepted for
 * this factor: a code from that step or an earlier one is refused as a replay.
 * The caller must save the returned timeStep with a compare-and-swap.
 */
export function checkTotpCode(secret: string, code: string, now: Date, lastTimeStep: number | null): TotpCheck {
  if (!isTotpCodeShape(code)) return { ok: false, reason: 'malformed' };
  const epoch = Math.floor(now.getTime() / 1000);
  const result = verifySync({ secret, token: code, epoch, epochTolerance: STEP_SECONDS, crypto });
  if (!result.valid) return { ok: false, reason: 'invalid' };
  const timeStep = (result as { timeStep: number }).timeStep;
  if (lastTimeStep !== null && timeStep <= lastTimeStep) return { ok: false, reason: 'replayed' };
  return { ok: true, timeStep };
}

/** Only for fixtures and tests: what an authenticator app would show at `now`. */
export function totpCodeAt(secret: string, now: Date): string {
  return generateSync({ secret, epoch: Math.floor(now.getTime() / 1000), crypto });
}
