import { and, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import { dialectSql } from '../../db/dialect-sql.ts';
import type { Deps } from '../deps.ts';
import type { DbOrTx } from '../../db/client.ts';
import { eventDeliveries, eventDeliveryAttempts, securityEvents, webhookEndpoints } from '../../db/schema/index.ts';
import { recordAuditEvent } from '../audit/audit-log.ts';
import { eventView } from './security-events.ts';
import { signatureHeader } from './webhook-signature.ts';
import { endpointSecrets } from './webhook-endpoints.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Waits before retry n (after attempt n fails), Svix-like: the first attempt
 * goes at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h: eight
 * attempts over about 27.6 hours, after which the delivery is given up
 * (`failed`; an admin can redeliver it).
 */
export const RETRY_DELAYS_MS = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** One POST may take this long (connect, send, answer) before it counts as a timeout. */
export const DELIVERY_TIMEOUT_MS = 10 * SECOND;
/** How long an instance may hold a claimed delivery before another may retry it (it crashed mid-send). */
export const DELIVERY_LEASE_MS = 60 * SECOND;
/** An endpoint whose every attempt has failed for this long is disabled (with an audit event). */
export const DISABLE_AFTER_FAILING_MS = 24 * HOUR;
const BATCH = 20;

type DeliveryRow = typeof eventDeliveries.$inferSelect;

export type AttemptOutcome =
  | { ok: true; statusCode: number; durationMs: number }
  | { ok: false; statusCode: number | null; durationMs: number; errorClass: string };

// One pass at a time per instance (per Deps: tests run several instances in one process).
const running = new WeakMap<Deps, Promise<DispatchSummary>>();

/** The dispatch in progress, if any (shutdown waits for it). */
export function webhooksDraining(deps: Deps): Promise<unknown> | null {
  return running.get(deps) ?? null;
}

export interface DispatchSummary {
  attempted: number;
  delivered: number;
  failed: number;
}

/**
 * Claims due deliveries for this instance, the outbox's way (one UPDATE …
 * WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) with a lease): a delivery is
 * claimed by one instance at a time, and retried by another when the lease
 * of one that died runs out. Order per user per endpoint: a delivery is due
 * only when no earlier event of the same user to the same endpoint is still
 * pending or sending. Every event append takes the audit head lock and its
 * deliveries are inserted in that same transaction, so an earlier delivery is
 * always visible to a reader that sees a later one.
 */
async function claimBatch(deps: Deps, now: Date): Promise<DeliveryRow[]> {
  const db = deps.db;
  const at = now.getTime();
  const enabled = db.engine === 'pg' ? sql`enabled` : sql`enabled = 1`;
  const dueHere = sql`((d.status = 'pending' AND d.next_attempt_at <= ${at}) OR (d.status = 'sending' AND d.lease_until < ${at}))
      AND d.endpoint_id IN (SELECT id FROM webhook_endpoints WHERE ${enabled})`;
  // Most seconds nothing is due: a plain read first, so an idle dispatcher never takes SQLite's write lock.
  const [anyDue] = await db.rows(sql`SELECT 1 AS due FROM event_deliveries d WHERE ${dueHere} LIMIT 1`);
  if (!anyDue) return [];
  const candidates = sql`(SELECT d.id FROM event_deliveries d
    WHERE ${dueHere}
      AND NOT EXISTS (SELECT 1 FROM event_deliveries p WHERE p.endpoint_id = d.endpoint_id AND p.user_id = d.user_id AND p.event_id < d.event_id AND p.status IN ('pending', 'sending'))
    ORDER BY d.event_id, d.id LIMIT ${BATCH}${dialectSql.forUpdateSkipLocked(db.engine)})`;
  const due = or(
    and(eq(eventDeliveries.status, 'pending'), lte(eventDeliveries.nextAttemptAt, now)),
    and(eq(eventDeliveries.status, 'sending'), lt(eventDeliveries.leaseUntil, now)),
  );
  const claimed = await db
    .update(eventDeliveries)
    .set({ status: 'sending', leaseUntil: new Date(at + DELIVERY_LEASE_MS) })
    .where(and(inArray(eventDeliveries.id, candidates), due))
    .returning();
  return claimed.sort((a, b) => a.eventId - b.eventId);
}

/**
 * One dispatch pass: claims due deliveries batch after batch and POSTs each
 * (in parallel within a batch; a batch never holds two deliveries of one
 * user to one endpoint). One pass at a time per instance; the server calls it
 * every second, tests call it by hand after moving the clock.
 */
export function dispatchWebhooks(deps: Deps): Promise<DispatchSummary> {
  const inFlight = running.get(deps);
  if (inFlight) return inFlight;
  const pass = (async () => {
    const summary: DispatchSummary = { attempted: 0, delivered: 0, failed: 0 };
    try {
      for (let round = 0; round < 50; round++) {
        const batch = await claimBatch(deps, deps.clock());
        if (batch.length === 0) break;
        const results = await Promise.allSettled(
          batch.map(async (d) => {
            const outcome = await attemptDelivery(deps, d);
            summary.attempted++;
            if (outcome === 'delivered') summary.delivered++;
            else if (outcome === 'failed') summary.failed++;
          }),
        );
        // A delivery whose outcome could not be recorded (database trouble) keeps its lease and is tried again after it.
        for (const r of results)
          if (r.status === 'rejected') deps.logger.error({ err: (r.reason as Error)?.message }, 'webhook delivery could not be recorded');
        if (results.every((r) => r.status === 'rejected')) break;
      }
      return summary;
    } finally {
      running.delete(deps);
    }
  })();
  running.set(deps, pass);
  return pass;
}

async function attemptDelivery(deps: Deps, d: DeliveryRow): Promise<'delivered' | 'retry' | 'failed' | 'lost'> {
  const endpoint = (await deps.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, d.endpointId)).limit(1))[0]!;
  const event = (await deps.db.select().from(securityEvents).where(eq(securityEvents.id, d.eventId)).limit(1))[0]!;
  const body = JSON.stringify(eventView(event));
  const sentAt = deps.clock();
  const timestamp = Math.floor(sentAt.getTime() / 1000);
  let outcome: AttemptOutcome;
  try {
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Rebind-Webhooks/1',
      'webhook-id': event.publicId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(endpointSecrets(deps, endpoint, sentAt), event.publicId, timestamp, body),
    };
    outcome = await postWebhook(endpoint.url, headers, body);
  } catch {
    // The secret did not open (a master key taken out of the ring): counted as a failed attempt, never sent unsigned.
    outcome = { ok: false, statusCode: null, durationMs: 0, errorClass: 'signing' };
  }
  return deps.db.transaction(async (tx) => await recordOutcome(tx, deps, d, outcome));
}

