import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { createTestContext, signedInStaff } from './helpers.ts';
import { auditEvents } from '../../db/schema/index.ts';
import { MemoryBudgets } from '../../server/platform/rate-limit.ts';

describe('platform', () => {
  it('answers /healthz', async () => {
    const ctx = await createTestContext();
    const res = await ctx.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('sends security headers with a CSP, and a request id', async () => {
    const ctx = await createTestContext();
    const res = await ctx.app.request('/healthz');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9_-]{13,}$/);
  });

  it('sends the same headers over real HTTP, once each; ids unique, a plain client id kept', async () => {
    const { serve } = await import('@hono/node-server');
    for (const secure of [false, true]) {
      const ctx = await createTestContext(secure ? { ORIGIN: 'https://desk.example.com' } : {});
      const server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' });
      await new Promise((r) => server.once('listening', r));
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      try {
        const viaRequest = await ctx.app.request('/healthz');
        const expected = [...viaRequest.headers.keys()].filter((k) => k !== 'x-request-id').sort();
        expect(expected).toContain('content-security-policy');
        expect(expected.includes('strict-transport-security')).toBe(secure);
        const ids = new Set<string>();
        for (const path of ['/healthz', '/admin/api/cases', '/api/v1/nothing']) {
          const res = await fetch(`${base}${path}`);
          await res.arrayBuffer();
          for (const name of expected.filter((k) => k !== 'content-type' && k !== 'cache-control'))
            expect(res.headers.get(name), `${path} ${name}`).toBe(viaRequest.headers.get(name)); // a repeated header would read "a, a"
          ids.add(res.headers.get('x-request-id')!);
        }
        expect(ids.size).toBe(3);
        const kept = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'trace-42' } });
        expect(kept.headers.get('x-request-id')).toBe('trace-42');
        const replaced = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'bad id <script>' } });
        expect(replaced.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9_-]{13,}$/);
      } finally {
        await new Promise((r) => server.close(r));
      }
    }
  });

  it('answers unknown API paths with the flat JSON error body, never the SPA', async () => {
    const ctx = await createTestContext();
    for (const path of ['/api/v1/nothing', '/admin/api/nothing']) {
      const res = await ctx.app.request(path);
      expect(res.status).toBe(404);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ code: 'not_found', message: expect.any(String), requestId: res.headers.get('x-request-id') });
    }
  });

  it('refuses a body over the limit with 413 before any work', async () => {
    const ctx = await createTestContext({ BODY_LIMIT_BYTES: '2048' });
    const res = await ctx.app.request('/admin/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(5000) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { code: string }).code).toBe('payload_too_large');
  });

  it('limits bodies over real HTTP, with Content-Length and chunked, and reads a body within the limit', async () => {
    const { serve } = await import('@hono/node-server');
    const { request } = await import('node:http');
    const ctx = await createTestContext({ BODY_LIMIT_BYTES: '2048' });
    const server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    // One request on its own connection; `chunked` sends the body in pieces without a Content-Length.
    const send = (body: string, options: { chunked?: boolean; type?: string } = {}) =>
      new Promise<{ status: number; code?: string; connection?: string }>((resolve, reject) => {
        const headers: Record<string, string> = { 'content-type': options.type ?? 'application/json' };
        if (!options.chunked) headers['content-length'] = String(Buffer.byteLength(body));
        const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/auth/login', headers, agent: false }, (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode!, code: JSON.parse(text || '{}').code, connection: res.headers.connection }));
        });
        req.on('error', reject);
        if (options.chunked) for (let i = 0; i < body.length; i += 500) req.write(body.slice(i, i + 500));
        else req.write(body);
        req.end();
      });
    try {
      const big = JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(5000) });
      const small = JSON.stringify({ email: 'nobody@b.test', password: 'wrong password here' });
      expect(await send(big)).toMatchObject({ status: 413, code: 'payload_too_large', connection: 'close' });
      expect(await send(big, { chunked: true })).toMatchObject({ status: 413, code: 'payload_too_large' });
      // Within the limit the body is read and validated: an unknown account, the same answer as a wrong password.
      expect(await send(small)).toMatchObject({ status: 401, code: 'invalid_credentials' });
      expect(await send(small, { chunked: true })).toMatchObject({ status: 401, code: 'invalid_credentials' });
      expect(await send('{"email":', { chunked: true })).toMatchObject({ status: 400, code: 'invalid_json' });
      expect(await send('email=a', { type: 'application/x-www-form-urlencoded' })).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    } finally {
      server.close();
    }
  });

  it('keeps in-memory request budgets bounded: ended windows go first, then the oldest', () => {
    const budgets = new MemoryBudgets(100);
    const t0 = new Date('2026-12-01T10:00:00Z');
    for (let i = 0; i < 100; i++) expect(budgets.take(`ip:a:${i}`, t0, 1, 60_000).ok).toBe(true);
    expect(budgets.take('ip:a:5', t0, 1, 60_000).ok).toBe(false);
    // A minute later every window has ended: a new key sweeps them all.
    const later = new Date(t0.getTime() + 60_000);
    expect(budgets.take('ip:b:0', later, 1, 60_000).ok).toBe(true);
    expect(budgets.size).toBeLessThanOrEqual(100);
    // A flood of new keys within one window drops the oldest, never grows past the bound.
    for (let i = 1; i < 500; i++) budgets.take(`ip:b:${i}`, later, 1, 60_000);
    expect(budgets.size).toBe(100);
    expect(budgets.take('ip:b:499', later, 1, 60_000).ok).toBe(false);
  });

  it('answers malformed JSON and wrong shapes with 400 and per-field details', async () => {
    const ctx = await createTestContext();
    const bad = await ctx.app.request('/admin/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('invalid_json');
    const shape = await ctx.app.request('/admin/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 5 }),
    });
    expect(shape.status).toBe(400);
    const body = (await shape.json()) as { code: string; details: { fields: Record<string, string> } };
    expect(body.code).toBe('validation_failed');
    expect(Object.keys(body.details.fields).sort()).toEqual(['email', 'password']);
  });

  it('publishes /openapi.json from the same validators, and a page that renders it', async () => {
    const ctx = await createTestContext();
    const doc = (await (await ctx.app.request('/openapi.json')).json()) as { openapi: string; paths: Record<string, any>; components: any };
    expect(doc.openapi).toMatch(/^3\./);
    const login = doc.paths['/admin/api/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.required).toEqual(['email', 'password']);
    expect(doc.paths['/admin/api/audit-events'].get['x-rebind-permission']).toBe('audit.read');
    expect(doc.components.securitySchemes.staffSession).toMatchObject({ type: 'apiKey', in: 'cookie' });
    const page = await ctx.app.request('/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/docs/assets/swagger-ui-bundle.js');
    expect(html).not.toMatch(/<script>[^<]/); // no inline script: the CSP forbids it
    expect((await ctx.app.request('/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
  });

  it('logs requests as JSON without tokens, passwords or codes', async () => {
    const ctx = await createTestContext();
    const { account, client } = await signedInStaff(ctx, 'admin');
    await client.get('/api/v1/freeze/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    const lines = ctx.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => l.msg === 'request' && l.path === '/admin/api/auth/login/totp' && l.status === 200)).toBe(true);
    expect(lines.some((l) => l.path === '/api/v1/freeze/:redacted')).toBe(true);
    const text = ctx.logs.join('');
    for (const secret of [account.password, account.totpSecret, client.csrfToken, client.cookie.split('=')[1]!, 'AAAAAAAAAAAAAAAAAAAA'])
      expect(text).not.toContain(secret);
  });

  it('never answers a 500 with a stack trace', async () => {
    const ctx = await createTestContext();
    const { client } = await signedInStaff(ctx, 'admin');
    await ctx.deps.db.exec(sql`DROP TABLE staff_sessions`); // make the next request fail inside
    const res = await client.get('/admin/api/auth/me');
    expect(res.status).toBe(500);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ code: 'internal_error', message: 'Something went wrong on our side.', requestId: expect.any(String) });
  });
});

describe('staff management', () => {
  it('creates staff with a one-time password and TOTP key that work at once', async () => {
    const ctx = await createTestContext();
    const { client } = await signedInStaff(ctx, 'admin');
    const res = await client.post('/admin/api/staff', { email: 'New.Agent@staff.test', name: 'New Agent', role: 'agent' });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const created = (await res.json()) as { id: number; email: string; password: string; totpSecret: string; otpauthUri: string };
    expect(created.email).toBe('new.agent@staff.test');
    expect(created.totpSecret).toMatch(/^[A-Z2-7]{32}$/);
    expect(created.otpauthUri).toBe(`otpauth://totp/Rebind:new.agent%40staff.test?secret=${created.totpSecret}&issuer=Rebind`);
    expect((created as unknown as { qrDataUrl: string }).qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const listed = (await (await client.get(`/admin/api/staff/${created.id}`)).json()) as Record<string, unknown>;
    expect(listed).not.toHaveProperty('password');
    expect(listed).not.toHaveProperty('totpSecret');
    const { StaffClient } = await import('./helpers.ts');
    expect(
      (await new StaffClient(ctx).signIn({ id: created.id, email: created.email, password: created.password, totpSecret: created.totpSecret, role: 'agent' }))
        .status,
    ).toBe(200);
    const dup = await client.post('/admin/api/staff', { email: 'new.agent@staff.test', name: 'Again', role: 'agent' });
    expect(dup.status).toBe(409);
    const event = (await ctx.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'staff.create'))).at(-1)!;
    expect(event).toMatchObject({ actorType: 'staff', targetId: String(created.id) });
    expect(event.details).not.toContain(created.password);
  });

  it('changes roles with an audit event, but nobody changes their own role or disables themselves', async () => {
    const ctx = await createTestContext();
    const admin = await signedInStaff(ctx, 'admin');
    const agent = await signedInStaff(ctx, 'agent');
    const promote = await admin.client.put(`/admin/api/staff/${agent.account.id}`, { role: 'supervisor', id: agent.account.id, email: 'ignored@x.test' });
    expect(promote.status).toBe(200);
    expect((await promote.json()) as { role: string; email: string }).toMatchObject({ role: 'supervisor', email: agent.account.email });
    expect((await agent.client.get('/admin/api/auth/me')).status).toBe(401); // a new role needs a new session
    const update = (await ctx.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'staff.update')).limit(1))[0]!;
    expect(JSON.parse(update.details)).toEqual({ changes: { role: { from: 'agent', to: 'supervisor' } } });
    const self = await admin.client.put(`/admin/api/staff/${admin.account.id}`, { role: 'agent' });
    expect(self.status).toBe(422);
    expect(((await self.json()) as { code: string }).code).toBe('self_action');
    expect((await admin.client.put(`/admin/api/staff/${admin.account.id}`, { disabled: true })).status).toBe(422);
    expect((await admin.client.put('/admin/api/staff/999', { name: 'x' })).status).toBe(404);
    expect((await admin.client.put(`/admin/api/staff/${agent.account.id}`, { role: 'owner' })).status).toBe(400);
  });
});

