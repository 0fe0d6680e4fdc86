import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { DbOrTx } from '../../db/client.ts';
import type { RequestContext } from '../http.ts';
import { AppError } from '../errors.ts';
import { serviceAccounts, serviceKeys, serviceScopes, type ServiceScope } from '../../db/schema/index.ts';
import { sha256Hex } from '../crypto/tokens.ts';
import { recordAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import { parseScopes } from './auth.ts';

export const SERVICE_KEY_PREFIX = 'rbk_live_';
/** How long a rotated-away key keeps working unless the caller says otherwise. */
export const DEFAULT_ROTATION_OVERLAP_MS = 24 * 3_600_000;
/** The longest overlap allowed: a rotation is meant to retire the old key. */
export const MAX_ROTATION_OVERLAP_MS = 30 * 86_400_000;

export interface ServiceKeyView {
  id: number;
  prefix: string; // rbk_live_ab12cd34…, enough to recognise a key, useless to use it
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  status: 'active' | 'expiring' | 'expired' | 'revoked';
}

export interface ServiceAccountView {
  id: number;
  name: string;
  scopes: ServiceScope[];
  status: 'active' | 'revoked';
  createdAt: string;
  revokedAt: string | null;
  keys: ServiceKeyView[];
}

/** 32 random bytes, base64url, behind a recognisable prefix. Shown once; only its SHA-256 is kept. */
function generateServiceKey(deps: Deps): { key: string; keyHash: string; prefix: string } {
  const key = SERVICE_KEY_PREFIX + deps.random(32).toString('base64url');
  return { key, keyHash: sha256Hex(key), prefix: key.slice(0, SERVICE_KEY_PREFIX.length + 8) };
}

function keyView(row: typeof serviceKeys.$inferSelect, now: Date): ServiceKeyView {
  const status = row.revokedAt ? 'revoked' : !row.expiresAt ? 'active' : row.expiresAt > now ? 'expiring' : 'expired';
  return {
    id: row.id,
    prefix: `${row.prefix}…`,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    status,
  };
}

function accountView(row: typeof serviceAccounts.$inferSelect, keys: (typeof serviceKeys.$inferSelect)[], now: Date): ServiceAccountView {
  return {
    id: row.id,
    name: row.name,
    scopes: parseScopes(row.scopes),
    status: row.revokedAt ? 'revoked' : 'active',
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    keys: keys.filter((k) => k.accountId === row.id).map((k) => keyView(k, now)),
  };
}

export function normaliseScopes(scopes: readonly string[]): ServiceScope[] {
  const unknown = scopes.filter((s) => !(serviceScopes as readonly string[]).includes(s));
  if (unknown.length)
    throw new AppError('validation_failed', `Unknown scope ${unknown.join(', ')}; one of ${serviceScopes.join(', ')}.`, {
      fields: { scopes: `one or more of ${serviceScopes.join(', ')}` },
    });
  if (scopes.length === 0) throw new AppError('validation_failed', 'Give at least one scope.', { fields: { scopes: 'at least one scope' } });
  return [...new Set(scopes as ServiceScope[])].sort();
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;

export function normaliseName(name: string): string {
  const trimmed = name.trim();
  if (!NAME_PATTERN.test(trimmed))
    throw new AppError('validation_failed', 'The name is 1–64 letters, digits, spaces, dots, dashes or underscores.', {
      fields: { name: '1–64 characters: letters, digits, space . _ -' },
    });
  return trimmed;
}

async function loadAccount(tx: DbOrTx, id: number) {
  const row = (await tx.select().from(serviceAccounts).where(eq(serviceAccounts.id, id)).limit(1))[0];
  if (!row) throw new AppError('not_found', 'No such service account.');
  return row;
}

async function accountWithKeys(tx: DbOrTx, row: typeof serviceAccounts.$inferSelect, now: Date): Promise<ServiceAccountView> {
  const keys = await tx.select().from(serviceKeys).where(eq(serviceKeys.accountId, row.id)).orderBy(desc(serviceKeys.id));
  return accountView(row, keys, now);
}

/** Creates a service account and its first key; the key is returned once and never again. */
export async function createServiceAccount(
  deps: Deps,
  input: { name: string; scopes: readonly string[] },
  by: AuditActor,
  ctx: Partial<RequestContext> = {},
): Promise<{ account: ServiceAccountView; key: string }> {
  const name = normaliseName(input.name);
  const scopes = normaliseScopes(input.scopes);
  const now = deps.clock();
  const generated = generateServiceKey(deps);
  const account = await deps.db.transaction(async (tx) => {
    if ((await tx.select({ id: serviceAccounts.id }).from(serviceAccounts).where(eq(serviceAccounts.name, name)).limit(1))[0]) {
      throw new AppError('already_exists', 'A service account with this name exists.', { fields: { name: 'already in use' } });
    }
    const row = (
      await tx
        .insert(serviceAccounts)
        .values({ name, scopes: JSON.stringify(scopes), createdAt: now, createdBy: by.type === 'staff' ? Number(by.id) : null, updatedAt: now })
        .returning()
    )[0];
    const keyRow = (
      await tx.insert(serviceKeys).values({ accountId: row.id, keyHash: generated.keyHash, prefix: generated.prefix, createdAt: now }).returning()
    )[0];
    await recordAuditEvent(tx, now, {
      actor: by,
      action: 'service_account.create',
      target: { type: 'service_account', id: row.id },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { name, scopes, keyId: keyRow.id, keyPrefix: generated.prefix },
    });
    return accountView(row, [keyRow], now);
  });
  return { account, key: generated.key };
}

/**
 * Issues a new key. The keys in use so far keep working until now + overlap
 * (so the caller can deploy the new key without downtime), then stop; an
 * overlap of 0 retires them at once. An old key that already expires sooner
 * keeps its earlier end.
 */
export async function rotateServiceKey(
  deps: Deps,
  id: number,
  overlapMs: number,
  by: AuditActor,
  ctx: Partial<RequestContext> = {},
): Promise<{ account: ServiceAccountView; key: string; oldKeysExpireAt: string }> {
  if (!Number.isInteger(overlapMs) || overlapMs < 0 || overlapMs > MAX_ROTATION_OVERLAP_MS) {
    throw new AppError('validation_failed', 'The overlap is between 0 and 30 days.', { fields: { overlapHours: 'between 0 and 720' } });
  }
  const now = deps.clock();
  const until = new Date(now.getTime() + overlapMs);
  const generated = generateServiceKey(deps);
  const account = await deps.db.transaction(async (tx) => {
    const row = await loadAccount(tx, id);
    if (row.revokedAt) throw new AppError('invalid_state', 'This service account is revoked.');
    const live = await tx
      .select()
      .from(serviceKeys)
      .where(and(eq(serviceKeys.accountId, id), isNull(serviceKeys.revokedAt)));
    const shortened = live.filter((k) => !k.expiresAt || k.expiresAt > until).map((k) => k.id);
    if (shortened.length) await tx.update(serviceKeys).set({ expiresAt: until }).where(inArray(serviceKeys.id, shortened));
    const keyRow = (
      await tx.insert(serviceKeys).values({ accountId: id, keyHash: generated.keyHash, prefix: generated.prefix, createdAt: now }).returning()
    )[0];
    await tx.update(serviceAccounts).set({ updatedAt: now }).where(eq(serviceAccounts.id, id));
    await recordAuditEvent(tx, now, {
      actor: by,
      action: 'service_account.rotate',
      target: { type: 'service_account', id },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { keyId: keyRow.id, keyPrefix: generated.prefix, oldKeyIds: shortened, oldKeysExpireAt: until.toISOString() },
    });
    return accountWithKeys(tx, row, now);
  });
  return { account, key: generated.key, oldKeysExpireAt: until.toISOString() };
}

/** Revokes the account and every key at once: the next call with any of its keys is a 401. */
export async function revokeServiceAccount(deps: Deps, id: number, by: AuditActor, ctx: Partial<RequestContext> = {}): Promise<ServiceAccountView> {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const row = await loadAccount(tx, id);
    if (row.revokedAt) throw new AppError('invalid_state', 'This service account is already revoked.');
    await tx
      .update(serviceAccounts)
      .set({ revokedAt: now, updatedAt: now })
      .where(and(eq(serviceAccounts.id, id), isNull(serviceAccounts.revokedAt)));
    await tx
      .update(serviceKeys)
      .set({ revokedAt: now })
      .where(and(eq(serviceKeys.accountId, id), isNull(serviceKeys.revokedAt)));
    await recordAuditEvent(tx, now, {
      actor: by,
      action: 'service_account.revoke',
      target: { type: 'service_account', id },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { name: row.name },
    });
    return accountWithKeys(tx, { ...row, revokedAt: now, updatedAt: now }, now);
  });
}

/** Every service account with its keys (prefixes only), newest first. A small table: no paging needed. */
export async function listServiceAccounts(deps: Deps): Promise<ServiceAccountView[]> {
  const now = deps.clock();
  const accounts = await deps.db.select().from(serviceAccounts).orderBy(asc(serviceAccounts.id));
  if (accounts.length === 0) return [];
  const keys = await deps.db
    .select()
    .from(serviceKeys)
    .where(
      inArray(
        serviceKeys.accountId,
        accounts.map((a) => a.id),
      ),
    )
    .orderBy(desc(serviceKeys.id));
  return accounts.map((a) => accountView(a, keys, now));
}

export async function getServiceAccount(deps: Deps, id: number): Promise<ServiceAccountView> {
  const row = await loadAccount(deps.db, id);
  return accountWithKeys(deps.db, row, deps.clock());
}

export async function findServiceAccountByName(deps: Deps, name: string): Promise<ServiceAccountView> {
  const row = (await deps.db.select().from(serviceAccounts).where(eq(serviceAccounts.name, name.trim())).limit(1))[0];
  if (!row) throw new AppError('not_found', 'No such service account.');
  return accountWithKeys(deps.db, row, deps.clock());
}
