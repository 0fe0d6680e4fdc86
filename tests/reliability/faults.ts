import Database from 'better-sqlite3';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { send, Stack, type RawResponse } from './harness.ts';
import type { StaffClient } from '../server/helpers.ts';

/**
 * Resource faults on a real server: the database refusing writes (SQLite: a
 * second connection holds the write lock; PostgreSQL: the database turned
 * read-only) and the disk full (SQLite: the database may not grow, set with
 * REBIND_FAULT_SQLITE_MAX_PAGES, a test-only switch). Expected: a 503 with a
 * code and Retry-After, reads that write nothing (a list; a case view is audited, so it is a write) still answered, nothing half-written, and
 * writes working again once the fault clears.
 */
export interface FaultCase {
  fault: string;
  during: { status: number; code: string; retryAfter: string; ms: number }[];
  readsDuring: string[];
  halfWritten: number;
  after: number;
  clearedBy: string;
}

export interface FaultFigures {
  cases: FaultCase[];
  auditVerify: { ok: boolean; count: number };
}

const noteBody = (tag: string) => `fault note ${tag} ${Date.now()}`;

async function note(stack: Stack, agent: StaffClient, caseId: number, body: string): Promise<{ res: RawResponse; ms: number }> {
  const t0 = Date.now();
  const res = await send(stack.base, {
    method: 'POST',
    path: `/admin/api/cases/${caseId}/notes`,
    headers: { 'content-type': 'application/json', cookie: agent.cookie, 'x-csrf-token': agent.csrfToken, 'x-forwarded-for': agent.ip },
    body: JSON.stringify({ body }),
    timeoutMs: 60_000,
  });
  return { res, ms: Date.now() - t0 };
}

const codeOf = (res: RawResponse) => {
  try {
    return String(JSON.parse(res.text).code ?? '');
  } catch {
    return `non-JSON: ${res.text.slice(0, 60)}`;
  }
};

async function notesWith(stack: Stack, bodies: string[]): Promise<number> {
  if (!bodies.length) return 0;
  return Number(
    (
      await stack.handle!.db.rows<{ n: number }>(
        sql`SELECT count(*) AS n FROM case_notes WHERE body IN (${sql.join(
          bodies.map((b) => sql`${b}`),
          sql`, `,
        )})`,
      )
    )[0]!.n,
  );
}