/** One POST with a timeout; redirects are not followed (a 3xx is a failure). Never throws. */
export async function postWebhook(url: string, headers: Record<string, string>, body: string): Promise<AttemptOutcome> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
    // The answer's body is not kept (it is the receiver's, and may hold anything); read it so the connection is reused.
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, statusCode: res.status, durationMs: took() };
    return { ok: false, statusCode: res.status, durationMs: took(), errorClass: 'http_status' };
  } catch (err) {
    return { ok: false, statusCode: null, durationMs: took(), errorClass: errorClassOf(err) };
  }
}

/** A short, secret-free name for why a POST failed. */
export function errorClassOf(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout';
  const code = e?.cause?.code ?? e?.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET'].includes(code)) return 'connection';
  if (['ENOTFOUND', 'EAI_AGAIN'].includes(code)) return 'dns';
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('ERR_SSL')) return 'tls';
  if (['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'].includes(code)) return 'timeout';
  if (e?.name === 'TypeError' && !code) return 'invalid_request';
  return 'other';
}

/**
 * Logs the attempt and moves the delivery on (compare-and-swap on its lease:
 * if the lease ran out and another instance took it over, this one records
 * the attempt and leaves the delivery alone). A failure counts against the
 * endpoint; after DISABLE_AFTER_FAILING_MS of nothing but failures the
 * endpoint is disabled, with an audit event.
 */
