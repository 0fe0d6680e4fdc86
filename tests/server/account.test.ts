import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { eq } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { createTestContext, signedInStaff } from './helpers.ts';
import { dumpDatabase } from './test-database.ts';
import { lastCode, makeEndUser, oathtool, UserClient } from './user-helpers.ts';
import { outbox, securityQuestions } from '../../db/schema/index.ts';
import { verifyPassword } from '../../server/crypto/password.ts';
import { normaliseAnswer } from '../../server/account/security-questions.ts';
import { dispatchPending } from '../../server/messaging/outbox.ts';
import { httpSmsTransport, smtpTransport } from '../../server/messaging/transports.ts';

const questions = [
  { prompt: 'Name of your first pet?', answer: '  Café   Noir ' },
  { prompt: 'City where you were born?', answer: 'ＬＩＳＢＯＮ' },
  { prompt: 'Your favourite teacher?', answer: 'Ms. Okafor' },
];

describe('security questions', () => {
  it('need a fresh step-up when the account has a tool, store only argon2id hashes of normalised answers', async () => {
    const ctx = await createTestContext();
    const user = await makeEndUser(ctx);
    const client = new UserClient(ctx);
    await client.signIn(user.email);
    const secret = await client.bindTotp(user.email);
    const denied = await client.put('/api/v1/me/security-questions', { questions });
    expect(denied.status).toBe(403);
    expect(denied.body.details.reason).toBe('step_up_required');
    expect(await ctx.deps.db.select().from(securityQuestions)).toHaveLength(0);

    const bad = await client.post('/api/v1/me/security/verify', { method: 'totp', code: '000000' === oathtool(secret, ctx.clock()) ? '111111' : '000000' });
    expect(bad.status).toBe(401);
    const stepUp = await client.post('/api/v1/me/security/verify', { method: 'totp', code: oathtool(secret, ctx.clock()) });
    expect(stepUp.status).toBe(200);
    expect(stepUp.body.status).toBe('verified');
    const saved = await client.put('/api/v1/me/security-questions', { questions });
    expect(saved.status).toBe(200);
    expect(saved.body.securityQuestions).toEqual(questions.map((q) => q.prompt));

    const rows = await ctx.deps.db.select().from(securityQuestions).where(eq(securityQuestions.userId, user.id));
    expect(rows).toHaveLength(3);
    expect(rows[0]!.answerHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(rows[0]!.answerHash, 'café noir')).toBe(true);
    expect(await verifyPassword(rows[1]!.answerHash, normaliseAnswer('lisbon'))).toBe(true);
    const dump = Buffer.from(await dumpDatabase(ctx.deps.database), 'latin1').toString('utf8');
    for (const a of ['Café', 'Noir', 'LISBON', 'lisbon', 'Okafor', 'okafor']) expect(dump).not.toContain(a);
    // The step-up was used up.
    expect((await client.put('/api/v1/me/security-questions', { questions })).status).toBe(403);
    // The overview lists the prompts, never answers.
    const overview = await client.get('/api/v1/me/security');
    expect(overview.body.securityQuestions).toEqual(questions.map((q) => q.prompt));
  });

  it('normalises NFKC, case, outer and inner whitespace', () => {
    expect(normaliseAnswer('  Café \t  Noir\n')).toBe('café noir');
    expect(normaliseAnswer('ＬＩＳＢＯＮ')).toBe('lisbon');
    expect(normaliseAnswer('ﬁsh')).toBe('fish');
  });

  it('refuses duplicate prompts and empty answers with 400', async () => {
    const ctx = await createTestContext();
    const user = await makeEndUser(ctx);
    const client = new UserClient(ctx);
    await client.signIn(user.email); // no tool: no step-up needed
    const dup = await client.put('/api/v1/me/security-questions', { questions: [questions[0], questions[0], questions[1]] });
    expect(dup.status).toBe(400);
    const empty = await client.put('/api/v1/me/security-questions', { questions: [questions[0], questions[1], { prompt: 'Something else?', answer: '   ' }] });
    expect(empty.status).toBe(400);
    const two = await client.put('/api/v1/me/security-questions', { questions: questions.slice(0, 2) });
    expect(two.status).toBe(400);
  });
});

