import { eq } from 'drizzle-orm';
import { deposits, kycReferences, securityQuestions } from '../../db/schema/index.ts';
import { hashPassword } from '../../server/crypto/password.ts';
import { normaliseAnswer } from '../../server/account/security-questions.ts';
import { biometricWebhookSecret } from '../../server/recovery/biometric.ts';
import { simulatedWebhook } from '../../fixtures/biometric-simulator.ts';
import type { TestContext } from './helpers.ts';
import { lastCode, makeEndUser, UserClient, USER_PASSWORD } from './user-helpers.ts';

export const ANSWERS = ['Rex', 'Lisbon', 'Ms Okafor'];
const DAY = 86_400_000;

/** A customer of some years with security questions, a KYC selfie and a ledger deposit: ready to recover. */
export async function makeRecoverableUser(ctx: TestContext, overrides: Parameters<typeof makeEndUser>[1] = {}) {
  const now = ctx.clock();
  const user = await makeEndUser(ctx, { createdAt: new Date(now.getTime() - 900 * DAY), passwordChangedAt: new Date(now.getTime() - 400 * DAY), ...overrides });
  const hashes = await Promise.all(ANSWERS.map((a) => hashPassword(normaliseAnswer(a))));
  await ctx.deps.db.insert(securityQuestions).values(
    ['First pet?', 'Birth city?', 'Favourite teacher?'].map((prompt, i) => ({
      userId: user.id,
      position: i + 1,
      prompt,
      answerHash: hashes[i]!,
      createdAt: now,
    })),
  );
  await ctx.deps.db
    .insert(kycReferences)
    .values({ userId: user.id, provider: 'sim-kyc', level: 'advanced', selfieRef: `selfie-${user.id}`, verifiedAt: new Date(now.getTime() - 800 * DAY) });
  const txid = `0x${user.id.toString(16).padStart(4, '0')}${'ab'.repeat(30)}`;
  const creditedAt = new Date(now.getTime() - 5 * DAY);
  await ctx.deps.db
    .insert(deposits)
    .values({ userId: user.id, email: user.email, asset: 'USDT', network: 'TRC20', amount: '250.00', txid, platform: 'Kraken', creditedAt, importedAt: now });
  return { user, deposit: { asset: 'USDT', network: 'TRC20', amount: '250.00', txid, platform: 'Kraken', time: creditedAt.toISOString() } };
}

let requesters = 0;

/** The user's side of a reset, through HTTP. Each client is a distinct address and device unless told otherwise. */
export class CaseClient {
  token = '';
  caseId = 0;
  readonly http: UserClient;
  constructor(
    private readonly ctx: TestContext,
    http?: UserClient,
  ) {
    const n = ++requesters;
    this.http = http ?? new UserClient(ctx, `198.51.${100 + (n >> 8)}.${n & 255}`, `device-recovery-${n}`);
  }

  async file(email: string, password = USER_PASSWORD) {
    const res = await this.http.post('/api/v1/recovery/cases', { email, password });
    if (res.status === 201) {
      this.token = res.body.caseToken;
      this.caseId = res.body.caseId;
      this.http.token = this.token;
    }
    return res;
  }
  path(suffix = '') {
    return `/api/v1/recovery/cases/${this.caseId}${suffix}`;
  }
  status() {
    return this.http.get(this.path());
  }
  async verifyEmail(email: string) {
    return this.http.post(this.path('/email'), { code: await lastCode(this.ctx, email, 'email') });
  }
  evidence(body: Record<string, unknown>) {
    return this.http.post(this.path('/evidence'), body);
  }
  submit() {
    return this.http.post(this.path('/submit'));
  }
}

/** File, verify, add evidence and submit; returns the case id. */
export async function submittedCase(ctx: TestContext, email: string, evidence: Record<string, unknown>[], client = new CaseClient(ctx)) {
  const filed = await client.file(email);
  if (filed.status !== 201) throw new Error(`file: ${filed.status} ${JSON.stringify(filed.body)}`);
  await client.verifyEmail(email);
  for (const e of evidence) {
    const res = await client.evidence(e);
    if (res.status !== 200) throw new Error(`evidence: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const sub = await client.submit();
  if (sub.status !== 200) throw new Error(`submit: ${sub.status} ${JSON.stringify(sub.body)}`);
  return { caseId: client.caseId, client };
}

/** The biometric provider's signed callback, as the local simulator sends it. */
export function biometricCallback(
  ctx: TestContext,
  outcome: { eventId: string; sessionRef: string; caseId: number; liveness: number; faceMatch: number },
  at = ctx.clock(),
) {
  const { body, headers } = simulatedWebhook(biometricWebhookSecret(ctx.deps)!, outcome, at);
  return ctx.app.request('/api/v1/webhooks/biometric', { method: 'POST', headers: { ...headers, 'x-forwarded-for': '203.0.113.200' }, body });
}

export async function depositOf(ctx: TestContext, userId: number) {
  return (await ctx.deps.db.select().from(deposits).where(eq(deposits.userId, userId)).limit(1))[0]!;
}
