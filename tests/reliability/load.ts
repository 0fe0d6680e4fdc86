import { inArray, sql } from 'drizzle-orm';
import { cases, caseNotes, userSessions } from '../../db/schema/index.ts';
import { sha256Hex } from '../../server/crypto/tokens.ts';
import { seedDemo } from '../../fixtures/seed.ts';
import { makeEndUser, USER_PASSWORD } from '../server/user-helpers.ts';
import type { StaffClient } from '../server/helpers.ts';
import { randomIp, send, sleep, type Stack } from './harness.ts';

/**
 * Mixed write load on a real server: end-user sign-ins, reset-case filings
 * and staff notes on open cases. Every write the server acknowledged (200 or
 * 201 with its result) is remembered, so a check after a crash, a shutdown or
 * a backup can ask the database for each one.
 */
export type LoadKind = 'signin' | 'file' | 'note' | 'relabel';

export interface Acked {
  /** sha256 of each session token handed out. */
  sessions: string[];
  cases: number[];
  notes: string[];
  /** Reason-code labels set by an admin (a small audited write). */
  labels: string[];
}

export interface LoadStats {
  sent: number;
  acked: number;
  refused: number;
  failed: number;
  byStatus: Record<string, number>;
  /** Why requests got no answer: ECONNREFUSED (no server: never sent), ECONNRESET (cut off in flight), … */
  errors: Record<string, number>;
  ms: number;
}

export interface LoadWorld {
  emails: string[];
  agents: StaffClient[];
  admin: StaffClient;
  reasonCodes: string[];
  openCases: number[];
}

export async function prepareLoad(stack: Stack, options: { users?: number; agents?: number } = {}): Promise<LoadWorld> {
  const ctx = stack.ctx;
  ctx.clock.set(new Date());
  if ((await stack.count('users')) === 0) await seedDemo(ctx.deps);
  const emails: string[] = [];
  for (let i = 0; i < (options.users ?? 60); i++) emails.push((await makeEndUser(ctx, { email: `load${Date.now().toString(36)}${i}@example.com` })).email);
  const agents: StaffClient[] = [];
  for (let i = 0; i < (options.agents ?? 2); i++) agents.push((await stack.staff('agent')).client);
  const openCases = (
    await ctx.deps.db.rows<{ id: number }>(
      sql`SELECT id FROM cases WHERE status IN ('submitted', 'in_review', 'info_requested', 'escalated') ORDER BY id LIMIT 50`,
    )
  ).map((r) => Number(r.id));
  const admin = (await stack.staff('admin')).client;
  const reasonCodes = (await ctx.deps.db.rows<{ code: string }>(sql`SELECT code FROM reason_codes ORDER BY code`)).map((r) => r.code);
  return { emails, agents, admin, reasonCodes, openCases };
}

export interface RunningLoad {
  acked: Acked;
  stats: LoadStats;
  /** Writes acknowledged so far (a snapshot of the counters at a moment). */
  ackedCount(): number;
  stop(): Promise<LoadStats>;
}