describe('operator CLI', () => {
  it('staff create --json prints the password and a 32-character base32 TOTP key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rebind-cli-'));
    try {
      const env = { ...process.env, DATABASE_PATH: join(dir, 'rebind.db'), LOG_LEVEL: 'silent', NODE_ENV: 'development' };
      const out = execFileSync('node_modules/.bin/tsx', ['server/cli/main.ts', 'staff', 'create', '--email', 'a@b.test', '--role', 'agent', '--json'], {
        env,
        encoding: 'utf8',
      });
      const created = JSON.parse(out) as Record<string, string>;
      expect(created).toMatchObject({ email: 'a@b.test', role: 'agent' });
      expect(created.totpSecret).toMatch(/^[A-Z2-7]{32}$/);
      expect(created.password.length).toBeGreaterThanOrEqual(20);
      expect(created.otpauthUri).toContain(created.totpSecret);
      const bad = (() => {
        try {
          execFileSync('node_modules/.bin/tsx', ['server/cli/main.ts', 'staff', 'create', '--email', 'c@b.test', '--role', 'wizard', '--json'], {
            env,
            encoding: 'utf8',
          });
          return null;
        } catch (err) {
          return err as { status: number; stdout: string };
        }
      })();
      expect(bad?.status).toBe(1);
      expect(JSON.parse(bad!.stdout).error.message).toContain('--role');
      const backup = JSON.parse(
        execFileSync('node_modules/.bin/tsx', ['server/cli/main.ts', 'db', 'backup', join(dir, 'copy.db'), '--json'], { env, encoding: 'utf8' }),
      ) as { bytes: number; check: string; auditHeadId: number };
      expect(backup).toMatchObject({ check: 'ok' });
      expect(backup.bytes).toBeGreaterThan(40_000);
      expect(backup.auditHeadId).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the desk fallback', () => {
  it('answers a missing file with 404 and a page route with the desk (or 503 before the build)', async () => {
    const ctx = await createTestContext();
    expect((await ctx.app.request('/favicon.ico')).headers.get('content-type')).toBe('image/svg+xml');
    expect((await ctx.app.request('/robots.txt')).status).toBe(404);
    expect((await ctx.app.request('/assets/old-123.js')).status).toBe(404);
    expect([200, 503]).toContain((await ctx.app.request('/cases/42')).status);
  });
});
