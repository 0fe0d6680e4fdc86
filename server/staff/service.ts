import { and, asc, count, desc, eq, inArray, isNull, like, or, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { dialectSql } from '../../db/dialect-sql.ts';
import type { RequestContext } from '../http.ts';
import { AppError } from '../errors.ts';
import { staff, staffSessions, staffRoles, users, type StaffRole } from '../../db/schema/index.ts';
import { hashPassword } from '../crypto/password.ts';
import { generatePassword } from '../crypto/tokens.ts';
import { generateTotpSecret, totpUri } from '../crypto/totp.ts';
import { recordAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import { filterIds, filterString, type ListQuery } from '../platform/list-query.ts';
import { normaliseEmail } from '../staff-auth/service.ts';

export interface StaffView {
  id: number;
  email: string;
  name: string;
  role: StaffRole;
  disabled: boolean;
  userId: number | null;
  createdAt: string;
  lastLoginAt: string | null;
}

export interface NewStaffCredentials {
  password: string;
  totpSecret: string;
  otpauthUri: string;
}

const toView = (row: typeof staff.$inferSelect): StaffView => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  disabled: row.disabledAt !== null,
  userId: row.userId,
  createdAt: row.createdAt.toISOString(),
  lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
});

export const totpContextForStaff = (id: number) => `staff.totp:${id}`;

/**
 * Creates a staff member with a generated password and TOTP key, returned once
 * and never again (only the argon2id hash and the sealed key are stored).
 * `preset` lets the demo seed use documented credentials.
 */
export async function createStaffMember(
  deps: Deps,
  input: { email: string; name: string; role: StaffRole; userId?: number | null },
  by: AuditActor,
  ctx: Partial<RequestContext> = {},
  preset?: { password: string; totpSecret: string },
): Promise<{ member: StaffView } & NewStaffCredentials> {
  const email = normaliseEmail(input.email);
  if (!staffRoles.includes(input.role)) throw new AppError('validation_failed', 'unknown role', { fields: { role: `one of ${staffRoles.join(', ')}` } });
  const password = preset?.password ?? generatePassword(deps.random);
  const totpSecret = preset?.totpSecret ?? generateTotpSecret(deps.random);
  const passwordHash = await hashPassword(password);
  const now = deps.clock();
  const member = await deps.db.transaction(async (tx) => {
    if ((await tx.select({ id: staff.id }).from(staff).where(eq(staff.email, email)).limit(1))[0]) {
      throw new AppError('already_exists', 'A staff member with this email exists.', { fields: { email: 'already in use' } });
    }
    // The end-user account a staff member also holds (the conflict-of-interest rule) must exist.
    if (input.userId != null && !(await tx.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).limit(1))[0]) {
      throw new AppError('validation_failed', 'userId: no such end-user account', { fields: { userId: 'no such account' } });
    }
    // Insert first for the id (the TOTP key's encryption context), then seal the key.
    const inserted = (
      await tx
        .insert(staff)
        .values({
          email,
          name: input.name.trim() || email,
          role: input.role,
          passwordHash,
          totpSecretEnc: 'pending',
          userId: input.userId ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
    )[0];
    const sealed = deps.keyring.seal(totpSecret, totpContextForStaff(inserted.id));
    const row = (await tx.update(staff).set({ totpSecretEnc: sealed }).where(eq(staff.id, inserted.id)).returning())[0];
    await recordAuditEvent(tx, now, {
      actor: by,
      action: 'staff.create',
      target: { type: 'staff', id: row.id },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { email, role: row.role, linkedUserId: row.userId },
    });
    return row;
  });
  return { member: toView(member), password, totpSecret, otpauthUri: totpUri(totpSecret, email) };
}

/**
 * Changes name, role or the disabled flag. Nobody changes their own role or
 * disables themselves (an admin could otherwise lock the desk out of admins).
 * Disabling revokes every session at once.
 */
export async function updateStaffMember(
  deps: Deps,
  id: number,
  changes: { name?: string; role?: StaffRole; disabled?: boolean },
  by: { staffId: number; email: string },
  ctx: Partial<RequestContext> = {},
): Promise<StaffView> {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const current = (await tx.select().from(staff).where(eq(staff.id, id)).limit(1))[0];
    if (!current) throw new AppError('not_found', 'No such staff member.');
    const self = current.id === by.staffId;
    if (self && changes.role !== undefined && changes.role !== current.role) throw new AppError('self_action', 'You cannot change your own role.');
    if (self && changes.disabled === true) throw new AppError('self_action', 'You cannot disable yourself.');
    const set: Partial<typeof staff.$inferInsert> = {};
    const diff: Record<string, { from: unknown; to: unknown }> = {};
    if (changes.name !== undefined && changes.name.trim() !== current.name) {
      set.name = changes.name.trim();
      diff.name = { from: current.name, to: set.name };
    }
    if (changes.role !== undefined && changes.role !== current.role) {
      set.role = changes.role;
      diff.role = { from: current.role, to: changes.role };
    }
    if (changes.disabled !== undefined && changes.disabled !== (current.disabledAt !== null)) {
      set.disabledAt = changes.disabled ? now : null;
      diff.disabled = { from: !changes.disabled, to: changes.disabled };
    }
    if (Object.keys(set).length === 0) return toView(current);
    const row = (
      await tx
        .update(staff)
        .set({ ...set, updatedAt: now })
        .where(eq(staff.id, id))
        .returning()
    )[0];
    if (changes.disabled || diff.role) {
      // A new role or a disabled account must not ride on an old session.
      await tx
        .update(staffSessions)
        .set({ revokedAt: now })
        .where(and(eq(staffSessions.staffId, id), isNull(staffSessions.revokedAt)));
    }
    const action = diff.disabled ? (changes.disabled ? 'staff.disable' : 'staff.enable') : 'staff.update';
    await recordAuditEvent(tx, now, {
      actor: { type: 'staff', id: by.staffId, label: by.email },
      action,
      target: { type: 'staff', id },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { changes: diff },
    });
    return toView(row);
  });
}

