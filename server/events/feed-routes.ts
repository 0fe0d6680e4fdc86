import { z } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import { createRouter, errorResponses } from '../http.ts';
import { serviceRoute } from '../service-api/auth.ts';
import { eventView, readEventsAfter, securityEventTypes } from './security-events.ts';

const FeedEvent = z
  .object({
    id: z.string().openapi({ description: 'evt_…: the same id as the webhook-id header of its deliveries' }),
    cursor: z.string().openapi({ description: 'Pass as `after` to read what follows this event' }),
    type: z.enum(securityEventTypes),
    timestamp: z.string(),
    data: z.record(z.string(), z.unknown()).openapi({ description: "userId, externalId and the type's ids and states (README: Security events)" }),
  })
  .openapi('SecurityEvent');

/**
 * The pull feed of security events: in id order, resumable from any cursor,
 * without gaps (ids commit in order: see appendSecurityEvent).
 */
export function eventFeedRoutes(deps: Deps) {
  const app = createRouter();
  app.openapi(
    serviceRoute('events:read', {
      method: 'get',
      path: '/events',
      tags: ['service'],
      summary: 'Security events after a cursor, oldest first',
      request: {
        query: z.object({
          after: z
            .string()
            .regex(/^\d{1,15}$/, 'a cursor from an earlier answer (0 for the beginning)')
            .optional()
            .openapi({ description: 'Cursor: the next_cursor of the previous page (default 0, the beginning)' }),
          limit: z.coerce.number().int().min(1).max(500).optional().openapi({ description: '1–500, default 100' }),
        }),
      },
      responses: {
        200: {
          description: 'A page of events',
          content: { 'application/json': { schema: z.object({ data: z.array(FeedEvent), next_cursor: z.string(), has_more: z.boolean() }) } },
        },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const after = Number(q.after ?? '0');
      const { rows, hasMore } = await readEventsAfter(deps.db, after, q.limit ?? 100);
      const data = rows.map(eventView);
      return c.json(
        { data: data as z.infer<typeof FeedEvent>[], next_cursor: rows.length ? String(rows[rows.length - 1]!.id) : String(after), has_more: hasMore },
        200,
      );
    },
  );
  return app;
}
