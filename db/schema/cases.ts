import { sqliteTable, integer, text, real, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ts } from './columns.ts';
import { users } from './users.ts';
import { staff } from './staff.ts';

export const caseStatuses = [
  'draft',
  'submitted',
  'in_review',
  'info_requested',
  'escalated',
  'awaiting_second_approval',
  'approved',
  'rejected',
  'completed',
  'expired',
  'abandoned',
  'cancelled',
] as const;
export type CaseStatus = (typeof caseStatuses)[number];

export const evidenceMethods = ['security_questions', 'biometric', 'transfer_record'] as const;
export type EvidenceMethod = (typeof evidenceMethods)[number];

/** A 2FA reset case: filed by someone who lost every tool, decided by staff. */
export const cases = sqliteTable(
  'cases',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    status: text('status', { enum: caseStatuses }).notNull(),
    version: integer('version').notNull().default(1),
    methods: text('methods').notNull().default(''), // comma list of evidence methods attached
    maskedEmail: text('masked_email').notNull(), // what agents see and search on
    riskScore: integer('risk_score'),
    riskBand: text('risk_band', { enum: ['low', 'medium', 'high'] }),
    riskSignals: text('risk_signals'), // JSON [{signal, weight, detail}]
    slaDueAt: ts('sla_due_at'),
    assigneeId: integer('assignee_id').references(() => staff.id),
    claimedAt: ts('claimed_at'),
    lastActivityAt: ts('last_activity_at'),
    firstApproverId: integer('first_approver_id').references(() => staff.id),
    firstApprovedAt: ts('first_approved_at'),
    decidedById: integer('decided_by_id').references(() => staff.id),
    decidedAt: ts('decided_at'),
    reasonCode: text('reason_code'),
    caseTokenHash: text('case_token_hash').notNull(),
    emailVerifiedAt: ts('email_verified_at'),
    questionAttempts: integer('question_attempts').notNull().default(0),
    requestIp: text('request_ip'),
    deviceId: text('device_id'),
    userAgent: text('user_agent'),
    rebindTokenHash: text('rebind_token_hash'),
    rebindExpiresAt: ts('rebind_expires_at'),
    submittedAt: ts('submitted_at'),
    completedAt: ts('completed_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    index('cases_status_sla_idx').on(t.status, t.slaDueAt),
    index('cases_sla_idx').on(t.slaDueAt),
    index('cases_assignee_idx').on(t.assigneeId, t.slaDueAt),
    index('cases_user_idx').on(t.userId, t.createdAt),
    index('cases_created_idx').on(t.createdAt),
    index('cases_ip_idx').on(t.requestIp),
    index('cases_device_idx').on(t.deviceId),
    index('cases_decided_idx').on(t.decidedAt),
    uniqueIndex('cases_rebind_uq').on(t.rebindTokenHash),
    uniqueIndex('cases_token_uq').on(t.caseTokenHash),
  ],
);

/** Evidence attached to a case, with what the system checked. Never raw answers or images. */
export const caseEvidence = sqliteTable(
  'case_evidence',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    caseId: integer('case_id')
      .notNull()
      .references(() => cases.id),
    method: text('method', { enum: evidenceMethods }).notNull(),
    status: text('status', { enum: ['pending', 'received', 'failed'] }).notNull(),
    submitted: text('submitted'), // JSON of what the user sent (transfer record fields), never answers
    checked: text('checked'), // JSON of what the system found (matched 2/3, ledger diff, scores)
    txid: text('txid'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('case_evidence_case_idx').on(t.caseId), index('case_evidence_txid_idx').on(t.txid)],
);

/** Biometric sessions with the provider: only its reference, scores and decision. */
export const biometricSessions = sqliteTable(
  'biometric_sessions',
  {
    id: text('id').primaryKey(),
    caseId: integer('case_id')
      .notNull()
      .references(() => cases.id),
    providerRef: text('provider_ref').notNull(),
    status: text('status', { enum: ['pending', 'completed', 'failed'] }).notNull(),
    liveness: real('liveness'),
    faceMatch: real('face_match'),
    decision: text('decision'),
    createdAt: ts('created_at').notNull(),
    completedAt: ts('completed_at'),
  },
  (t) => [index('biometric_sessions_case_idx').on(t.caseId), uniqueIndex('biometric_sessions_ref_uq').on(t.providerRef)],
);

/** Provider webhook deliveries already processed (idempotency). */
export const webhookDeliveries = sqliteTable('webhook_deliveries', {
  id: text('id').primaryKey(), // provider event id
  source: text('source').notNull(),
  receivedAt: ts('received_at').notNull(),
});

/** Staff notes on a case: internal, or shown to the user on the case status. */
export const caseNotes = sqliteTable(
  'case_notes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    caseId: integer('case_id')
      .notNull()
      .references(() => cases.id),
    authorType: text('author_type', { enum: ['staff', 'user', 'system'] }).notNull(),
    staffId: integer('staff_id').references(() => staff.id),
    visibility: text('visibility', { enum: ['internal', 'user'] }).notNull(),
    body: text('body').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [index('case_notes_case_idx').on(t.caseId, t.createdAt)],
);

/** Managed reason codes for rejections and requests for information. */
export const reasonCodes = sqliteTable('reason_codes', {
  code: text('code').primaryKey(),
  kind: text('kind', { enum: ['reject', 'request_info'] }).notNull(),
  label: text('label').notNull(),
  userMessage: text('user_message').notNull(), // the category the user is told
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  createdAt: ts('created_at').notNull(),
});
