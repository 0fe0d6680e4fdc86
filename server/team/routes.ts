import { z } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import { createRouter, errorResponses, requestContext } from '../http.ts';
import { staffRoute } from '../staff-auth/middleware.ts';
import { ListQuerySchema, contentRange, parseListQuery } from '../platform/list-query.ts';
import { staffRoles } from '../../db/schema/index.ts';
import { releaseAllClaims, sortTeam, teamOverview, teamSortable } from './service.ts';

const tags = ['review desk'];
const TeamMember = z
  .object({
    id: z.number(),
    name: z.string(),
    role: z.enum(staffRoles),
    active: z.boolean(),
    openCases: z.number(),
    oldestSlaDueAt: z.string().nullable(),
    lastActivityAt: z.string().nullable(),
  })
  .openapi('TeamMember');
const StaffIdParam = z.object({
  staffId: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'staffId', in: 'path' } }),
});

/** The supervisor's view of the team: who holds which cases, and releasing an absent agent's claims. */
export function teamRoutes(deps: Deps) {
  const app = createRouter();

  app.openapi(
    staffRoute('team.read', {
      method: 'get',
      path: '/team',
      tags,
      summary:
        'Each agent and supervisor with the cases they hold, the earliest SLA among them and their last activity (simple-REST list; sort name, openCases, oldestSlaDueAt)',
      request: { query: ListQuerySchema },
      responses: {
        200: { description: 'The team; Content-Range gives the total', content: { 'application/json': { schema: z.array(TeamMember) } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const q = parseListQuery(c.req.valid('query'), { sortable: teamSortable, defaultSort: ['name', 'ASC'], defaultPage: 100 });
      const all = sortTeam(await teamOverview(deps), q.sortField, q.sortOrder);
      const rows = all.slice(q.offset, q.offset + q.limit);
      c.header('Content-Range', contentRange('team', q.offset, rows.length, all.length));
      return c.json(rows, 200);
    },
  );

  app.openapi(
    staffRoute('cases.assign', {
      method: 'post',
      path: '/team/{staffId}/release-claims',
      tags,
      summary: 'Give every case this staff member holds back to the queue, in one transaction (one case.release audit event per case, with allClaimsOf)',
      description: 'For an agent who is away. Cases about the caller’s own account are left as they are and listed in `skipped`.',
      request: {
        params: StaffIdParam,
        body: { required: true, content: { 'application/json': { schema: z.object({ reason: z.string().trim().max(500).optional() }) } } },
      },
      responses: {
        200: {
          description: 'The cases released and those skipped',
          content: {
            'application/json': {
              schema: z.object({ staffId: z.number(), released: z.array(z.number()), skipped: z.array(z.object({ caseId: z.number(), code: z.string() })) }),
            },
          },
        },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const principal = c.get('staff')!;
      const body = c.req.valid('json');
      return c.json(
        await releaseAllClaims(deps, principal, c.req.valid('param').staffId, { reason: body.reason || undefined }, requestContext(c, deps.config.trustProxy)),
        200,
      );
    },
  );

  return app;
}
