import { z } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import { createRouter, errorResponses, requestContext } from '../http.ts';
import { staffRoute } from '../staff-auth/middleware.ts';
import { ListQuerySchema, contentRange, parseListQuery } from '../platform/list-query.ts';
import { listUsers, revealUserField, unfreezeUser, userDetail, userSortable } from './admin.ts';

const UserSummary = z
  .object({
    id: z.number(),
    externalId: z.string().nullable().openapi({ description: "The exchange's id (PUT /service/v1/users/{externalId})" }),
    maskedEmail: z.string(),
    status: z.string(),
    valueTier: z.string(),
    kycLevel: z.number().nullable(),
    country: z.string().nullable(),
    createdAt: z.string(),
    activeFactors: z.number(),
    withdrawalLockUntil: z.string().nullable(),
  })
  .openapi('UserSummary');
const UserDetail = UserSummary.extend({}).catchall(z.any()).openapi('UserDetail');
const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const tags = ['users'];

export function userAdminRoutes(deps: Deps) {
  const app = createRouter();
  app.openapi(
    staffRoute('users.read', {
      method: 'get',
      path: '/users',
      tags,
      summary: 'End users, masked (filter q: an id, an exact email or ext:<external id>; status)',
      request: { query: ListQuerySchema },
      responses: {
        200: { description: 'A page of users', content: { 'application/json': { schema: z.array(UserSummary) } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const q = parseListQuery(c.req.valid('query'), { sortable: userSortable, defaultSort: ['id', 'ASC'] });
      const { rows, total } = await listUsers(deps, q);
      c.header('Content-Range', contentRange('users', q.offset, rows.length, total));
      return c.json(rows, 200);
    },
  );
  app.openapi(
    staffRoute('users.read', {
      method: 'get',
      path: '/users/{id}',
      tags,
      summary: 'Account summary (masked), factor history, cases',
      request: { params: IdParam },
      responses: { 200: { description: 'The user', content: { 'application/json': { schema: UserDetail } } }, ...errorResponses(401, 403, 404) },
    }),
    async (c) => c.json((await userDetail(deps, c.req.valid('param').id)) as z.infer<typeof UserDetail>, 200),
  );
  app.openapi(
    staffRoute('users.reveal', {
      method: 'post',
      path: '/users/{id}/reveal',
      tags,
      summary: 'Reveal one field in clear, with a justification (audited)',
      request: {
        params: IdParam,
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                field: z.enum(['email', 'phone']),
                justification: z.string().trim().min(10, 'at least 10 characters').max(500),
                factorId: z.number().int().positive().optional(),
              }),
            },
          },
        },
      },
      responses: {
        200: { description: 'The value', content: { 'application/json': { schema: z.object({ field: z.string(), value: z.string() }) } } },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await revealUserField(deps, c.get('staff')!, c.req.valid('param').id, c.req.valid('json'), requestContext(c, deps.config.trustProxy)), 200);
    },
  );
  app.openapi(
    staffRoute('users.unfreeze', {
      method: 'post',
      path: '/users/{id}/unfreeze',
      tags,
      summary: 'Lift a freeze after review (supervisors; audited)',
      request: {
        params: IdParam,
        body: { required: true, content: { 'application/json': { schema: z.object({ justification: z.string().trim().min(10).max(500) }) } } },
      },
      responses: { 200: { description: 'The user', content: { 'application/json': { schema: UserDetail } } }, ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) =>
      c.json(
        (await unfreezeUser(
          deps,
          c.get('staff')!,
          c.req.valid('param').id,
          c.req.valid('json').justification,
          requestContext(c, deps.config.trustProxy),
        )) as z.infer<typeof UserDetail>,
        200,
      ),
  );
  return app;
}
