import { randomBytes } from 'node:crypto';
import { openTestDatabase } from './test-database.ts';
import type { DatabaseHandle } from '../../db/client.ts';
import { loadConfig } from '../../server/config.ts';
import { createKeyring } from '../../server/crypto/encryption.ts';
import { createLogger } from '../../server/logger.ts';
import { createApp, type App } from '../../server/app.ts';
import type { Deps } from '../../server/deps.ts';
import { createStaffMember } from '../../server/staff/service.ts';
import { totpCodeAt } from '../../server/crypto/totp.ts';
import type { StaffRole } from '../../db/schema/index.ts';
import { simulatedBiometricProvider } from '../../fixtures/biometric-simulator.ts';

export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

/** A clock the test moves by hand. */
export function testClock(start = new Date('2026-11-26T09:00:00Z')) {
  let now = start.getTime();
  const clock = () => new Date(now);
  clock.advance = (ms: number) => {
    now += ms;
  };
  clock.set = (d: Date) => {
    now = d.getTime();
  };
  return clock;
}

export type TestClock = ReturnType<typeof testClock>;

export interface TestContext {
  deps: Deps;
  app: App;
  clock: TestClock;
  logs: string[];
}

/**
 * A fresh migrated database and its own app, per test file (or per test):
 * SQLite (a temp file) by default, PostgreSQL (a schema in the file's own
 * database) in the PostgreSQL run of the suite (see test-database.ts).
 */
export async function createTestContext(env: Record<string, string> = {}, on?: DatabaseHandle): Promise<TestContext> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_PATH: ':memory:',
    REBIND_MASTER_KEY: TEST_MASTER_KEY,
    LOG_LEVEL: 'info',
    TRUST_PROXY: 'true',
    ...env,
  });
  const database = on ?? (await openTestDatabase());
  const logs: string[] = [];
  const logger = createLogger('info', {
    write: (line: string) => {
      logs.push(line);
      if (process.env.REBIND_TEST_SHOW_ERRORS && line.includes('unhandled error')) process.stderr.write(line);
    },
  });
  const clock = testClock();
  const deps: Deps = {
    config,
    db: database.db,
    database,
    keyring: createKeyring(TEST_MASTER_KEY),
    clock,
    random: (n) => randomBytes(n),
    logger,
    transports: {},
    biometric: simulatedBiometricProvider(config.origin, (n) => randomBytes(n)),
    lifecycle: { draining: false },
  };
  return { deps, app: createApp(deps), clock, logs };
}

export interface StaffAccount {
  id: number;
  email: string;
  password: string;
  totpSecret: string;
  role: StaffRole;
}

let staffCounter = 0;
export async function makeStaff(ctx: TestContext, role: StaffRole, overrides: { email?: string; userId?: number; name?: string } = {}): Promise<StaffAccount> {
  const email = overrides.email ?? `${role}${++staffCounter}@staff.test`;
  const created = await createStaffMember(
    ctx.deps,
    { email, name: overrides.name ?? `Test ${role}`, role, userId: overrides.userId ?? null },
    { type: 'system', label: 'test' },
  );
  return { id: created.member.id, email, password: created.password, totpSecret: created.totpSecret, role };
}

/** A tiny browser: keeps the session cookie and the CSRF token, sends JSON. */
export class StaffClient {
  cookie = '';
  csrfToken = '';
  constructor(
    private readonly ctx: TestContext,
    readonly ip = '203.0.113.10',
  ) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const h: Record<string, string> = { 'x-forwarded-for': this.ip, ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrfToken && method !== 'GET' && !('x-csrf-token' in headers)) h['x-csrf-token'] = this.csrfToken;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await this.ctx.app.request(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const first = setCookie.split(';')[0]!;
      this.cookie = first.endsWith('=') ? '' : first;
    }
    return res;
  }

  get(path: string) {
    return this.request('GET', path);
  }
  post(path: string, body: unknown = {}, headers: Record<string, string> = {}) {
    return this.request('POST', path, body, headers);
  }
  put(path: string, body: unknown, headers: Record<string, string> = {}) {
    return this.request('PUT', path, body, headers);
  }

  /** Password, then a TOTP code for the current (test) time. */
  async signIn(account: StaffAccount, code?: string): Promise<Response> {
    const first = await this.post('/admin/api/auth/login', { email: account.email, password: account.password });
    if (first.status !== 200) return first;
    const { challengeId } = (await first.json()) as { challengeId: string };
    const res = await this.post('/admin/api/auth/login/totp', { challengeId, code: code ?? totpCodeAt(account.totpSecret, this.ctx.clock()) });
    if (res.status === 200) this.csrfToken = ((await res.clone().json()) as { csrfToken: string }).csrfToken;
    return res;
  }
}

export async function signedInStaff(
  ctx: TestContext,
  role: StaffRole,
  overrides: Parameters<typeof makeStaff>[2] = {},
): Promise<{ account: StaffAccount; client: StaffClient }> {
  const account = await makeStaff(ctx, role, overrides);
  const client = new StaffClient(ctx);
  const res = await client.signIn(account);
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  // Each sign-in used this time step; later sign-ins of other staff are unaffected.
  return { account, client };
}
