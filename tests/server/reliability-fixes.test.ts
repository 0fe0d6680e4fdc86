import { describe, expect, it, beforeAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createTestContext, signedInStaff, type StaffClient, type TestContext } from './helpers.ts';
import { databaseFault, loggableError } from '../../server/errors.ts';
import { recordAuditEvent } from '../../server/audit/audit-log.ts';
import { eq } from 'drizzle-orm';
import { biometricSessions } from '../../db/schema/index.ts';
import { signWebhook } from '../../server/recovery/biometric.ts';
import { simulatedWebhook } from '../../fixtures/biometric-simulator.ts';
import { CaseClient, makeRecoverableUser } from './case-helpers.ts';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../db/client.ts';
import { seedDemo } from '../../fixtures/seed.ts';
import { TEST_MASTER_KEY } from './helpers.ts';
import { testEngine } from './test-database.ts';

/**
 * The reproductions of issue 12 (each was a 500 or a broken download), kept
 * as regression tests, and their siblings.
 */
const count = async (ctx: TestContext, table: string) =>
  Number((await ctx.deps.db.rows<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql.identifier(table)}`))[0]!.n);

describe('bad input never becomes a 500', () => {
  let ctx: TestContext;
  let admin: StaffClient;
  beforeAll(async () => {
    ctx = await createTestContext();
    admin = (await signedInStaff(ctx, 'admin')).client;
  });

  const login = (contentType: string, body: string, extra: Record<string, string> = {}) =>
    ctx.app.request('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': contentType, 'x-forwarded-for': '198.51.100.7', ...extra }, body });

  it('answers 415 for a Content-Type the validator refuses (parameters, json-seq, a non-JSON type with an empty body, a charset other than UTF-8)', async () => {
    const credentials = '{"email":"a@b.cc","password":"x"}';
    for (const [type, body, extra] of [
      ['application/json; foo', credentials, {}],
      ['application/json-seq', credentials, {}],
      ['application/json-seq', '', { 'content-length': '0' }],
      ['text/plain;charset=UTF-8', '', { 'content-length': '0' }],
      ['text/plain;charset=UTF-8', credentials, {}],
      ['application/json; charset=latin1', credentials, {}],
      ['application/json; charset=utf-16', credentials, {}],
      ['application/x-www-form-urlencoded', 'email=a%40b.cc&password=x', {}],
      ['application/vnd.api+json', credentials, {}],
    ] as const) {
      const res = await login(type, body, extra);
      expect(res.status, `${type} ${JSON.stringify(body)}`).toBe(415);
      expect(await res.json()).toMatchObject({ code: 'unsupported_media_type' });
    }
    // UTF-8 in any spelling is JSON as usual.
    for (const type of ['application/json', 'application/json; charset=utf-8', 'application/json;charset="UTF-8"', 'Application/JSON; Charset=utf8']) {
      expect((await login(type, credentials)).status, type).toBe(401);
    }
  });

  it('answers 415 on a staff route with a JSON body too (every operation with a body goes through the same gate)', async () => {
    const res = await admin.request('PUT', '/admin/api/staff/1', undefined, { 'content-type': 'application/json-seq' });
    expect(res.status).toBe(415);
  });

  it('answers 400 naming the range for a page offset beyond a 64-bit integer, on every list', async () => {
    for (const list of ['users', 'cases', 'audit-events', 'staff', 'outbox']) {
      for (const range of ['[1e20,1e20]', '[9223372036854775807,9223372036854775807]', '[1e300,1e300]', '[0,1e20]']) {
        const res = await admin.get(`/admin/api/${list}?range=${encodeURIComponent(range)}`);
        expect(res.status, `${list} ${range}`).toBe(400);
        const body = (await res.json()) as { code: string; details: { fields: Record<string, string> } };
        expect(body.code).toBe('validation_failed');
        expect(Object.keys(body.details.fields)).toEqual(['range']);
      }
      // A far but representable offset is an empty page.
      const far = await admin.get(`/admin/api/${list}?range=${encodeURIComponent('[9007199254740000,9007199254740001]')}`);
      expect(far.status, list).toBe(200);
      expect(await far.json()).toEqual([]);
    }
  });

  it('treats PUT /reason-codes/{id} with {} like PUT /staff/{id} with {}: 200, nothing changed, nothing audited', async () => {
    const codes = (await (await admin.get('/admin/api/reason-codes')).json()) as { id: string; label: string }[];
    const code = codes[0]!;
    const audits = await count(ctx, 'audit_events');
    const res = await admin.put(`/admin/api/reason-codes/${code.id}`, {});
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: code.id, label: code.label });
    const same = await admin.put(`/admin/api/reason-codes/${code.id}`, { label: code.label });
    expect(same.status).toBe(200);
    expect(await count(ctx, 'audit_events')).toBe(audits);
    const staffRes = await admin.put('/admin/api/staff/1', {});
    expect(staffRes.status).toBe(200);
    // A real change is still written and audited.
    const changed = await admin.put(`/admin/api/reason-codes/${code.id}`, { label: `${code.label} (new)` });
    expect(changed.status).toBe(200);
    expect(await count(ctx, 'audit_events')).toBe(audits + 1);
  });

  it('answers a bad audit export filter with the JSON 400 of the list, before any CSV is sent', async () => {
    for (const filter of ['{"id":"x"}', '{"ts_gte":"nope"}', '{"action":{}}', '{"id":[1e20]}', '{"actorType":"robot"}', '[1]']) {
      const list = await admin.get(`/admin/api/audit-events?filter=${encodeURIComponent(filter)}`);
      const csv = await admin.get(`/admin/api/audit-events.csv?filter=${encodeURIComponent(filter)}`);
      expect(list.status, filter).toBe(400);
      expect(csv.status, filter).toBe(400);
      expect(csv.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await csv.json()).toMatchObject({ code: 'validation_failed' });
    }
    const good = await admin.get(`/admin/api/audit-events.csv?filter=${encodeURIComponent('{"action":"staff.*"}')}`);
    expect(good.status).toBe(200);
    expect((await good.text()).split('\n')[0]).toMatch(/^id,ts,/);
  });

  it('refuses a staff member linked to an end-user account that does not exist with a 400 naming the field', async () => {
    const res = await admin.post('/admin/api/staff', { email: 'linked@staff.test', name: 'Linked', role: 'agent', userId: 987654 });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'validation_failed', details: { fields: { userId: expect.any(String) } } });
  });

  it('answers an export whose filter the database itself refuses (a NUL byte) with a JSON error, never a cut download', async () => {
    const res = await admin.get(`/admin/api/audit-events.csv?filter=${encodeURIComponent(JSON.stringify({ action: 'a\u0000b' }))}`);
    if (res.status === 200) expect(await res.text()).toMatch(/^id,ts,/);
    else {
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });

  it('aborts the connection when the export fails mid-stream, so the download cannot pass for a complete one, and logs it', async () => {
    const { client } = await signedInStaff(ctx, 'auditor');
    const server: Server = createServer(getRequestListener(ctx.app.fetch));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    // More events than the first read (1000): the export reads its first batch before the status line
    // goes out, so the failure must come with a later read, after the header and rows are sent.
    await ctx.deps.db.transaction(async (tx) => {
      for (let i = 0; i < 1100; i++) await recordAuditEvent(tx, ctx.clock(), { actor: { type: 'system', label: 'test' }, action: 'test.filler' });
    });
    const realSelect = ctx.deps.db.select.bind(ctx.deps.db);
    let exportReads = 0;
    (ctx.deps.db as { select: unknown }).select = (...args: unknown[]) => {
      if (new Error().stack?.includes('auditBatches') && ++exportReads > 1) throw new Error('disk I/O error (injected)');
      return (realSelect as (...a: unknown[]) => unknown)(...args);
    };
    try {
      const outcome = await new Promise<{ status: number; bytes: number; complete: boolean; error?: string }>((resolve) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/admin/api/audit-events.csv', headers: { cookie: client.cookie } }, (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
          res.on('end', () => resolve({ status: res.statusCode!, bytes, complete: res.complete }));
          res.on('error', (err) => resolve({ status: res.statusCode!, bytes, complete: false, error: err.message }));
          res.on('aborted', () => resolve({ status: res.statusCode!, bytes, complete: false, error: 'aborted' }));
        });
        req.on('error', (err) => resolve({ status: 0, bytes: 0, complete: false, error: err.message }));
        req.end();
      });
      expect(outcome.complete, JSON.stringify({ ...outcome, exportReads, logged: ctx.logs.filter((l) => l.includes('mid-stream')).length })).toBe(false);
      expect(ctx.logs.some((l) => l.includes('audit export failed mid-stream'))).toBe(true);
    } finally {
      (ctx.deps.db as { select: unknown }).select = realSelect;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('errors as they are logged', () => {
  it("never carry a query's parameters (drizzle quotes them in its message)", () => {
    const err = Object.assign(new Error('Failed query: insert into "staff" ("password_hash") values ($1)\nparams: $argon2id$v=19$secret-hash'), {
      cause: Object.assign(new Error('insert or update on table "staff" violates foreign key constraint'), { code: '23503' }),
    });
    const logged = JSON.stringify(loggableError(err));
    expect(logged).not.toContain('argon2id');
    expect(logged).not.toContain('params');
    expect(loggableError(err).message).toBe('database: insert or update on table "staff" violates foreign key constraint');
    expect(loggableError(new Error('plain')).message).toBe('plain');
  });
});

describe('database faults are a 503 with a code', () => {
  it('maps SQLite and PostgreSQL fault codes, looking through the ORM wrapper', () => {
    const wrapped = (code: string) => Object.assign(new Error('Failed query'), { cause: Object.assign(new Error('x'), { code }) });
    expect(databaseFault(wrapped('SQLITE_BUSY'))?.code).toBe('database_busy');
    expect(databaseFault(wrapped('SQLITE_FULL'))?.code).toBe('storage_full');
    expect(databaseFault(wrapped('SQLITE_READONLY_DBMOVED'))?.code).toBe('database_unavailable');
    expect(databaseFault(wrapped('SQLITE_IOERR_WRITE'))?.code).toBe('database_unavailable');
    expect(databaseFault(wrapped('53100'))?.code).toBe('storage_full');
    expect(databaseFault(wrapped('57P01'))?.code).toBe('database_unavailable');
    expect(databaseFault(wrapped('ECONNREFUSED'))?.code).toBe('database_unavailable');
    expect(databaseFault(wrapped('22003'))?.code).toBe('validation_failed');
    // A unique or foreign key refused: another request got there first (409), or the request named a row that does not exist (400).
    expect(databaseFault(wrapped('SQLITE_CONSTRAINT_UNIQUE'))?.code).toBe('conflict');
    expect(databaseFault(wrapped('23505'))?.code).toBe('conflict');
    expect(databaseFault(wrapped('23503'))?.code).toBe('validation_failed');
    expect(databaseFault(wrapped('SQLITE_CONSTRAINT_CHECK'))).toBeUndefined();
    expect(databaseFault(new Error('plain'))).toBeUndefined();
  });
});

describe('the biometric provider misbehaving', () => {
  it('answers a correctly signed null, array or number body with a 400, and the same event delivered twice at once is taken once', async () => {
    const ctx = await createTestContext({ BIOMETRIC_WEBHOOK_SECRET: 'reliability-webhook-secret-0123456789' });
    const secret = 'reliability-webhook-secret-0123456789';
    const post = (body: string, at = ctx.clock()) =>
      ctx.app.request('/api/v1/webhooks/biometric', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': '203.0.113.201',
          'x-rebind-signature': signWebhook(secret, Math.floor(at.getTime() / 1000), body),
        },
        body,
      });
    for (const body of ['null', '[]', '42', '"x"', 'true']) {
      const res = await post(body);
      expect(res.status, body).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'validation_failed' });
    }
    const { user } = await makeRecoverableUser(ctx);
    const client = new CaseClient(ctx);
    await client.file(user.email);
    await client.verifyEmail(user.email);
    expect((await client.evidence({ method: 'biometric' })).status).toBe(200);
    const session = (await ctx.deps.db.select().from(biometricSessions).where(eq(biometricSessions.caseId, client.caseId)).limit(1))[0]!;
    const hook = simulatedWebhook(
      secret,
      { eventId: 'evt_twice', sessionRef: session.providerRef, caseId: client.caseId, liveness: 0.97, faceMatch: 0.93 },
      ctx.clock(),
    );
    const send = () =>
      ctx.app.request('/api/v1/webhooks/biometric', { method: 'POST', headers: { ...hook.headers, 'x-forwarded-for': '203.0.113.202' }, body: hook.body });
    const answers = await Promise.all([send(), send(), send()]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as { duplicate: boolean }[];
    expect(bodies.filter((b) => !b.duplicate)).toHaveLength(1);
    expect(await count(ctx, 'webhook_deliveries')).toBe(1);
    const results = await ctx.deps.db.rows<{ n: number }>(sql`SELECT count(*) AS n FROM audit_events WHERE action = 'biometric.result'`);
    expect(Number(results[0]!.n)).toBe(1);
  });
});

describe.skipIf(testEngine !== 'sqlite')('db backup and db restore (SQLite)', () => {
  it('finishes a backup while another connection writes all the time, holds every commit made before it, and restores it with the server stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rebind-backup-'));
    const file = join(dir, 'rebind.db');
    const env = { ...process.env, DATABASE_PATH: file, DATABASE_URL: '', REBIND_MASTER_KEY: TEST_MASTER_KEY, LOG_LEVEL: 'silent', VITEST: '', PORT: '1' };
    const cli = (args: string[]) =>
      new Promise<{ code: number; out: any }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args, '--json'], { env }, (err, stdout) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: JSON.parse(stdout || 'null') }),
        );
      });
    try {
      const handle = await openDatabase({ path: file });
      const ctx = await createTestContext({}, handle);
      await seedDemo(ctx.deps);
      await handle.close();
      // A writer that never stops: an audited write every few milliseconds, as a busy desk makes.
      const writer = new Database(file);
      writer.pragma('busy_timeout = 5000');
      const insert = writer.prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      );
      let writes = 0;
      const timer = setInterval(() => {
        for (let i = 0; i < 5; i++) insert.run(`load-${writes % 50}`, String(++writes), Date.now());
      }, 5);
      let result: { code: number; out: any };
      let committedBefore = 0;
      try {
        await new Promise((resolve) => setTimeout(resolve, 100));
        committedBefore = writes;
        result = await cli(['db', 'backup', join(dir, 'copy.db')]);
      } finally {
        clearInterval(timer);
      }
      expect(result.code, JSON.stringify(result.out)).toBe(0);
      expect(writes - committedBefore).toBeGreaterThan(20); // the writer really wrote during the backup
      const copy = new Database(join(dir, 'copy.db'), { readonly: true });
      const latest = Math.max(...(copy.prepare(`SELECT value FROM settings WHERE key LIKE 'load-%'`).all() as { value: string }[]).map((r) => Number(r.value)));
      copy.close();
      expect(latest).toBeGreaterThanOrEqual(committedBefore);
      // Restore refuses while the database is in use, then works with it closed.
      writer.exec('BEGIN IMMEDIATE');
      const busy = await cli(['db', 'restore', join(dir, 'copy.db')]);
      writer.exec('ROLLBACK');
      writer.close();
      expect(busy.code).toBe(1);
      expect(busy.out.error.message).toMatch(/in use/);
      const restored = await cli(['db', 'restore', join(dir, 'copy.db')]);
      expect(restored.code, JSON.stringify(restored.out)).toBe(0);
      expect(restored.out.previous).toContain('before-restore');
      const verify = await cli(['audit', 'verify']);
      expect(verify.out).toMatchObject({ ok: true });
      // On PostgreSQL both say to use pg_dump / pg_restore.
      const pgEnv = { ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
      const advice = await new Promise<string>((resolve) =>
        execFile(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', 'db', 'backup', join(dir, 'x.db'), '--json'], { env: pgEnv }, (_err, stdout) =>
          resolve(stdout),
        ),
      );
      expect(JSON.parse(advice).error.message).toContain('pg_dump');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
