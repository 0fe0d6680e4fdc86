import { and, asc, desc, eq, inArray, isNull, lt, lte, notInArray } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { DbOrTx } from '../../db/client.ts';
import { AppError } from '../errors.ts';
import {
  biometricSessions,
  caseEvidence,
  caseNotes,
  cases,
  deposits,
  kycReferences,
  reasonCodes,
  securityOperations,
  securityQuestions,
  users,
  webhookDeliveries,
  type EvidenceMethod,
} from '../../db/schema/index.ts';
import { generateToken, sha256Hex } from '../crypto/tokens.ts';
import { verifyPassword } from '../crypto/password.ts';
import { appendSecurityEvent } from '../events/security-events.ts';
import { recordAuditEvent } from '../audit/audit-log.ts';
import { maskEmail } from '../platform/masking.ts';
import { takeToken } from '../platform/rate-limit.ts';
import { checkCode, issueCode } from '../codes/one-time-codes.ts';
import { assertVerificationUnlocked, verificationFailed, verificationSucceeded } from '../codes/verification-lock.ts';
import { enqueueMessage } from '../messaging/outbox.ts';
import { normaliseAnswer } from '../account/security-questions.ts';
import { notifySecurityChange } from '../account/notify.ts';
import { checkUserPassword, type UserContext } from '../end-user-auth/service.ts';
import { cancellableStatuses, openStatuses } from '../cases/case-rules.ts';
import { assessCase } from '../cases/assess.ts';
import { matchTransfer, type TransferRecord } from '../cases/transfer-match.ts';
import { startNewFactor, verifyNewFactor } from '../security-operations/service.ts';
import type { FactorType } from '../factors/factor-store.ts';
import { biometricWebhookSecret, verifyWebhookSignature } from './biometric.ts';
import { expectedDecision, queueMedianDecisionMs } from './expected-decision.ts';

type CaseRow = typeof cases.$inferSelect;

export const MAX_QUESTION_ATTEMPTS = 3;
const DRAFT_TTL_MS = 24 * 3_600_000;
const STEPS_PER_HOUR = 60;
const EMAILS_PER_HOUR = 10;

/** Every case step counts against the account too, not only the address. */
async function stepBudget(tx: DbOrTx, deps: Deps, userId: number) {
  const taken = await takeToken(tx, `case-step:user:${userId}`, deps.clock(), STEPS_PER_HOUR, 3_600_000);
  if (!taken.ok) throw new AppError('rate_limited', undefined, { retryAfterSeconds: taken.retryAfterSeconds }, taken.retryAfterSeconds);
}

async function audit(
  tx: DbOrTx,
  deps: Deps,
  c: Pick<CaseRow, 'id' | 'userId'>,
  action: string,
  ctx: Partial<UserContext>,
  details: Record<string, unknown> = {},
) {
  await recordAuditEvent(tx, deps.clock(), {
    actor: { type: 'user', id: c.userId, label: 'case requester' },
    action,
    target: { type: 'case', id: c.id },
    ip: ctx.ip,
    requestId: ctx.requestId,
    details,
  });
}

async function sendCaseEmailCode(tx: DbOrTx, deps: Deps, c: Pick<CaseRow, 'id' | 'userId'>, email: string) {
  const taken = await takeToken(tx, `email-send:user:${c.userId}`, deps.clock(), EMAILS_PER_HOUR, 3_600_000);
  if (!taken.ok)
    throw new AppError('rate_limited', 'Too many emails; try again later.', { retryAfterSeconds: taken.retryAfterSeconds }, taken.retryAfterSeconds);
  const code = await issueCode(tx, deps, { purpose: 'case_email', subjectId: String(c.id), userId: c.userId, channel: 'email', destination: email });
  await enqueueMessage(tx, deps, {
    channel: 'email',
    to: email,
    recipientMasked: maskEmail(email),
    subject: 'Your 2FA reset verification code',
    body: `Your verification code is ${code}. It is valid for 10 minutes and only for your 2FA reset request #${c.id}.\n\nIf you did not ask to reset your 2FA, do not share this code and change your password.`,
    template: 'case_email_code',
    userId: c.userId,
  });
}

/**
 * Step 1 of the reset: the account password (same answer and time for an
 * unknown email). Opens a draft case; nothing about the account changes.
 */
