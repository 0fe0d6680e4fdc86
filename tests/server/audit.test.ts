import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import simpleRestProvider from 'ra-data-simple-rest';
import { fetchUtils } from 'ra-core';
import { recordAuditEvent, verifyAuditChain } from '../../server/audit/audit-log.ts';
import { createTestContext, signedInStaff, type TestContext } from './helpers.ts';
import { testEngine } from './test-database.ts';
import Database from 'better-sqlite3';

async function addEvents(ctx: TestContext, n: number) {
  for (let i = 0; i < n; i++) {
    await ctx.deps.db.transaction(async (tx) => {
      await recordAuditEvent(tx, ctx.clock(), {
        actor: { type: 'user', id: 100 + (i % 3), label: `user${i % 3}@example.com` },
        action: i % 2 ? 'totp.bind' : 'sms.bind',
        target: { type: 'user', id: 100 + (i % 3) },
        ip: `198.51.100.${i}`,
        details: { n: i },
      });
    });
    ctx.clock.advance(1000);
  }
}

describe('hash-chained audit trail', () => {
  it('verifies a fresh chain and refuses UPDATE and DELETE through triggers', async () => {
    const ctx = await createTestContext();
    expect(await verifyAuditChain(ctx.deps.db)).toEqual({ ok: true, count: 0, headHash: '0'.repeat(64) });
    await addEvents(ctx, 5);
    expect(await verifyAuditChain(ctx.deps.db)).toMatchObject({ ok: true, count: 5 });
    const refused = (statement: string) =>
      ctx.deps.db.exec(sql.raw(statement)).then(
        () => 'allowed',
        (err: Error & { cause?: Error }) => `${err.message} ${err.cause?.message ?? ''}`,
      );
    expect(await refused(`UPDATE audit_events SET action = 'x' WHERE id = 2`)).toMatch(/append-only/);
    expect(await refused('DELETE FROM audit_events WHERE id = 2')).toMatch(/append-only/);
  });

  // An attacker with the database file can drop the triggers; the chain still tells.
  const tamper = async (ctx: TestContext, statements: string) => {
    const on = ctx.deps.db.engine === 'pg' ? ' ON audit_events' : '';
    await ctx.deps.db.exec(sql.raw(`DROP TRIGGER audit_events_no_update${on}`));
    await ctx.deps.db.exec(sql.raw(`DROP TRIGGER audit_events_no_delete${on}`));
    for (const statement of statements
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean))
      await ctx.deps.db.exec(sql.raw(statement));
  };

  it('names the edited event', async () => {
    const ctx = await createTestContext();
    await addEvents(ctx, 6);
    await tamper(ctx, `UPDATE audit_events SET ip = '10.0.0.1' WHERE id = 4`);
    expect(await verifyAuditChain(ctx.deps.db)).toMatchObject({ ok: false, firstBadEventId: 4, problem: 'edited' });
  });

  it('names an event whose details were edited', async () => {
    const ctx = await createTestContext();
    await addEvents(ctx, 6);
    await tamper(ctx, `UPDATE audit_events SET details = '{"n":99}' WHERE id = 2`);
    expect(await verifyAuditChain(ctx.deps.db)).toMatchObject({ ok: false, firstBadEventId: 2, problem: 'edited' });
  });

  it('names a deleted event', async () => {
    const ctx = await createTestContext();
    await addEvents(ctx, 6);
    await tamper(ctx, 'DELETE FROM audit_events WHERE id = 3');
    expect(await verifyAuditChain(ctx.deps.db)).toMatchObject({ ok: false, firstBadEventId: 3, problem: 'missing' });
  });

  it('notices events cut off the end', async () => {
    const ctx = await createTestContext();
    await addEvents(ctx, 6);
    await tamper(ctx, 'DELETE FROM audit_events WHERE id >= 5');
    expect(await verifyAuditChain(ctx.deps.db)).toMatchObject({ ok: false, firstBadEventId: 5, problem: 'truncated' });
  });

  it('notices a rewritten, renumbered chain (delete then renumber)', async () => {
    const ctx = await createTestContext();
    await addEvents(ctx, 6);
    await tamper(
      ctx,
      'DELETE FROM audit_events WHERE id = 2; UPDATE audit_events SET id = 2 WHERE id = 3; UPDATE audit_events SET id = 3 WHERE id = 4; UPDATE audit_events SET id = 4 WHERE id = 5; UPDATE audit_events SET id = 5 WHERE id = 6;',
    );
    const verdict = await verifyAuditChain(ctx.deps.db);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.firstBadEventId).toBe(2);
  });

  it('notices two events swapped', async () => {
    const ctx = await createTestContext();
    await addEvents(ctx, 6);
    await tamper(
      ctx,
      'UPDATE audit_events SET id = -1 WHERE id = 2; UPDATE audit_events SET id = 2 WHERE id = 3; UPDATE audit_events SET id = 3 WHERE id = -1;',
    );
    expect(await verifyAuditChain(ctx.deps.db)).toMatchObject({ ok: false, firstBadEventId: 2 });
  });

  it('reports the verdict over HTTP to auditors', async () => {
    const ctx = await createTestContext();
    const { client } = await signedInStaff(ctx, 'auditor');
    const ok = (await (await client.get('/admin/api/audit-events/verify')).json()) as Record<string, unknown>;
    expect(ok).toMatchObject({ ok: true, count: 2 }); // staff.create + staff.login
    await tamper(ctx, `UPDATE audit_events SET actor_label = 'someone else' WHERE id = 2`);
    const bad = (await (await client.get('/admin/api/audit-events/verify')).json()) as Record<string, unknown>;
    expect(bad).toMatchObject({ ok: false, firstBadEventId: 2, problem: 'edited' });
    expect(String(bad.message)).toContain('event 2');
  });
});

