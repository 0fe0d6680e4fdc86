import { loggableError } from '../errors.ts';
import { z } from '@hono/zod-openapi';
import { stringify } from 'csv-stringify/sync';
import type { Deps } from '../deps.ts';
import { createRouter, errorResponses } from '../http.ts';
import { staffRoute } from '../staff-auth/middleware.ts';
import { ListQuerySchema, contentRange, parseListQuery } from '../platform/list-query.ts';
import { listAuditEvents, iterateAuditEvents, auditSortable, type AuditEventView } from './queries.ts';
import { verifyAuditChain } from './audit-log.ts';

const AuditEvent = z
  .object({
    id: z.number(),
    ts: z.string(),
    actorType: z.enum(['staff', 'user', 'system', 'service']),
    actorId: z.string().nullable(),
    actorLabel: z.string().nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    requestId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    hash: z.string(),
  })
  .openapi('AuditEvent');

const Verdict = z
  .object({
    ok: z.boolean(),
    count: z.number(),
    headHash: z.string().optional(),
    firstBadEventId: z.number().optional(),
    problem: z.string().optional(),
    message: z.string().optional(),
  })
  .openapi('AuditChainVerdict');

const csvColumns: (keyof AuditEventView)[] = [
  'id',
  'ts',
  'actorType',
  'actorId',
  'actorLabel',
  'action',
  'targetType',
  'targetId',
  'ip',
  'requestId',
  'details',
  'hash',
];

export function auditRoutes(deps: Deps) {
  const app = createRouter();
  const filterDoc = 'filter keys: q, action (prefix with * e.g. "staff.*"), actorType, actorId, targetType, targetId, ts_gte, ts_lte, id (list)';

  app.openapi(
    staffRoute('audit.read', {
      method: 'get',
      path: '/audit-events',
      tags: ['audit'],
      summary: 'The audit trail, react-admin simple-REST list',
      description: filterDoc,
      request: { query: ListQuerySchema },
      responses: {
        200: { description: 'A page of events; Content-Range gives the total', content: { 'application/json': { schema: z.array(AuditEvent) } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const q = parseListQuery(c.req.valid('query'), { sortable: auditSortable, defaultSort: ['id', 'DESC'] });
      const { rows, total } = await listAuditEvents(deps.db, q);
      c.header('Content-Range', contentRange('audit-events', q.offset, rows.length, total));
      return c.json(rows, 200);
    },
  );

  app.openapi(
    staffRoute('audit.read', {
      method: 'get',
      path: '/audit-events/verify',
      tags: ['audit'],
      summary: 'Verify the hash chain; names the first edited, deleted or reordered event',
      responses: { 200: { description: 'The verdict', content: { 'application/json': { schema: Verdict } } }, ...errorResponses(401, 403) },
    }),
    async (c) => c.json(await verifyAuditChain(deps.db), 200),
  );

  app.openapi(
    staffRoute('audit.read', {
      method: 'get',
      path: '/audit-events.csv',
      tags: ['audit'],
      summary: 'Export the filtered trail as CSV, in sequence order (sort=["id","DESC"] for newest first)',
      description: filterDoc,
      request: { query: ListQuerySchema.pick({ filter: true, sort: true }) },
      responses: { 200: { description: 'CSV, one row per event', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      const q = parseListQuery({ ...c.req.valid('query'), range: undefined }, { sortable: auditSortable, defaultSort: ['id', 'ASC'] });
      const iterator = iterateAuditEvents(deps.db, q.filter, q.sortOrder); // throws the 400 for a bad filter
      const requestId = c.get('requestId');
      const readBatch = async (): Promise<unknown[][]> => {
        const batch: unknown[][] = [];
        for (let i = 0; i < 500; i++) {
          const next = await iterator.next();
          if (next.done) break;
          batch.push(csvColumns.map((k) => (k === 'details' ? JSON.stringify(next.value.details) : next.value[k])));
        }
        return batch;
      };
      // The first batch is read before the status line goes out: a filter the database refuses
      // (a NUL byte on PostgreSQL, say) is the usual JSON error, not a download cut short.
      const first = await readBatch();
      let sent = 0;
      const stamp = deps.clock().toISOString().replace(/[:.]/g, '-');
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="rebind-audit-${stamp}.csv"`);
      // Streamed in chunks so an export of the whole trail stays in constant memory.
      const encoder = new TextEncoder();
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(stringify([csvColumns])));
          if (first.length) controller.enqueue(encoder.encode(stringify(first)));
          sent = first.length;
          if (first.length < 500) controller.close();
        },
        async pull(controller) {
          try {
            const batch = await readBatch();
            if (batch.length) controller.enqueue(encoder.encode(stringify(batch)));
            sent += batch.length;
            if (batch.length < 500) controller.close();
          } catch (err) {
            // The status line is gone: erroring the stream resets the connection, so the
            // download fails visibly (no final chunk) instead of looking like a short, complete export.
            deps.logger.error({ requestId, rowsSent: sent, err: loggableError(err) }, 'audit export failed mid-stream; connection aborted');
            // Erroring the stream alone let the server end the chunked body as if complete once rows had
            // gone out: destroy the response's socket too (on a real server), so the transfer visibly fails.
            (c.env as { outgoing?: { destroy(error?: Error): void } } | undefined)?.outgoing?.destroy(err as Error);
            controller.error(err);
          }
        },
      });
      return c.body(stream, 200);
    },
  );

  return app;
}
