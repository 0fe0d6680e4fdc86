import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ts } from './columns.ts';
import { users } from './users.ts';

export const staffRoles = ['agent', 'supervisor', 'auditor', 'admin'] as const;
export type StaffRole = (typeof staffRoles)[number];

/** Support staff. Sign-in is password and TOTP, always. */
export const staff = sqliteTable(
  'staff',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: staffRoles }).notNull(),
    passwordHash: text('password_hash').notNull(),
    totpSecretEnc: text('totp_secret_enc').notNull(),
    totpLastTimeStep: integer('totp_last_time_step'),
    userId: integer('user_id').references(() => users.id), // their own end-user account, if any (conflict of interest)
    disabledAt: ts('disabled_at'),
    lastLoginAt: ts('last_login_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('staff_email_uq').on(t.email)],
);

/**
 * Staff sessions. A row starts `pending_totp` after the password step and
 * becomes `active` (under a new id) after the TOTP step.
 */
export const staffSessions = sqliteTable(
  'staff_sessions',
  {
    id: text('id').primaryKey(), // sha256(token) hex
    staffId: integer('staff_id')
      .notNull()
      .references(() => staff.id),
    state: text('state', { enum: ['pending_totp', 'active'] }).notNull(),
    csrfToken: text('csrf_token'),
    createdAt: ts('created_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
    expiresAt: ts('expires_at').notNull(), // absolute limit
    revokedAt: ts('revoked_at'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('staff_sessions_staff_idx').on(t.staffId)],
);
