import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { ts } from './columns.ts';

/** Failure counters and locks, kept in the database so they hold across restarts and processes. */
export const rateLimitBuckets = sqliteTable('rate_limit_buckets', {
  key: text('key').primaryKey(), // e.g. staff-login:<email>, sms-send:user:<id>
  count: integer('count').notNull(),
  windowStartedAt: ts('window_started_at').notNull(),
  lockedUntil: ts('locked_until'),
});

/**
 * Outgoing email and SMS (transactional outbox). Bodies are encrypted: they
 * carry one-time codes and links. Without a provider configured, messages stay
 * here with status `dev` and the admin outbox shows them.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channel: text('channel', { enum: ['email', 'sms'] }).notNull(),
    recipientEnc: text('recipient_enc').notNull(),
    recipientMasked: text('recipient_masked').notNull(),
    subject: text('subject').notNull(),
    bodyEnc: text('body_enc').notNull(),
    template: text('template').notNull(),
    userId: integer('user_id'),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed', 'dev'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull(),
    sentAt: ts('sent_at'),
    // While `sending`: the instance that claimed it has until then; after it, another may retry.
    leaseUntil: ts('lease_until'),
  },
  (t) => [index('outbox_status_idx').on(t.status, t.id)],
);

/** Operator-editable settings (lock durations, SLA per band...), JSON values. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: ts('updated_at').notNull(),
  updatedBy: integer('updated_by'),
});
