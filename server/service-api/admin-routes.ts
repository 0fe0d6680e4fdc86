import { z } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import { createRouter, errorResponses, requestContext } from '../http.ts';
import { staffRoute } from '../staff-auth/middleware.ts';
import { serviceScopes } from '../../db/schema/index.ts';
import type { StaffPrincipal } from '../staff-auth/session.ts';
import type { AuditActor } from '../audit/audit-log.ts';
import {
  createServiceAccount,
  getServiceAccount,
  listServiceAccounts,
  revokeServiceAccount,
  rotateServiceKey,
  DEFAULT_ROTATION_OVERLAP_MS,
} from './accounts.ts';

const tags = ['service accounts'];
const Scope = z.enum(serviceScopes);
const ServiceKey = z
  .object({
    id: z.number(),
    prefix: z.string(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    status: z.enum(['active', 'expiring', 'expired', 'revoked']),
  })
  .openapi('ServiceKey');
const ServiceAccount = z
  .object({
    id: z.number(),
    name: z.string(),
    scopes: z.array(Scope),
    status: z.enum(['active', 'revoked']),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    keys: z.array(ServiceKey),
  })
  .openapi('ServiceAccount');
const WithKey = ServiceAccount.extend({ key: z.string().openapi({ description: 'The API key, shown this once; only its hash is kept' }) }).openapi(
  'ServiceAccountWithKey',
);
const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' } }),
});

const staffActor = (p: StaffPrincipal): AuditActor => ({ type: 'staff', id: p.staffId, label: p.email });

/** The desk's service accounts (admins only): list, create, rotate a key, revoke. Keys are shown once. */
export function serviceAccountAdminRoutes(deps: Deps) {
  const app = createRouter();

  app.openapi(
    staffRoute('service-accounts.read', {
      method: 'get',
      path: '/service-accounts',
      tags,
      summary: 'Service accounts with their keys (prefixes only); the whole list, in one page',
      responses: {
        200: { description: 'Every service account', content: { 'application/json': { schema: z.array(ServiceAccount) } } },
        ...errorResponses(401, 403),
      },
    }),
    async (c) => {
      const rows = await listServiceAccounts(deps);
      c.header('Content-Range', `service-accounts 0-${Math.max(0, rows.length - 1)}/${rows.length}`);
      return c.json(rows, 200);
    },
  );

  app.openapi(
    staffRoute('service-accounts.read', {
      method: 'get',
      path: '/service-accounts/{id}',
      tags,
      summary: 'One service account',
      request: { params: IdParam },
      responses: { 200: { description: 'The account', content: { 'application/json': { schema: ServiceAccount } } }, ...errorResponses(401, 403, 404) },
    }),
    async (c) => c.json(await getServiceAccount(deps, c.req.valid('param').id), 200),
  );

  app.openapi(
    staffRoute('service-accounts.manage', {
      method: 'post',
      path: '/service-accounts',
      tags,
      summary: 'Create a service account; its key is in this answer and never again',
      request: {
        body: {
          required: true,
          content: { 'application/json': { schema: z.object({ name: z.string().trim().min(1).max(64), scopes: z.array(Scope).min(1) }) } },
        },
      },
      responses: { 201: { description: 'Created, with its key', content: { 'application/json': { schema: WithKey } } }, ...errorResponses(400, 401, 403, 409) },
    }),
    async (c) => {
      const created = await createServiceAccount(deps, c.req.valid('json'), staffActor(c.get('staff')!), requestContext(c, deps.config.trustProxy));
      return c.json({ ...created.account, key: created.key }, 201);
    },
  );

  app.openapi(
    staffRoute('service-accounts.manage', {
      method: 'post',
      path: '/service-accounts/{id}/rotate',
      tags,
      summary: 'Issue a new key; the old ones keep working for overlapHours (default 24, 0 = stop now)',
      request: {
        params: IdParam,
        body: { required: false, content: { 'application/json': { schema: z.object({ overlapHours: z.number().min(0).max(720).optional() }) } } },
      },
      responses: {
        200: { description: 'The new key, shown once', content: { 'application/json': { schema: WithKey.extend({ oldKeysExpireAt: z.string() }) } } },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const hours = c.req.valid('json')?.overlapHours;
      const overlapMs = hours === undefined ? DEFAULT_ROTATION_OVERLAP_MS : Math.round(hours * 3_600_000);
      const rotated = await rotateServiceKey(deps, c.req.valid('param').id, overlapMs, staffActor(c.get('staff')!), requestContext(c, deps.config.trustProxy));
      return c.json({ ...rotated.account, key: rotated.key, oldKeysExpireAt: rotated.oldKeysExpireAt }, 200);
    },
  );

  app.openapi(
    staffRoute('service-accounts.manage', {
      method: 'post',
      path: '/service-accounts/{id}/revoke',
      tags,
      summary: 'Revoke the account and every key now',
      request: { params: IdParam },
      responses: {
        200: { description: 'The revoked account', content: { 'application/json': { schema: ServiceAccount } } },
        ...errorResponses(401, 403, 404, 409),
      },
    }),
    async (c) => c.json(await revokeServiceAccount(deps, c.req.valid('param').id, staffActor(c.get('staff')!), requestContext(c, deps.config.trustProxy)), 200),
  );

  return app;
}
