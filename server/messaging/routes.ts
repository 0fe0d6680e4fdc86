import { z } from '@hono/zod-openapi';
import { and, asc, count, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { createRouter, errorResponses } from '../http.ts';
import { staffRoute } from '../staff-auth/middleware.ts';
import { ListQuerySchema, contentRange, filterIds, filterInt, filterString, parseListQuery } from '../platform/list-query.ts';
import { outbox } from '../../db/schema/index.ts';
import { openMessage } from './outbox.ts';

const Message = z
  .object({
    id: z.number(),
    channel: z.enum(['email', 'sms']),
    to: z.string(),
    subject: z.string(),
    body: z.string().nullable(),
    template: z.string(),
    userId: z.number().nullable(),
    status: z.string(),
    attempts: z.number(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .openapi('OutboxMessage');

/**
 * The development outbox: messages that had no provider to go to. Admins
 * only; bodies (codes, links) are shown only for `dev` messages — a sent
 * message's body was erased at hand-over.
 */
export function outboxRoutes(deps: Deps) {
  const app = createRouter();
  app.openapi(
    staffRoute('outbox.read', {
      method: 'get',
      path: '/outbox',
      tags: ['outbox'],
      summary: 'Development outbox (emails and SMS when no provider is configured); filters channel, status, userId, to',
      request: { query: ListQuerySchema },
      responses: {
        200: { description: 'A page of messages', content: { 'application/json': { schema: z.array(Message) } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const q = parseListQuery(c.req.valid('query'), { sortable: ['id', 'createdAt'] as const, defaultSort: ['id', 'DESC'] });
      const conditions: (SQL | undefined)[] = [];
      const ids = filterIds(q.filter);
      if (ids) conditions.push(inArray(outbox.id, ids));
      const channel = filterString(q.filter, 'channel');
      if (channel) conditions.push(eq(outbox.channel, channel as 'email'));
      const status = filterString(q.filter, 'status');
      if (status) conditions.push(eq(outbox.status, status as 'dev'));
      const userId = filterInt(q.filter, 'userId');
      if (userId !== undefined) conditions.push(eq(outbox.userId, userId));
      const where = and(...conditions);
      const dir = q.sortOrder === 'ASC' ? asc : desc;
      const to = filterString(q.filter, 'to')?.toLowerCase();
      const rows = await deps.db
        .select()
        .from(outbox)
        .where(where)
        .orderBy(dir(outbox.id))
        .limit(to ? 2000 : q.limit)
        .offset(to ? 0 : q.offset);
      let views = rows.map((row) => {
        const { to: recipient, body } = openMessage(deps, row);
        return {
          id: row.id,
          channel: row.channel,
          to: recipient,
          subject: row.subject,
          body: row.status === 'dev' ? body : null,
          template: row.template,
          userId: row.userId,
          status: row.status,
          attempts: row.attempts,
          createdAt: row.createdAt.toISOString(),
          sentAt: row.sentAt?.toISOString() ?? null,
        };
      });
      // Recipients are sealed, so filtering by recipient happens after opening (dev volumes only).
      let total = (await deps.db.select({ n: count() }).from(outbox).where(where).limit(1))[0]?.n ?? 0;
      if (to) {
        views = views.filter((v) => v.to.toLowerCase().includes(to));
        total = views.length;
        views = views.slice(q.offset, q.offset + q.limit);
      }
      c.header('Content-Range', contentRange('outbox', q.offset, views.length, total));
      return c.json(views, 200);
    },
  );
  return app;
}
