import { z } from '@hono/zod-openapi';
import { asc, eq } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { createRouter, errorResponses, requestContext } from '../http.ts';
import { staffRoute } from '../staff-auth/middleware.ts';
import { AppError } from '../errors.ts';
import { reasonCodes } from '../../db/schema/index.ts';
import { recordAuditEvent } from '../audit/audit-log.ts';

const ReasonCode = z
  .object({ id: z.string(), code: z.string(), kind: z.enum(['reject', 'request_info']), label: z.string(), userMessage: z.string(), active: z.boolean() })
  .openapi('ReasonCode');
const view = (r: typeof reasonCodes.$inferSelect) => ({ id: r.code, code: r.code, kind: r.kind, label: r.label, userMessage: r.userMessage, active: r.active });
const CodeParam = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9_]{2,60}$/)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

/** The managed list of reasons for rejections and requests for information. Codes are retired, never deleted. */
export function reasonCodeRoutes(deps: Deps) {
  const app = createRouter();
  app.openapi(
    staffRoute('reason-codes.read', {
      method: 'get',
      path: '/reason-codes',
      tags: ['reason codes'],
      summary: 'Reason codes (the id is the code)',
      responses: { 200: { description: 'All codes', content: { 'application/json': { schema: z.array(ReasonCode) } } }, ...errorResponses(401, 403) },
    }),
    async (c) => {
      const rows = (await deps.db.select().from(reasonCodes).orderBy(asc(reasonCodes.kind), asc(reasonCodes.code))).map(view);
      c.header('Content-Range', `reason-codes 0-${Math.max(0, rows.length - 1)}/${rows.length}`);
      return c.json(rows, 200);
    },
  );
  app.openapi(
    staffRoute('reason-codes.read', {
      method: 'get',
      path: '/reason-codes/{id}',
      tags: ['reason codes'],
      summary: 'One reason code',
      request: { params: CodeParam },
      responses: { 200: { description: 'The code', content: { 'application/json': { schema: ReasonCode } } }, ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const row = (
        await deps.db
          .select()
          .from(reasonCodes)
          .where(eq(reasonCodes.code, c.req.valid('param').id))
          .limit(1)
      )[0];
      if (!row) throw new AppError('not_found');
      return c.json(view(row), 200);
    },
  );
  app.openapi(
    staffRoute('reason-codes.manage', {
      method: 'post',
      path: '/reason-codes',
      tags: ['reason codes'],
      summary: 'Add a reason code',
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                code: z.string().regex(/^[a-z0-9_]{2,60}$/, 'lower-case letters, digits and _'),
                kind: z.enum(['reject', 'request_info']),
                label: z.string().trim().min(2).max(120),
                userMessage: z.string().trim().min(2).max(500),
              }),
            },
          },
        },
      },
      responses: { 201: { description: 'Created', content: { 'application/json': { schema: ReasonCode } } }, ...errorResponses(400, 401, 403, 409) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const principal = c.get('staff')!;
      const ctx = requestContext(c, deps.config.trustProxy);
      const row = await deps.db.transaction(async (tx) => {
        if ((await tx.select().from(reasonCodes).where(eq(reasonCodes.code, input.code)).limit(1))[0])
          throw new AppError('already_exists', 'This code exists.');
        const created = (
          await tx
            .insert(reasonCodes)
            .values({ ...input, active: true, createdAt: deps.clock() })
            .returning()
        )[0];
        await recordAuditEvent(tx, deps.clock(), {
          actor: { type: 'staff', id: principal.staffId, label: principal.email },
          action: 'reason_code.create',
          target: { type: 'reason_code', id: input.code },
          ip: ctx.ip,
          requestId: ctx.requestId,
          details: input,
        });
        return created;
      });
      return c.json(view(row), 201);
    },
  );
  app.openapi(
    staffRoute('reason-codes.manage', {
      method: 'put',
      path: '/reason-codes/{id}',
      tags: ['reason codes'],
      summary: 'Change the label or user message, or retire (active: false)',
      request: {
        params: CodeParam,
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                label: z.string().trim().min(2).max(120).optional(),
                userMessage: z.string().trim().min(2).max(500).optional(),
                active: z.boolean().optional(),
              }),
            },
          },
        },
      },
      responses: { 200: { description: 'Updated', content: { 'application/json': { schema: ReasonCode } } }, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const code = c.req.valid('param').id;
      const input = c.req.valid('json');
      const principal = c.get('staff')!;
      const ctx = requestContext(c, deps.config.trustProxy);
      const row = await deps.db.transaction(async (tx) => {
        const current = (await tx.select().from(reasonCodes).where(eq(reasonCodes.code, code)).limit(1))[0];
        if (!current) throw new AppError('not_found');
        // Only what differs is written and audited; an empty or unchanged body is a 200 with no change (as for staff).
        const set = Object.fromEntries(
          Object.entries(input).filter(([key, value]) => value !== undefined && value !== current[key as keyof typeof current]),
        ) as Partial<typeof input>;
        if (Object.keys(set).length === 0) return current;
        const updated = (await tx.update(reasonCodes).set(set).where(eq(reasonCodes.code, code)).returning())[0]!;
        await recordAuditEvent(tx, deps.clock(), {
          actor: { type: 'staff', id: principal.staffId, label: principal.email },
          action: 'reason_code.update',
          target: { type: 'reason_code', id: code },
          ip: ctx.ip,
          requestId: ctx.requestId,
          details: { before: view(current), after: view(updated) },
        });
        return updated;
      });
      return c.json(view(row), 200);
    },
  );
  return app;
}
