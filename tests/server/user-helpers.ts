import { execFileSync } from 'node:child_process';
import { desc, eq } from 'drizzle-orm';
import { outbox, users } from '../../db/schema/index.ts';
import { hashPassword } from '../../server/crypto/password.ts';
import { openMessage } from '../../server/messaging/outbox.ts';
import type { TestContext } from './helpers.ts';

export const USER_PASSWORD = 'correct horse battery staple';
let passwordHash: Promise<string> | undefined;
let counter = 0;

/** An end user (password USER_PASSWORD) inserted directly; flows under test go through HTTP. */
export async function makeEndUser(ctx: TestContext, overrides: Partial<typeof users.$inferInsert> = {}) {
  passwordHash ??= hashPassword(USER_PASSWORD);
  const now = ctx.clock();
  const email = overrides.email ?? `user${++counter}@example.com`;
  const row = (
    await ctx.deps.db
      .insert(users)
      .values({ email, passwordHash: await passwordHash, createdAt: now, updatedAt: now, ...overrides })
      .returning()
  )[0];
  return row;
}

/** A TOTP code from oathtool, the independent client, at the test clock's time. */
export function oathtool(secret: string, at: Date): string {
  return execFileSync('oathtool', ['--totp', '-b', '-N', `@${Math.floor(at.getTime() / 1000)}`, secret], { encoding: 'utf8' }).trim();
}

/** The newest message to `to` in the outbox, opened. */
export async function lastMessage(ctx: TestContext, to: string, channel?: 'email' | 'sms') {
  const rows = await ctx.deps.db.select().from(outbox).orderBy(desc(outbox.id));
  for (const row of rows) {
    if (channel && row.channel !== channel) continue;
    const opened = openMessage(ctx.deps, row);
    if (opened.to === to) return { ...row, ...opened };
  }
  throw new Error(`no message to ${to}`);
}

export async function lastCode(ctx: TestContext, to: string, channel?: 'email' | 'sms'): Promise<string> {
  const body = (await lastMessage(ctx, to, channel)).body ?? '';
  const match = /\b(\d{6})\b/.exec(body);
  if (!match) throw new Error(`no code in message to ${to}`);
  return match[1]!;
}

export async function countMessages(ctx: TestContext, userId: number) {
  return (await ctx.deps.db.select().from(outbox).where(eq(outbox.userId, userId))).length;
}

/** An end-user API client with a bearer token. */
export class UserClient {
  token = '';
  constructor(
    private readonly ctx: TestContext,
    public ip = '198.51.100.7',
    public deviceId = 'device-test-1',
  ) {}

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip, 'x-device-id': this.deviceId };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.ctx.app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }
  get(path: string) {
    return this.request('GET', path);
  }
  post(path: string, body: unknown = {}) {
    return this.request('POST', path, body);
  }
  put(path: string, body: unknown) {
    return this.request('PUT', path, body);
  }

  /** Signs in; with `totpSecret` it also answers the TOTP step (code from oathtool at the test time). */
  async signIn(email: string, options: { totpSecret?: string; password?: string } = {}) {
    const first = await this.post('/api/v1/auth/login', { email, password: options.password ?? USER_PASSWORD });
    if (first.status !== 200) return first;
    if (first.body.token) {
      this.token = first.body.token;
      return first;
    }
    if (!options.totpSecret) return first;
    const second = await this.post('/api/v1/auth/login/2fa', {
      challengeId: first.body.challengeId,
      method: 'totp',
      code: oathtool(options.totpSecret, this.ctx.clock()),
    });
    if (second.status === 200 && second.body.token) this.token = second.body.token;
    return second;
  }

  /** Binds a TOTP key end to end (first tool: no step 2) and returns it. */
  async bindTotp(email: string, proof?: { method: 'totp'; secret: string }): Promise<string> {
    const start = await this.post('/api/v1/me/security/operations', { action: 'bind', factorType: 'totp' });
    if (start.status !== 201) throw new Error(`start: ${start.status} ${JSON.stringify(start.body)}`);
    const id = start.body.operationId;
    const email1 = await this.post(`/api/v1/me/security/operations/${id}/email`, { code: await lastCode(this.ctx, email, 'email') });
    if (email1.status !== 200) throw new Error(`email: ${email1.status}`);
    if (proof) await this.post(`/api/v1/me/security/operations/${id}/2fa`, { method: 'totp', code: oathtool(proof.secret, this.ctx.clock()) });
    const setup = await this.post(`/api/v1/me/security/operations/${id}/new-factor`, { factorType: 'totp' });
    if (setup.status !== 200) throw new Error(`setup: ${setup.status} ${JSON.stringify(setup.body)}`);
    const secret = setup.body.totp.secret as string;
    const done = await this.post(`/api/v1/me/security/operations/${id}/new-factor/verify`, { code: oathtool(secret, this.ctx.clock()) });
    if (done.status !== 200) throw new Error(`verify: ${done.status} ${JSON.stringify(done.body)}`);
    this.ctx.clock.advance(30_000); // the binding code's time step is used up
    return secret;
  }
}
