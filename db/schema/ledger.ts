import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { ts } from './columns.ts';
import { users } from './users.ts';

/** The exchange's deposit ledger, imported from CSV; transfer records are matched against it. */
export const deposits = sqliteTable(
  'deposits',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id').references(() => users.id),
    email: text('email').notNull(),
    asset: text('asset').notNull(),
    network: text('network').notNull(),
    amount: text('amount').notNull(), // decimal string, exact
    txid: text('txid').notNull(),
    platform: text('platform').notNull(),
    creditedAt: ts('credited_at').notNull(),
    importedAt: ts('imported_at').notNull(),
  },
  (t) => [index('deposits_user_idx').on(t.userId, t.creditedAt), index('deposits_txid_idx').on(t.txid), index('deposits_email_idx').on(t.email)],
);

/** References to the KYC provider's records; no images are stored here. */
export const kycReferences = sqliteTable(
  'kyc_references',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    provider: text('provider').notNull(),
    level: text('level', { enum: ['basic', 'advanced'] }).notNull(),
    selfieRef: text('selfie_ref').notNull(), // the enrolled KYC selfie biometric checks compare against
    documentRef: text('document_ref'),
    documentCountry: text('document_country'),
    verifiedAt: ts('verified_at').notNull(),
  },
  (t) => [index('kyc_references_user_idx').on(t.userId)],
);
