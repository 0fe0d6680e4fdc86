import { beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { serviceScopes, staffRoles, userSessions, users, type ServiceScope, type StaffRole } from '../../db/schema/index.ts';
import { createServiceAccount } from '../../server/service-api/accounts.ts';
import { roleHasPermission, type Permission } from '../../server/staff-auth/permissions.ts';
import { createTestContext, makeStaff, StaffClient, type StaffAccount, type TestContext } from './helpers.ts';

/**
 * Every /admin/api route, found in the OpenAPI document (so new routes join
 * automatically), called as anonymous, as an end user with a valid bearer
 * token, and as each staff role.
 */
interface Operation {
  method: string;
  path: string; // OpenAPI form, /admin/api/staff/{id}
  permission: Permission | 'public';
}

let ctx: TestContext;
let operations: Operation[];
let userToken: string;
const accounts = new Map<StaffRole, StaffAccount>();
const clients = new Map<StaffRole, StaffClient>();

async function signIn(role: StaffRole) {
  ctx.clock.advance(31_000); // a fresh TOTP time step for every sign-in
  const client = new StaffClient(ctx);
  const res = await client.signIn(accounts.get(role)!);
  expect(res.status).toBe(200);
  clients.set(role, client);
}

beforeAll(async () => {
  ctx = await createTestContext();
  for (const role of staffRoles) {
    accounts.set(role, await makeStaff(ctx, role));
    await signIn(role);
  }
  const now = ctx.clock();
  const userId = (await ctx.deps.db.insert(users).values({ email: 'enduser@example.com', passwordHash: 'x', createdAt: now, updatedAt: now }).returning())[0]
    .id;
  userToken = randomBytes(32).toString('base64url');
  await ctx.deps.db.insert(userSessions).values({
    id: createHash('sha256').update(userToken).digest('hex'),
    userId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + 3_600_000),
  });
  const doc = (await (await ctx.app.request('/openapi.json')).json()) as {
    paths: Record<string, Record<string, { 'x-rebind-permission'?: Permission | 'public' }>>;
  };
  operations = Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/admin/api/'))
    .flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, permission: op['x-rebind-permission']! })));
});

const concrete = (path: string) => path.replace(/\{[^}]+\}/g, '1');

