import { z } from '@hono/zod-openapi';
import type { TypedResponse } from 'hono';
import type { Deps } from '../deps.ts';
import { createRouter, errorResponses, requestContext } from '../http.ts';
import { staffRoute } from '../staff-auth/middleware.ts';
import { ListQuerySchema, contentRange, parseListQuery } from '../platform/list-query.ts';
import { recordAuditEvent } from '../audit/audit-log.ts';
import { caseSortable, listCases } from './queue.ts';
import { caseDetail } from './detail.ts';
import { runCaseAction } from './workflow.ts';
import type { CaseAction } from './case-rules.ts';

const CaseSummary = z
  .object({
    id: z.number(),
    status: z.string(),
    version: z.number(),
    userId: z.number(),
    maskedEmail: z.string(),
    methods: z.array(z.string()),
    riskScore: z.number().nullable(),
    riskBand: z.enum(['low', 'medium', 'high']).nullable(),
    slaDueAt: z.string().nullable(),
    slaBreached: z.boolean(),
    assigneeId: z.number().nullable(),
    firstApproverId: z.number().nullable(),
    createdAt: z.string(),
    submittedAt: z.string().nullable(),
    decidedAt: z.string().nullable(),
    ownAccount: z.boolean().optional(),
  })
  .openapi('CaseSummary');
const CaseDetail = CaseSummary.extend({}).catchall(z.any()).openapi('CaseDetail');
const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const tags = ['review desk'];

type WorkAction = Exclude<CaseAction, 'note' | 'assign'>;

const actionBodies: Record<WorkAction, z.ZodObject> = {
  claim: z.object({ version: z.number().int() }),
  release: z.object({ version: z.number().int() }),
  approve: z.object({ version: z.number().int(), note: z.string().max(2000).optional() }),
  reject: z.object({ version: z.number().int(), reasonCode: z.string().min(1).max(60), note: z.string().max(2000).optional() }),
  'request-info': z.object({ version: z.number().int(), reasonCode: z.string().min(1).max(60), message: z.string().trim().min(1).max(2000) }),
  escalate: z.object({ version: z.number().int(), note: z.string().trim().min(1).max(2000) }),
};

const summaries: Record<WorkAction, string> = {
  claim: 'Claim the case (a lapsed claim can be taken over; escalated cases are for supervisors)',
  release: 'Give the case back to the queue (supervisors can release anyone’s claim)',
  approve: 'Approve; a high-risk case needs a second approval by a different supervisor',
  reject: 'Reject with a reason code; the user is told the reason category',
  'request-info': 'Ask the user for more information (user-visible message)',
  escalate: 'Hand the case to supervisors, with an internal note',
};