export async function fileCase(deps: Deps, input: { email: string; password: string }, ctx: UserContext) {
  const user = await checkUserPassword(deps, input.email, input.password, ctx, 'recovery');
  const now = deps.clock();
  const caseToken = generateToken(deps.random);
  return deps.db.transaction(async (tx) => {
    await stepBudget(tx, deps, user.id);
    const open = await tx
      .select()
      .from(cases)
      .where(and(eq(cases.userId, user.id), inArray(cases.status, [...openStatuses, 'approved'])));
    // A draft left behind (lost token, closed tab) is replaced; anything further along is not.
    for (const c of open) {
      if (c.status !== 'draft')
        throw new AppError('case_open', 'A reset request for this account is already open: follow it with the link from your email, or cancel it first.');
      await tx
        .update(cases)
        .set({ status: 'abandoned', version: c.version + 1, updatedAt: now })
        .where(eq(cases.id, c.id));
      await audit(tx, deps, c, 'case.abandon', ctx, { reason: 'replaced_by_new_filing' });
    }
    const lastRejected = (
      await tx
        .select()
        .from(cases)
        .where(and(eq(cases.userId, user.id), eq(cases.status, 'rejected')))
        .orderBy(desc(cases.decidedAt))
        .limit(1)
    )[0];
    if (lastRejected?.decidedAt && now.getTime() - lastRejected.decidedAt.getTime() < deps.config.caseCooldownMs) {
      const until = new Date(lastRejected.decidedAt.getTime() + deps.config.caseCooldownMs);
      throw new AppError('cooldown', `A recent request was not approved; you can file again after ${until.toISOString()}.`, { until: until.toISOString() });
    }
    const row = (
      await tx
        .insert(cases)
        .values({
          userId: user.id,
          status: 'draft',
          maskedEmail: maskEmail(user.email),
          caseTokenHash: sha256Hex(caseToken),
          requestIp: ctx.ip,
          deviceId: ctx.deviceId,
          userAgent: ctx.userAgent,
          createdAt: now,
          updatedAt: now,
          lastActivityAt: null,
        })
        .returning()
    )[0];
    await sendCaseEmailCode(tx, deps, row, user.email);
    await audit(tx, deps, row, 'case.file', ctx);
    return { caseId: row.id, caseToken, status: row.status, emailSentTo: maskEmail(user.email), next: 'verify_email' };
  });
}

/** The case behind a bearer case token; another case's id is a 404, a wrong token a 401. */
export async function loadCaseForToken(deps: Deps, caseId: number, token: string): Promise<CaseRow> {
  const row = (
    await deps.db
      .select()
      .from(cases)
      .where(eq(cases.caseTokenHash, sha256Hex(token)))
      .limit(1)
  )[0];
  if (!row) throw new AppError('unauthenticated', 'This case link is not valid.');
  if (row.id !== caseId) throw new AppError('not_found', 'No such case.');
  return row;
}

function requireDraftWithEmail(c: CaseRow, allowInfoRequested = false) {
  if (c.status !== 'draft' && !(allowInfoRequested && c.status === 'info_requested'))
    throw new AppError('invalid_state', `The case is ${c.status}.`, { status: c.status });
  if (!c.emailVerifiedAt) throw new AppError('invalid_state', 'Verify your email first.', { status: c.status, step: 'email' });
}

export async function resendCaseEmail(deps: Deps, c: CaseRow) {
  if (c.status !== 'draft' || c.emailVerifiedAt) throw new AppError('invalid_state', 'No email code is pending.');
  const user = (await deps.db.select().from(users).where(eq(users.id, c.userId)).limit(1))[0]!;
  await deps.db.transaction(async (tx) => await sendCaseEmailCode(tx, deps, c, user.email));
  return { emailSentTo: maskEmail(user.email) };
}

/** Step 2: the email code. */
export async function verifyCaseEmail(deps: Deps, c: CaseRow, code: string, ctx: UserContext) {
  if (c.status !== 'draft') throw new AppError('invalid_state', `The case is ${c.status}.`);
  if (c.emailVerifiedAt) throw new AppError('invalid_state', 'The email is already verified.');
  await assertVerificationUnlocked(deps, c.userId);
  const now = deps.clock();
  const result = await deps.db.transaction(async (tx) => {
    await stepBudget(tx, deps, c.userId);
    const check = await checkCode(tx, deps, { purpose: 'case_email', subjectId: String(c.id), code });
    if (!check.ok) return check;
    await verificationSucceeded(tx, c.userId);
    const updated = (
      await tx
        .update(cases)
        .set({ emailVerifiedAt: now, version: c.version + 1, updatedAt: now })
        .where(and(eq(cases.id, c.id), eq(cases.version, c.version)))
        .returning()
    )[0];
    if (!updated) throw new AppError('stale_version');
    await audit(tx, deps, c, 'case.email_verified', ctx);
    return { ok: true as const };
  });
  if (!result.ok) throw await verificationFailed(deps, c.userId, ctx, { method: 'email', reason: result.reason, stage: 'case' });
  return caseStatusView(deps, c.id);
}

