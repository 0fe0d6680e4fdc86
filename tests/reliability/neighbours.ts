import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { biometricSessions, outbox } from '../../db/schema/index.ts';
import { enqueueMessage } from '../../server/messaging/outbox.ts';
import { simulatedWebhook } from '../../fixtures/biometric-simulator.ts';
import { signWebhook } from '../../server/recovery/biometric.ts';
import { makeEndUser, USER_PASSWORD } from '../server/user-helpers.ts';
import { makeRecoverableUser } from '../server/case-helpers.ts';
import { freePort, percentile, randomIp, send, sleep, Stack, WEBHOOK_SECRET } from './harness.ts';

/**
 * Failing neighbours: the SMTP server down and then slow, the SMS provider
 * answering 500 and then hanging, the biometric provider's webhook arriving
 * twice, late and malformed. Users never see a 5xx, nothing is lost, and
 * failed deliveries are retried with a growing wait.
 */
export interface NeighbourFigures {
  smtpDown: {
    filings: number;
    non201: number;
    p95Ms: number;
    attemptsAfterOutage: number[];
    failedForGood: number;
    deliveredAfterRecovery: number;
    expected: number;
    duplicates: number;
    recoveryMs: number;
  };
  smtpSlow: { filings: number; non201: number; p95Ms: number; delivered: number; expected: number };
  sms: { messages: number; providerCalls: number; delivered: number; failedForGood: number; attempts: number[] };
  webhook: { fiveXX: number; statuses: Record<string, number>; resultsRecorded: number; events: number; checks: string[] };
}

class Inbox {
  server: SMTPServer;
  mail: string[] = [];
  delayMs = 0;
  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData: (stream, _session, callback) => {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
        stream.on('end', () => {
          setTimeout(() => {
            this.mail.push(data);
            callback();
          }, this.delayMs);
        });
      },
    });
    this.server.on('error', () => undefined);
  }
  listen(port: number) {
    return new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', () => resolve()));
  }
  close() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
  to(email: string) {
    return this.mail.filter((m) => m.includes(email));
  }
}

async function fileCases(stack: Stack, count: number): Promise<{ emails: string[]; statuses: number[]; ms: number[] }> {
  const emails: string[] = [];
  for (let i = 0; i < count; i++) emails.push((await makeEndUser(stack.ctx, { email: `neighbour${Date.now().toString(36)}${i}@example.com` })).email);
  const statuses: number[] = [];
  const ms: number[] = [];
  await Promise.all(
    emails.map(async (email) => {
      const t0 = Date.now();
      const res = await send(stack.base, {
        method: 'POST',
        path: '/api/v1/recovery/cases',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': randomIp() },
        body: JSON.stringify({ email, password: USER_PASSWORD }),
      });
      ms.push(Date.now() - t0);
      statuses.push(res.status);
    }),
  );
  return { emails, statuses, ms };
}

async function messagesFor(stack: Stack, emails: string[]) {
  const users = await stack.handle!.db.rows<{ id: number }>(
    sql`SELECT id FROM users WHERE email IN ${
      emails.length
        ? sql`(${sql.join(
            emails.map((e) => sql`${e}`),
            sql`, `,
          )})`
        : sql`('')`
    }`,
  );
  const ids = users.map((u) => Number(u.id));
  return ids.length
    ? await stack
        .handle!.db.select()
        .from(outbox)
        .where(and(inArray(outbox.userId, ids), eq(outbox.channel, 'email')))
    : [];
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(250);
  }
  return check();
}

