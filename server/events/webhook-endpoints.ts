import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { DbOrTx } from '../../db/client.ts';
import { AppError } from '../errors.ts';
import { eventDeliveries, webhookEndpoints } from '../../db/schema/index.ts';
import { lockChainHead, recordAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import type { RequestContext } from '../http.ts';
import type { StaffPrincipal } from '../staff-auth/session.ts';
import { generateWebhookSecret } from './webhook-signature.ts';
import { securityEventTypes } from './security-events.ts';

export type EndpointRow = typeof webhookEndpoints.$inferSelect;

/** After a rotation the old secret keeps signing beside the new one for this long. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

const secretContext = (id: number) => `webhook.secret:${id}`;
const previousSecretContext = (id: number) => `webhook.previous-secret:${id}`;

/** The secrets that sign a request sent at `now`: the current one, and the previous one during its overlap window. */
export function endpointSecrets(deps: Deps, e: EndpointRow, now: Date): string[] {
  const secrets = [deps.keyring.open(e.secretEnc, secretContext(e.id))];
  if (e.previousSecretEnc && e.previousSecretExpiresAt && e.previousSecretExpiresAt > now)
    secrets.push(deps.keyring.open(e.previousSecretEnc, previousSecretContext(e.id)));
  return secrets;
}

/** What the desk sees of an endpoint: never a secret. */
export function endpointView(e: EndpointRow, now: Date) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes === '' ? [] : e.eventTypes.split(','),
    enabled: e.enabled,
    disabledAt: e.disabledAt?.toISOString() ?? null,
    disabledReason: e.disabledReason,
    failingSince: e.failingSince?.toISOString() ?? null,
    consecutiveFailures: e.consecutiveFailures,
    previousSecretValidUntil: e.previousSecretExpiresAt && e.previousSecretExpiresAt > now ? e.previousSecretExpiresAt.toISOString() : null,
    version: e.version,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

export interface EndpointInput {
  url: string;
  description?: string;
  eventTypes?: string[];
  enabled?: boolean;
}

/** http(s) URLs; outside development and tests only https (the body is signed, not encrypted). */
export function checkEndpointUrl(deps: Deps, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError('validation_failed', 'Give the full URL of the receiver.', { fields: { url: 'not a URL' } });
  }
  const allowed = deps.config.env === 'production' ? ['https:'] : ['https:', 'http:'];
  if (!allowed.includes(parsed.protocol))
    throw new AppError('validation_failed', deps.config.env === 'production' ? 'Webhook URLs must use https.' : 'Webhook URLs use http or https.', {
      fields: { url: 'unsupported scheme' },
    });
  if (parsed.username || parsed.password)
    throw new AppError('validation_failed', 'Put no credentials in the URL: receivers check the signature.', { fields: { url: 'credentials in URL' } });
  return parsed.toString();
}

function typesText(types: string[] | undefined): string {
  const list = [...new Set(types ?? [])];
  for (const t of list)
    if (!(securityEventTypes as readonly string[]).includes(t))
      throw new AppError('validation_failed', `Unknown event type ${t}.`, { fields: { eventTypes: 'unknown type' } });
  return list.sort().join(',');
}

const staffActor = (p: StaffPrincipal): AuditActor => ({ type: 'staff', id: p.staffId, label: p.email });

async function lastEventId(tx: DbOrTx): Promise<number> {
  const [last] = await tx.rows<{ id: number | string | null }>(sql`SELECT max(id) AS "id" FROM security_events`);
  return Number(last?.id ?? 0);
}