describe('no secret in clear after setup', () => {
  it('keeps TOTP keys, phone numbers, codes and outbox bodies out of the database and the logs', async () => {
    const ctx = await createTestContext();
    const user = await makeEndUser(ctx);
    const client = new UserClient(ctx);
    await client.signIn(user.email);
    const secret = await client.bindTotp(user.email);
    const bindId = (await client.post('/api/v1/me/security/operations', { action: 'bind', factorType: 'sms' })).body.operationId;
    const code2 = await lastCode(ctx, user.email, 'email');
    await client.post(`/api/v1/me/security/operations/${bindId}/email`, { code: code2 });
    await client.post(`/api/v1/me/security/operations/${bindId}/2fa`, { method: 'totp', code: oathtool(secret, ctx.clock()) });
    await client.post(`/api/v1/me/security/operations/${bindId}/new-factor`, { factorType: 'sms', phone: '+14155552671' });
    const smsCode = await lastCode(ctx, '+14155552671', 'sms');
    expect((await client.post(`/api/v1/me/security/operations/${bindId}/new-factor/verify`, { code: smsCode })).status).toBe(200);
    const dump = await dumpDatabase(ctx.deps.database);
    for (const s of [secret, '4155552671', `code is ${code2}`, `code: ${smsCode}`, client.token]) expect(dump).not.toContain(s);
    // Timestamps are dropped first: a 6-digit code could appear inside one by chance.
    const logs = ctx.logs.map((l) => JSON.stringify({ ...JSON.parse(l), time: undefined })).join('\n');
    for (const s of [secret, '4155552671', client.token]) expect(logs).not.toContain(s);
    for (const code of [code2, smsCode]) expect(logs).not.toMatch(new RegExp(`(^|\\D)${code}(\\D|$)`));
    // Responses after setup never carry the key.
    expect(JSON.stringify((await client.get('/api/v1/me/security')).body)).not.toContain(secret);
  });
});

describe('development outbox', () => {
  it('is for admins only and shows the messages that had no provider', async () => {
    const ctx = await createTestContext();
    const user = await makeEndUser(ctx);
    const client = new UserClient(ctx);
    await client.signIn(user.email);
    await client.post('/api/v1/me/security/operations', { action: 'bind', factorType: 'totp' });
    const admin = await signedInStaff(ctx, 'admin');
    const agent = await signedInStaff(ctx, 'agent');
    expect((await agent.client.get('/admin/api/outbox')).status).toBe(403);
    const res = await admin.client.get(`/admin/api/outbox?filter=${encodeURIComponent(JSON.stringify({ to: user.email }))}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-range')).toBe('outbox 0-0/1');
    const [message] = (await res.json()) as { to: string; status: string; body: string }[];
    expect(message).toMatchObject({ to: user.email, status: 'dev' });
    expect(message!.body).toContain(await lastCode(ctx, user.email));
  });
});

describe('real providers', () => {
  let smtp: SMTPServer;
  const received: { to: string[]; data: string }[] = [];
  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  });
  afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

  it('sends email over real SMTP with nodemailer and erases the body after hand-over', async () => {
    const ctx = await createTestContext();
    ctx.deps.transports.email = smtpTransport(`smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`);
    const user = await makeEndUser(ctx);
    const client = new UserClient(ctx);
    await client.signIn(user.email);
    await client.post('/api/v1/me/security/operations', { action: 'bind', factorType: 'totp' });
    const row = (await ctx.deps.db.select().from(outbox).limit(1))[0]!;
    expect(row.status).toBe('pending');
    await dispatchPending(ctx.deps);
    const sent = (await ctx.deps.db.select().from(outbox).where(eq(outbox.id, row.id)).limit(1))[0]!;
    expect(sent.status).toBe('sent');
    expect(sent.bodyEnc).toBe('');
    const mail = received.find((m) => m.to.includes(user.email))!;
    expect(mail.data).toMatch(/Your verification code is \d{6}/);
  });

  it('posts SMS to the HTTP provider (a third party: mocked with msw) and retries failures', async () => {
    const calls: unknown[] = [];
    let fail = true;
    const server = setupServer(
      http.post('http://sms.provider.test/send', async ({ request }) => {
        calls.push(await request.json());
        if (fail) return new HttpResponse(null, { status: 503 });
        return HttpResponse.json({ ok: true });
      }),
    );
    server.listen({ onUnhandledRequest: 'error' });
    try {
      const ctx = await createTestContext();
      ctx.deps.transports.sms = httpSmsTransport('http://sms.provider.test/send');
      const user = await makeEndUser(ctx);
      const client = new UserClient(ctx);
      await client.signIn(user.email);
      const id = (await client.post('/api/v1/me/security/operations', { action: 'bind', factorType: 'sms' })).body.operationId;
      await client.post(`/api/v1/me/security/operations/${id}/email`, { code: await lastCode(ctx, user.email) });
      await client.post(`/api/v1/me/security/operations/${id}/new-factor`, { factorType: 'sms', phone: '+14155552671' });
      await dispatchPending(ctx.deps);
      const failed = (await ctx.deps.db.select().from(outbox).where(eq(outbox.channel, 'sms')).limit(1))[0]!;
      expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastError: 'SMS provider answered 503' });
      fail = false;
      // Not before its back-off (OUTBOX_RETRY_SECONDS, 5 s after the first failure), then delivered.
      await dispatchPending(ctx.deps);
      expect(calls).toHaveLength(1);
      ctx.clock.advance(5_001);
      await dispatchPending(ctx.deps);
      expect((await ctx.deps.db.select().from(outbox).where(eq(outbox.channel, 'sms')).limit(1))[0]!.status).toBe('sent');
      expect(calls[1]).toMatchObject({ to: '+14155552671', text: expect.stringMatching(/\d{6}/) });
    } finally {
      server.close();
    }
  });
});