async function availableMethods(db: DbOrTx, userId: number): Promise<EvidenceMethod[]> {
  const methods: EvidenceMethod[] = [];
  if ((await db.select({ id: securityQuestions.id }).from(securityQuestions).where(eq(securityQuestions.userId, userId)).limit(1))[0])
    methods.push('security_questions');
  if ((await db.select({ id: kycReferences.id }).from(kycReferences).where(eq(kycReferences.userId, userId)).limit(1))[0]) methods.push('biometric');
  methods.push('transfer_record');
  return methods;
}

/** What the requester sees: status, what is asked of them, user-visible notes. Never what matched. */
export async function caseStatusView(deps: Deps, caseId: number, db: DbOrTx = deps.db) {
  const c = (await db.select().from(cases).where(eq(cases.id, caseId)).limit(1))[0]!;
  const evidence = await db.select().from(caseEvidence).where(eq(caseEvidence.caseId, caseId)).orderBy(asc(caseEvidence.id));
  const notes = await db
    .select()
    .from(caseNotes)
    .where(and(eq(caseNotes.caseId, caseId), eq(caseNotes.visibility, 'user')))
    .orderBy(asc(caseNotes.id));
  const reason = c.reasonCode ? (await db.select().from(reasonCodes).where(eq(reasonCodes.code, c.reasonCode)).limit(1))[0] : undefined;
  const prompts = c.emailVerifiedAt
    ? (
        await db
          .select({ prompt: securityQuestions.prompt })
          .from(securityQuestions)
          .where(eq(securityQuestions.userId, c.userId))
          .orderBy(asc(securityQuestions.position))
      ).map((q) => q.prompt)
    : [];
  const canAddEvidence = (c.status === 'draft' || c.status === 'info_requested') && c.emailVerifiedAt !== null;
  // The case (re-)entered the queue at submission or at the requester's latest reply.
  const lastReply = notes.filter((n) => n.authorType === 'user').at(-1)?.createdAt ?? null;
  const queuedAt = c.submittedAt && lastReply && lastReply > c.submittedAt ? lastReply : c.submittedAt;
  const expected = c.submittedAt
    ? expectedDecision({
        status: c.status,
        queuedAt,
        now: deps.clock(),
        medianMs: await queueMedianDecisionMs(deps, db),
        slaBoundMs: Math.max(...Object.values(deps.config.slaMs)),
      })
    : null;
  return {
    caseId: c.id,
    status: c.status,
    emailVerified: c.emailVerifiedAt !== null,
    availableMethods: c.emailVerifiedAt ? await availableMethods(db, c.userId) : [],
    questions: canAddEvidence && c.questionAttempts < MAX_QUESTION_ATTEMPTS ? prompts : [],
    questionAttemptsLeft: Math.max(0, MAX_QUESTION_ATTEMPTS - c.questionAttempts),
    evidence: evidence.map((e) => ({ method: e.method, received: true, at: e.updatedAt.toISOString() })),
    requestedInformation: c.status === 'info_requested' && reason ? reason.userMessage : null,
    decision:
      c.status === 'rejected' && reason
        ? { reasonCategory: reason.userMessage }
        : c.status === 'approved' || c.status === 'completed'
          ? { approved: true }
          : null,
    notes: notes.map((n) => ({ from: n.authorType === 'user' ? 'you' : 'support', body: n.body, at: n.createdAt.toISOString() })),
    canSubmit: c.status === 'draft' && c.emailVerifiedAt !== null && evidence.length > 0,
    canCancel: cancellableStatuses.includes(c.status),
    canReply: c.status === 'info_requested',
    submittedAt: c.submittedAt?.toISOString() ?? null,
    expectedDecision: expected,
  };
}

export type EvidenceInput =
  | { method: 'security_questions'; answers: string[] }
  | { method: 'biometric' }
  | ({ method: 'transfer_record'; email: string } & TransferRecord);