export async function runNeighbours(options: { engine?: 'sqlite' | 'pg'; log?: (line: string) => void } = {}): Promise<NeighbourFigures> {
  const log = options.log ?? (() => undefined);
  const smtpPort = await freePort();
  const inbox = new Inbox();
  let smsMode: 'error' | 'hang' | 'ok' = 'error';
  const smsCalls: { to: string; status: number }[] = [];
  const sms: Server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const to = (JSON.parse(body || '{}') as { to?: string }).to ?? '';
      if (smsMode === 'hang') {
        smsCalls.push({ to, status: 0 });
        smsMode = 'ok'; // one call hangs (the adapter gives up after 10 s), the next ones are answered
        return;
      }
      const status = smsMode === 'error' ? 500 : 200;
      smsCalls.push({ to, status });
      res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{"ok":true}' : '{"error":"provider down"}');
    });
  });
  await new Promise<void>((resolve) => sms.listen(0, '127.0.0.1', () => resolve()));
  const smsPort = (sms.address() as AddressInfo).port;
  const stack = new Stack({
    engine: options.engine,
    label: 'neighbours',
    env: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, SMS_PROVIDER_URL: `http://127.0.0.1:${smsPort}/send`, OUTBOX_RETRY_SECONDS: '1' },
  });
  try {
    await stack.init();
    await stack.start();

    // 1. SMTP down: filings still succeed at once; the mail waits with a growing back-off.
    const down = await fileCases(stack, 10);
    await sleep(8000);
    const waiting = await messagesFor(stack, down.emails);
    const attemptsAfterOutage = waiting.map((m) => m.attempts).sort();
    const failedEarly = waiting.filter((m) => m.status === 'failed').length;
    log(
      `  SMTP down 8 s: ${down.statuses.filter((s) => s === 201).length}/10 filings 201, messages tried ${attemptsAfterOutage.join(',')} times, ${failedEarly} given up`,
    );
    // … and back: every message goes out, once.
    const r0 = Date.now();
    await inbox.listen(smtpPort);
    await waitFor(async () => (await messagesFor(stack, down.emails)).every((m) => m.status === 'sent'), 60_000);
    const recoveryMs = Date.now() - r0;
    const deliveredDown = down.emails.filter((e) => inbox.to(e).length >= 1).length;
    const duplicates = down.emails.reduce((n, e) => n + Math.max(0, inbox.to(e).length - 1), 0);
    const failedForGood = (await messagesFor(stack, down.emails)).filter((m) => m.status === 'failed').length;

    // 2. SMTP slow (3 s per message): filings do not wait for it.
    inbox.delayMs = 3000;
    const slow = await fileCases(stack, 6);
    await waitFor(async () => (await messagesFor(stack, slow.emails)).every((m) => m.status === 'sent'), 90_000);
    const deliveredSlow = slow.emails.filter((e) => inbox.to(e).length >= 1).length;
    inbox.delayMs = 0;
    log(`  SMTP slow: filings p95 ${percentile(slow.ms, 95)} ms, ${deliveredSlow}/6 delivered`);

    // 3. The SMS provider answers 500, then hangs once, then recovers.
    const phones = ['+14155550101', '+14155550102', '+14155550103'];
    const smsUser = await makeEndUser(stack.ctx);
    const realSms = stack.ctx.deps.transports.sms;
    stack.ctx.deps.transports.sms = { sendSms: async () => undefined }; // so the harness enqueues them as pending for the server's dispatcher
    const smsIds: number[] = [];
    await stack.ctx.deps.db.transaction(async (tx) => {
      for (const to of phones)
        smsIds.push(
          await enqueueMessage(tx, stack.ctx.deps, {
            channel: 'sms',
            to,
            recipientMasked: '+1 ••• ••01',
            subject: 'Code',
            body: 'Your code is 123456',
            template: 'reliability_sms',
            userId: smsUser.id,
          }),
        );
    });
    stack.ctx.deps.transports.sms = realSms;
    await sleep(5000);
    smsMode = 'hang';
    await waitFor(async () => (await stack.handle!.db.select().from(outbox).where(inArray(outbox.id, smsIds))).every((m) => m.status === 'sent'), 90_000);
    const smsRows = await stack.handle!.db.select().from(outbox).where(inArray(outbox.id, smsIds));
    log(`  SMS provider 500 then hanging: ${smsRows.filter((m) => m.status === 'sent').length}/3 delivered after ${smsCalls.length} calls`);

    // 4. The biometric webhook: malformed, signed null, twice at once, redelivered, late.
    const webhook = await webhookChecks(stack, inbox);
    log(`  biometric webhook: ${JSON.stringify(webhook.statuses)}; results recorded ${webhook.resultsRecorded} for ${webhook.events} events`);

    return {
      smtpDown: {
        filings: 10,
        non201: down.statuses.filter((s) => s !== 201).length,
        p95Ms: percentile(down.ms, 95),
        attemptsAfterOutage,
        failedForGood,
        deliveredAfterRecovery: deliveredDown,
        expected: 10,
        duplicates,
        recoveryMs,
      },
      smtpSlow: { filings: 6, non201: slow.statuses.filter((s) => s !== 201).length, p95Ms: percentile(slow.ms, 95), delivered: deliveredSlow, expected: 6 },
      sms: {
        messages: 3,
        providerCalls: smsCalls.length,
        delivered: smsRows.filter((m) => m.status === 'sent').length,
        failedForGood: smsRows.filter((m) => m.status === 'failed').length,
        attempts: smsRows.map((m) => m.attempts),
      },
      webhook,
    };
  } finally {
    await stack.dispose();
    await inbox.close().catch(() => undefined);
    await new Promise<void>((resolve) => sms.close(() => resolve()));
  }
}

