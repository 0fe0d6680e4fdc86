import { createHmac } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { safeEqual } from '../crypto/tokens.ts';

/**
 * The biometric provider, behind an interface: Rebind starts a session tied to
 * a case, passing only the reference of the user's enrolled KYC selfie; the
 * provider calls back the signed webhook with liveness and face-match scores.
 * No image ever reaches Rebind.
 */
export interface BiometricProvider {
  name: string;
  startSession(input: { caseId: number; sessionId: string; selfieRef: string }): Promise<{ providerRef: string; url: string }>;
}

export const SIGNATURE_HEADER = 'x-rebind-signature';
export const WEBHOOK_TOLERANCE_MS = 5 * 60_000;

/** The webhook secret: configured, or in development one derived from the master key (so the simulator can sign). */
export function biometricWebhookSecret(deps: Pick<Deps, 'config' | 'keyring'>): string | null {
  if (deps.config.biometricWebhookSecret) return deps.config.biometricWebhookSecret;
  return deps.config.env === 'production' ? null : deps.keyring.subkey('biometric-webhook-dev').toString('hex');
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, as Stripe-style providers sign. */
export function signWebhook(secret: string, timestampSeconds: number, rawBody: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

export function verifyWebhookSignature(secret: string, header: string | undefined, rawBody: string, now: Date): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing' };
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || !/^[0-9a-f]{64}$/.test(parts.v1)) return { ok: false, reason: 'malformed' };
  if (Math.abs(now.getTime() - t * 1000) > WEBHOOK_TOLERANCE_MS) return { ok: false, reason: 'stale' };
  const expected = signWebhook(secret, t, rawBody).split('v1=')[1]!;
  return safeEqual(expected, parts.v1) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