/** A new endpoint gets the events from now on; its secret is returned this once. */
export async function createEndpoint(deps: Deps, principal: StaffPrincipal, input: EndpointInput, ctx: RequestContext) {
  const url = checkEndpointUrl(deps, input.url);
  const eventTypes = typesText(input.eventTypes);
  const secret = generateWebhookSecret(deps.random);
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const enabled = input.enabled ?? true;
    const row = (
      await tx
        .insert(webhookEndpoints)
        .values({
          url,
          description: input.description?.trim() ?? '',
          eventTypes,
          enabled,
          secretEnc: 'pending',
          createdAt: now,
          updatedAt: now,
          disabledAt: enabled ? null : now,
          disabledReason: enabled ? null : 'admin',
        })
        .returning()
    )[0]!;
    const sealed = (
      await tx
        .update(webhookEndpoints)
        .set({ secretEnc: deps.keyring.seal(secret, secretContext(row.id)) })
        .where(eq(webhookEndpoints.id, row.id))
        .returning()
    )[0]!;
    await recordAuditEvent(tx, now, {
      actor: staffActor(principal),
      action: 'webhook_endpoint.create',
      target: { type: 'webhook_endpoint', id: row.id },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { url, eventTypes: eventTypes || 'all', enabled },
    });
    // Created disabled: enabling it later starts from the events after this one.
    if (!enabled)
      await tx
        .update(webhookEndpoints)
        .set({ disabledAfterEventId: await lastEventId(tx) })
        .where(eq(webhookEndpoints.id, row.id));
    return { ...endpointView(sealed, now), secret };
  });
}

/**
 * Changes the URL, description, type filter or enabled flag (compare-and-swap
 * on `version` when given). Disabling keeps the endpoint's queued deliveries;
 * enabling resumes them at once and queues every event it missed while
 * disabled (types permitting), so a paused receiver loses nothing.
 */
export async function updateEndpoint(
  deps: Deps,
  principal: StaffPrincipal,
  id: number,
  input: Partial<EndpointInput> & { version?: number },
  ctx: RequestContext,
) {
  const url = input.url === undefined ? undefined : checkEndpointUrl(deps, input.url);
  const eventTypes = input.eventTypes === undefined ? undefined : typesText(input.eventTypes);
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const current = (await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).limit(1))[0];
    if (!current) throw new AppError('not_found', 'No such webhook endpoint.');
    if (input.version !== undefined && input.version !== current.version) throw new AppError('stale_version');
    const set: Partial<EndpointRow> = { updatedAt: now, version: current.version + 1 };
    if (url !== undefined) set.url = url;
    if (eventTypes !== undefined) set.eventTypes = eventTypes;
    if (input.description !== undefined) set.description = input.description.trim();
    const enabling = input.enabled === true && !current.enabled;
    const disabling = input.enabled === false && current.enabled;
    if (enabling) Object.assign(set, { enabled: true, disabledAt: null, disabledReason: null, failingSince: null, consecutiveFailures: 0 });
    if (disabling) Object.assign(set, { enabled: false, disabledAt: now, disabledReason: 'admin' });
    const updated = (
      await tx
        .update(webhookEndpoints)
        .set(set)
        .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.version, current.version)))
        .returning()
    )[0];
    if (!updated) throw new AppError('stale_version');
    // The chain head lock every event append takes: from here no event is appended until this commits, so the
    // events before it either got a delivery or are found by the backfill, and the ones after see the new flag.
    await lockChainHead(tx);
    const changes = Object.fromEntries(
      Object.entries({ url, eventTypes, description: input.description, enabled: input.enabled }).filter(
        ([k, v]) => v !== undefined && String(v) !== String((current as Record<string, unknown>)[k]),
      ),
    );
    let backfilled = 0;
    if (disabling)
      await tx
        .update(webhookEndpoints)
        .set({ disabledAfterEventId: await lastEventId(tx) })
        .where(eq(webhookEndpoints.id, id));
    if (enabling) {
      await tx
        .update(eventDeliveries)
        .set({ nextAttemptAt: now })
        .where(and(eq(eventDeliveries.endpointId, id), eq(eventDeliveries.status, 'pending')));
      backfilled = await backfill(tx, updated, current.disabledAfterEventId ?? (await lastEventId(tx)), now);
    }
    await recordAuditEvent(tx, now, {
      actor: staffActor(principal),
      action: 'webhook_endpoint.update',
      target: { type: 'webhook_endpoint', id },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { changes, backfilled },
    });
    return endpointView((await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).limit(1))[0]!, now);
  });
}

