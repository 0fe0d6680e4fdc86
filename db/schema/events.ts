import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ts } from './columns.ts';
import { users } from './users.ts';

/**
 * Security events for the exchange's systems (webhooks and the pull feed).
 * Written in the transaction of the change they describe, under the audit
 * chain head lock, which also hands out `id`: ids are 1, 2, 3… in commit
 * order, so a reader that has seen id n has seen every event before it.
 */
export const securityEvents = sqliteTable(
  'security_events',
  {
    id: integer('id').primaryKey(), // the feed cursor; assigned under the audit chain lock
    publicId: text('public_id').notNull(), // evt_…, the webhook-id
    type: text('type').notNull(), // factor.bound, case.approved…
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    userExternalId: text('user_external_id'),
    occurredAt: ts('occurred_at').notNull(),
    data: text('data').notNull().default('{}'), // JSON: ids and states only, no secrets, codes or personal data
  },
  (t) => [uniqueIndex('security_events_public_id_uq').on(t.publicId), index('security_events_user_idx').on(t.userId, t.id)],
);

/** Where security events are pushed (Standard Webhooks). Secrets sealed with the master key. */
export const webhookEndpoints = sqliteTable('webhook_endpoints', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  url: text('url').notNull(),
  description: text('description').notNull().default(''),
  eventTypes: text('event_types').notNull().default(''), // comma-separated; empty = every type
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  secretEnc: text('secret_enc').notNull(),
  // After a rotation the old secret still signs (beside the new one) until this instant.
  previousSecretEnc: text('previous_secret_enc'),
  previousSecretExpiresAt: ts('previous_secret_expires_at'),
  // Every attempt since this instant has failed (null after a success).
  failingSince: ts('failing_since'),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  disabledAt: ts('disabled_at'),
  disabledReason: text('disabled_reason'), // admin | failing
  // The last event id when it was disabled: re-enabling queues the events after it.
  disabledAfterEventId: integer('disabled_after_event_id'),
  version: integer('version').notNull().default(1),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

/** One row per (endpoint, event): its state in the retry schedule. */
export const eventDeliveries = sqliteTable(
  'event_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    endpointId: integer('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    eventId: integer('event_id')
      .notNull()
      .references(() => securityEvents.id),
    userId: integer('user_id').notNull(),
    status: text('status', { enum: ['pending', 'sending', 'delivered', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0), // attempts in the current schedule (a redelivery starts a new one)
    nextAttemptAt: ts('next_attempt_at').notNull(),
    leaseUntil: ts('lease_until'),
    // What the next attempt is: the retry schedule, or an admin's redelivery (logged as such).
    nextTrigger: text('next_trigger', { enum: ['schedule', 'manual'] })
      .notNull()
      .default('schedule'),
    lastAttemptAt: ts('last_attempt_at'),
    lastStatusCode: integer('last_status_code'),
    lastErrorClass: text('last_error_class'),
    deliveredAt: ts('delivered_at'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('event_deliveries_endpoint_event_uq').on(t.endpointId, t.eventId),
    index('event_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('event_deliveries_order_idx').on(t.endpointId, t.userId, t.eventId),
  ],
);

/** Every HTTP attempt: status, time taken and an error class. Never a secret, never the response body. */
export const eventDeliveryAttempts = sqliteTable(
  'event_delivery_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => eventDeliveries.id),
    endpointId: integer('endpoint_id').notNull(),
    eventId: integer('event_id').notNull(),
    trigger: text('trigger', { enum: ['schedule', 'manual'] }).notNull(),
    attemptedAt: ts('attempted_at').notNull(),
    statusCode: integer('status_code'),
    durationMs: integer('duration_ms').notNull(),
    errorClass: text('error_class'), // null on success; http_status, timeout, connection, dns, tls, invalid_request, signing, other
  },
  (t) => [index('event_delivery_attempts_delivery_idx').on(t.deliveryId, t.id), index('event_delivery_attempts_endpoint_idx').on(t.endpointId, t.id)],
);