/** Step 3: identity evidence. The answer is the same whatever matched (no oracle). */
export async function addEvidence(deps: Deps, c: CaseRow, input: EvidenceInput, ctx: UserContext) {
  requireDraftWithEmail(c, true);
  if (!(await availableMethods(deps.db, c.userId)).includes(input.method))
    throw new AppError('rule_violation', 'This method is not available for this account.', { reason: 'method_unavailable' });
  const now = deps.clock();
  if (input.method === 'security_questions') {
    if (c.questionAttempts >= MAX_QUESTION_ATTEMPTS)
      throw new AppError('rule_violation', 'No attempts left for the security questions on this request.', { reason: 'attempts_exhausted' });
    await assertVerificationUnlocked(deps, c.userId);
    const stored = await deps.db.select().from(securityQuestions).where(eq(securityQuestions.userId, c.userId)).orderBy(asc(securityQuestions.position));
    if (input.answers.length !== stored.length)
      throw new AppError('validation_failed', `Answer all ${stored.length} questions.`, { fields: { answers: `${stored.length} answers` } });
    const matches = await Promise.all(stored.map((q, i) => verifyPassword(q.answerHash, normaliseAnswer(input.answers[i] ?? ''))));
    const matched = matches.filter(Boolean).length;
    await deps.db.transaction(async (tx) => {
      await stepBudget(tx, deps, c.userId);
      const fresh = (await tx.select().from(cases).where(eq(cases.id, c.id)).limit(1))[0]!;
      if (fresh.questionAttempts >= MAX_QUESTION_ATTEMPTS)
        throw new AppError('rule_violation', 'No attempts left for the security questions on this request.', { reason: 'attempts_exhausted' });
      const existing = (
        await tx
          .select()
          .from(caseEvidence)
          .where(and(eq(caseEvidence.caseId, c.id), eq(caseEvidence.method, 'security_questions')))
          .limit(1)
      )[0];
      const previous = existing?.checked ? (JSON.parse(existing.checked) as { attempts: { matched: boolean[]; at: string }[] }) : { attempts: [] };
      const attempts = [...previous.attempts, { matched: matches, at: now.toISOString() }];
      const checked = JSON.stringify({
        total: stored.length,
        bestMatched: Math.max(...attempts.map((a) => a.matched.filter(Boolean).length)),
        lastMatched: matched,
        attempts,
        prompts: stored.map((q) => q.prompt),
      });
      await upsertEvidence(tx, c.id, 'security_questions', { status: 'received', submitted: null, checked, txid: null }, now, existing?.id);
      await tx
        .update(cases)
        .set({ questionAttempts: fresh.questionAttempts + 1, methods: methodsWith(fresh.methods, 'security_questions'), updatedAt: now })
        .where(eq(cases.id, c.id));
      await audit(tx, deps, c, 'case.evidence', ctx, { method: 'security_questions', attempt: fresh.questionAttempts + 1, matched, total: stored.length });
    });
    // Wrong answers count toward the account's verification lock, silently.
    if (matched < stored.length)
      await verificationFailed(deps, c.userId, ctx, { method: 'security_questions', reason: `matched_${matched}_of_${stored.length}`, stage: 'case' });
    return { received: true, method: input.method, questionAttemptsLeft: MAX_QUESTION_ATTEMPTS - (c.questionAttempts + 1) };
  }

  if (input.method === 'biometric') {
    const kyc = (await deps.db.select().from(kycReferences).where(eq(kycReferences.userId, c.userId)).orderBy(desc(kycReferences.verifiedAt)).limit(1))[0]!;
    const pending = (
      await deps.db
        .select()
        .from(biometricSessions)
        .where(and(eq(biometricSessions.caseId, c.id), eq(biometricSessions.status, 'pending')))
        .limit(1)
    )[0];
    if (pending) throw new AppError('invalid_state', 'A biometric session is already waiting for its result.');
    const sessionId = `bio_${generateToken(deps.random).slice(0, 20)}`;
    const started = await deps.biometric.startSession({ caseId: c.id, sessionId, selfieRef: kyc.selfieRef });
    await deps.db.transaction(async (tx) => {
      await stepBudget(tx, deps, c.userId);
      await tx.insert(biometricSessions).values({ id: sessionId, caseId: c.id, providerRef: started.providerRef, status: 'pending', createdAt: now });
      const existing = (
        await tx
          .select()
          .from(caseEvidence)
          .where(and(eq(caseEvidence.caseId, c.id), eq(caseEvidence.method, 'biometric')))
          .limit(1)
      )[0];
      await upsertEvidence(
        tx,
        c.id,
        'biometric',
        {
          status: 'pending',
          submitted: null,
          checked: JSON.stringify({
            provider: deps.biometric.name,
            sessionId,
            providerRef: started.providerRef,
            status: 'pending',
            kycSelfieRef: kyc.selfieRef,
          }),
          txid: null,
        },
        now,
        existing?.id,
      );
      const fresh = (await tx.select().from(cases).where(eq(cases.id, c.id)).limit(1))[0]!;
      await tx
        .update(cases)
        .set({ methods: methodsWith(fresh.methods, 'biometric'), updatedAt: now })
        .where(eq(cases.id, c.id));
      await audit(tx, deps, c, 'case.evidence', ctx, { method: 'biometric', sessionId, provider: deps.biometric.name });
    });
    return { received: true, method: input.method, biometric: { sessionId, url: started.url } };
  }

  const user = (await deps.db.select().from(users).where(eq(users.id, c.userId)).limit(1))[0]!;
  const record: TransferRecord = {
    platform: input.platform,
    asset: input.asset,
    network: input.network,
    amount: input.amount,
    txid: input.txid.trim(),
    time: input.time,
  };
  const own = await deps.db.select().from(deposits).where(eq(deposits.userId, c.userId));
  const byTxid = await deps.db.select().from(deposits).where(eq(deposits.txid, record.txid));
  const match = matchTransfer(record, c.userId, own, byTxid);
  const ledgerRow = match.ledgerRowId ? [...own, ...byTxid].find((r) => r.id === match.ledgerRowId) : undefined;
  const emailMatches = input.email.trim().toLowerCase() === user.email;
  const checked = {
    ...match,
    result: emailMatches ? match.result : 'none',
    emailMatches,
    ledgerRow: ledgerRow
      ? {
          id: ledgerRow.id,
          asset: ledgerRow.asset,
          network: ledgerRow.network,
          amount: ledgerRow.amount,
          txid: ledgerRow.txid,
          platform: ledgerRow.platform,
          creditedAt: ledgerRow.creditedAt.toISOString(),
        }
      : null,
  };
  await deps.db.transaction(async (tx) => {
    await stepBudget(tx, deps, c.userId);
    const existing = (
      await tx
        .select()
        .from(caseEvidence)
        .where(and(eq(caseEvidence.caseId, c.id), eq(caseEvidence.method, 'transfer_record')))
        .limit(1)
    )[0];
    await upsertEvidence(
      tx,
      c.id,
      'transfer_record',
      {
        status: 'received',
        submitted: JSON.stringify({ email: maskEmail(input.email), ...record }),
        checked: JSON.stringify(checked),
        txid: record.txid.toLowerCase(),
      },
      now,
      existing?.id,
    );
    const fresh = (await tx.select().from(cases).where(eq(cases.id, c.id)).limit(1))[0]!;
    await tx
      .update(cases)
      .set({ methods: methodsWith(fresh.methods, 'transfer_record'), updatedAt: now })
      .where(eq(cases.id, c.id));
    await audit(tx, deps, c, 'case.evidence', ctx, { method: 'transfer_record', result: checked.result, differs: match.differs });
  });
  return { received: true, method: input.method };
}

