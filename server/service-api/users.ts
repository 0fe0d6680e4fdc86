import { eq } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { RequestContext } from '../http.ts';
import { AppError } from '../errors.ts';
import { users } from '../../db/schema/index.ts';
import { recordAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import { withdrawalStatusOf, type WithdrawalStatus } from '../account/withdrawal-lock.ts';
import { normaliseEmail } from '../staff-auth/service.ts';

/** The exchange's user ids: opaque, short, URL-safe. */
export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A user reference in a /service/v1 path: Rebind's numeric id (`42`), or the
 * exchange's own id behind `ext:` (`ext:u-9f3a`). Both are indexed lookups.
 */
export function parseUserRef(ref: string): { id: number } | { externalId: string } {
  if (/^[1-9]\d{0,15}$/.test(ref)) return { id: Number(ref) };
  if (ref.startsWith('ext:') && EXTERNAL_ID_PATTERN.test(ref.slice(4))) return { externalId: ref.slice(4) };
  throw new AppError('validation_failed', "The user is Rebind's numeric id or ext:<the exchange's id>.", { fields: { id: 'a number or ext:<external id>' } });
}

/**
 * The wallet's question before every withdrawal. One indexed read of the
 * user row (primary key or the unique external_id index), three columns.
 */
export async function withdrawalStatusFor(deps: Deps, ref: string): Promise<WithdrawalStatus & { userId: number; externalId: string | null }> {
  const parsed = parseUserRef(ref);
  const [row] = await deps.db
    .select({ id: users.id, externalId: users.externalId, status: users.status, withdrawalLockUntil: users.withdrawalLockUntil })
    .from(users)
    .where('id' in parsed ? eq(users.id, parsed.id) : eq(users.externalId, parsed.externalId))
    .limit(1);
  if (!row) throw new AppError('not_found', 'No such user.');
  return { userId: row.id, externalId: row.externalId, ...withdrawalStatusOf(row, deps.clock()) };
}

export const valueTiers = ['retail', 'active', 'vip', 'institutional'] as const;

export interface ExchangeUserInput {
  email: string;
  displayName?: string;
  country?: string | null;
  kycLevel?: number | null;
  valueTier?: (typeof valueTiers)[number];
  passwordChangedAt?: Date | null;
  emailChangedAt?: Date | null;
  /** When the account was opened at the exchange (the account-age risk signal). */
  accountCreatedAt?: Date;
}

export interface ExchangeUserView {
  id: number;
  externalId: string;
  email: string;
  displayName: string;
  country: string | null;
  kycLevel: number | null;
  valueTier: string;
  status: string;
  passwordChangedAt: string | null;
  emailChangedAt: string | null;
  accountCreatedAt: string;
  updatedAt: string;
}

function view(u: typeof users.$inferSelect): ExchangeUserView {
  return {
    id: u.id,
    externalId: u.externalId!,
    email: u.email,
    displayName: u.displayName,
    country: u.country,
    kycLevel: u.kycLevel,
    valueTier: u.valueTier,
    status: u.status,
    passwordChangedAt: u.passwordChangedAt?.toISOString() ?? null,
    emailChangedAt: u.emailChangedAt?.toISOString() ?? null,
    accountCreatedAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

/**
 * Creates or updates an end user from the exchange's records, keyed by the
 * exchange's id, so the risk signals (account age, value tier, recent password
 * or email change, KYC level) use the exchange's truth. A Rebind account with
 * the same email and no external id yet is linked rather than duplicated.
 * Accounts created here have no Rebind password: the exchange signs them in.
 * Fields left out keep their value; an email change without a time counts as
 * changed now.
 */
export async function upsertExchangeUser(
  deps: Deps,
  externalId: string,
  input: ExchangeUserInput,
  by: AuditActor,
  ctx: Partial<RequestContext> = {},
): Promise<{ created: boolean; user: ExchangeUserView }> {
  if (!EXTERNAL_ID_PATTERN.test(externalId))
    throw new AppError('validation_failed', 'The external id is 1–128 letters, digits or . _ : -', { fields: { externalId: 'invalid' } });
  const email = normaliseEmail(input.email);
  const now = deps.clock();
  try {
    return await deps.db.transaction(async (tx) => {
      const byExternal = (await tx.select().from(users).where(eq(users.externalId, externalId)).limit(1))[0];
      const byEmail = (await tx.select().from(users).where(eq(users.email, email)).limit(1))[0];
      if (byEmail && byEmail.id !== byExternal?.id && byEmail.externalId !== null) {
        throw new AppError('already_exists', 'Another exchange user has this email.', { fields: { email: 'belongs to another external id' } });
      }
      if (byEmail && byExternal && byEmail.id !== byExternal.id) {
        throw new AppError('already_exists', 'Another Rebind account has this email.', { fields: { email: 'already in use' } });
      }
      const current = byExternal ?? byEmail;
      if (!current) {
        const row = (
          await tx
            .insert(users)
            .values({
              email,
              externalId,
              displayName: input.displayName ?? '',
              passwordHash: '!', // not an argon2 hash: no password sign-in at Rebind
              country: input.country ?? null,
              kycLevel: input.kycLevel ?? null,
              valueTier: input.valueTier ?? 'retail',
              passwordChangedAt: input.passwordChangedAt ?? null,
              emailChangedAt: input.emailChangedAt ?? null,
              createdAt: input.accountCreatedAt ?? now,
              updatedAt: now,
            })
            .returning()
        )[0]!;
        await recordAuditEvent(tx, now, {
          actor: by,
          action: 'user.create',
          target: { type: 'user', id: row.id },
          ip: ctx.ip,
          requestId: ctx.requestId,
          details: { externalId, source: 'service_api' },
        });
        return { created: true, user: view(row) };
      }
      const set: Partial<typeof users.$inferInsert> = {};
      if (current.externalId !== externalId) set.externalId = externalId;
      if (email !== current.email) {
        set.email = email;
        set.emailChangedAt = input.emailChangedAt ?? now;
      }
      if (input.displayName !== undefined && input.displayName !== current.displayName) set.displayName = input.displayName;
      if (input.country !== undefined && input.country !== current.country) set.country = input.country;
      if (input.kycLevel !== undefined && input.kycLevel !== current.kycLevel) set.kycLevel = input.kycLevel;
      if (input.valueTier !== undefined && input.valueTier !== current.valueTier) set.valueTier = input.valueTier;
      const sameTime = (a: Date | null | undefined, b: Date | null) => (a ?? null)?.getTime() === b?.getTime();
      if (input.passwordChangedAt !== undefined && !sameTime(input.passwordChangedAt, current.passwordChangedAt))
        set.passwordChangedAt = input.passwordChangedAt;
      if (input.emailChangedAt !== undefined && set.emailChangedAt === undefined && !sameTime(input.emailChangedAt, current.emailChangedAt))
        set.emailChangedAt = input.emailChangedAt;
      if (input.accountCreatedAt !== undefined && input.accountCreatedAt.getTime() !== current.createdAt.getTime()) set.createdAt = input.accountCreatedAt;
      const changed = Object.keys(set);
      if (changed.length === 0) return { created: false, user: view(current) };
      set.updatedAt = now;
      const row = (await tx.update(users).set(set).where(eq(users.id, current.id)).returning())[0]!;
      // Field names only: the values are personal data and stay in the users table.
      await recordAuditEvent(tx, now, {
        actor: by,
        action: 'user.update',
        target: { type: 'user', id: row.id },
        ip: ctx.ip,
        requestId: ctx.requestId,
        details: { externalId, source: 'service_api', fields: changed.sort() },
      });
      return { created: false, user: view(row) };
    });
  } catch (err) {
    // Two calls creating the same user at once: the unique index refused the second.
    if (isUniqueViolation(err)) throw new AppError('conflict', 'This user was changed by another request at the same time; send it again.');
    throw err;
  }
}

function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE') return true;
  }
  return false;
}
