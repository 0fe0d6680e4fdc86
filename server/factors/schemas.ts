import { z } from '@hono/zod-openapi';

export const FactorType = z.enum(['totp', 'sms', 'passkey']);
export const SixDigits = z.string().regex(/^\d{6}$/, 'six digits');

/** The challenge pattern's body: `{method}` asks for a challenge, `{method, code | response}` verifies. */
export const ProofSchema = z
  .object({
    method: FactorType,
    code: SixDigits.optional(),
    response: z.record(z.string(), z.unknown()).optional().openapi({ description: 'WebAuthn assertion (PublicKeyCredential JSON) for passkeys' }),
  })
  .refine((v) => !(v.code && v.response), { message: 'send a code or a response, not both', path: ['response'] });

export const ChallengeResponse = z
  .object({
    status: z.enum(['challenge_sent', 'challenge', 'verified']),
    method: FactorType.optional(),
    sentTo: z.string().optional(),
    passkeyOptions: z.any().optional(),
  })
  .catchall(z.any());

export const FactorSchema = z
  .object({
    id: z.number(),
    type: FactorType,
    name: z.string(),
    status: z.string(),
    phone: z.string().optional(),
    boundAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('Factor');