async function upsertEvidence(
  tx: DbOrTx,
  caseId: number,
  method: EvidenceMethod,
  values: { status: 'pending' | 'received' | 'failed'; submitted: string | null; checked: string; txid: string | null },
  now: Date,
  existingId?: number,
) {
  if (existingId)
    await tx
      .update(caseEvidence)
      .set({ ...values, updatedAt: now })
      .where(eq(caseEvidence.id, existingId));
  else await tx.insert(caseEvidence).values({ caseId, method, ...values, createdAt: now, updatedAt: now });
}

function methodsWith(current: string, method: EvidenceMethod): string {
  const set = new Set(current.split(',').filter(Boolean));
  set.add(method);
  return [...set].sort().join(',');
}

/** The requester's way back to the status page: the case token rides in the fragment, never sent to a server. */
export function caseStatusLink(deps: Deps, caseId: number, caseToken: string): string {
  return `${deps.config.origin}/account/case/${caseId}#token=${caseToken}`;
}

/**
 * Into the queue: scored, with an SLA deadline from its band; the account
 * email is told, with a link back to the status page when the caller passes
 * the case token it holds (someone who lost every tool cannot sign in).
 */
export async function submitCase(deps: Deps, c: CaseRow, ctx: UserContext, caseToken?: string) {
  requireDraftWithEmail(c);
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    await stepBudget(tx, deps, c.userId);
    if (!(await tx.select({ id: caseEvidence.id }).from(caseEvidence).where(eq(caseEvidence.caseId, c.id)).limit(1))[0])
      throw new AppError('rule_violation', 'Add at least one identity verification first.', { reason: 'no_evidence' });
    const moved = (
      await tx
        .update(cases)
        .set({ status: 'submitted', submittedAt: now, lastActivityAt: now, version: c.version + 1, updatedAt: now })
        .where(and(eq(cases.id, c.id), eq(cases.version, c.version), eq(cases.status, 'draft')))
        .returning()
    )[0];
    if (!moved) throw new AppError('stale_version');
    const scored = await assessCase(tx, deps, moved, { setSla: true });
    const user = (await tx.select().from(users).where(eq(users.id, c.userId)).limit(1))[0]!;
    const follow = caseToken
      ? `Follow your request, answer questions from our support team or cancel it here (no password needed; keep this link to yourself): ${caseStatusLink(deps, c.id, caseToken)}`
      : undefined;
    await notifySecurityChange(
      tx,
      deps,
      c.userId,
      { email: user.email, phones: [] },
      `A request to reset every 2FA tool on your account (#${c.id}) was submitted for review`,
      'case.submit',
      follow,
    );
    await appendSecurityEvent(tx, deps, { type: 'case.submitted', userId: c.userId, data: { caseId: c.id, riskBand: scored.riskBand } });
    await audit(tx, deps, c, 'case.submit', ctx, { riskScore: scored.riskScore, riskBand: scored.riskBand, slaDueAt: scored.slaDueAt?.toISOString() });
    return caseStatusView(deps, c.id, tx);
  });
}