async function webhookChecks(stack: Stack, inbox: Inbox): Promise<NeighbourFigures['webhook']> {
  const statuses: Record<string, number> = {};
  const checks: string[] = [];
  let fiveXX = 0;
  const post = async (body: string, headers: Record<string, string>) => {
    const res = await send(stack.base, { method: 'POST', path: '/api/v1/webhooks/biometric', headers: { 'x-forwarded-for': randomIp(), ...headers }, body });
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (res.status >= 500) fiveXX++;
    return res;
  };
  const signed = (body: string, at = new Date()) => ({
    'content-type': 'application/json',
    'x-rebind-signature': signWebhook(WEBHOOK_SECRET, Math.floor(at.getTime() / 1000), body),
  });
  // Sessions: two biometric cases, through the user's own steps (the email code comes from the SMTP inbox).
  const sessions: { caseId: number; providerRef: string }[] = [];
  for (let i = 0; i < 2; i++) {
    const { user } = await makeRecoverableUser(stack.ctx);
    const headers = { 'content-type': 'application/json', 'x-forwarded-for': randomIp(), 'x-device-id': `bio-${i}` };
    const filed = JSON.parse(
      (
        await send(stack.base, {
          method: 'POST',
          path: '/api/v1/recovery/cases',
          headers,
          body: JSON.stringify({ email: user.email, password: USER_PASSWORD }),
        })
      ).text,
    ) as { caseId: number; caseToken: string };
    const auth = { ...headers, authorization: `Bearer ${filed.caseToken}` };
    await waitFor(async () => inbox.to(user.email).length > 0, 30_000);
    const code = /\b(\d{6})\b/.exec(inbox.to(user.email).at(-1)!.split('\r\n\r\n').slice(1).join('\n'))?.[1] ?? '';
    await send(stack.base, { method: 'POST', path: `/api/v1/recovery/cases/${filed.caseId}/email`, headers: auth, body: JSON.stringify({ code }) });
    const started = await send(stack.base, {
      method: 'POST',
      path: `/api/v1/recovery/cases/${filed.caseId}/evidence`,
      headers: auth,
      body: JSON.stringify({ method: 'biometric' }),
    });
    if (started.status !== 200) throw new Error(`biometric evidence: ${started.status} ${started.text}`);
    const row = (await stack.handle!.db.select().from(biometricSessions).where(eq(biometricSessions.caseId, filed.caseId)).limit(1))[0]!;
    sessions.push({ caseId: filed.caseId, providerRef: row.providerRef });
  }
  const results = async () =>
    Number((await stack.handle!.db.rows<{ n: number }>(sql`SELECT count(*) AS n FROM audit_events WHERE action = 'biometric.result'`))[0]!.n);
  const before = await results();
  // Malformed, though correctly signed.
  for (const body of ['null', '[]', '7', '{', '{"eventId":1}', '{"eventId":"e","sessionRef":"s","caseId":"1","liveness":2,"faceMatch":-1}']) {
    const res = await post(body, signed(body));
    checks.push(`signed ${body.slice(0, 20)} → ${res.status}`);
  }
  // The first session's result, three copies at once, then once more later.
  const a = simulatedWebhook(
    WEBHOOK_SECRET,
    { eventId: `evt_a_${Date.now()}`, sessionRef: sessions[0]!.providerRef, caseId: sessions[0]!.caseId, liveness: 0.97, faceMatch: 0.93 },
    new Date(),
  );
  const copies = await Promise.all([0, 1, 2].map(() => post(a.body, a.headers)));
  checks.push(`same event ×3 at once → ${copies.map((r) => `${r.status}${JSON.parse(r.text).duplicate ? ' dup' : ''}`).join(', ')}`);
  await sleep(1000);
  const again = await post(a.body, a.headers);
  checks.push(`redelivered later → ${again.status}${JSON.parse(again.text).duplicate ? ' dup' : ''}`);
  // Late: the second session's result with a signature 10 minutes old is refused; the provider's retry is taken.
  const old = new Date(Date.now() - 10 * 60_000);
  const lateBody = simulatedWebhook(
    WEBHOOK_SECRET,
    { eventId: `evt_b_${Date.now()}`, sessionRef: sessions[1]!.providerRef, caseId: sessions[1]!.caseId, liveness: 0.95, faceMatch: 0.9 },
    old,
  );
  const late = await post(lateBody.body, lateBody.headers);
  const retried = await post(lateBody.body, signed(lateBody.body));
  checks.push(`late (signed 10 min ago) → ${late.status}; the retry → ${retried.status}`);
  return { fiveXX, statuses, resultsRecorded: (await results()) - before, events: 2, checks };
}