describe('route × role matrix for /admin/api', () => {
  it('finds the routes, each with a declared permission', () => {
    expect(operations.length).toBeGreaterThanOrEqual(9);
    for (const op of operations) expect(op.permission, `${op.method} ${op.path}`).toBeTruthy();
    // Only the two sign-in steps are open to anonymous callers.
    expect(
      operations
        .filter((o) => o.permission === 'public')
        .map((o) => o.path)
        .sort(),
    ).toEqual(['/admin/api/auth/login', '/admin/api/auth/login/totp']);
  });

  it('documents every route the app serves under /admin/api', () => {
    const documented = new Set(operations.map((o) => `${o.method} ${o.path.replace(/\{([^}]+)\}/g, ':$1')}`));
    const served = ctx.app.routes
      .filter((r) => r.path.startsWith('/admin/api/') && r.method !== 'ALL' && !r.path.endsWith('*'))
      .map((r) => `${r.method} ${r.path}`);
    expect(new Set(served).size).toBe(documented.size);
    for (const route of served) expect(documented.has(route), `${route} is served but not in /openapi.json`).toBe(true);
  });

  it('answers anonymous callers with 401 on every route but sign-in', async () => {
    for (const op of operations.filter((o) => o.permission !== 'public')) {
      const res = await ctx.app.request(concrete(op.path), {
        method: op.method,
        headers: { 'content-type': 'application/json' },
        body: op.method === 'GET' ? undefined : '{}',
      });
      expect(res.status, `${op.method} ${op.path}`).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe('unauthenticated');
    }
  });

  it('answers an end user bearer token with 401 on every staff route', async () => {
    for (const op of operations.filter((o) => o.permission !== 'public')) {
      const res = await ctx.app.request(concrete(op.path), {
        method: op.method,
        headers: { authorization: `Bearer ${userToken}`, 'content-type': 'application/json' },
        body: op.method === 'GET' ? undefined : '{}',
      });
      expect(res.status, `${op.method} ${op.path}`).toBe(401);
    }
  });

  for (const role of staffRoles) {
    it(`gives ${role} exactly what the permission table allows`, async () => {
      for (const op of operations.filter((o) => o.permission !== 'public')) {
        const client = clients.get(role)!;
        const res = await client.request(op.method, concrete(op.path), op.method === 'GET' ? undefined : {});
        const label = `${role} ${op.method} ${op.path} → ${res.status}`;
        if (roleHasPermission(role, op.permission as Permission)) {
          expect(res.status, label).not.toBe(401);
          expect(res.status, label).not.toBe(403);
          expect(res.status, label).toBeLessThan(500);
          if (op.method === 'GET' && !op.path.includes('{')) expect(res.status, label).toBe(200);
        } else {
          expect(res.status, label).toBe(403);
          expect(((await res.json()) as { code: string }).code).toBe('forbidden');
        }
        if ((await client.get('/admin/api/auth/me')).status !== 200) await signIn(role); // e.g. after logout
      }
    });
  }

  it('answers every bearer-protected /api/v1 route with 401 for anonymous callers and staff cookies', async () => {
    const doc = (await (await ctx.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>> };
    const userOps = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/'))
      .flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([, op]) => op.security?.some((s) => 'bearerSession' in s))
          .map(([method]) => ({ method: method.toUpperCase(), path })),
      );
    expect(userOps.length).toBeGreaterThanOrEqual(10);
    const staffCookie = clients.get('admin')!;
    for (const op of userOps) {
      const anon = await ctx.app.request(concrete(op.path), {
        method: op.method,
        headers: { 'content-type': 'application/json' },
        body: op.method === 'GET' ? undefined : '{}',
      });
      expect(anon.status, `anonymous ${op.method} ${op.path}`).toBe(401);
      const asStaff = await staffCookie.request(op.method, concrete(op.path), op.method === 'GET' ? undefined : {});
      expect(asStaff.status, `staff ${op.method} ${op.path}`).toBe(401);
    }
  });

  it('refuses an unsafe request without the CSRF token before any role check', async () => {
    for (const op of operations.filter((o) => o.permission !== 'public' && o.method !== 'GET')) {
      const res = await clients.get('admin')!.request(op.method, concrete(op.path), {}, { 'x-csrf-token': '' });
      expect(res.status, `${op.method} ${op.path}`).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe('csrf_failed');
    }
  });

  it('covers the webhook routes, admin only: every other role 403, anonymous 401', async () => {
    const webhookOps = operations.filter((o) => o.path.startsWith('/admin/api/webhook-'));
    expect(webhookOps.map((o) => `${o.method} ${o.path}`).sort()).toEqual([
      'GET /admin/api/webhook-deliveries',
      'GET /admin/api/webhook-deliveries/{id}',
      'GET /admin/api/webhook-endpoints',
      'GET /admin/api/webhook-endpoints/{id}',
      'POST /admin/api/webhook-deliveries/{id}/redeliver',
      'POST /admin/api/webhook-endpoints',
      'POST /admin/api/webhook-endpoints/{id}/rotate-secret',
      'PUT /admin/api/webhook-endpoints/{id}',
    ]);
    for (const op of webhookOps) {
      expect(['webhooks.read', 'webhooks.manage']).toContain(op.permission);
      for (const role of staffRoles) expect(roleHasPermission(role, op.permission as Permission), `${role} ${op.method} ${op.path}`).toBe(role === 'admin');
      const anon = await ctx.app.request(concrete(op.path), {
        method: op.method,
        headers: { 'content-type': 'application/json' },
        body: op.method === 'GET' ? undefined : '{}',
      });
      expect(anon.status).toBe(401);
      for (const role of staffRoles.filter((r) => r !== 'admin')) {
        const res = await clients.get(role)!.request(op.method, concrete(op.path), op.method === 'GET' ? undefined : {});
        expect(res.status, `${role} ${op.method} ${op.path}`).toBe(403);
      }
    }
  });

  it('answers the event feed only with a service key: anonymous, end-user tokens and staff cookies get 401', async () => {
    expect((await ctx.app.request('/service/v1/events')).status).toBe(401);
    expect((await ctx.app.request('/service/v1/events', { headers: { authorization: `Bearer ${userToken}` } })).status).toBe(401);
    for (const role of staffRoles) expect((await clients.get(role)!.get('/service/v1/events')).status, role).toBe(401);
  });
});

