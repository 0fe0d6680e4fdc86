import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ts } from './columns.ts';

/** End users of the exchange: the people whose 2FA tools Rebind manages. */
export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    email: text('email').notNull(), // lower-cased; PII, masked for agents
    displayName: text('display_name').notNull().default(''),
    passwordHash: text('password_hash').notNull(), // argon2id
    status: text('status', { enum: ['active', 'frozen', 'disabled'] })
      .notNull()
      .default('active'),
    frozenAt: ts('frozen_at'),
    frozenReason: text('frozen_reason'),
    withdrawalLockUntil: ts('withdrawal_lock_until'),
    valueTier: text('value_tier', { enum: ['retail', 'active', 'vip', 'institutional'] })
      .notNull()
      .default('retail'),
    country: text('country'),
    passwordChangedAt: ts('password_changed_at'),
    emailChangedAt: ts('email_changed_at'),
    // The exchange's own id for this user, set by PUT /service/v1/users/{externalId}.
    externalId: text('external_id'),
    // The exchange's KYC level (0 = none); null when the exchange never said.
    kycLevel: integer('kyc_level'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('users_email_uq').on(t.email), uniqueIndex('users_external_id_uq').on(t.externalId), index('users_created_idx').on(t.createdAt)],
);

/** Bearer sessions of end users; only the SHA-256 of the token is stored. */
export const userSessions = sqliteTable(
  'user_sessions',
  {
    id: text('id').primaryKey(), // sha256(token) hex
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: ts('created_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
    // A fresh 2FA verification inside this session (step-up), for sensitive settings.
    stepUpAt: ts('step_up_at'),
    stepUpChallenge: text('step_up_challenge'), // pending WebAuthn challenge for the step-up
    // How the session was authenticated, RFC 8176 values as a JSON array (token introspection's amr).
    amr: text('amr'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('user_sessions_user_idx').on(t.userId)],
);

/** Step 2 of end-user sign-in: a short-lived challenge after the password. */
export const loginChallenges = sqliteTable(
  'login_challenges',
  {
    id: text('id').primaryKey(), // sha256(challengeId) hex
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    webauthnChallenge: text('webauthn_challenge'),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    consumedAt: ts('consumed_at'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('login_challenges_user_idx').on(t.userId)],
);

/** IPs and devices seen on an account, for the "never seen before" risk signal. */
export const userSightings = sqliteTable(
  'user_sightings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind', { enum: ['ip', 'device'] }).notNull(),
    value: text('value').notNull(),
    firstSeenAt: ts('first_seen_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
  },
  (t) => [uniqueIndex('user_sightings_uq').on(t.userId, t.kind, t.value), index('user_sightings_value_idx').on(t.kind, t.value)],
);

/** "This wasn't me" links sent after a security change; following one freezes the account. */
export const freezeTokens = sqliteTable(
  'freeze_tokens',
  {
    id: text('id').primaryKey(), // sha256(token) hex
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    reason: text('reason').notNull(), // the event that triggered the notification, e.g. totp.change
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [index('freeze_tokens_user_idx').on(t.userId)],
);

/** Three security questions per user; answers normalised then hashed with argon2id. */
export const securityQuestions = sqliteTable(
  'security_questions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    position: integer('position').notNull(),
    prompt: text('prompt').notNull(),
    answerHash: text('answer_hash').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [uniqueIndex('security_questions_uq').on(t.userId, t.position)],
);
