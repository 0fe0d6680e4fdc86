import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { and, eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { cases, outbox } from '../../db/schema/index.ts';
import type { DatabaseHandle } from '../../db/client.ts';
import { totpCodeAt } from '../../server/crypto/totp.ts';
import { createTestContext, makeStaff, StaffClient, TEST_MASTER_KEY, type TestContext } from './helpers.ts';
import { makeEndUser, oathtool, UserClient, USER_PASSWORD } from './user-helpers.ts';
import { ANSWERS, makeRecoverableUser, submittedCase } from './case-helpers.ts';
import { testEngine } from './test-database.ts';
import { createServiceAccount } from '../../server/service-api/accounts.ts';

/**
 * Three real server processes (node + tsx, each on its own port) on one
 * PostgreSQL database, driven over HTTP: compare-and-swaps, sign-in locks,
 * the outbox and the audit chain hold across instances.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

interface Instance {
  port: number;
  base: string;
  child: ChildProcess;
  output: string[];
}

describe.skipIf(testEngine !== 'pg')(
  'several instances on one PostgreSQL database',
  () => {
    const admin = () => new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    const dbName = `rebind_multi_${process.pid}`;
    let url = '';
    let ctx: TestContext;
    let database: DatabaseHandle;
    let smtp: SMTPServer;
    const mail: string[] = [];
    const instances: Instance[] = [];

    /** A test context whose requests go to one of the instances over HTTP. */
    const over = (i: number): TestContext => ({
      ...ctx,
      app: { request: (path: string, init?: RequestInit) => fetch(instances[i]!.base + path, init) } as unknown as TestContext['app'],
    });

    beforeAll(async () => {
      const client = admin();
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${dbName}"`);
      await client.end();
      const u = new URL(process.env.TEST_DATABASE_URL!);
      u.pathname = `/${dbName}`;
      url = u.toString();
      const { openPostgres } = await import('../../db/pg-engine.ts');
      database = await openPostgres(url, { max: 4 });
      ctx = await createTestContext({}, database);
      ctx.clock.set(new Date()); // the instances run on the real clock (TOTP codes, expiries)

      smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        onData(stream, _session, callback) {
          let data = '';
          stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
          stream.on('end', () => {
            mail.push(data);
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
      const smtpPort = (smtp.server.address() as AddressInfo).port;

      for (let i = 0; i < 3; i++) {
        const port = await freePort();
        const env = {
          ...process.env,
          NODE_ENV: 'development',
          PORT: String(port),
          HOST: '127.0.0.1',
          ORIGIN: `http://localhost:${port}`,
          RP_ID: 'localhost',
          DATABASE_URL: url,
          REBIND_MASTER_KEY: TEST_MASTER_KEY,
          DEMO_SEED: 'off',
          REBIND_SKIP_BUILD: '1',
          TRUST_PROXY: 'true',
          LOG_LEVEL: 'warn',
          SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
          SERVICE_RATE_LIMIT_PER_MINUTE: '30',
          VITEST: '',
          REBIND_TEST_ENGINE: '',
        };
        const child = spawn(process.execPath, ['--import', 'tsx', 'server/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
        const output: string[] = [];
        child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
        child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
        instances.push({ port, base: `http://127.0.0.1:${port}`, child, output });
      }
      // Ready: each answers /readyz (database reachable, migrations current).
      for (const instance of instances) {
        const deadline = Date.now() + 90_000;
        for (;;) {
          const ok = await fetch(`${instance.base}/readyz`).then(
            (r) => r.status === 200,
            () => false,
          );
          if (ok) break;
          if (Date.now() > deadline || instance.child.exitCode !== null)
            throw new Error(`instance on ${instance.port} did not start:\n${instance.output.join('')}`);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    }, 180_000);

    afterAll(async () => {
      for (const instance of instances) {
        if (instance.child.exitCode === null) {
          try {
            process.kill(-instance.child.pid!, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }
      }
      await database?.close();
      await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
      const client = admin();
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await client.end();
    }, 60_000);

    // The instances run on the real clock; the test clock (TOTP codes made here) follows it.
    beforeEach(() => ctx?.clock.set(new Date()));

    it('answers /readyz with the engine and current migrations on every instance', async () => {
      for (const instance of instances) {
        const res = await fetch(`${instance.base}/readyz`);
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ status: 'ready', engine: 'pg', migrations: { current: true } });
      }
    });

    it('lets exactly one of two concurrent approvals of one case win', async () => {
      const { user } = await makeRecoverableUser(ctx);
      const { caseId } = await submittedCase(ctx, user.email, [{ method: 'security_questions', answers: ANSWERS }]);
      const agent = await makeStaff(ctx, 'agent');
      const a = new StaffClient(over(0));
      expect((await a.signIn(agent)).status).toBe(200);
      const version = async () => (await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)))[0]!.version;
      expect((await a.post(`/admin/api/cases/${caseId}/claim`, { version: await version() })).status).toBe(200);
      const v = await version();
      // The same session on two instances at once (sessions live in the database).
      const b = new StaffClient(over(1));
      b.cookie = a.cookie;
      b.csrfToken = a.csrfToken;
      const c = new StaffClient(over(2));
      c.cookie = a.cookie;
      c.csrfToken = a.csrfToken;
      const results = await Promise.all([a, b, c].map((client) => client.post(`/admin/api/cases/${caseId}/approve`, { version: v })));
      // Exactly one wins; a loser is told the case moved (409 stale version, or the decided case's own refusal).
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      for (const s of statuses.filter((x) => x !== 200)) expect([403, 409]).toContain(s);
      const row = (await ctx.deps.db.select().from(cases).where(eq(cases.id, caseId)))[0]!;
      expect(['approved', 'awaiting_second_approval']).toContain(row.status); // its risk decides whether a second approval is needed
      expect(row.version).toBe(v + 1);
      const approvals = await ctx.deps.db.rows<{ n: number }>(
        sql`SELECT count(*) AS n FROM audit_events WHERE action = 'case.approve' AND target_id = ${String(caseId)}`,
      );
      expect(Number(approvals[0]!.n)).toBe(1);
    });

    it('accepts the same staff TOTP code on only one of two instances', async () => {
      const member = await makeStaff(ctx, 'supervisor');
      const first = new StaffClient(over(0));
      const second = new StaffClient(over(1));
      const challenges = await Promise.all(
        [first, second].map(async (client) => {
          const res = await client.post('/admin/api/auth/login', { email: member.email, password: member.password });
          return ((await res.json()) as { challengeId: string }).challengeId;
        }),
      );
      const code = totpCodeAt(member.totpSecret, new Date());
      const results = await Promise.all([first, second].map((client, i) => client.post('/admin/api/auth/login/totp', { challengeId: challenges[i], code })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it('locks end-user verification after the same count when wrong codes are spread over the instances', async () => {
      const user = await makeEndUser(ctx);
      const local = new UserClient(ctx);
      await local.signIn(user.email);
      const secret = await local.bindTotp(user.email);
      const step1 = await new UserClient(over(0)).post('/api/v1/auth/login', { email: user.email, password: USER_PASSWORD });
      expect(step1.status).toBe(200);
      const now = Date.now();
      const valid = new Set([-30_000, 0, 30_000].map((d) => oathtool(secret, new Date(now + d))));
      const wrong: string[] = [];
      for (let n = 0; wrong.length < 24; n++) if (!valid.has(String(n).padStart(6, '0'))) wrong.push(String(n).padStart(6, '0'));
      // A burst, all at once, round-robin over the three instances.
      const statuses = await Promise.all(
        wrong.map((code, i) =>
          new UserClient(over(i % 3), `203.0.113.${i + 1}`)
            .post('/api/v1/auth/login/2fa', { challengeId: step1.body.challengeId, method: 'totp', code })
            .then((r) => r.status),
        ),
      );
      // As on one instance: nine refusals, then the tenth failure locks, and everything after is locked.
      expect(statuses.filter((s) => s === 401)).toHaveLength(9);
      expect(statuses.filter((s) => s === 429)).toHaveLength(15);
      const right = await new UserClient(over(2)).post('/api/v1/auth/login/2fa', {
        challengeId: step1.body.challengeId,
        method: 'totp',
        code: oathtool(secret, new Date()),
      });
      expect(right.status).toBe(429);
    });

    it("counts a service key's budget once across the instances", async () => {
      const user = await makeEndUser(ctx);
      const { key } = await createServiceAccount(ctx.deps, { name: 'multi-wallet', scopes: ['withdrawals:read'] }, { type: 'system', label: 'test' });
      // A burst of 45 gate calls at once, round-robin over the three instances, against a budget of 30 a minute.
      const statuses = await Promise.all(
        Array.from({ length: 45 }, (_, i) =>
          fetch(`${instances[i % 3]!.base}/service/v1/users/${user.id}/withdrawal-status`, { headers: { authorization: `Bearer ${key}` } }).then(
            (r) => r.status,
          ),
        ),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(30);
      expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    });

    it('records a deposit batch sent to every instance at once only once', async () => {
      const { key } = await createServiceAccount(ctx.deps, { name: 'multi-ledger', scopes: ['ledger:write'] }, { type: 'system', label: 'test' });
      const deposits = Array.from({ length: 50 }, (_, i) => ({
        email: `multi${i}@example.com`,
        asset: 'USDT',
        network: 'TRC20',
        amount: '10.00',
        txid: `multitx${String(i).padStart(6, '0')}`,
        platform: 'Kraken',
        creditedAt: '2026-11-20T10:00:00Z',
      }));
      const answers = await Promise.all(
        instances.map((instance) =>
          fetch(`${instance.base}/service/v1/deposits`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ deposits }),
          }).then(async (r) => ({ status: r.status, body: (await r.json()) as { inserted: number; duplicates: number } })),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(answers.map((a) => a.body.inserted).sort()).toEqual([0, 0, 50]);
      expect(answers.map((a) => a.body.duplicates).sort()).toEqual([0, 50, 50]);
      const rows = await ctx.deps.db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM deposits WHERE txid LIKE 'multitx%'`);
      expect(Number(rows[0]!.n)).toBe(50);
    });

    it('sends each outbox message once although every instance dispatches', async () => {
      const before = mail.length;
      // Filing a reset case mails a code: 12 filings, spread over the instances.
      const people = await Promise.all(Array.from({ length: 12 }, () => makeRecoverableUser(ctx)));
      const filed = await Promise.all(
        people.map(({ user }, i) =>
          new UserClient(over(i % 3), `198.18.0.${i + 1}`).post('/api/v1/recovery/cases', { email: user.email, password: USER_PASSWORD }),
        ),
      );
      expect(filed.map((r) => r.status)).toEqual(filed.map(() => 201));
      const ids = people.map((p) => p.user.id);
      // Messages the instances queued (the in-process setup writes to the development outbox instead).
      const pending = async () =>
        (
          await ctx.deps.db
            .select({ id: outbox.id, status: outbox.status, userId: outbox.userId })
            .from(outbox)
            .where(and(eq(outbox.template, 'case_email_code')))
        ).filter((m) => ids.includes(m.userId!) && (m.status === 'pending' || m.status === 'sending'));
      const deadline = Date.now() + 60_000;
      while ((await pending()).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await pending()).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 2500)); // one more dispatch round on every instance
      const delivered = mail.slice(before);
      expect(delivered).toHaveLength(12);
      for (const person of people) expect(delivered.filter((m) => m.includes(person.user.email))).toHaveLength(1);
    });

    it('delivers each security event once to a webhook receiver although every instance dispatches, and the feed misses none', async () => {
      const received: string[] = [];
      const receiver = createHttpServer((req, res) => {
        req.resume();
        req.on('end', () => {
          received.push(String(req.headers['webhook-id']));
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
      try {
        const root = new StaffClient(over(0));
        expect((await root.signIn(await makeStaff(ctx, 'admin'))).status).toBe(200);
        const created = await root.post('/admin/api/webhook-endpoints', {
          url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
          eventTypes: ['staff.pii_revealed'],
        });
        expect(created.status).toBe(201);
        const before = Number((await ctx.deps.db.rows<{ id: number | null }>(sql`SELECT max(id) AS id FROM security_events`))[0]!.id ?? 0);
        // Three agents, one per instance, revealing at once: concurrent event appends from three processes.
        const agents = await Promise.all(
          [0, 1, 2].map(async (i) => {
            const client = new StaffClient(over(i), `198.19.0.${i + 1}`);
            expect((await client.signIn(await makeStaff(ctx, 'agent'))).status).toBe(200);
            return client;
          }),
        );
        const people = await Promise.all(Array.from({ length: 6 }, () => makeEndUser(ctx)));
        await Promise.all(
          agents.map(async (client, i) => {
            for (let n = 0; n < 10; n++)
              expect(
                (await client.post(`/admin/api/users/${people[(i + n) % 6]!.id}/reveal`, { field: 'email', justification: `multi-instance ticket ${i}-${n}` }))
                  .status,
              ).toBe(200);
          }),
        );
        const events = (
          await ctx.deps.db.rows<{ id: number; public_id: string }>(sql`SELECT id, public_id FROM security_events WHERE id > ${before} ORDER BY id`)
        ).map((e) => ({ id: Number(e.id), publicId: e.public_id }));
        expect(events).toHaveLength(30);
        expect(events.map((e) => e.id)).toEqual(events.map((_, i) => before + i + 1));
        const deadline = Date.now() + 60_000;
        while (new Set(received).size < 30 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
        await new Promise((resolve) => setTimeout(resolve, 2500)); // one more dispatch round on every instance
        expect(received.slice().sort()).toEqual(events.map((e) => e.publicId).sort());
        // The feed, from another instance, page by page: every event once, in order.
        const { key } = await createServiceAccount(ctx.deps, { name: 'multi-instance feed', scopes: ['events:read'] }, { type: 'system', label: 'test' });
        const seen: number[] = [];
        let cursor = String(before);
        for (;;) {
          const page = (await (
            await fetch(`${instances[1]!.base}/service/v1/events?after=${cursor}&limit=7`, { headers: { authorization: `Bearer ${key}` } })
          ).json()) as { data: { cursor: string }[]; next_cursor: string; has_more: boolean };
          seen.push(...page.data.map((e) => Number(e.cursor)));
          cursor = page.next_cursor;
          if (!page.has_more) break;
        }
        expect(seen).toEqual(events.map((e) => e.id));
      } finally {
        receiver.closeAllConnections();
        await new Promise<void>((resolve) => receiver.close(() => resolve()));
      }
    });

    it('keeps one audit chain: audit verify passes and names the database', async () => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', 'audit', 'verify', '--json'], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: url, REBIND_MASTER_KEY: TEST_MASTER_KEY, LOG_LEVEL: 'silent', VITEST: '' },
      });
      const verdict = JSON.parse(stdout) as { ok: boolean; count: number; database: string };
      expect(verdict.ok).toBe(true);
      expect(verdict.count).toBeGreaterThan(40);
      expect(verdict.database).toContain(dbName);
    });

    it('stops cleanly on SIGTERM, and the others keep serving', async () => {
      const last = instances[2]!;
      const exited = new Promise<number | null>((resolve) => last.child.once('exit', (code) => resolve(code)));
      process.kill(last.child.pid!, 'SIGTERM');
      expect(await exited).toBe(0);
      expect((await fetch(`${instances[0]!.base}/readyz`)).status).toBe(200);
    });
  },
  300_000,
);