export async function cancelCase(deps: Deps, c: CaseRow, ctx: UserContext) {
  if (!cancellableStatuses.includes(c.status)) throw new AppError('invalid_state', `A ${c.status} case cannot be cancelled.`, { status: c.status });
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const moved = (
      await tx
        .update(cases)
        .set({ status: 'cancelled', assigneeId: null, version: c.version + 1, updatedAt: now, decidedAt: now })
        .where(and(eq(cases.id, c.id), eq(cases.version, c.version)))
        .returning()
    )[0];
    if (!moved) throw new AppError('stale_version', 'The case changed meanwhile; reload it.');
    await audit(tx, deps, c, 'case.cancel', ctx, { fromStatus: c.status });
  });
  return caseStatusView(deps, c.id);
}

/** The answer to a request for more information: a note (and any new evidence sent before); back into the queue. */
export async function replyToCase(deps: Deps, c: CaseRow, message: string, ctx: UserContext) {
  if (c.status !== 'info_requested') throw new AppError('invalid_state', 'No information was requested.', { status: c.status });
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    await stepBudget(tx, deps, c.userId);
    await tx.insert(caseNotes).values({ caseId: c.id, authorType: 'user', visibility: 'user', body: message, createdAt: now });
    const moved = (
      await tx
        .update(cases)
        .set({ status: 'submitted', assigneeId: null, lastActivityAt: now, version: c.version + 1, updatedAt: now })
        .where(and(eq(cases.id, c.id), eq(cases.version, c.version)))
        .returning()
    )[0];
    if (!moved) throw new AppError('stale_version');
    const scored = await assessCase(tx, deps, moved, { setSla: true });
    await audit(tx, deps, c, 'case.reply', ctx, { riskScore: scored.riskScore, riskBand: scored.riskBand });
    return caseStatusView(deps, c.id, tx);
  });
}

/**
 * The provider's callback. Signature first (401, nothing touched), then
 * idempotency on the event id, then the session must belong to the case.
 */
