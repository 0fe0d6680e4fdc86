import { z } from 'zod';

const minutes = (def: number) => z.coerce.number().int().positive().default(def);
const hours = minutes;

/** Every configuration variable Rebind reads, validated at start-up. */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  DATABASE_PATH: z.string().min(1).default('./data/rebind.db'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/i, 'a postgres:// URL (unset for the embedded SQLite file)')
    .optional(),
  REBIND_MASTER_KEY: z.string().optional(),
  REBIND_OLD_MASTER_KEYS: z.string().optional(),
  ORIGIN: z.url({ protocol: /^https?$/ }).optional(),
  RP_ID: z
    .string()
    .regex(/^[a-z0-9.-]+$/i, 'a host name such as example.com')
    .optional(),
  RP_NAME: z.string().min(1).default('Rebind'),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).default('Rebind <no-reply@rebind.example>'),
  SMS_PROVIDER_URL: z.url({ protocol: /^https?$/ }).optional(),
  BIOMETRIC_WEBHOOK_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  OUTBOX_RETRY_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(100 * 1024),
  STAFF_IDLE_TIMEOUT_MINUTES: minutes(30),
  STAFF_SESSION_MAX_HOURS: hours(12),
  SIGNIN_MAX_FAILURES: z.coerce.number().int().min(1).default(10),
  SIGNIN_LOCK_MINUTES: minutes(15),
  USER_SIGNIN_IP_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(60),
  ARGON2_THREADS: z.coerce.number().int().min(1).max(256).optional(),
  ARGON2_NICE: z.union([z.literal('idle'), z.coerce.number().int().min(0).max(19)]).default('idle'),
  WITHDRAWAL_LOCK_HOURS: hours(24),
  RESET_WITHDRAWAL_LOCK_HOURS: hours(48),
  REBIND_LINK_HOURS: hours(72),
  CASE_COOLDOWN_DAYS: z.coerce.number().int().min(0).default(7),
  CLAIM_IDLE_MINUTES: minutes(30),
  SLA_HOURS_HIGH: hours(4),
  SLA_HOURS_MEDIUM: hours(12),
  SLA_HOURS_LOW: hours(24),
  DEMO_SEED: z.enum(['auto', 'off']).default('auto'),
  SERVICE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
});

export type Env = z.infer<typeof envSchema>;

/** The names of every variable read (the README documents each). */
export const configVariables = Object.keys(envSchema.shape);

export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  databasePath: string;
  /** postgres://… : run on PostgreSQL instead of the SQLite file at databasePath. */
  databaseUrl?: string;
  masterKey?: string;
  oldMasterKeys: string[];
  origin: string;
  rpId: string;
  rpName: string;
  smtpUrl?: string;
  mailFrom: string;
  smsProviderUrl?: string;
  /** The first wait before a failed email or SMS is tried again; it doubles with each failure. */
  outboxRetryBaseMs: number;
  biometricWebhookSecret?: string;
  logLevel: Env['LOG_LEVEL'];
  trustProxy: boolean;
  bodyLimitBytes: number;
  secureCookies: boolean;
  staffIdleTimeoutMs: number;
  staffSessionMaxMs: number;
  signinMaxFailures: number;
  signinLockMs: number;
  /** End-user sign-in steps (password, then 2FA) per client IP per minute, each step counted apart. */
  userSigninIpLimitPerMinute: number;
  /** Threads hashing and verifying passwords (argon2); undefined: one per core. */
  argon2Threads?: number;
  /** Their CPU priority: a nice value (0–19; higher yields the CPU to request handling sooner) or 'idle' (Linux SCHED_IDLE: they run when no other thread wants the core). */
  argon2Nice: number | 'idle';
  demoSeed: boolean;
  withdrawalLockMs: number;
  resetWithdrawalLockMs: number;
  rebindLinkMs: number;
  caseCooldownMs: number;
  claimIdleMs: number;
  slaMs: { low: number; medium: number; high: number };
  /** Requests per minute per service key on /service/v1. */
  serviceRateLimitPerMinute: number;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates the environment; throws ConfigError listing every bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, as in most shells' `VAR= npm start`.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const origin = (e.ORIGIN ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  const rpId = e.RP_ID ?? new URL(origin).hostname;
  const problems: string[] = [];
  if (e.NODE_ENV === 'production' && !e.REBIND_MASTER_KEY) {
    problems.push('REBIND_MASTER_KEY: required in production (32 random bytes, base64; see README)');
  }
  if (!new URL(origin).hostname.endsWith(rpId)) problems.push(`RP_ID: must be the ORIGIN's host or a parent domain of it (${origin})`);
  if (problems.length) throw new ConfigError(problems);
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    databasePath: e.DATABASE_PATH,
    databaseUrl: e.DATABASE_URL,
    masterKey: e.REBIND_MASTER_KEY,
    oldMasterKeys: (e.REBIND_OLD_MASTER_KEYS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    origin,
    rpId,
    rpName: e.RP_NAME,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    smsProviderUrl: e.SMS_PROVIDER_URL,
    outboxRetryBaseMs: e.OUTBOX_RETRY_SECONDS * 1000,
    biometricWebhookSecret: e.BIOMETRIC_WEBHOOK_SECRET,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY === 'true' || e.TRUST_PROXY === '1',
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    secureCookies: origin.startsWith('https://'),
    staffIdleTimeoutMs: e.STAFF_IDLE_TIMEOUT_MINUTES * 60_000,
    staffSessionMaxMs: e.STAFF_SESSION_MAX_HOURS * 3_600_000,
    signinMaxFailures: e.SIGNIN_MAX_FAILURES,
    signinLockMs: e.SIGNIN_LOCK_MINUTES * 60_000,
    userSigninIpLimitPerMinute: e.USER_SIGNIN_IP_LIMIT_PER_MINUTE,
    argon2Threads: e.ARGON2_THREADS,
    argon2Nice: e.ARGON2_NICE,
    demoSeed: e.DEMO_SEED === 'auto' && e.NODE_ENV !== 'production',
    withdrawalLockMs: e.WITHDRAWAL_LOCK_HOURS * 3_600_000,
    resetWithdrawalLockMs: e.RESET_WITHDRAWAL_LOCK_HOURS * 3_600_000,
    rebindLinkMs: e.REBIND_LINK_HOURS * 3_600_000,
    caseCooldownMs: e.CASE_COOLDOWN_DAYS * 86_400_000,
    claimIdleMs: e.CLAIM_IDLE_MINUTES * 60_000,
    slaMs: { low: e.SLA_HOURS_LOW * 3_600_000, medium: e.SLA_HOURS_MEDIUM * 3_600_000, high: e.SLA_HOURS_HIGH * 3_600_000 },
    serviceRateLimitPerMinute: e.SERVICE_RATE_LIMIT_PER_MINUTE,
  };
}
