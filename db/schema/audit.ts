import { sql } from 'drizzle-orm';
import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { ts } from './columns.ts';

/**
 * The audit trail. Append-only (triggers refuse UPDATE and DELETE) and
 * hash-chained: hash = SHA-256(prevHash + canonical JSON of the event).
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey(), // sequence number, 1, 2, 3... without gaps
    ts: ts('ts').notNull(),
    actorType: text('actor_type', { enum: ['staff', 'user', 'system', 'service'] }).notNull(),
    actorId: text('actor_id'),
    actorLabel: text('actor_label'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    ip: text('ip'),
    requestId: text('request_id'),
    details: text('details').notNull().default('{}'), // canonical JSON
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_events_ts_idx').on(t.ts),
    index('audit_events_action_idx').on(t.action, t.id),
    index('audit_events_actor_idx').on(t.actorType, t.actorId, t.id),
    index('audit_events_target_idx').on(t.targetType, t.targetId, t.id),
    // A case's story without its views (the case screen's timeline): a case viewed ten thousand
    // times must not make each view read ten thousand rows to skip them.
    index('audit_events_target_story_idx').on(t.targetType, t.targetId, t.id).where(sql`action <> 'case.view'`),
  ],
);

/** The chain head, so deleting events from the end is detected too. One row, id 1. */
export const auditHead = sqliteTable('audit_head', {
  id: integer('id').primaryKey(),
  lastId: integer('last_id').notNull(),
  lastHash: text('last_hash').notNull(),
});
