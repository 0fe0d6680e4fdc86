import { and, asc, eq, sql } from 'drizzle-orm';
import { prepareNamed, preparedQuery } from '../../db/prepared.ts';
import type { Deps } from '../deps.ts';
import type { DbOrTx } from '../../db/client.ts';
import { factorHistory, userFactors } from '../../db/schema/index.ts';
import type { RequestContext } from '../http.ts';
import { maskPhone } from '../platform/masking.ts';

export type FactorType = 'totp' | 'sms' | 'passkey';
export type FactorRow = typeof userFactors.$inferSelect;

export const totpContext = (factorId: number) => `user.totp:${factorId}`;
export const phoneContext = (factorId: number) => `user.phone:${factorId}`;

// Read by every sign-in and verification: prepared once per db / tx.
const activeFactorsOf = preparedQuery('active_factors', (db: DbOrTx, name) =>
  prepareNamed(
    db
      .select()
      .from(userFactors)
      .where(and(eq(userFactors.userId, sql.placeholder('userId')), eq(userFactors.status, 'active')))
      .orderBy(asc(userFactors.id)),
    name,
  ),
);

export async function activeFactors(db: DbOrTx, userId: number): Promise<FactorRow[]> {
  return await activeFactorsOf(db).execute({ userId });
}

/** What may be shown of a factor: never a secret; phone numbers masked. */
export function factorView(f: FactorRow) {
  return {
    id: f.id,
    type: f.type,
    name: f.name,
    status: f.status,
    phone: f.type === 'sms' ? maskPhone(f.phoneCountry, f.phoneLast) : undefined,
    boundAt: f.boundAt.toISOString(),
    lastUsedAt: f.lastUsedAt?.toISOString() ?? null,
    revokedAt: f.revokedAt?.toISOString() ?? null,
  };
}

export interface NewFactor {
  type: FactorType;
  name: string;
  totpSecret?: string;
  /** The time step of the code that proved the new key: it cannot be replayed afterwards. */
  totpLastTimeStep?: number;
  phone?: { e164: string; hash: string; callingCode: string; last: string };
  passkey?: { credentialId: string; publicKey: Uint8Array; counter: number; transports: string[] };
}

/** Inserts an active factor, sealing its secret under a context naming its row, and writes history. */
export async function insertFactor(
  tx: DbOrTx,
  deps: Deps,
  userId: number,
  factor: NewFactor,
  ctx: Partial<RequestContext>,
  link: { operationId?: string; caseId?: number } = {},
): Promise<FactorRow> {
  const now = deps.clock();
  const row = (
    await tx
      .insert(userFactors)
      .values({
        userId,
        type: factor.type,
        name: factor.name,
        status: 'active',
        totpLastTimeStep: factor.totpLastTimeStep ?? null,
        phoneHash: factor.phone?.hash ?? null,
        phoneLast: factor.phone?.last ?? null,
        phoneCountry: factor.phone?.callingCode ?? null,
        credentialId: factor.passkey?.credentialId ?? null,
        publicKey: factor.passkey ? Buffer.from(factor.passkey.publicKey) : null,
        signCount: factor.passkey?.counter ?? null,
        transports: factor.passkey ? JSON.stringify(factor.passkey.transports) : null,
        boundAt: now,
        boundIp: ctx.ip ?? null,
        boundUserAgent: ctx.userAgent ?? null,
      })
      .returning()
  )[0];
  const sealed: Partial<FactorRow> = {};
  if (factor.totpSecret) sealed.totpSecretEnc = deps.keyring.seal(factor.totpSecret, totpContext(row.id));
  if (factor.phone) sealed.phoneEnc = deps.keyring.seal(factor.phone.e164, phoneContext(row.id));
  const final = Object.keys(sealed).length ? (await tx.update(userFactors).set(sealed).where(eq(userFactors.id, row.id)).returning())[0] : row;
  await tx.insert(factorHistory).values({
    userId,
    factorId: row.id,
    event: 'bound',
    at: now,
    ip: ctx.ip ?? null,
    userAgent: ctx.userAgent ?? null,
    operationId: link.operationId ?? null,
    caseId: link.caseId ?? null,
  });
  return final;
}

export async function revokeFactor(
  tx: DbOrTx,
  deps: Deps,
  factor: FactorRow,
  reason: string,
  ctx: Partial<RequestContext>,
  link: { operationId?: string; caseId?: number } = {},
): Promise<void> {
  const now = deps.clock();
  await tx
    .update(userFactors)
    .set({ status: 'revoked', revokedAt: now, revokedIp: ctx.ip ?? null, revokedUserAgent: ctx.userAgent ?? null, revokedReason: reason })
    .where(and(eq(userFactors.id, factor.id), eq(userFactors.status, 'active')));
  await tx.insert(factorHistory).values({
    userId: factor.userId,
    factorId: factor.id,
    event: 'revoked',
    at: now,
    ip: ctx.ip ?? null,
    userAgent: ctx.userAgent ?? null,
    operationId: link.operationId ?? null,
    caseId: link.caseId ?? null,
  });
}

export function openTotpSecret(deps: Deps, factor: FactorRow): string {
  return deps.keyring.open(factor.totpSecretEnc!, totpContext(factor.id));
}

export function openPhone(deps: Deps, factor: FactorRow): string {
  return deps.keyring.open(factor.phoneEnc!, phoneContext(factor.id));
}