export async function handleBiometricWebhook(deps: Deps, rawBody: string, signature: string | undefined, ctx: { ip: string | null; requestId: string }) {
  const secret = biometricWebhookSecret(deps);
  if (!secret) throw new AppError('forbidden', 'Biometric webhooks are not configured.');
  const check = verifyWebhookSignature(secret, signature, rawBody, deps.clock());
  if (!check.ok) {
    deps.logger.warn({ requestId: ctx.requestId, reason: check.reason }, 'biometric webhook signature refused');
    throw new AppError('unauthenticated', 'Bad webhook signature.', { reason: check.reason });
  }
  let body: { eventId?: unknown; sessionRef?: unknown; caseId?: unknown; liveness?: unknown; faceMatch?: unknown; decision?: unknown };
  try {
    body = JSON.parse(rawBody);
  } catch {
    throw new AppError('invalid_json');
  }
  // A correctly signed `null`, array or number is still not an event.
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new AppError('validation_failed', 'The webhook body must be a JSON object.', { fields: { body: 'must be an object' } });
  const score = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1;
  if (
    typeof body.eventId !== 'string' ||
    typeof body.sessionRef !== 'string' ||
    typeof body.caseId !== 'number' ||
    !score(body.liveness) ||
    !score(body.faceMatch)
  ) {
    throw new AppError('validation_failed', 'The webhook body is not valid.', {
      fields: { body: 'eventId, sessionRef, caseId, liveness (0-1), faceMatch (0-1)' },
    });
  }
  const now = deps.clock();
  const liveness = body.liveness as number;
  const faceMatch = body.faceMatch as number;
  return deps.db.transaction(async (tx) => {
    // The event id is claimed first: a redelivery, even one arriving at the same moment on another
    // instance, waits on this row and finds it taken (PostgreSQL) or runs after the first (SQLite).
    const claimed = await tx
      .insert(webhookDeliveries)
      .values({ id: body.eventId as string, source: 'biometric', receivedAt: now })
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id });
    if (claimed.length === 0) return { ok: true, duplicate: true };
    const session = (
      await tx
        .select()
        .from(biometricSessions)
        .where(eq(biometricSessions.providerRef, body.sessionRef as string))
        .limit(1)
    )[0];
    if (!session || session.caseId !== body.caseId) throw new AppError('not_found', 'No such session for this case.');
    if (session.status !== 'pending') throw new AppError('invalid_state', 'This session already has its result.');
    const decision = typeof body.decision === 'string' ? body.decision.slice(0, 20) : null;
    await tx
      .update(biometricSessions)
      .set({ status: 'completed', liveness, faceMatch, decision, completedAt: now })
      .where(eq(biometricSessions.id, session.id));
    const evidence = (
      await tx
        .select()
        .from(caseEvidence)
        .where(and(eq(caseEvidence.caseId, session.caseId), eq(caseEvidence.method, 'biometric')))
        .limit(1)
    )[0];
    if (evidence) {
      const checked = {
        ...(evidence.checked ? JSON.parse(evidence.checked) : {}),
        status: 'completed',
        liveness,
        faceMatch,
        decision,
        completedAt: now.toISOString(),
      };
      await tx
        .update(caseEvidence)
        .set({ status: 'received', checked: JSON.stringify(checked), updatedAt: now })
        .where(eq(caseEvidence.id, evidence.id));
    }
    const c = (await tx.select().from(cases).where(eq(cases.id, session.caseId)).limit(1))[0]!;
    // A case already in the queue is re-scored with the result.
    if (!['draft', 'approved', 'rejected', 'completed', 'expired', 'abandoned', 'cancelled'].includes(c.status))
      await assessCase(tx, deps, c, { setSla: false });
    await recordAuditEvent(tx, now, {
      actor: { type: 'system', label: `biometric provider (${deps.biometric.name})` },
      action: 'biometric.result',
      target: { type: 'case', id: c.id },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { eventId: body.eventId, sessionId: session.id, liveness, faceMatch, decision },
    });
    return { ok: true, duplicate: false };
  });
}

/** The approved case behind a rebind token, while the link is valid. */
async function approvedCaseForRebind(deps: Deps, token: string, now: Date): Promise<CaseRow> {
  const c = (
    await deps.db
      .select()
      .from(cases)
      .where(eq(cases.rebindTokenHash, sha256Hex(token)))
      .limit(1)
  )[0];
  if (!c || c.status !== 'approved' || !c.rebindExpiresAt || c.rebindExpiresAt <= now)
    throw new AppError('unauthenticated', 'This rebind link is not valid or has expired.');
  return c;
}

