import { z } from '@hono/zod-openapi';
import { and, asc, count, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { createRouter, errorResponses, requestContext } from '../http.ts';
import { staffRoute } from '../staff-auth/middleware.ts';
import { AppError } from '../errors.ts';
import { ListQuerySchema, contentRange, filterIds, filterInt, filterString, parseListQuery } from '../platform/list-query.ts';
import { eventDeliveries, eventDeliveryAttempts, securityEvents, webhookEndpoints } from '../../db/schema/index.ts';
import { securityEventTypes } from './security-events.ts';
import { createEndpoint, endpointView, redeliver, rotateEndpointSecret, updateEndpoint } from './webhook-endpoints.ts';

const EventType = z.enum(securityEventTypes);

const Endpoint = z
  .object({
    id: z.number(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.string()).openapi({ description: 'Empty: every type' }),
    enabled: z.boolean(),
    disabledAt: z.string().nullable(),
    disabledReason: z.string().nullable().openapi({ description: 'admin, or failing (disabled automatically after a day of failed attempts)' }),
    failingSince: z.string().nullable(),
    consecutiveFailures: z.number(),
    previousSecretValidUntil: z.string().nullable().openapi({ description: 'After a rotation: until then requests carry a signature with the old secret too' }),
    version: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('WebhookEndpoint');

const EndpointWithSecret = Endpoint.extend({ secret: z.string().openapi({ description: 'whsec_…: shown this once' }) }).openapi('WebhookEndpointWithSecret');

const Attempt = z
  .object({
    id: z.number(),
    trigger: z.enum(['schedule', 'manual']),
    attemptedAt: z.string(),
    statusCode: z.number().nullable(),
    durationMs: z.number(),
    errorClass: z.string().nullable(),
  })
  .openapi('WebhookAttempt');

const Delivery = z
  .object({
    id: z.number(),
    endpointId: z.number(),
    eventId: z.string().openapi({ description: 'The event public id (evt_…), sent as webhook-id' }),
    eventCursor: z.string(),
    eventType: z.string(),
    userId: z.number(),
    status: z.enum(['pending', 'sending', 'delivered', 'failed']),
    attempts: z.number(),
    nextAttemptAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    lastStatusCode: z.number().nullable(),
    lastErrorClass: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('WebhookDelivery');

const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const EndpointBody = z.object({
  url: z.string().trim().min(8).max(2000),
  description: z.string().max(200).optional(),
  eventTypes: z.array(EventType).max(securityEventTypes.length).optional().openapi({ description: 'Empty or absent: every type' }),
  enabled: z.boolean().optional(),
});

type DeliveryJoin = { d: typeof eventDeliveries.$inferSelect; publicId: string; type: string };
const deliveryView = ({ d, publicId, type }: DeliveryJoin) => ({
  id: d.id,
  endpointId: d.endpointId,
  eventId: publicId,
  eventCursor: String(d.eventId),
  eventType: type,
  userId: d.userId,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
  lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
  lastStatusCode: d.lastStatusCode,
  lastErrorClass: d.lastErrorClass,
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
  createdAt: d.createdAt.toISOString(),
});

/**
 * Webhook endpoints and their delivery log, for admins: create (the secret
 * is shown once), change, enable or disable, rotate the secret, and send a
 * delivery again. Every change is audited.
 */
export function webhookRoutes(deps: Deps) {
  const app = createRouter();
  const tags = ['webhooks'];
  app.openapi(
    staffRoute('webhooks.read', {
      method: 'get',
      path: '/webhook-endpoints',
      tags,
      summary: 'Webhook endpoints (never their secrets)',
      request: { query: ListQuerySchema },
      responses: { 200: { description: 'Endpoints', content: { 'application/json': { schema: z.array(Endpoint) } } }, ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      const q = parseListQuery(c.req.valid('query'), { sortable: ['id', 'url', 'createdAt'] as const, defaultSort: ['id', 'ASC'] });
      const ids = filterIds(q.filter);
      const where = ids ? inArray(webhookEndpoints.id, ids) : undefined;
      const dir = q.sortOrder === 'ASC' ? asc : desc;
      const column = q.sortField === 'url' ? webhookEndpoints.url : q.sortField === 'createdAt' ? webhookEndpoints.createdAt : webhookEndpoints.id;
      const rows = await deps.db.select().from(webhookEndpoints).where(where).orderBy(dir(column), dir(webhookEndpoints.id)).limit(q.limit).offset(q.offset);
      const total = (await deps.db.select({ n: count() }).from(webhookEndpoints).where(where))[0]?.n ?? 0;
      const now = deps.clock();
      c.header('Content-Range', contentRange('webhook-endpoints', q.offset, rows.length, Number(total)));
      return c.json(
        rows.map((r) => endpointView(r, now)),
        200,
      );
    },
  );
  app.openapi(
    staffRoute('webhooks.read', {
      method: 'get',
      path: '/webhook-endpoints/{id}',
      tags,
      summary: 'One webhook endpoint',
      request: { params: IdParam },
      responses: { 200: { description: 'The endpoint', content: { 'application/json': { schema: Endpoint } } }, ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const row = (
        await deps.db
          .select()
          .from(webhookEndpoints)
          .where(eq(webhookEndpoints.id, c.req.valid('param').id))
          .limit(1)
      )[0];
      if (!row) throw new AppError('not_found', 'No such webhook endpoint.');
      return c.json(endpointView(row, deps.clock()), 200);
    },
  );
  app.openapi(
    staffRoute('webhooks.manage', {
      method: 'post',
      path: '/webhook-endpoints',
      tags,
      summary: 'Add a webhook endpoint; its signing secret is in this answer only',
      request: { body: { required: true, content: { 'application/json': { schema: EndpointBody } } } },
      responses: { 201: { description: 'Created', content: { 'application/json': { schema: EndpointWithSecret } } }, ...errorResponses(400, 401, 403) },
    }),
    async (c) => c.json(await createEndpoint(deps, c.get('staff')!, c.req.valid('json'), requestContext(c, deps.config.trustProxy)), 201),
  );
  app.openapi(
    staffRoute('webhooks.manage', {
      method: 'put',
      path: '/webhook-endpoints/{id}',
      tags,
      summary: 'Change an endpoint; enabling it again queues the events it missed while disabled',
      request: {
        params: IdParam,
        body: { required: true, content: { 'application/json': { schema: EndpointBody.partial().extend({ version: z.number().int().optional() }) } } },
      },
      responses: { 200: { description: 'Updated', content: { 'application/json': { schema: Endpoint } } }, ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      // react-admin's edit form sends the whole record back: keep only what may change.
      const input = { url: body.url, description: body.description, eventTypes: body.eventTypes, enabled: body.enabled, version: body.version };
      return c.json(await updateEndpoint(deps, c.get('staff')!, c.req.valid('param').id, input, requestContext(c, deps.config.trustProxy)), 200);
    },
  );
  app.openapi(
    staffRoute('webhooks.manage', {
      method: 'post',
      path: '/webhook-endpoints/{id}/rotate-secret',
      tags,
      summary: 'New signing secret (shown once); the old one keeps signing beside it for 24 hours',
      request: { params: IdParam },
      responses: { 200: { description: 'Rotated', content: { 'application/json': { schema: EndpointWithSecret } } }, ...errorResponses(401, 403, 404, 409) },
    }),
    async (c) => c.json(await rotateEndpointSecret(deps, c.get('staff')!, c.req.valid('param').id, requestContext(c, deps.config.trustProxy)), 200),
  );
  app.openapi(
    staffRoute('webhooks.read', {
      method: 'get',
      path: '/webhook-deliveries',
      tags,
      summary: 'The delivery log; filters endpointId, status, userId, eventId (evt_…)',
      request: { query: ListQuerySchema },
      responses: {
        200: { description: 'A page of deliveries', content: { 'application/json': { schema: z.array(Delivery) } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const q = parseListQuery(c.req.valid('query'), { sortable: ['id'] as const, defaultSort: ['id', 'DESC'] });
      const conditions: (SQL | undefined)[] = [];
      const ids = filterIds(q.filter);
      if (ids) conditions.push(inArray(eventDeliveries.id, ids));
      const endpointId = filterInt(q.filter, 'endpointId');
      if (endpointId !== undefined) conditions.push(eq(eventDeliveries.endpointId, endpointId));
      const userId = filterInt(q.filter, 'userId');
      if (userId !== undefined) conditions.push(eq(eventDeliveries.userId, userId));
      const status = filterString(q.filter, 'status');
      if (status) {
        if (!['pending', 'sending', 'delivered', 'failed'].includes(status))
          throw new AppError('validation_failed', 'Unknown status.', { fields: { 'filter.status': 'pending, sending, delivered or failed' } });
        conditions.push(eq(eventDeliveries.status, status as 'pending'));
      }
      const eventId = filterString(q.filter, 'eventId');
      if (eventId) conditions.push(eq(securityEvents.publicId, eventId));
      const where = and(...conditions);
      const rows = await deps.db
        .select({ d: eventDeliveries, publicId: securityEvents.publicId, type: securityEvents.type })
        .from(eventDeliveries)
        .innerJoin(securityEvents, eq(securityEvents.id, eventDeliveries.eventId))
        .where(where)
        .orderBy(q.sortOrder === 'ASC' ? asc(eventDeliveries.id) : desc(eventDeliveries.id))
        .limit(q.limit)
        .offset(q.offset);
      const total =
        (await deps.db.select({ n: count() }).from(eventDeliveries).innerJoin(securityEvents, eq(securityEvents.id, eventDeliveries.eventId)).where(where))[0]
          ?.n ?? 0;
      c.header('Content-Range', contentRange('webhook-deliveries', q.offset, rows.length, Number(total)));
      return c.json(rows.map(deliveryView), 200);
    },
  );
  app.openapi(
    staffRoute('webhooks.read', {
      method: 'get',
      path: '/webhook-deliveries/{id}',
      tags,
      summary: 'One delivery with every attempt (status, time taken, error class)',
      request: { params: IdParam },
      responses: {
        200: { description: 'The delivery', content: { 'application/json': { schema: Delivery.extend({ attemptLog: z.array(Attempt) }) } } },
        ...errorResponses(401, 403, 404),
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const row = (
        await deps.db
          .select({ d: eventDeliveries, publicId: securityEvents.publicId, type: securityEvents.type })
          .from(eventDeliveries)
          .innerJoin(securityEvents, eq(securityEvents.id, eventDeliveries.eventId))
          .where(eq(eventDeliveries.id, id))
          .limit(1)
      )[0];
      if (!row) throw new AppError('not_found', 'No such delivery.');
      const attempts = await deps.db
        .select()
        .from(eventDeliveryAttempts)
        .where(eq(eventDeliveryAttempts.deliveryId, id))
        .orderBy(asc(eventDeliveryAttempts.id));
      return c.json(
        {
          ...deliveryView(row),
          attemptLog: attempts.map((a) => ({
            id: a.id,
            trigger: a.trigger,
            attemptedAt: a.attemptedAt.toISOString(),
            statusCode: a.statusCode,
            durationMs: a.durationMs,
            errorClass: a.errorClass,
          })),
        },
        200,
      );
    },
  );
  app.openapi(
    staffRoute('webhooks.manage', {
      method: 'post',
      path: '/webhook-deliveries/{id}/redeliver',
      tags,
      summary: 'Send a delivery again now (a fresh retry schedule; attempts logged as manual)',
      request: { params: IdParam },
      responses: {
        200: { description: 'Queued', content: { 'application/json': { schema: z.object({ id: z.number(), status: z.literal('pending') }) } } },
        ...errorResponses(401, 403, 404, 409),
      },
    }),
    async (c) => c.json(await redeliver(deps, c.get('staff')!, c.req.valid('param').id, requestContext(c, deps.config.trustProxy)), 200),
  );
  return app;
}
