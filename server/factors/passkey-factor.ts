import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { and, eq } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { userFactors, factorHistory } from '../../db/schema/index.ts';
import type { RequestContext } from '../http.ts';
import { recordAuditEvent } from '../audit/audit-log.ts';
import type { FactorRow } from './factor-store.ts';

const transportsOf = (f: FactorRow) => (f.transports ? (JSON.parse(f.transports) as AuthenticatorTransport[]) : undefined);

/** Registration options: the user's existing passkeys are excluded; user verification required. */
export async function passkeyRegistrationOptions(deps: Deps, user: { id: number; email: string }, existing: FactorRow[]) {
  return generateRegistrationOptions({
    rpName: deps.config.rpName,
    rpID: deps.config.rpId,
    userName: user.email,
    userID: new TextEncoder().encode(`rebind-user-${user.id}`),
    challenge: new Uint8Array(deps.random(32)),
    attestationType: 'none',
    excludeCredentials: existing.filter((f) => f.type === 'passkey' && f.credentialId).map((f) => ({ id: f.credentialId!, transports: transportsOf(f) })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
  });
}

export type PasskeyRegistration =
  | { ok: true; credentialId: string; publicKey: Uint8Array; counter: number; transports: string[] }
  | { ok: false; reason: string };

export async function verifyPasskeyRegistration(deps: Deps, response: unknown, expectedChallenge: string): Promise<PasskeyRegistration> {
  try {
    const result = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge,
      expectedOrigin: deps.config.origin,
      expectedRPID: deps.config.rpId,
      requireUserVerification: true,
    });
    if (!result.verified || !result.registrationInfo) return { ok: false, reason: 'not_verified' };
    const { credential } = result.registrationInfo;
    return { ok: true, credentialId: credential.id, publicKey: credential.publicKey, counter: credential.counter, transports: credential.transports ?? [] };
  } catch {
    return { ok: false, reason: 'invalid_response' };
  }
}

export async function passkeyAuthenticationOptions(deps: Deps, factors: FactorRow[]) {
  return generateAuthenticationOptions({
    rpID: deps.config.rpId,
    challenge: new Uint8Array(deps.random(32)),
    allowCredentials: factors.filter((f) => f.type === 'passkey').map((f) => ({ id: f.credentialId!, transports: transportsOf(f) })),
    userVerification: 'required',
  });
}

export type PasskeyCheck = { ok: true; factor: FactorRow } | { ok: false; reason: string };

/**
 * Verifies an assertion against one of the user's active passkeys and saves
 * the new sign counter (compare-and-swap). A counter that goes backwards means
 * a cloned authenticator: refused, recorded in the factor history and the
 * audit trail. A counter that stays 0 (synced passkeys) is normal.
 */
export async function verifyPasskeyAssertion(
  deps: Deps,
  factors: FactorRow[],
  response: unknown,
  expectedChallenge: string,
  ctx: RequestContext,
): Promise<PasskeyCheck> {
  const id = typeof response === 'object' && response !== null ? (response as { id?: unknown }).id : undefined;
  const factor = factors.find((f) => f.type === 'passkey' && f.credentialId === id);
  if (!factor) return { ok: false, reason: 'unknown_credential' };
  let newCounter: number;
  try {
    const result = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge,
      expectedOrigin: deps.config.origin,
      expectedRPID: deps.config.rpId,
      credential: { id: factor.credentialId!, publicKey: new Uint8Array(factor.publicKey!), counter: factor.signCount ?? 0, transports: transportsOf(factor) },
      requireUserVerification: true,
    });
    if (!result.verified) return { ok: false, reason: 'not_verified' };
    newCounter = result.authenticationInfo.newCounter;
  } catch (err) {
    if (/counter value/i.test((err as Error).message)) {
      await recordCounterRegression(deps, factor, ctx);
      return { ok: false, reason: 'counter_regression' };
    }
    return { ok: false, reason: 'invalid_response' };
  }
  const now = deps.clock();
  const saved = await deps.db
    .update(userFactors)
    .set({ signCount: newCounter, lastUsedAt: now })
    .where(and(eq(userFactors.id, factor.id), eq(userFactors.status, 'active'), eq(userFactors.signCount, factor.signCount ?? 0)))
    .returning({ id: userFactors.id });
  // Zero-counter passkeys may be used concurrently; a real counter must advance exactly once.
  if (saved.length !== 1 && newCounter !== 0) return { ok: false, reason: 'counter_race' };
  return { ok: true, factor };
}

async function recordCounterRegression(deps: Deps, factor: FactorRow, ctx: RequestContext) {
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx
      .insert(factorHistory)
      .values({ userId: factor.userId, factorId: factor.id, event: 'counter_regression', at: now, ip: ctx.ip, userAgent: ctx.userAgent });
    await recordAuditEvent(tx, now, {
      actor: { type: 'user', id: factor.userId },
      action: 'passkey.counter_regression',
      target: { type: 'factor', id: factor.id },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { storedCounter: factor.signCount, severity: 'high', note: 'possible cloned authenticator' },
    });
  });
}
