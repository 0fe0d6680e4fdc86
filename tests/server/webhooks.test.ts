import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { and, asc, eq } from 'drizzle-orm';
import { auditEvents, eventDeliveries, eventDeliveryAttempts, securityEvents, webhookEndpoints } from '../../db/schema/index.ts';
import { dispatchWebhooks, RETRY_DELAYS_MS } from '../../server/events/webhook-dispatcher.ts';
import { createTestContext, signedInStaff, type StaffClient, type TestContext } from './helpers.ts';
import { makeEndUser } from './user-helpers.ts';

type Verifier = (secret: string, headers: Record<string, string | undefined>, rawBody: string, nowSeconds?: number) => boolean;

/** The README's verifier, exactly as printed there (the block that starts with `// verify-webhook.mjs`). */
async function readmeVerifier(): Promise<Verifier> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /```js\n(\/\/ verify-webhook\.mjs\n[\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README has no verify-webhook.mjs block');
  const file = join(mkdtempSync(join(tmpdir(), 'rebind-readme-')), 'verify-webhook.mjs');
  writeFileSync(file, block[1]!);
  return ((await import(pathToFileURL(file).href)) as { verifyWebhook: Verifier }).verifyWebhook;
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real receiver on a random port. `mode`: ok (204), fail (500), flaky
 * (records the event, then answers 500 once per id: a delivery that arrived
 * but whose answer was lost), or down (the port is closed).
 */
class Receiver {
  server: Server;
  port = 0;
  mode: 'ok' | 'fail' | 'flaky' = 'ok';
  received: Received[] = [];
  /** Each webhook-id once, in the order first seen: what an idempotent consumer processes. */
  log: { id: string; event: { cursor: string; type: string; data: { userId: number } } }[] = [];
  private flakyDone = new Set<string>();

  constructor() {
    this.server = this.make();
  }
  private make() {
    return createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({ headers: req.headers, body });
        const id = String(req.headers['webhook-id']);
        if (this.mode === 'fail') return void res.writeHead(500).end('no');
        if (!this.log.some((l) => l.id === id)) this.log.push({ id, event: JSON.parse(body) });
        if (this.mode === 'flaky' && !this.flakyDone.has(id)) {
          this.flakyDone.add(id);
          return void res.writeHead(500).end('processed, but the answer failed');
        }
        res.writeHead(204).end();
      });
    });
  }
  async start(port = 0) {
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
  }
  get url() {
    return `http://127.0.0.1:${this.port}/hooks/rebind`;
  }
  async down() {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
  async up() {
    this.server = this.make();
    await this.start(this.port);
  }
}

let ctx: TestContext;
let admin: StaffClient;
let agent: StaffClient;
let verify: Verifier;
const receivers: Receiver[] = [];

async function receiver() {
  const r = new Receiver();
  await r.start();
  receivers.push(r);
  return r;
}

async function endpoint(url: string, eventTypes?: string[]) {
  const res = await admin.post('/admin/api/webhook-endpoints', { url, eventTypes, description: 'test receiver' });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: number; secret: string; enabled: boolean };
}

/** One security event for the user (a reveal by the agent: the cheapest change that emits one). */
async function reveal(userId: number) {
  const res = await agent.post(`/admin/api/users/${userId}/reveal`, { field: 'email', justification: 'caller verified, ticket 77' });
  expect(res.status).toBe(200);
}

async function deliveriesOf(endpointId: number) {
  return ctx.deps.db.select().from(eventDeliveries).where(eq(eventDeliveries.endpointId, endpointId)).orderBy(asc(eventDeliveries.id));
}

/** Fresh desk sessions (new staff each time): the tests move the clock past the session limits. */
async function signInDesk() {
  admin = (await signedInStaff(ctx, 'admin')).client;
  agent = (await signedInStaff(ctx, 'agent')).client;
}

beforeAll(async () => {
  ctx = await createTestContext();
  verify = await readmeVerifier();
});