describe('audit-events list and CSV', () => {
  let ctx: TestContext;
  let cookie: string;
  beforeAll(async () => {
    ctx = await createTestContext();
    const { client } = await signedInStaff(ctx, 'auditor'); // events 1-2
    cookie = client.cookie;
    await addEvents(ctx, 30); // events 3-32
  });

  const get = (path: string) => ctx.app.request(path, { headers: { cookie } });

  it('follows the simple-REST conventions: filter, sort, range and Content-Range', async () => {
    const res = await get(
      `/admin/api/audit-events?filter=${encodeURIComponent('{"action":"totp.bind"}')}&sort=${encodeURIComponent('["id","ASC"]')}&range=${encodeURIComponent('[0,4]')}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-range')).toBe('audit-events 0-4/15');
    const rows = (await res.json()) as { id: number; action: string }[];
    expect(rows.map((r) => r.id)).toEqual([4, 6, 8, 10, 12]);
    expect(rows.every((r) => r.action === 'totp.bind')).toBe(true);
  });

  it('filters by actor, target, time window, prefix and free text', async () => {
    const q = async (filter: object) => {
      const res = await get(`/admin/api/audit-events?filter=${encodeURIComponent(JSON.stringify(filter))}&range=[0,99]`);
      expect(res.status).toBe(200);
      return (await res.json()) as { id: number; actorId: string; ts: string }[];
    };
    expect((await q({ actorType: 'user', actorId: '101' })).length).toBe(10);
    expect((await q({ targetType: 'user', targetId: '102' })).length).toBe(10);
    expect((await q({ action: 'staff.*' })).map((r) => r.id).sort()).toEqual([1, 2]);
    expect((await q({ q: '198.51.100.17' })).map((r) => r.id)).toEqual([20]);
    const from = new Date(ctx.clock().getTime() - 10_500).toISOString();
    expect((await q({ ts_gte: from })).length).toBe(10);
  });

  it('answers a bad filter, sort or range with a 400 naming the parameter', async () => {
    for (const [query, field] of [
      ['filter=notjson', 'filter'],
      ['sort=["password","ASC"]', 'sort'],
      ['range=[5,2]', 'range'],
      ['range=[0,100000]', 'range'],
      ['filter={"actorType":"robot"}', 'filter.actorType'],
      ['filter={"ts_gte":"yesterday"}', 'filter.ts_gte'],
    ]) {
      const res = await get(`/admin/api/audit-events?${query}`);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { code: string; details: { fields: Record<string, string> } };
      expect(body.code).toBe('validation_failed');
      expect(Object.keys(body.details.fields)).toContain(field);
    }
  });

  it('exports the filtered set as CSV', async () => {
    const res = await get(`/admin/api/audit-events.csv?filter=${encodeURIComponent('{"actorId":"100"}')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="rebind-audit-.*\.csv"/);
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toBe('id,ts,actorType,actorId,actorLabel,action,targetType,targetId,ip,requestId,details,hash');
    expect(lines).toHaveLength(11);
    expect(lines.slice(1).every((l) => l.split(',')[3] === '100')).toBe(true);
  });

  it('exports the whole trail past one batch, in order', async () => {
    await addEvents(ctx, 1200);
    const lines = (await (await get('/admin/api/audit-events.csv')).text()).trim().split('\n');
    expect(lines).toHaveLength(1 + 1232);
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(Array.from({ length: 1232 }, (_, i) => i + 1));
  });

  describe('with the stock ra-data-simple-rest provider over real HTTP', () => {
    let server: ServerType;
    let base: string;
    beforeAll(async () => {
      server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' });
      await new Promise((r) => server.once('listening', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/api`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('lists, pages, filters and sorts', async () => {
      const httpClient = (url: string, options: fetchUtils.Options = {}) =>
        fetchUtils.fetchJson(url, { ...options, headers: new Headers({ Accept: 'application/json', cookie }) });
      const provider = simpleRestProvider(base, httpClient);
      const page = await provider.getList('audit-events', {
        pagination: { page: 2, perPage: 10 },
        sort: { field: 'id', order: 'DESC' },
        filter: { actorType: 'user' },
      });
      expect(page.total).toBe(1230);
      expect(page.data.map((r) => r.id)).toEqual(Array.from({ length: 10 }, (_, i) => 1232 - 10 - i));
      const many = await provider.getMany('audit-events', { ids: [1, 2, 3] });
      expect(many.data.map((r) => r.id).sort()).toEqual([1, 2, 3]);
    });
  });
});

// The command line against a SQLite file (the PostgreSQL run covers `audit verify` in the multi-instance test).
describe.skipIf(testEngine === 'pg')('audit verify on the command line', () => {
  it('exits 0 on an intact file and 1 naming the event after a row is edited directly in SQLite', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rebind-audit-'));
    try {
      const env = { ...process.env, DATABASE_PATH: join(dir, 'rebind.db'), REBIND_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'), LOG_LEVEL: 'silent' };
      const cli = (args: string[]) =>
        execFileSync('node_modules/.bin/tsx', ['server/cli/main.ts', ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      cli(['user', 'create', '--email', 'u1@example.com', '--password', 'long-enough-password']);
      cli(['user', 'create', '--email', 'u2@example.com', '--password', 'long-enough-password']);
      cli(['staff', 'create', '--email', 'x@staff.test', '--role', 'agent']);
      expect(JSON.parse(cli(['audit', 'verify', '--json']))).toMatchObject({ ok: true, count: 3 });

      const sqlite = new Database(env.DATABASE_PATH);
      sqlite.exec("DROP TRIGGER audit_events_no_update; UPDATE audit_events SET details = '{}' WHERE id = 3;");
      sqlite.close();
      let status = 0;
      let out = '';
      try {
        cli(['audit', 'verify']);
      } catch (err) {
        status = (err as { status: number }).status;
        out = String((err as { stdout: string }).stdout);
      }
      expect(status).toBe(1);
      expect(out).toContain('event 3');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000); // five CLI runs through tsx: 5–8 s each on a busy 2-core machine
});