/** Queues the events after `afterEventId` that the endpoint wants (never twice: one delivery per endpoint and event). */
async function backfill(tx: DbOrTx, e: EndpointRow, afterEventId: number, now: Date): Promise<number> {
  const types =
    e.eventTypes === ''
      ? sql``
      : sql` AND type IN (${sql.join(
          e.eventTypes.split(',').map((t) => sql`${t}`),
          sql`, `,
        )})`;
  const rows = await tx.rows<{
    id: number;
  }>(sql`INSERT INTO event_deliveries (endpoint_id, event_id, user_id, status, attempts, next_attempt_at, next_trigger, created_at)
    SELECT ${e.id}, id, user_id, 'pending', 0, ${now.getTime()}, 'schedule', ${now.getTime()} FROM security_events WHERE id > ${afterEventId}${types}
    ON CONFLICT (endpoint_id, event_id) DO NOTHING RETURNING id`);
  return rows.length;
}

/** A new secret, shown once; the old one keeps signing beside it for SECRET_OVERLAP_MS so receivers can switch without losing a delivery. */
export async function rotateEndpointSecret(deps: Deps, principal: StaffPrincipal, id: number, ctx: RequestContext) {
  const secret = generateWebhookSecret(deps.random);
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const current = (await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).limit(1))[0];
    if (!current) throw new AppError('not_found', 'No such webhook endpoint.');
    const previous = deps.keyring.open(current.secretEnc, secretContext(id));
    const previousSecretExpiresAt = new Date(now.getTime() + SECRET_OVERLAP_MS);
    const updated = (
      await tx
        .update(webhookEndpoints)
        .set({
          secretEnc: deps.keyring.seal(secret, secretContext(id)),
          previousSecretEnc: deps.keyring.seal(previous, previousSecretContext(id)),
          previousSecretExpiresAt,
          updatedAt: now,
          version: current.version + 1,
        })
        .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.version, current.version)))
        .returning()
    )[0];
    if (!updated) throw new AppError('stale_version');
    await recordAuditEvent(tx, now, {
      actor: staffActor(principal),
      action: 'webhook_endpoint.rotate_secret',
      target: { type: 'webhook_endpoint', id },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { previousSecretValidUntil: previousSecretExpiresAt.toISOString() },
    });
    return { ...endpointView(updated, now), secret };
  });
}

/**
 * An admin sends a delivery again (delivered or given up): it starts a fresh
 * schedule at once, and its attempts are logged as manual. Later events of
 * the same user to the same endpoint wait behind it, as always.
 */
export async function redeliver(deps: Deps, principal: StaffPrincipal, deliveryId: number, ctx: RequestContext) {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const d = (await tx.select().from(eventDeliveries).where(eq(eventDeliveries.id, deliveryId)).limit(1))[0];
    if (!d) throw new AppError('not_found', 'No such delivery.');
    const endpoint = (await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, d.endpointId)).limit(1))[0]!;
    if (!endpoint.enabled) throw new AppError('invalid_state', 'The endpoint is disabled: enable it first.');
    const moved = await tx
      .update(eventDeliveries)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: now, leaseUntil: null, nextTrigger: 'manual' })
      .where(and(eq(eventDeliveries.id, deliveryId), inArray(eventDeliveries.status, ['delivered', 'failed', 'pending'])))
      .returning({ id: eventDeliveries.id });
    if (!moved.length) throw new AppError('invalid_state', 'This delivery is being sent right now.');
    await recordAuditEvent(tx, now, {
      actor: staffActor(principal),
      action: 'webhook_delivery.redeliver',
      target: { type: 'webhook_endpoint', id: d.endpointId },
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { deliveryId, eventId: d.eventId, previousStatus: d.status },
    });
    return { id: deliveryId, status: 'pending' as const };
  });
}