export function caseRoutes(deps: Deps) {
  const app = createRouter();

  app.openapi(
    staffRoute('cases.read', {
      method: 'get',
      path: '/cases',
      tags,
      summary: 'The review queue (simple-REST list)',
      description:
        'filter: status (one or a list), riskBand, method, assigneeId ("me", "unassigned" or an id), slaBreached, slaDueAt_gte, slaDueAt_lte, userId, q (case id or masked-email prefix), id (list). sort: slaDueAt, createdAt, riskScore, submittedAt, id. The total in Content-Range is exact, except for filters on SLA times or an email prefix over more than a few thousand cases, where it is an estimate flagged by `X-Total-Is-Estimate: true`. `Prefer: count=none` skips the total (`Content-Range: cases 0-24/*`).',
      request: { query: ListQuerySchema },
      responses: {
        200: { description: 'A page of cases; Content-Range gives the total', content: { 'application/json': { schema: z.array(CaseSummary) } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const q = parseListQuery(c.req.valid('query'), { sortable: caseSortable, defaultSort: ['slaDueAt', 'ASC'] });
      // `Prefer: count=none` (as in PostgREST) skips the total: Content-Range ends in `/*`.
      const countNone = /\bcount=none\b/.test(c.req.header('prefer') ?? '');
      const principal = c.get('staff')!;
      // Cases about the signed-in person's own account come flagged (ownAccount), so the desk offers no action on them.
      const { rows, total, totalIsEstimate, json } = await listCases(deps.database, q, deps.clock(), principal.staffId, {
        total: !countNone,
        ownUserId: principal.userId,
        json: true,
        dataVersion: c.get('dataVersion'),
      });
      c.header(
        'Content-Range',
        total === null ? `cases ${q.offset}-${rows.length ? q.offset + rows.length - 1 : q.offset}/*` : contentRange('cases', q.offset, rows.length, total),
      );
      // Past a few thousand candidates some filters (SLA times, email prefix) get an estimated total.
      if (totalIsEstimate) c.header('X-Total-Is-Estimate', 'true');
      // The rows' JSON text comes with them (a remembered page keeps it): the same answer c.json would give.
      return c.body(json!, 200, { 'Content-Type': 'application/json' }) as unknown as TypedResponse<z.infer<typeof CaseSummary>[], 200, 'json'>;
    },
  );

  app.openapi(
    staffRoute('cases.read', {
      method: 'get',
      path: '/cases/{id}',
      tags,
      summary: 'A case with its evidence, checks, signals, account summary (masked), notes and timeline; the view is audited',
      request: { params: IdParam },
      responses: { 200: { description: 'The case', content: { 'application/json': { schema: CaseDetail } } }, ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const principal = c.get('staff')!;
      const id = c.req.valid('param').id;
      const detail = await caseDetail(deps, principal, id);
      const ctx = requestContext(c, deps.config.trustProxy);
      await deps.db.transaction(async (tx) => {
        await recordAuditEvent(tx, deps.clock(), {
          actor: { type: 'staff', id: principal.staffId, label: principal.email },
          action: 'case.view',
          target: { type: 'case', id },
          ip: ctx.ip,
          requestId: ctx.requestId,
        });
      });
      return c.json(detail as z.infer<typeof CaseDetail>, 200);
    },
  );

  for (const action of Object.keys(actionBodies) as WorkAction[]) {
    app.openapi(
      staffRoute('cases.work', {
        method: 'post',
        path: `/cases/{id}/${action}`,
        tags,
        summary: summaries[action],
        request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: actionBodies[action] } } } },
        responses: {
          200: { description: 'The case after the action', content: { 'application/json': { schema: CaseSummary } } },
          ...errorResponses(400, 401, 403, 404, 409, 422),
        },
      }),
      async (c) => {
        const principal = c.get('staff')!;
        const id = c.req.valid('param').id;
        const updated = await runCaseAction(deps, principal, id, action, c.req.valid('json') as { version: number }, requestContext(c, deps.config.trustProxy));
        return c.json((await caseDetail(deps, principal, updated.id)) as z.infer<typeof CaseSummary>, 200);
      },
    );
  }

  app.openapi(
    staffRoute('cases.assign', {
      method: 'post',
      path: '/cases/{id}/assign',
      tags,
      summary: 'Assign or reassign the case to an agent or supervisor (supervisors), with an internal note',
      description:
        'Assignable: submitted, in_review (reassignment) and escalated (to a supervisor only) cases. The assignee must be an active agent or supervisor, not the current live holder, and never someone the case is about (conflict_of_interest). The case becomes in_review, held by the assignee (it shows in their "My cases"); audited as case.assign with from/to.',
      request: {
        params: IdParam,
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({ version: z.number().int(), assigneeId: z.number().int().positive(), note: z.string().trim().min(1).max(2000) }),
            },
          },
        },
      },
      responses: {
        200: { description: 'The case after the assignment', content: { 'application/json': { schema: CaseDetail } } },
        ...errorResponses(400, 401, 403, 404, 409, 422),
      },
    }),
    async (c) => {
      const principal = c.get('staff')!;
      const id = c.req.valid('param').id;
      await runCaseAction(deps, principal, id, 'assign', c.req.valid('json'), requestContext(c, deps.config.trustProxy));
      return c.json((await caseDetail(deps, principal, id)) as z.infer<typeof CaseDetail>, 200);
    },
  );

  app.openapi(
    staffRoute('cases.work', {
      method: 'post',
      path: '/cases/{id}/notes',
      tags,
      summary: 'Add a note: internal (staff only) or user-visible (shown on the case status)',
      request: {
        params: IdParam,
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                version: z.number().int().optional(),
                body: z.string().trim().min(1).max(4000),
                visibility: z.enum(['internal', 'user']).default('internal'),
              }),
            },
          },
        },
      },
      responses: {
        200: { description: 'The case with its notes', content: { 'application/json': { schema: CaseDetail } } },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const principal = c.get('staff')!;
      const id = c.req.valid('param').id;
      await runCaseAction(deps, principal, id, 'note', c.req.valid('json'), requestContext(c, deps.config.trustProxy));
      return c.json((await caseDetail(deps, principal, id)) as z.infer<typeof CaseDetail>, 200);
    },
  );

  return app;
}