/** Starts `workers` loops, each sending one request at a time (optionally paced to `perSecond` in all). */
export function startLoad(
  stack: Stack,
  world: LoadWorld,
  options: { workers?: number; kinds?: LoadKind[]; perSecond?: number; timeoutMs?: number } = {},
): RunningLoad {
  const kinds = options.kinds ?? ['signin', 'file', 'note'];
  const workers = options.workers ?? 6;
  const acked: Acked = { sessions: [], cases: [], notes: [], labels: [] };
  const stats: LoadStats = { sent: 0, acked: 0, refused: 0, failed: 0, byStatus: {}, errors: {}, ms: 0 };
  const started = Date.now();
  let running = true;
  let n = 0;
  const gap = options.perSecond ? (1000 * workers) / options.perSecond : 0;
  const loop = async (w: number) => {
    while (running) {
      const i = n++;
      const kind = kinds[i % kinds.length]!;
      const t0 = Date.now();
      stats.sent++;
      try {
        const ip = randomIp();
        if (kind === 'signin') {
          const email = world.emails[i % world.emails.length]!;
          const res = await send(stack.base, {
            method: 'POST',
            path: '/api/v1/auth/login',
            headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
            body: JSON.stringify({ email, password: USER_PASSWORD }),
            timeoutMs: options.timeoutMs,
          });
          count(res.status);
          if (res.status === 200 && JSON.parse(res.text).token) {
            acked.sessions.push(sha256Hex(JSON.parse(res.text).token));
            stats.acked++;
          }
        } else if (kind === 'file') {
          const email = world.emails[(i * 7 + w) % world.emails.length]!;
          const res = await send(stack.base, {
            method: 'POST',
            path: '/api/v1/recovery/cases',
            headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, 'x-device-id': `load-${w}` },
            body: JSON.stringify({ email, password: USER_PASSWORD }),
            timeoutMs: options.timeoutMs,
          });
          count(res.status);
          if (res.status === 201) {
            acked.cases.push(Number(JSON.parse(res.text).caseId));
            stats.acked++;
          }
        } else if (kind === 'relabel') {
          const code = world.reasonCodes[i % world.reasonCodes.length]!;
          const label = `Label ${started.toString(36)}-${i}`;
          const res = await send(stack.base, {
            method: 'PUT',
            path: `/admin/api/reason-codes/${code}`,
            headers: {
              'content-type': 'application/json',
              'x-forwarded-for': world.admin.ip,
              cookie: world.admin.cookie,
              'x-csrf-token': world.admin.csrfToken,
            },
            body: JSON.stringify({ label }),
            timeoutMs: options.timeoutMs,
          });
          count(res.status);
          if (res.status === 200) {
            acked.labels.push(label);
            stats.acked++;
          }
        } else {
          const agent = world.agents[w % world.agents.length]!;
          const caseId = world.openCases[i % world.openCases.length]!;
          const body = `load note ${started.toString(36)}-${i}`;
          const res = await send(stack.base, {
            method: 'POST',
            path: `/admin/api/cases/${caseId}/notes`,
            headers: { 'content-type': 'application/json', 'x-forwarded-for': agent.ip, cookie: agent.cookie, 'x-csrf-token': agent.csrfToken },
            body: JSON.stringify({ body }),
            timeoutMs: options.timeoutMs,
          });
          count(res.status);
          if (res.status === 200) {
            acked.notes.push(body);
            stats.acked++;
          }
        }
      } catch (err) {
        let code = (err as { code?: string }).code ?? (err as Error).message;
        // A reset of a connection that had carried nothing yet: it was waiting in the kernel's accept
        // queue when the listener closed (the server never saw the request), as good as refused.
        if (code === 'ECONNRESET' && (err as { previousOnSocket?: string }).previousOnSocket === '(new connection)') code = 'ECONNRESET_UNACCEPTED';
        stats.errors[code] = (stats.errors[code] ?? 0) + 1;
        stats.failed++;
        stats.byStatus.failed = (stats.byStatus.failed ?? 0) + 1;
        await sleep(20);
      }
      if (gap) await sleep(Math.max(0, gap - (Date.now() - t0)));
    }
  };
  const count = (status: number) => {
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    if (status >= 400) stats.refused++;
  };
  const loops = Array.from({ length: workers }, (_, w) => loop(w));
  return {
    acked,
    stats,
    ackedCount: () => acked.sessions.length + acked.cases.length + acked.notes.length + acked.labels.length,
    async stop() {
      running = false;
      await Promise.all(loops);
      stats.ms = Date.now() - started;
      return stats;
    },
  };
}

/** How many of the acknowledged writes the database (through `handle`) does not have. */
export async function missingWrites(
  db: import('../../db/client.ts').Db,
  acked: Acked,
): Promise<{ sessions: number; cases: number; notes: number; labels: number; total: number }> {
  const chunks = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / 500) }, (_, i) => items.slice(i * 500, i * 500 + 500));
  let sessions = 0;
  for (const part of chunks(acked.sessions))
    sessions += part.length - (await db.select({ id: userSessions.id }).from(userSessions).where(inArray(userSessions.id, part))).length;
  let filed = 0;
  for (const part of chunks(acked.cases)) filed += part.length - (await db.select({ id: cases.id }).from(cases).where(inArray(cases.id, part))).length;
  let notes = 0;
  for (const part of chunks(acked.notes))
    notes += part.length - (await db.select({ id: caseNotes.id }).from(caseNotes).where(inArray(caseNotes.body, part))).length;
  let labels = 0;
  if (acked.labels.length) {
    const audited = new Set<string>();
    for (const row of await db.rows<{ details: string }>(sql`SELECT details FROM audit_events WHERE action = 'reason_code.update'`)) {
      const after = (JSON.parse(row.details) as { after?: { label?: string } }).after?.label;
      if (after) audited.add(after);
    }
    labels = acked.labels.filter((l) => !audited.has(l)).length;
  }
  return { sessions, cases: filed, notes, labels, total: sessions + filed + notes + labels };
}
