import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ts } from './columns.ts';
import { staff } from './staff.ts';

/** What a service key may do; each /service/v1 route needs exactly one. */
export const serviceScopes = ['withdrawals:read', 'tokens:introspect', 'events:read', 'ledger:write', 'users:write'] as const;
export type ServiceScope = (typeof serviceScopes)[number];

/**
 * A machine caller inside the exchange (the wallet, the login service, the
 * ledger feeder). Its keys live in service_keys so a rotation can keep the old
 * key alive for an overlap window.
 */
export const serviceAccounts = sqliteTable(
  'service_accounts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    scopes: text('scopes').notNull(), // JSON array of ServiceScope, sorted
    createdAt: ts('created_at').notNull(),
    createdBy: integer('created_by').references(() => staff.id), // null when created from the CLI
    revokedAt: ts('revoked_at'),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('service_accounts_name_uq').on(t.name)],
);

/**
 * API keys of service accounts. Keys are 256-bit random strings, so a plain
 * SHA-256 is a sufficient one-way hash (no slow password hash needed); only
 * the hash and a short prefix for recognition are stored.
 */
export const serviceKeys = sqliteTable(
  'service_keys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: integer('account_id')
      .notNull()
      .references(() => serviceAccounts.id),
    keyHash: text('key_hash').notNull(), // sha256(key) hex
    prefix: text('prefix').notNull(), // e.g. rbk_live_ab12cd34, shown to people
    createdAt: ts('created_at').notNull(),
    // Set when the key is rotated away: it keeps working until then (the overlap window).
    expiresAt: ts('expires_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('service_keys_hash_uq').on(t.keyHash), index('service_keys_account_idx').on(t.accountId)],
);