async function recordOutcome(tx: DbOrTx, deps: Deps, d: DeliveryRow, outcome: AttemptOutcome): Promise<'delivered' | 'retry' | 'failed' | 'lost'> {
  const now = deps.clock();
  await tx.insert(eventDeliveryAttempts).values({
    deliveryId: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    trigger: d.nextTrigger,
    attemptedAt: now,
    statusCode: outcome.statusCode,
    durationMs: outcome.durationMs,
    errorClass: outcome.ok ? null : outcome.errorClass,
  });
  const attempts = d.attempts + 1;
  const mine = and(eq(eventDeliveries.id, d.id), eq(eventDeliveries.status, 'sending'), eq(eventDeliveries.leaseUntil, d.leaseUntil!));
  const common = { attempts, lastAttemptAt: now, lastStatusCode: outcome.statusCode, leaseUntil: null, nextTrigger: 'schedule' as const };
  if (outcome.ok) {
    const moved = await tx
      .update(eventDeliveries)
      .set({ ...common, status: 'delivered', deliveredAt: now, lastErrorClass: null })
      .where(mine)
      .returning({ id: eventDeliveries.id });
    await tx.update(webhookEndpoints).set({ failingSince: null, consecutiveFailures: 0 }).where(eq(webhookEndpoints.id, d.endpointId));
    return moved.length ? 'delivered' : 'lost';
  }
  const givenUp = attempts >= MAX_ATTEMPTS;
  const next = givenUp ? now : new Date(now.getTime() + RETRY_DELAYS_MS[attempts - 1]!);
  const moved = await tx
    .update(eventDeliveries)
    .set({ ...common, status: givenUp ? 'failed' : 'pending', nextAttemptAt: next, lastErrorClass: outcome.errorClass })
    .where(mine)
    .returning({ id: eventDeliveries.id });
  const [endpoint] = await tx
    .update(webhookEndpoints)
    .set({
      failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${now.getTime()})`,
      consecutiveFailures: sql`${webhookEndpoints.consecutiveFailures} + 1`,
    })
    .where(eq(webhookEndpoints.id, d.endpointId))
    .returning();
  if (endpoint && endpoint.enabled && endpoint.failingSince && now.getTime() - endpoint.failingSince.getTime() >= DISABLE_AFTER_FAILING_MS) {
    await recordAuditEvent(tx, now, {
      actor: { type: 'system', label: 'webhook dispatcher' },
      action: 'webhook_endpoint.disable',
      target: { type: 'webhook_endpoint', id: endpoint.id },
      details: {
        reason: 'failing',
        failingSince: endpoint.failingSince.toISOString(),
        consecutiveFailures: endpoint.consecutiveFailures,
        lastErrorClass: outcome.errorClass,
        lastStatusCode: outcome.statusCode,
      },
    });
    const [last] = await tx.rows<{ id: number | string | null }>(sql`SELECT max(id) AS "id" FROM security_events`);
    await tx
      .update(webhookEndpoints)
      .set({
        enabled: false,
        disabledAt: now,
        disabledReason: 'failing',
        disabledAfterEventId: Number(last?.id ?? 0),
        updatedAt: now,
        version: sql`${webhookEndpoints.version} + 1`,
      })
      .where(eq(webhookEndpoints.id, endpoint.id));
    deps.logger.warn({ endpointId: endpoint.id, failingSince: endpoint.failingSince.toISOString() }, 'webhook endpoint disabled after a day of failures');
  }
  if (!moved.length) return 'lost';
  if (givenUp) deps.logger.warn({ endpointId: d.endpointId, deliveryId: d.id, attempts }, 'webhook delivery given up');
  return givenUp ? 'failed' : 'retry';
}
