import { createHmac } from 'node:crypto';
import type { Random } from '../crypto/tokens.ts';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the secret is
 * `whsec_` + base64 of 32 random bytes, the HMAC key is those bytes, the
 * signed content is `{webhook-id}.{webhook-timestamp}.{body}`, and the header
 * is `v1,<base64 HMAC-SHA256>`, several space-separated while two secrets are
 * valid (a rotation's overlap window).
 */
export const SECRET_PREFIX = 'whsec_';

export function generateWebhookSecret(random: Random): string {
  return `${SECRET_PREFIX}${random(32).toString('base64')}`;
}

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The webhook-signature header: one signature per valid secret. */
export function signatureHeader(secrets: string[], id: string, timestamp: number, body: string): string {
  return secrets.map((s) => signWebhook(s, id, timestamp, body)).join(' ');
}