beforeEach(signInDesk);

afterAll(async () => {
  for (const r of receivers) await r.down().catch(() => undefined);
});

describe('webhook deliveries to a real receiver', () => {
  it('signs with the Standard Webhooks headers, and the README verifier accepts them', async () => {
    const r = await receiver();
    const ep = await endpoint(r.url);
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    // Stored sealed: the secret is nowhere in the row.
    const row = (await ctx.deps.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, ep.id)))[0]!;
    expect(JSON.stringify(row)).not.toContain(ep.secret.slice(6, 30));
    // Never shown again.
    expect(JSON.stringify(await (await admin.get(`/admin/api/webhook-endpoints/${ep.id}`)).json())).not.toContain(ep.secret.slice(6));

    const user = await makeEndUser(ctx, { externalId: 'ex-777' });
    await reveal(user.id);
    expect(await dispatchWebhooks(ctx.deps)).toMatchObject({ attempted: 1, delivered: 1 });
    expect(r.received).toHaveLength(1);
    const { headers, body } = r.received[0]!;
    const event = (await ctx.deps.db.select().from(securityEvents).where(eq(securityEvents.userId, user.id)))[0]!;
    expect(headers['webhook-id']).toBe(event.publicId);
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(ctx.clock().getTime() / 1000)));
    expect(headers['content-type']).toBe('application/json');
    expect(JSON.parse(body)).toEqual({
      id: event.publicId,
      cursor: String(event.id),
      type: 'staff.pii_revealed',
      timestamp: ctx.clock().toISOString(),
      data: { userId: user.id, externalId: 'ex-777', field: 'email', factorId: null, staffId: expect.any(Number) },
    });
    const now = ctx.clock().getTime() / 1000;
    const h = headers as Record<string, string>;
    expect(verify(ep.secret, h, body, now)).toBe(true);
    expect(verify(ep.secret, h, body.replace('email', 'phone'), now)).toBe(false);
    expect(verify(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, h, body, now)).toBe(false);
    expect(verify(ep.secret, h, body, now + 301)).toBe(false);
    expect(verify(ep.secret, { ...h, 'webhook-timestamp': 'soon' }, body, now)).toBe(false);
    expect(verify(ep.secret, { ...h, 'webhook-signature': 'v2,' + String(h['webhook-signature']).slice(3) }, body, now)).toBe(false);
    expect(JSON.stringify(ctx.logs)).not.toContain(ep.secret.slice(6));

    // Rotation: both secrets sign for 24 hours, then only the new one.
    const rotated = (await (await admin.post(`/admin/api/webhook-endpoints/${ep.id}/rotate-secret`)).json()) as {
      secret: string;
      previousSecretValidUntil: string;
    };
    expect(rotated.secret).not.toBe(ep.secret);
    await reveal(user.id);
    await dispatchWebhooks(ctx.deps);
    const second = r.received[1]!;
    expect(String(second.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const s of [rotated.secret, ep.secret])
      expect(verify(s, second.headers as Record<string, string>, second.body, ctx.clock().getTime() / 1000)).toBe(true);
    ctx.clock.advance(24 * 3_600_000 + 1000);
    await signInDesk();
    await reveal(user.id);
    await dispatchWebhooks(ctx.deps);
    const third = r.received[2]!;
    expect(String(third.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verify(rotated.secret, third.headers as Record<string, string>, third.body, ctx.clock().getTime() / 1000)).toBe(true);
    expect(verify(ep.secret, third.headers as Record<string, string>, third.body, ctx.clock().getTime() / 1000)).toBe(false);
    await admin.put(`/admin/api/webhook-endpoints/${ep.id}`, { enabled: false });
  });

  it('retries a 500 with back-off (5 s, then 5 min), logging each attempt, then delivers', async () => {
    const r = await receiver();
    r.mode = 'fail';
    const ep = await endpoint(r.url);
    const user = await makeEndUser(ctx);
    await reveal(user.id);
    expect(await dispatchWebhooks(ctx.deps)).toMatchObject({ attempted: 1, delivered: 0 });
    const [d] = await deliveriesOf(ep.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, lastErrorClass: 'http_status' });
    expect(d!.nextAttemptAt.getTime() - ctx.clock().getTime()).toBe(RETRY_DELAYS_MS[0]);
    // Not due yet: nothing is sent.
    ctx.clock.advance(4_000);
    expect((await dispatchWebhooks(ctx.deps)).attempted).toBe(0);
    ctx.clock.advance(1_000);
    expect((await dispatchWebhooks(ctx.deps)).attempted).toBe(1);
    const [d2] = await deliveriesOf(ep.id);
    expect(d2!.attempts).toBe(2);
    expect(d2!.nextAttemptAt.getTime() - ctx.clock().getTime()).toBe(5 * 60_000);
    ctx.clock.advance(5 * 60_000 - 1);
    expect((await dispatchWebhooks(ctx.deps)).attempted).toBe(0);
    r.mode = 'ok';
    ctx.clock.advance(1);
    expect(await dispatchWebhooks(ctx.deps)).toMatchObject({ attempted: 1, delivered: 1 });
    expect(r.received).toHaveLength(3);
    expect(new Set(r.received.map((x) => x.headers['webhook-id'])).size).toBe(1);

    // The desk's delivery log (simple-REST list) and the attempts of one delivery.
    const list = await admin.get(`/admin/api/webhook-deliveries?filter=${encodeURIComponent(JSON.stringify({ endpointId: ep.id }))}`);
    expect(list.headers.get('content-range')).toBe('webhook-deliveries 0-0/1');
    const [row] = (await list.json()) as { id: number; status: string; attempts: number }[];
    expect(row).toMatchObject({ status: 'delivered', attempts: 3 });
    const detail = (await (await admin.get(`/admin/api/webhook-deliveries/${row!.id}`)).json()) as {
      attemptLog: { statusCode: number; errorClass: string | null; durationMs: number; trigger: string }[];
    };
    expect(detail.attemptLog.map((a) => [a.statusCode, a.errorClass, a.trigger])).toEqual([
      [500, 'http_status', 'schedule'],
      [500, 'http_status', 'schedule'],
      [204, null, 'schedule'],
    ]);
    expect(detail.attemptLog.every((a) => a.durationMs >= 0)).toBe(true);
    await admin.put(`/admin/api/webhook-endpoints/${ep.id}`, { enabled: false });
  });

  it('redelivers from the desk API (admins only), logged as manual and audited', async () => {
    const r = await receiver();
    const ep = await endpoint(r.url);
    const user = await makeEndUser(ctx);
    await reveal(user.id);
    await dispatchWebhooks(ctx.deps);
    const [d] = await deliveriesOf(ep.id);
    expect(d!.status).toBe('delivered');
    expect((await agent.post(`/admin/api/webhook-deliveries/${d!.id}/redeliver`)).status).toBe(403);
    const res = await admin.post(`/admin/api/webhook-deliveries/${d!.id}/redeliver`);
    expect(res.status).toBe(200);
    expect(await dispatchWebhooks(ctx.deps)).toMatchObject({ attempted: 1, delivered: 1 });
    expect(r.received.map((x) => x.headers['webhook-id'])).toEqual([r.received[0]!.headers['webhook-id'], r.received[0]!.headers['webhook-id']]);
    expect(verify(ep.secret, r.received[1]!.headers as Record<string, string>, r.received[1]!.body, ctx.clock().getTime() / 1000)).toBe(true);
    const attempts = await ctx.deps.db
      .select()
      .from(eventDeliveryAttempts)
      .where(eq(eventDeliveryAttempts.deliveryId, d!.id))
      .orderBy(asc(eventDeliveryAttempts.id));
    expect(attempts.map((a) => a.trigger)).toEqual(['schedule', 'manual']);
    expect(
      await ctx.deps.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, 'webhook_delivery.redeliver'), eq(auditEvents.targetId, String(ep.id)))),
    ).toHaveLength(1);
    expect((await admin.post('/admin/api/webhook-deliveries/999999/redeliver')).status).toBe(404);
    await admin.put(`/admin/api/webhook-endpoints/${ep.id}`, { enabled: false });
  });

  it('gives a receiver that was down for an hour every event afterwards, in order per user, each id once in its log', async () => {
    const r = await receiver();
    const ep = await endpoint(r.url, ['staff.pii_revealed']);
    const people = [await makeEndUser(ctx), await makeEndUser(ctx), await makeEndUser(ctx)];
    await r.down();
    // An hour of traffic while it is down, the dispatcher running every minute.
    for (let minute = 0; minute < 60; minute++) {
      if (minute % 5 === 0) await reveal(people[(minute / 5) % 3]!.id);
      await dispatchWebhooks(ctx.deps);
      ctx.clock.advance(60_000);
    }
    const whileDown = await deliveriesOf(ep.id);
    expect(whileDown).toHaveLength(12);
    // Only each user's oldest event was tried (order per user); refused connections are logged as such.
    const tried = whileDown.filter((d) => d.attempts > 0);
    expect(tried.map((d) => d.userId).sort()).toEqual(people.map((p) => p.id).sort());
    expect(tried.every((d) => d.lastErrorClass === 'connection' && d.lastStatusCode === null)).toBe(true);

    // Back up, but the first answer to each id is lost: those are sent twice.
    await r.up();
    r.mode = 'flaky';
    // The oldest deliveries are next tried 2 h 35 min after their first attempt (5 s, 5 min, 30 min, 2 h), then the rest follow.
    for (let step = 0; step < 200 && (await deliveriesOf(ep.id)).some((d) => d.status !== 'delivered'); step++) {
      await dispatchWebhooks(ctx.deps);
      ctx.clock.advance(10 * 60_000);
    }
    await signInDesk();
    const after = await deliveriesOf(ep.id);
    expect(after.every((d) => d.status === 'delivered')).toBe(true);
    const events = await ctx.deps.db.select().from(securityEvents).where(eq(securityEvents.type, 'staff.pii_revealed')).orderBy(asc(securityEvents.id));
    const expected = events.filter((e) => people.some((p) => p.id === e.userId));
    expect(r.log.map((l) => l.id).sort()).toEqual(expected.map((e) => e.publicId).sort());
    expect(new Set(r.log.map((l) => l.id)).size).toBe(r.log.length);
    expect(r.received.length).toBeGreaterThan(r.log.length);
    for (const p of people) {
      const mine = r.log.filter((l) => l.event.data.userId === p.id).map((l) => Number(l.event.cursor));
      expect(mine).toHaveLength(4);
      expect(mine).toEqual([...mine].sort((a, b) => a - b));
    }
    for (const x of r.received) expect(verify(ep.secret, x.headers as Record<string, string>, x.body, Number(x.headers['webhook-timestamp']))).toBe(true);
    await admin.put(`/admin/api/webhook-endpoints/${ep.id}`, { enabled: false });
  });

  it('disables an endpoint after a day of failures (audited), and catches up when enabled again', async () => {
    const r = await receiver();
    r.mode = 'fail';
    const ep = await endpoint(r.url);
    const user = await makeEndUser(ctx);
    await reveal(user.id);
    await dispatchWebhooks(ctx.deps);
    let elapsed = 0;
    for (const delay of RETRY_DELAYS_MS) {
      ctx.clock.advance(delay);
      elapsed += delay;
      const before = (await ctx.deps.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, ep.id)))[0]!;
      expect(before.enabled, `still enabled after ${elapsed} ms`).toBe(true);
      expect((await dispatchWebhooks(ctx.deps)).attempted).toBe(1);
    }
    // The 8th attempt, 27.6 h after the first: given up, and the endpoint has failed for over 24 h.
    const [d] = await deliveriesOf(ep.id);
    expect(d).toMatchObject({ status: 'failed', attempts: 8 });
    await signInDesk();
    const disabled = (await (await admin.get(`/admin/api/webhook-endpoints/${ep.id}`)).json()) as {
      enabled: boolean;
      disabledReason: string;
      consecutiveFailures: number;
    };
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'failing', consecutiveFailures: 8 });
    const audit = await ctx.deps.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'webhook_endpoint.disable'), eq(auditEvents.targetId, String(ep.id))));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorType).toBe('system');
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ reason: 'failing', consecutiveFailures: 8, lastErrorClass: 'http_status' });

    // While disabled: nothing is sent, a redelivery is refused, events still happen.
    await reveal(user.id);
    await reveal(user.id);
    expect((await dispatchWebhooks(ctx.deps)).attempted).toBe(0);
    expect((await admin.post(`/admin/api/webhook-deliveries/${d!.id}/redeliver`)).status).toBe(409);

    // Fixed and enabled again: the two missed events are queued and delivered, in order.
    r.mode = 'ok';
    const enabled = await admin.put(`/admin/api/webhook-endpoints/${ep.id}`, { enabled: true });
    expect(enabled.status).toBe(200);
    expect(await dispatchWebhooks(ctx.deps)).toMatchObject({ attempted: 2, delivered: 2 });
    expect(r.log.map((l) => Number(l.event.cursor))).toEqual(
      (await ctx.deps.db.select().from(securityEvents).where(eq(securityEvents.userId, user.id)).orderBy(asc(securityEvents.id))).slice(1).map((e) => e.id),
    );
    const updates = await ctx.deps.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'webhook_endpoint.update'), eq(auditEvents.targetId, String(ep.id))));
    expect(JSON.parse(updates.at(-1)!.details)).toMatchObject({ changes: { enabled: true }, backfilled: 2 });
    await admin.put(`/admin/api/webhook-endpoints/${ep.id}`, { enabled: false });
  });

  it('sends each delivery once when two instances dispatch at the same time', async () => {
    const r = await receiver();
    const ep = await endpoint(r.url);
    // A second instance: its own Deps and app on the same database.
    const other = await createTestContext({}, ctx.deps.database);
    other.clock.set(ctx.clock());
    const people = await Promise.all(Array.from({ length: 24 }, () => makeEndUser(ctx)));
    for (const p of people) await reveal(p.id);
    const [a, b] = await Promise.all([dispatchWebhooks(ctx.deps), dispatchWebhooks(other.deps)]);
    expect(a.attempted + b.attempted).toBe(24);
    expect(a.delivered + b.delivered).toBe(24);
    expect(r.received).toHaveLength(24);
    expect(new Set(r.received.map((x) => x.headers['webhook-id'])).size).toBe(24);
    expect(await ctx.deps.db.select().from(eventDeliveryAttempts).where(eq(eventDeliveryAttempts.endpointId, ep.id))).toHaveLength(24);
    await admin.put(`/admin/api/webhook-endpoints/${ep.id}`, { enabled: false });
  });

  it('validates endpoints and refuses other roles', async () => {
    for (const body of [
      { url: 'ftp://example.com/x' },
      { url: 'not a url' },
      { url: 'https://user:pw@example.com/x' },
      { url: 'https://example.com/x', eventTypes: ['nope'] },
    ]) {
      const res = await admin.post('/admin/api/webhook-endpoints', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('validation_failed');
    }
    const supervisor = (await signedInStaff(ctx, 'supervisor')).client;
    const auditor = (await signedInStaff(ctx, 'auditor')).client;
    for (const c of [agent, supervisor, auditor]) {
      expect((await c.get('/admin/api/webhook-endpoints')).status).toBe(403);
      expect((await c.post('/admin/api/webhook-endpoints', { url: 'https://example.com/x' })).status).toBe(403);
    }
    expect((await ctx.app.request('/admin/api/webhook-endpoints')).status).toBe(401);
  });
});