export async function runFaults(options: { engine?: 'sqlite' | 'pg'; log?: (line: string) => void } = {}): Promise<FaultFigures> {
  const log = options.log ?? (() => undefined);
  const stack = new Stack({ engine: options.engine, label: 'faults' });
  const out: FaultFigures = { cases: [], auditVerify: { ok: false, count: 0 } };
  try {
    await stack.init();
    await stack.seed();
    await stack.start();
    const { client: agent } = await stack.staff('agent');
    const caseId = Number(
      (await stack.handle!.db.rows<{ id: number }>(sql`SELECT id FROM cases WHERE status IN ('submitted', 'in_review') ORDER BY id LIMIT 1`))[0]!.id,
    );
    const read = async () => {
      const res = await send(stack.base, {
        method: 'GET',
        path: `/admin/api/cases?range=${encodeURIComponent('[0,9]')}`,
        headers: { cookie: agent.cookie, 'x-forwarded-for': agent.ip },
      });
      return res.status === 200 ? '200' : `${res.status} ${codeOf(res)}`;
    };

    const observe = async (fault: string, clearedBy: string, inject: () => Promise<void>, clear: () => Promise<void>, attempts = 3, size = 0) => {
      await inject();
      const refused: string[] = [];
      const during: FaultCase['during'] = [];
      for (let i = 0; i < attempts; i++) {
        const body = `${noteBody(`${fault}-${i}`)} ${'x'.repeat(size)}`;
        const { res, ms } = await note(stack, agent, caseId, body);
        if (res.status !== 200) refused.push(body);
        during.push({ status: res.status, code: codeOf(res), retryAfter: String(res.headers['retry-after'] ?? ''), ms });
      }
      const readsDuring = [await read(), await read()];
      await clear();
      const halfWritten = await notesWith(stack, refused);
      const after = (await note(stack, agent, caseId, noteBody(`${fault}-after`))).res.status;
      const c: FaultCase = { fault, during, readsDuring, halfWritten, after, clearedBy };
      out.cases.push(c);
      log(
        `  ${fault}: writes → ${during.map((d) => `${d.status} ${d.code} (${d.ms} ms)`).join(', ')}; reads → ${readsDuring.join(', ')}; half-written ${halfWritten}; after ${clearedBy}: ${after}`,
      );
    };

    if (stack.engine === 'sqlite') {
      // Another process holds the write lock (a stuck maintenance job, a copy tool).
      let holder: Database.Database | null = null;
      await observe(
        'write lock held by another process',
        'the lock was released',
        async () => {
          holder = new Database(stack.databasePath);
          holder.exec('BEGIN EXCLUSIVE');
        },
        async () => {
          holder!.exec('ROLLBACK');
          holder!.close();
        },
        2,
      );
      // The disk is full: the database may not grow by one page.
      await stack.stop('SIGTERM');
      await stack.start({ REBIND_FAULT_SQLITE_MAX_PAGES: '1' });
      const { client: fresh } = await stack.staff('agent').catch(() => ({ client: agent }));
      Object.assign(agent, { cookie: fresh.cookie, csrfToken: fresh.csrfToken });
      // Fill what free space there is until a write is refused.
      let filled = 0;
      for (let i = 0; i < 400; i++) {
        const { res } = await note(stack, agent, caseId, `filler ${i} ${'x'.repeat(3500)}`);
        if (res.status !== 200) {
          log(`  disk full: the first refusal ${res.status} ${codeOf(res)}`);
          break;
        }
        filled++;
      }
      log(`  disk full: ${filled} notes fitted in the free pages before the first refusal`);
      await observe(
        'disk full',
        'space was freed (restart without the cap)',
        async () => undefined,
        async () => {
          await stack.stop('SIGTERM');
          await stack.start();
          const again = await stack.staff('agent');
          Object.assign(agent, { cookie: again.client.cookie, csrfToken: again.client.csrfToken });
        },
        3,
        3500,
      );
    } else {
      // PostgreSQL turned read-only (a failover to a replica, an operator's switch).
      const name = new URL(stack.databaseUrl).pathname.slice(1);
      const admin = async (text: string) => {
        const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL });
        await client.connect();
        try {
          await client.query(text);
        } finally {
          await client.end();
        }
      };
      const kick = () => admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`);
      await observe(
        'database read-only',
        'the database was made writable again',
        async () => {
          await admin(`ALTER DATABASE "${name}" SET default_transaction_read_only = on`);
          await kick();
        },
        async () => {
          await admin(`ALTER DATABASE "${name}" RESET default_transaction_read_only`);
          await kick();
        },
      );
    }
    out.auditVerify = await stack.auditVerify();
    return out;
  } finally {
    await stack.dispose();
  }
}

export function formatFaults(f: FaultFigures): string {
  return [
    'resource faults:',
    ...f.cases.map(
      (c) =>
        `  ${c.fault}: writes answered ${[...new Set(c.during.map((d) => `${d.status} ${d.code}${d.retryAfter ? ` (Retry-After ${d.retryAfter})` : ''}`))].join(' / ')} in ≤ ${Math.max(...c.during.map((d) => d.ms))} ms; reads ${[...new Set(c.readsDuring)].join('/')}; half-written changes ${c.halfWritten} (goal 0); after ${c.clearedBy}: ${c.after}`,
    ),
    `  audit verify after: ${f.auditVerify.ok ? `intact, ${f.auditVerify.count} events` : `BROKEN ${JSON.stringify(f.auditVerify)}`}`,
  ].join('\n');
}