/** For the operator CLI: disable by email, recorded as a system action. */
export async function disableStaffByEmail(deps: Deps, email: string): Promise<StaffView> {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const current = (
      await tx
        .select()
        .from(staff)
        .where(eq(staff.email, normaliseEmail(email)))
        .limit(1)
    )[0];
    if (!current) throw new AppError('not_found', `No staff member with email ${email}.`);
    if (current.disabledAt) return toView(current);
    const row = (await tx.update(staff).set({ disabledAt: now, updatedAt: now }).where(eq(staff.id, current.id)).returning())[0];
    await tx
      .update(staffSessions)
      .set({ revokedAt: now })
      .where(and(eq(staffSessions.staffId, current.id), isNull(staffSessions.revokedAt)));
    await recordAuditEvent(tx, now, {
      actor: { type: 'system', label: 'operator cli' },
      action: 'staff.disable',
      target: { type: 'staff', id: current.id },
      details: { changes: { disabled: { from: false, to: true } } },
    });
    return toView(row);
  });
}

export const staffSortable = ['id', 'email', 'name', 'role', 'createdAt', 'lastLoginAt'] as const;

export async function listStaff(deps: Deps, q: ListQuery<(typeof staffSortable)[number]>): Promise<{ rows: StaffView[]; total: number }> {
  const conditions: (SQL | undefined)[] = [];
  const ids = filterIds(q.filter);
  if (ids) conditions.push(inArray(staff.id, ids));
  const role = filterString(q.filter, 'role');
  if (role) conditions.push(eq(staff.role, role as StaffRole));
  const text = filterString(q.filter, 'q');
  if (text) conditions.push(or(dialectSql.like(deps.db.engine, staff.email, `%${text}%`), dialectSql.like(deps.db.engine, staff.name, `%${text}%`)));
  if (q.filter.disabled !== undefined) conditions.push(q.filter.disabled ? undefined : isNull(staff.disabledAt));
  const where = and(...conditions);
  const column = { id: staff.id, email: staff.email, name: staff.name, role: staff.role, createdAt: staff.createdAt, lastLoginAt: staff.lastLoginAt }[
    q.sortField
  ];
  const dir = q.sortOrder === 'ASC' ? asc : desc;
  const rows = await deps.db.select().from(staff).where(where).orderBy(dir(column), dir(staff.id)).limit(q.limit).offset(q.offset);
  const total = (await deps.db.select({ n: count() }).from(staff).where(where).limit(1))[0]?.n ?? 0;
  return { rows: rows.map(toView), total };
}

export async function getStaff(deps: Deps, id: number): Promise<StaffView> {
  const row = (await deps.db.select().from(staff).where(eq(staff.id, id)).limit(1))[0];
  if (!row) throw new AppError('not_found', 'No such staff member.');
  return toView(row);
}

/**
 * Every staff member's display name and role, for any signed-in staff member:
 * the desk shows people by name everywhere (queue, case, timeline, audit).
 * No email, sign-in or 2FA data. Disabled members stay listed (`active:
 * false`) because history still names them. One query over a small table.
 */
export async function staffDirectory(deps: Deps): Promise<{ id: number; name: string; role: StaffRole; active: boolean }[]> {
  return (
    await deps.db.select({ id: staff.id, name: staff.name, role: staff.role, disabledAt: staff.disabledAt }).from(staff).orderBy(asc(staff.name), asc(staff.id))
  ).map((row) => ({ id: row.id, name: row.name, role: row.role, active: row.disabledAt === null }));
}
