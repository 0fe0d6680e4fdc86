import { z } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import { createRouter, errorResponses, requestContext } from '../http.ts';
import { staffRoute } from '../staff-auth/middleware.ts';
import { ListQuerySchema, contentRange, parseListQuery } from '../platform/list-query.ts';
import { staffRoles } from '../../db/schema/index.ts';
import { createStaffMember, getStaff, listStaff, staffDirectory, staffSortable, updateStaffMember } from './service.ts';
import QRCode from 'qrcode';

const Role = z.enum(staffRoles);
const StaffMember = z
  .object({
    id: z.number(),
    email: z.string(),
    name: z.string(),
    role: Role,
    disabled: z.boolean(),
    userId: z.number().nullable(),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
  })
  .openapi('StaffMember');
const DirectoryEntry = z.object({ id: z.number(), name: z.string(), role: Role, active: z.boolean() }).openapi('StaffDirectoryEntry');
const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export function staffRoutes(deps: Deps) {
  const app = createRouter();

  app.openapi(
    staffRoute('staff.directory', {
      method: 'get',
      path: '/staff-directory',
      tags: ['staff'],
      summary: 'Every staff member by name and role (no email or sign-in data), for every staff role; disabled members are listed with active: false',
      responses: {
        200: { description: 'The whole directory, by name', content: { 'application/json': { schema: z.array(DirectoryEntry) } } },
        ...errorResponses(401, 403),
      },
    }),
    async (c) => c.json(await staffDirectory(deps), 200),
  );

  app.openapi(
    staffRoute('staff.read', {
      method: 'get',
      path: '/staff',
      tags: ['staff'],
      summary: 'Staff accounts (simple-REST list; filters q, role, id)',
      request: { query: ListQuerySchema },
      responses: {
        200: { description: 'A page of staff', content: { 'application/json': { schema: z.array(StaffMember) } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const q = parseListQuery(c.req.valid('query'), { sortable: staffSortable, defaultSort: ['id', 'ASC'] });
      const { rows, total } = await listStaff(deps, q);
      c.header('Content-Range', contentRange('staff', q.offset, rows.length, total));
      return c.json(rows, 200);
    },
  );

  app.openapi(
    staffRoute('staff.read', {
      method: 'get',
      path: '/staff/{id}',
      tags: ['staff'],
      summary: 'One staff account',
      request: { params: IdParam },
      responses: { 200: { description: 'The staff member', content: { 'application/json': { schema: StaffMember } } }, ...errorResponses(401, 403, 404) },
    }),
    async (c) => c.json(await getStaff(deps, c.req.valid('param').id), 200),
  );

  app.openapi(
    staffRoute('staff.manage', {
      method: 'post',
      path: '/staff',
      tags: ['staff'],
      summary: 'Create a staff account; the initial password and TOTP key are in this response only',
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                email: z.email().max(254),
                name: z.string().trim().min(1).max(120),
                role: Role,
                userId: z.number().int().positive().nullable().optional(),
              }),
            },
          },
        },
      },
      responses: {
        201: {
          description: 'Created',
          content: {
            'application/json': { schema: StaffMember.extend({ password: z.string(), totpSecret: z.string(), otpauthUri: z.string(), qrDataUrl: z.string() }) },
          },
        },
        ...errorResponses(400, 401, 403, 409),
      },
    }),
    async (c) => {
      const principal = c.get('staff')!;
      const created = await createStaffMember(
        deps,
        c.req.valid('json'),
        { type: 'staff', id: principal.staffId, label: principal.email },
        requestContext(c, deps.config.trustProxy),
      );
      c.header('Cache-Control', 'no-store');
      const qrDataUrl = await QRCode.toDataURL(created.otpauthUri, { errorCorrectionLevel: 'M', margin: 1, width: 220 });
      return c.json({ ...created.member, password: created.password, totpSecret: created.totpSecret, otpauthUri: created.otpauthUri, qrDataUrl }, 201);
    },
  );

  app.openapi(
    staffRoute('staff.manage', {
      method: 'put',
      path: '/staff/{id}',
      tags: ['staff'],
      summary: 'Change name, role or disabled (not your own role; not yourself disabled)',
      request: {
        params: IdParam,
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({ name: z.string().trim().min(1).max(120).optional(), role: Role.optional(), disabled: z.boolean().optional() }),
            },
          },
        },
      },
      responses: { 200: { description: 'Updated', content: { 'application/json': { schema: StaffMember } } }, ...errorResponses(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const principal = c.get('staff')!;
      const updated = await updateStaffMember(deps, c.req.valid('param').id, c.req.valid('json'), principal, requestContext(c, deps.config.trustProxy));
      return c.json(updated, 200);
    },
  );

  return app;
}
