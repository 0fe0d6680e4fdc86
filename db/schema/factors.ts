import { sqliteTable, integer, text, blob, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ts } from './columns.ts';
import { users } from './users.ts';

/**
 * Every 2FA tool ever bound. Revoked rows stay: together with factor_history
 * they are the account's factor history.
 */
export const userFactors = sqliteTable(
  'user_factors',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    type: text('type', { enum: ['totp', 'sms', 'passkey'] }).notNull(),
    name: text('name').notNull().default(''),
    status: text('status', { enum: ['active', 'revoked'] })
      .notNull()
      .default('active'),
    // TOTP: AES-256-GCM ciphertext of the base32 key; last accepted time step (replay guard)
    totpSecretEnc: text('totp_secret_enc'),
    totpLastTimeStep: integer('totp_last_time_step'),
    // SMS: encrypted E.164 number, its HMAC for look-ups, last digits for masking
    phoneEnc: text('phone_enc'),
    phoneHash: text('phone_hash'),
    phoneLast: text('phone_last'),
    phoneCountry: text('phone_country'),
    // Passkey: credential id (base64url), public key, signature counter
    credentialId: text('credential_id'),
    publicKey: blob('public_key', { mode: 'buffer' }),
    signCount: integer('sign_count'),
    transports: text('transports'), // JSON array
    boundAt: ts('bound_at').notNull(),
    boundIp: text('bound_ip'),
    boundUserAgent: text('bound_user_agent'),
    revokedAt: ts('revoked_at'),
    revokedIp: text('revoked_ip'),
    revokedUserAgent: text('revoked_user_agent'),
    revokedReason: text('revoked_reason'),
    lastUsedAt: ts('last_used_at'),
  },
  (t) => [
    index('user_factors_user_idx').on(t.userId, t.status),
    uniqueIndex('user_factors_credential_uq').on(t.credentialId),
    index('user_factors_phone_idx').on(t.phoneHash),
  ],
);

/** Append-only history of factor events (bound, revoked, counter regression...). */
export const factorHistory = sqliteTable(
  'factor_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    factorId: integer('factor_id')
      .notNull()
      .references(() => userFactors.id),
    event: text('event', { enum: ['bound', 'revoked', 'counter_regression'] }).notNull(),
    at: ts('at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    operationId: text('operation_id'),
    caseId: integer('case_id'),
  },
  (t) => [index('factor_history_user_idx').on(t.userId, t.at)],
);

/**
 * Email and SMS one-time codes. Only a keyed hash of the code is stored; a code
 * is bound to exactly one subject (operation, case, login challenge).
 */
export const oneTimeCodes = sqliteTable(
  'one_time_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id').references(() => users.id),
    channel: text('channel', { enum: ['email', 'sms'] }).notNull(),
    purpose: text('purpose').notNull(), // operation_email, operation_sms, login_sms, case_email, rebind_sms, new_phone
    subjectId: text('subject_id').notNull(),
    destinationHash: text('destination_hash'),
    codeHash: text('code_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    consumedAt: ts('consumed_at'),
    replacedAt: ts('replaced_at'),
  },
  (t) => [index('one_time_codes_subject_idx').on(t.purpose, t.subjectId)],
);

/** A bind / change / unbind operation: a server-side state machine of the help-center steps. */
export const securityOperations = sqliteTable(
  'security_operations',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    action: text('action', { enum: ['bind', 'change', 'unbind'] }).notNull(),
    factorType: text('factor_type', { enum: ['totp', 'sms', 'passkey'] }).notNull(),
    factorId: integer('factor_id').references(() => userFactors.id),
    state: text('state', {
      enum: ['email_pending', 'twofa_pending', 'new_factor_pending', 'new_factor_verify', 'ready_to_commit', 'completed', 'expired', 'cancelled'],
    }).notNull(),
    pendingEnc: text('pending_enc'), // encrypted JSON: new TOTP key, new phone, WebAuthn challenge
    caseId: integer('case_id'), // set when this is the rebind after an approved reset case
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    completedAt: ts('completed_at'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('security_operations_user_idx').on(t.userId, t.createdAt)],
);