describe('caller matrix for /service/v1', () => {
  interface ServiceOperation {
    method: string;
    path: string;
    scope: ServiceScope;
  }
  let serviceOps: ServiceOperation[];
  const keys = new Map<string, string>();
  const call = (op: ServiceOperation, headers: Record<string, string>) =>
    ctx.app.request(concrete(op.path), {
      method: op.method,
      headers: { 'content-type': 'application/json', ...headers },
      body: op.method === 'GET' ? undefined : '{}',
    });

  beforeAll(async () => {
    const doc = (await (await ctx.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { 'x-rebind-scope'?: ServiceScope; security?: Record<string, unknown>[] }>>;
    };
    serviceOps = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/service/v1/'))
      .flatMap(([path, item]) =>
        Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, scope: op['x-rebind-scope']!, security: op.security })),
      )
      .map(({ method, path, scope, security }) => {
        expect(security, `${method} ${path}`).toEqual([{ serviceKey: [] }]);
        return { method, path, scope };
      });
    for (const scope of serviceScopes) {
      keys.set(
        `only:${scope}`,
        (await createServiceAccount(ctx.deps, { name: `matrix-${scope.replace(':', '-')}`, scopes: [scope] }, { type: 'system', label: 'test' })).key,
      );
      const others = serviceScopes.filter((s) => s !== scope);
      keys.set(
        `all-but:${scope}`,
        (await createServiceAccount(ctx.deps, { name: `matrix-not-${scope.replace(':', '-')}`, scopes: others }, { type: 'system', label: 'test' })).key,
      );
    }
  });

  it('finds the service routes, each with one declared scope, and every served route is documented', () => {
    expect(serviceOps.length).toBeGreaterThanOrEqual(4);
    for (const op of serviceOps) expect(serviceScopes, `${op.method} ${op.path}`).toContain(op.scope);
    const documented = new Set(serviceOps.map((o) => `${o.method} ${o.path.replace(/\{([^}]+)\}/g, ':$1')}`));
    const served = ctx.app.routes
      .filter((r) => r.path.startsWith('/service/v1/') && r.method !== 'ALL' && !r.path.endsWith('*'))
      .map((r) => `${r.method} ${r.path}`);
    expect(new Set(served).size).toBe(documented.size);
    for (const route of served) expect(documented.has(route), `${route} is served but not in /openapi.json`).toBe(true);
  });

  it('answers anonymous callers, end-user tokens and every staff role with 401', async () => {
    for (const op of serviceOps) {
      const anon = await call(op, {});
      expect(anon.status, `anonymous ${op.method} ${op.path}`).toBe(401);
      expect(((await anon.json()) as { code: string }).code).toBe('unauthenticated');
      expect((await call(op, { authorization: `Bearer ${userToken}` })).status, `end user ${op.method} ${op.path}`).toBe(401);
      for (const role of staffRoles) {
        const client = clients.get(role)!;
        if ((await client.get('/admin/api/auth/me')).status !== 200) await signIn(role);
        const res = await clients.get(role)!.request(op.method, concrete(op.path), op.method === 'GET' ? undefined : {});
        expect(res.status, `${role} ${op.method} ${op.path}`).toBe(401);
      }
    }
  });

  it("answers a service key without the route's scope with 403, and one with it past the checks", async () => {
    for (const op of serviceOps) {
      const without = await call(op, { authorization: `Bearer ${keys.get(`all-but:${op.scope}`)}` });
      expect(without.status, `without ${op.scope}: ${op.method} ${op.path}`).toBe(403);
      expect(((await without.json()) as { code: string }).code).toBe('forbidden');
      const withScope = await call(op, { authorization: `Bearer ${keys.get(`only:${op.scope}`)}` });
      const label = `with ${op.scope}: ${op.method} ${op.path} → ${withScope.status}`;
      expect(withScope.status, label).not.toBe(401);
      expect(withScope.status, label).not.toBe(403);
      expect(withScope.status, label).toBeLessThan(500);
    }
  });
});