export function formatNeighbours(f: NeighbourFigures): string {
  return [
    `failing neighbours:`,
    `  SMTP down: ${f.smtpDown.filings - f.smtpDown.non201}/${f.smtpDown.filings} filings answered 201 (p95 ${f.smtpDown.p95Ms} ms); after 8 s down each message had been tried ${[...new Set(f.smtpDown.attemptsAfterOutage)].join(' or ')} times (back-off 1, 2, 4 s…); back up: ${f.smtpDown.deliveredAfterRecovery}/${f.smtpDown.expected} delivered in ${(f.smtpDown.recoveryMs / 1000).toFixed(1)} s, ${f.smtpDown.duplicates} duplicates, ${f.smtpDown.failedForGood} given up`,
    `  SMTP slow (3 s a message): ${f.smtpSlow.filings - f.smtpSlow.non201}/${f.smtpSlow.filings} filings 201, p95 ${f.smtpSlow.p95Ms} ms; ${f.smtpSlow.delivered}/${f.smtpSlow.expected} delivered`,
    `  SMS provider answering 500, then hanging once: ${f.sms.delivered}/${f.sms.messages} delivered after ${f.sms.providerCalls} provider calls (attempts ${f.sms.attempts.join(', ')}), ${f.sms.failedForGood} given up`,
    `  biometric webhook: 5xx ${f.webhook.fiveXX} (goal 0); ${f.webhook.resultsRecorded} results recorded for ${f.webhook.events} events (goal: exactly one each); ${f.webhook.checks.join('; ')}`,
  ].join('\n');
}