/** What the rebind page shows before the user picks a tool: whose account, until when, the withdrawal lock. */
export async function rebindInfo(deps: Deps, token: string) {
  const c = await approvedCaseForRebind(deps, token, deps.clock());
  const user = (await deps.db.select().from(users).where(eq(users.id, c.userId)).limit(1))[0]!;
  const locked = user.withdrawalLockUntil && user.withdrawalLockUntil > deps.clock() ? user.withdrawalLockUntil.toISOString() : null;
  return {
    caseId: c.id,
    account: maskEmail(user.email),
    expiresAt: c.rebindExpiresAt!.toISOString(),
    withdrawalLockUntil: locked,
    factorTypes: ['totp', 'passkey', 'sms'] as FactorType[],
  };
}

/** The approved case behind a rebind token, and its rebind operation (created on first use). */
async function rebindOperation(deps: Deps, token: string) {
  const now = deps.clock();
  const c = await approvedCaseForRebind(deps, token, now);
  let op = (
    await deps.db
      .select()
      .from(securityOperations)
      .where(and(eq(securityOperations.caseId, c.id), notInArray(securityOperations.state, ['completed', 'cancelled', 'expired'])))
      .limit(1)
  )[0];
  if (!op) {
    op = (
      await deps.db
        .insert(securityOperations)
        .values({
          id: `rb_${generateToken(deps.random).slice(0, 24)}`,
          userId: c.userId,
          action: 'bind',
          factorType: 'totp',
          state: 'new_factor_pending',
          caseId: c.id,
          createdAt: now,
          updatedAt: now,
          expiresAt: c.rebindExpiresAt!,
        })
        .returning()
    )[0];
  }
  return { c, op };
}

/** Rebind step 3a: same bodies as an operation's step 3, on the approved case. */
export async function rebindNewFactor(deps: Deps, token: string, input: { factorType: FactorType; phone?: string }, ctx: UserContext) {
  const { op } = await rebindOperation(deps, token);
  // The rebind may bind any kind of tool: the operation takes the type asked for.
  if (op.factorType !== input.factorType) {
    await deps.db
      .update(securityOperations)
      .set({ factorType: input.factorType, state: 'new_factor_pending', version: op.version + 1 })
      .where(eq(securityOperations.id, op.id));
  }
  return startNewFactor(deps, op.userId, op.id, input, ctx);
}

export async function rebindVerify(deps: Deps, token: string, input: { code?: string; response?: unknown; name?: string }, ctx: UserContext) {
  const { op } = await rebindOperation(deps, token);
  return verifyNewFactor(deps, op.userId, op.id, input, ctx);
}

/**
 * Housekeeping: drafts abandoned after 24 h, unused rebind links expire their
 * case. Several instances sweep at once: each case moves with a
 * compare-and-swap on its version (the status test is re-checked on the row),
 * so each one is moved, and audited, once.
 */
export async function sweepCases(deps: Deps): Promise<{ abandoned: number; expired: number }> {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    let abandoned = 0;
    let expired = 0;
    const stale = await tx
      .select()
      .from(cases)
      .where(and(eq(cases.status, 'draft'), lt(cases.createdAt, new Date(now.getTime() - DRAFT_TTL_MS))));
    for (const c of stale) {
      const moved = await tx
        .update(cases)
        .set({ status: 'abandoned', version: c.version + 1, updatedAt: now })
        .where(and(eq(cases.id, c.id), eq(cases.version, c.version), eq(cases.status, 'draft')))
        .returning({ id: cases.id });
      if (moved.length === 0) continue; // another instance (or the user) got there first
      abandoned++;
      await recordAuditEvent(tx, now, {
        actor: { type: 'system', label: 'case sweeper' },
        action: 'case.abandon',
        target: { type: 'case', id: c.id },
        details: { reason: 'draft_older_than_24h' },
      });
    }
    const lapsed = await tx
      .select()
      .from(cases)
      .where(and(eq(cases.status, 'approved'), isNull(cases.completedAt), lte(cases.rebindExpiresAt, now)));
    for (const c of lapsed) {
      const moved = await tx
        .update(cases)
        .set({ status: 'expired', rebindTokenHash: null, version: c.version + 1, updatedAt: now })
        .where(and(eq(cases.id, c.id), eq(cases.version, c.version), eq(cases.status, 'approved')))
        .returning({ id: cases.id });
      if (moved.length === 0) continue;
      expired++;
      await recordAuditEvent(tx, now, {
        actor: { type: 'system', label: 'case sweeper' },
        action: 'case.expire',
        target: { type: 'case', id: c.id },
        details: { reason: 'rebind_link_unused' },
      });
    }
    return { abandoned, expired };
  });
}
