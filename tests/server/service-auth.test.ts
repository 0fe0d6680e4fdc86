import { beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { serviceKeys, userSessions, users } from '../../db/schema/index.ts';
import { createServiceAccount } from '../../server/service-api/accounts.ts';
import { createTestContext, signedInStaff, type TestContext } from './helpers.ts';

let ctx: TestContext;
let key: string;

const call = (path: string, headers: Record<string, string> = {}) => ctx.app.request(path, { headers });

beforeAll(async () => {
  ctx = await createTestContext({ SERVICE_RATE_LIMIT_PER_MINUTE: '5' });
  key = (await createServiceAccount(ctx.deps, { name: 'wallet', scopes: ['withdrawals:read'] }, { type: 'system', label: 'test' })).key;
});

describe('service key authentication on /service/v1', () => {
  it('accepts a valid key (an unknown path is then a JSON 404)', async () => {
    const res = await call('/service/v1/nothing-here', { authorization: `Bearer ${key}` });
    expect(res.status).toBe(404);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(((await res.json()) as { code: string }).code).toBe('not_found');
  });

  it('answers missing, malformed and unknown keys with 401 and the usual body', async () => {
    const variants: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nope' },
      { authorization: `Bearer rbk_live_${randomBytes(32).toString('base64url')}` },
      { authorization: key },
    ];
    for (const headers of variants) {
      const res = await call('/service/v1/nothing-here', headers);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { code: string; message: string; requestId: string };
      expect(body.code).toBe('unauthenticated');
      expect(body.requestId).toBeTruthy();
    }
  });

  it('refuses an end-user bearer token and a staff cookie', async () => {
    const now = ctx.clock();
    const userId = (await ctx.deps.db.insert(users).values({ email: 'svc-auth@example.com', passwordHash: 'x', createdAt: now, updatedAt: now }).returning())[0]
      .id;
    const token = randomBytes(32).toString('base64url');
    await ctx.deps.db.insert(userSessions).values({
      id: createHash('sha256').update(token).digest('hex'),
      userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + 3_600_000),
    });
    expect((await call('/service/v1/nothing-here', { authorization: `Bearer ${token}` })).status).toBe(401);
    const { client } = await signedInStaff(ctx, 'admin');
    expect((await client.get('/service/v1/nothing-here')).status).toBe(401);
  });

  it('stores only a hash of the key', async () => {
    const rows = await ctx.deps.db.select().from(serviceKeys);
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(key.slice(9));
    expect(rows.some((r) => r.keyHash === createHash('sha256').update(key).digest('hex'))).toBe(true);
  });

  it('counts requests per key and answers 429 with Retry-After beyond the budget', async () => {
    ctx.clock.advance(61_000);
    const other = (await createServiceAccount(ctx.deps, { name: 'other', scopes: ['events:read'] }, { type: 'system', label: 'test' })).key;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await call('/service/v1/nothing-here', { authorization: `Bearer ${key}` })).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
    const limited = await call('/service/v1/nothing-here', { authorization: `Bearer ${key}` });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { code: string }).code).toBe('rate_limited');
    // Another key has its own budget.
    expect((await call('/service/v1/nothing-here', { authorization: `Bearer ${other}` })).status).toBe(404);
    ctx.clock.advance(61_000);
    expect((await call('/service/v1/nothing-here', { authorization: `Bearer ${key}` })).status).toBe(404);
  });

  it('answers unknown /service paths outside v1 with a JSON 404 and documents the serviceKey scheme', async () => {
    const res = await call('/service/v2/x');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    const doc = (await (await call('/openapi.json')).json()) as { components: { securitySchemes: Record<string, { scheme?: string }> } };
    expect(doc.components.securitySchemes.serviceKey?.scheme).toBe('bearer');
  });
});
