import { randomBytes } from 'node:crypto';
import { seededRandom, type SeededRandom } from '../../fixtures/random.ts';
import { permissions } from '../../server/staff-auth/permissions.ts';
import { staffRoles, type StaffRole } from '../../db/schema/index.ts';
import { seedDemo } from '../../fixtures/seed.ts';
import type { StaffClient } from '../server/helpers.ts';
import { makeEndUser, UserClient } from '../server/user-helpers.ts';
import { CaseClient, makeRecoverableUser } from '../server/case-helpers.ts';
import { businessDigest, digestDiff, randomIp, send, type Stack } from './harness.ts';

/**
 * Malformed input for every operation of the OpenAPI document, sent to a
 * real server with the auth each operation needs (and sometimes the wrong
 * one). A request passes when the server answers it with a status below 500,
 * an error as the JSON error body, and no dropped connection; and a batch of
 * refused requests must leave every business table as it was.
 */
export interface FuzzOptions {
  requests: number;
  seed: number;
  concurrency?: number;
  /** false: a new connection per request (to tell keep-alive effects apart). */
  keepAlive?: boolean;
  log?: (line: string) => void;
}

export interface FuzzFailure {
  kind: '5xx' | 'non-json error' | 'dropped' | 'timeout' | 'changed by refusal';
  operation: string;
  request: string;
  status?: number;
  detail: string;
}

export interface FuzzFigures {
  seed: number;
  requests: number;
  operations: number;
  operationsHit: number;
  ms: number;
  statuses: Record<string, number>;
  fiveXX: number;
  nonJsonErrors: number;
  dropped: number;
  timeouts: number;
  refusedBatchesChecked: number;
  refusedRequestsChecked: number;
  changedByRefusal: number;
  failures: FuzzFailure[];
  auditVerify: { ok: boolean; count: number };
}

interface Operation {
  method: string;
  path: string;
  key: string;
  security: string | null;
  permission: string | null;
  parameters: { name: string; in: string; schema: Schema; required?: boolean }[];
  body: Schema | null;
  bodyRequired: boolean;
}

type Schema = Record<string, any>;

const JUNK_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 1,
  2 ** 63,
  -(2 ** 63),
  1e-320,
  '',
  ' ',
  'x',
  '0',
  '-1',
  '1e20',
  'null',
  'true',
  '\u0000',
  '\u0000\u0007\u001b[31m\u202e\ufeff',
  '\ud800',
  '𝕏💩',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '%00%ff',
  '../../etc/passwd',
  '${jndi:x}',
  [],
  [null],
  [1, 'a', {}],
  {},
  { __proto__: { admin: true } },
  { constructor: { prototype: { x: 1 } } },
  '2026-13-45T99:99:99Z',
  'NaN',
  'Infinity',
];
const JUNK_PATH = [
  '0',
  '-1',
  'abc',
  '1e20',
  '99999999999999999999',
  '9223372036854775808',
  '1.5',
  '%00',
  '%2e%2e%2f%2e%2e',
  '%F0%9F%92%A9',
  '%ff%fe',
  '%20',
  'null',
  '%5B%5D',
  '0x10',
  'Infinity',
  'NaN',
  '9007199254740993',
  '1%0A2',
  '%E2%80%AE1',
];
const FILTER_KEYS = [
  'q',
  'id',
  'status',
  'action',
  'actorType',
  'actorId',
  'targetType',
  'targetId',
  'ts_gte',
  'ts_lte',
  'assigneeId',
  'userId',
  'riskBand',
  'method',
  'sla',
  'role',
  'channel',
  'to',
  'disabled',
  'template',
  'band',
  'mine',
  'createdAt_gte',
  'decidedAt_lte',
  '__proto__',
];
const CONTENT_TYPES = [
  'application/json; foo',
  'application/json-seq',
  'text/plain;charset=UTF-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16le',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'APPLICATION/JSON',
  'application/json;',
  'application/json; charset="utf-8"; x=y',
  'application/merge-patch+json',
  '*/*',
  'application/json, text/plain',
  ' application/json',
  'application/jsonp',
];

/** Percent-encodes anything, a lone surrogate included (as the invalid UTF-8 bytes of its CESU-8 form). */
function enc(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value
      .split(/([\ud800-\udfff])/)
      .map((part) => (/^[\ud800-\udfff]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
      .join('');
  }
}

function hugeString(rng: SeededRandom): string {
  const n = rng.pick([300, 5_000, 70_000, 150_000]);
  const unit = rng.pick(['a', 'é', '💩', '\u0000', '%', '"', '\\']);
  return unit.repeat(Math.ceil(n / unit.length));
}

function deepNest(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** The operations of the document, with $refs resolved. */
export function operationsOf(doc: Schema): Operation[] {
  const resolve = (s: Schema | undefined): Schema | null => {
    if (!s) return null;
    if (s.$ref) return resolve(doc.components.schemas[String(s.$ref).split('/').pop()!]);
    return s;
  };
  const ops: Operation[] = [];
  for (const [path, byMethod] of Object.entries<Schema>(doc.paths)) {
    for (const [method, op] of Object.entries<Schema>(byMethod)) {
      const bodySchema = op.requestBody?.content?.['application/json']?.schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${path}`,
        security: op.security?.[0] ? Object.keys(op.security[0])[0]! : null,
        permission: op['x-rebind-permission'] ?? null,
        parameters: (op.parameters ?? []).map((p: Schema) => ({ ...p, schema: resolve(p.schema) ?? {} })),
        body: bodySchema ? deepResolve(bodySchema, resolve) : path.includes('webhooks') ? {} : null,
        bodyRequired: Boolean(op.requestBody?.required),
      });
    }
  }
  return ops;
}

function deepResolve(s: Schema, resolve: (s: Schema) => Schema | null, depth = 0): Schema {
  const r = resolve(s) ?? {};
  if (depth > 6) return r;
  const out: Schema = { ...r };
  if (r.properties) out.properties = Object.fromEntries(Object.entries<Schema>(r.properties).map(([k, v]) => [k, deepResolve(v, resolve, depth + 1)]));
  if (r.items) out.items = deepResolve(r.items, resolve, depth + 1);
  for (const key of ['anyOf', 'oneOf', 'allOf']) if (r[key]) out[key] = r[key].map((x: Schema) => deepResolve(x, resolve, depth + 1));
  return out;
}

/** A plausible valid value for a schema (the starting point that mutations break). */
function sample(s: Schema, rng: SeededRandom, ctx: FuzzWorld, depth = 0): unknown {
  if (s.enum) return rng.pick(s.enum);
  if (s.anyOf || s.oneOf) return sample(rng.pick(s.anyOf ?? s.oneOf), rng, ctx, depth + 1);
  if (s.allOf) return Object.assign({}, ...s.allOf.map((x: Schema) => sample(x, rng, ctx, depth + 1)));
  switch (s.type) {
    case 'integer':
      return rng.pick([1, 2, 3, ctx.caseId, 5, 0, 10, 25]);
    case 'number':
      return rng.pick([0.5, 0.93, 1, 100]);
    case 'boolean':
      return rng.chance(0.5);
    case 'array':
      return depth > 4 ? [] : [sample(s.items ?? {}, rng, ctx, depth + 1)];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries<Schema>(s.properties ?? {}))
        if ((s.required ?? []).includes(k) || rng.chance(0.5)) out[k] = sample(v, rng, ctx, depth + 1);
      return out;
    }
    case 'string':
      if (s.format === 'email') return rng.pick(ctx.emails);
      if (s.pattern === '^\\d{6}$' || /code/i.test(s.description ?? '')) return String(rng.int(0, 999_999)).padStart(6, '0');
      if (s.format === 'date-time') return new Date().toISOString();
      return 'x'.repeat(Math.max(s.minLength ?? 1, rng.int(1, 12)));
    default:
      return s.properties ? sample({ ...s, type: 'object' }, rng, ctx, depth) : 'x';
  }
}

interface FuzzWorld {
  emails: string[];
  caseId: number;
  caseToken: string;
  userToken: string;
  staff: Partial<Record<StaffRole, StaffClient>>;
}

interface Built {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  note: string;
  auth: 'real' | 'wrong' | 'none';
  role?: StaffRole;
}

function buildRequest(op: Operation, rng: SeededRandom, world: FuzzWorld): Built {
  const notes: string[] = [];
  // Path parameters.
  let path = op.path;
  for (const p of op.parameters.filter((x) => x.in === 'path')) {
    let value: string;
    if (rng.chance(0.45)) {
      value = rng.pick(JUNK_PATH);
      notes.push(`path ${p.name}=${value.slice(0, 20)}`);
    } else if (p.schema.type === 'integer') value = String(rng.pick([1, 2, 3, 4, world.caseId, 7, 11, 30]));
    else if (p.name === 'token') value = randomBytes(30).toString('base64url');
    else if (p.schema.pattern) value = rng.pick(['other', 'identity_not_verified', 'need_more_detail', 'zz_none']);
    else value = randomBytes(8).toString('hex');
    path = path.replace(`{${p.name}}`, value);
  }
  // Query parameters.
  const query: string[] = [];
  for (const p of op.parameters.filter((x) => x.in === 'query')) {
    if (!rng.chance(0.6)) continue;
    let value: string;
    if (p.name === 'filter') {
      const filter: Record<string, unknown> = {};
      for (let i = rng.int(1, 3); i > 0; i--) filter[rng.pick(FILTER_KEYS)] = rng.pick(JUNK_VALUES);
      value = rng.chance(0.8)
        ? JSON.stringify(filter)
        : rng.pick(['{', '[]', 'null', '"x"', '{"q":' + '['.repeat(5000) + ']'.repeat(5000) + '}', hugeString(rng).slice(0, 3000)]);
    } else if (p.name === 'sort')
      value = rng.pick(['["id"]', '["id","ASC","x"]', '["__proto__","ASC"]', '["id","sideways"]', '[1,2]', '{}', '["createdAt","DESC"]', '["id",null]', 'x']);
    else if (p.name === 'range')
      value = rng.pick([
        '[0,1e20]',
        '[1e20,1e20]',
        '[-1,5]',
        '[5,1]',
        '[0.5,3]',
        '[0,100000]',
        '[9223372036854775807,9223372036854775807]',
        '[1e300,1e300]',
        '[0]',
        '["0","9"]',
        'null',
        '[0,24]',
        '[NaN,1]',
      ]);
    else value = String(rng.pick(JUNK_VALUES));
    notes.push(`${p.name}=${value.slice(0, 40)}`);
    query.push(`${p.name}=${enc(value)}`);
  }
  if (rng.chance(0.05)) query.push(`unknown=${enc(String(rng.pick(JUNK_VALUES)))}`);
  if (query.length) path += `?${query.join('&')}`;

  // Method: now and then one the path does not have.
  let method = op.method;
  if (rng.chance(0.03)) {
    method = rng.pick(['PATCH', 'DELETE', 'PUT', 'POST'].filter((m) => m !== op.method));
    notes.push(`method ${method}`);
  }
  const headers: Record<string, string> = {
    'x-forwarded-for': randomIp(),
    accept: rng.chance(0.9) ? 'application/json' : rng.pick(['text/html', '*/*', 'text/csv', 'application/xml']),
  };
  if (rng.chance(0.05)) headers['x-device-id'] = rng.pick(['', 'x'.repeat(2000), '\u00e9\u00e9', '../..']).replace(/[^\x20-\xff]/g, '?');

  // Auth.
  let auth: Built['auth'] = 'none';
  let role: StaffRole | undefined;
  const r = rng.next();
  if (op.security === 'staffSession' || (op.path.startsWith('/admin/api') && op.security === null && r < 0.3)) {
    const allowed =
      op.permission && op.permission in permissions ? ([...permissions[op.permission as keyof typeof permissions]] as StaffRole[]) : [...staffRoles];
    if (r < 0.78) role = rng.pick(allowed);
    else if (r < 0.9) role = rng.pick([...staffRoles]);
    if (role && world.staff[role]) {
      const client = world.staff[role]!;
      headers.cookie = client.cookie;
      if (method !== 'GET' && rng.chance(0.92)) headers['x-csrf-token'] = client.csrfToken;
      auth = 'real';
    } else if (r >= 0.9 && r < 0.95) {
      headers.cookie = rng.pick([
        'rebind_staff=',
        `rebind_staff=${randomBytes(32).toString('base64url')}`,
        'rebind_staff=%00',
        `rebind_staff=${'a'.repeat(4000)}`,
      ]);
      auth = 'wrong';
    }
  } else if (op.security === 'bearerSession') {
    if (r < 0.8) {
      headers.authorization = `Bearer ${world.userToken}`;
      auth = 'real';
    } else if (r < 0.95) {
      headers.authorization = rng.pick([
        'Bearer ',
        'Bearer x',
        `Bearer ${randomBytes(32).toString('base64url')}`,
        'Basic Zm9vOmJhcg==',
        `Bearer ${'a'.repeat(5000)}`,
        `Bearer ${world.caseToken}`,
      ]);
      auth = 'wrong';
    }
  } else if (op.security === 'caseToken') {
    if (r < 0.8) {
      headers.authorization = `Bearer ${world.caseToken}`;
      auth = 'real';
    } else if (r < 0.95) {
      headers.authorization = rng.pick(['Bearer ', `Bearer ${randomBytes(32).toString('base64url')}`, `Bearer ${world.userToken}`]);
      auth = 'wrong';
    }
  } else if (op.security === 'rebindToken') {
    headers.authorization = rng.pick(['Bearer ', `Bearer ${randomBytes(32).toString('base64url')}`, `Bearer ${world.caseToken}`]);
    auth = 'wrong';
  }
  if (op.path.includes('webhooks')) {
    // The provider's signature headers, wrong or stale.
    const t = rng.pick([String(Math.floor(Date.now() / 1000)), '0', '-1', '99999999999999', 'x', '']);
    headers['x-rebind-signature'] = rng.pick([
      `t=${t},v1=${randomBytes(32).toString('hex')}`,
      '',
      'garbage',
      `t=${t}`,
      `v1=${randomBytes(32).toString('hex')}`,
      `t=${t},v1=zz`,
    ]);
  }

  // Body.
  let body: string | Buffer | undefined;
  if (method !== 'GET' && (op.body || rng.chance(0.2))) {
    const kind = rng.int(0, 12);
    const base = op.body ? sample(op.body, rng, world) : {};
    let value: unknown = base;
    switch (kind) {
      case 0:
        notes.push('valid-looking body');
        break;
      case 1: {
        const obj = (base && typeof base === 'object' && !Array.isArray(base) ? { ...base } : {}) as Record<string, unknown>;
        const keys = Object.keys(op.body?.properties ?? obj);
        const k = keys.length ? rng.pick(keys) : 'x';
        obj[k] = rng.pick(JUNK_VALUES);
        notes.push(`wrong type ${k}`);
        value = obj;
        break;
      }
      case 2: {
        const obj = (base && typeof base === 'object' && !Array.isArray(base) ? { ...base } : {}) as Record<string, unknown>;
        const req: string[] = op.body?.required ?? Object.keys(obj);
        if (req.length) delete obj[rng.pick(req)];
        notes.push('missing field');
        value = obj;
        break;
      }
      case 3: {
        const obj = (base && typeof base === 'object' && !Array.isArray(base) ? { ...base } : {}) as Record<string, unknown>;
        obj[rng.pick(['extra', 'isAdmin', 'role', 'status', 'id', 'version', 'userId'])] = rng.pick(JUNK_VALUES);
        notes.push('extra field');
        value = obj;
        break;
      }
      case 4:
        value = rng.pick(JUNK_VALUES);
        notes.push('junk body');
        break;
      case 5: {
        const obj = (base && typeof base === 'object' && !Array.isArray(base) ? { ...base } : {}) as Record<string, unknown>;
        const keys = Object.keys(op.body?.properties ?? { x: 1 });
        obj[rng.pick(keys)] = hugeString(rng);
        notes.push('huge string');
        value = obj;
        break;
      }
      case 6: {
        const obj = (base && typeof base === 'object' && !Array.isArray(base) ? { ...base } : {}) as Record<string, unknown>;
        for (const k of Object.keys(obj)) if (typeof obj[k] === 'string') obj[k] = `${obj[k]}\u0000\u0008\u001b\u2028\ud800\u202e`;
        notes.push('control characters');
        value = obj;
        break;
      }
      default:
        break;
    }
    if (kind === 7) {
      body = rng.pick([
        '{',
        '{"a":',
        '{"a":1,}',
        "{'a':1}",
        '',
        ' ',
        'nul',
        '{"version":1e999}',
        '{"version":-0,"version":2}',
        deepNest(rng.pick([1000, 20000])),
        '\ufeff{}',
        '{"a":"\\ud800"}',
        '{"__proto__":{"x":1}}',
      ]);
      notes.push('bad JSON text');
    } else if (kind === 8) {
      body = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]);
      notes.push('invalid UTF-8');
    } else if (kind === 9) {
      const text = JSON.stringify(base ?? {});
      body = text.replace(/(\d+)/, rng.pick(['1e400', '-1e400', '99999999999999999999999', '9223372036854775808', '0.0000000000000000000000001', '1e-400']));
      notes.push('huge number');
    } else body = JSON.stringify(value);
    if (kind === 10 || rng.chance(0.08)) {
      headers['content-type'] = rng.pick(CONTENT_TYPES);
      notes.push(`content-type ${headers['content-type']}`);
    } else if (kind === 11) {
      body = Buffer.from(typeof body === 'string' ? body : '');
      notes.push('no content-type');
    } else headers['content-type'] = 'application/json';
  }
  return { method, path, headers, body, note: notes.join(', '), auth, role };
}

async function setupWorld(stack: Stack): Promise<FuzzWorld> {
  const ctx = stack.ctx;
  ctx.clock.set(new Date());
  if ((await stack.count('users')) === 0) await seedDemo(ctx.deps);
  const user = await makeEndUser(ctx);
  const userClient = new UserClient(stack.http, randomIp());
  const signed = await userClient.signIn(user.email);
  if (!userClient.token) throw new Error(`end-user sign-in failed: ${signed.status}`);
  const { user: recoverable } = await makeRecoverableUser(ctx);
  const caseClient = new CaseClient(stack.http, new UserClient(stack.http, randomIp(), 'device-fuzz'));
  const filed = await caseClient.file(recoverable.email);
  if (filed.status !== 201) throw new Error(`filing a case failed: ${filed.status}`);
  const staff: FuzzWorld['staff'] = {};
  for (const role of staffRoles) staff[role] = (await stack.staff(role)).client;
  return {
    emails: [user.email, recoverable.email, 'nobody@example.com', 'a@b.cc'],
    caseId: caseClient.caseId,
    caseToken: caseClient.token,
    userToken: userClient.token,
    staff,
  };
}

/** Runs the fuzz against a started stack and returns its figures. */
export async function runFuzz(stack: Stack, options: FuzzOptions): Promise<FuzzFigures> {
  const log = options.log ?? (() => undefined);
  const rng = seededRandom(options.seed);
  const concurrency = options.concurrency ?? 4;
  const doc = await (await fetch(`${stack.base}/openapi.json`)).json();
  const ops = operationsOf(doc);
  const world = await setupWorld(stack);
  // Housekeeping the server would otherwise do in the middle of the run (it changes cases on its own).
  await stack.cli(['cases', 'sweep']);
  const figures: FuzzFigures = {
    seed: options.seed,
    requests: 0,
    operations: ops.length,
    operationsHit: 0,
    ms: 0,
    statuses: {},
    fiveXX: 0,
    nonJsonErrors: 0,
    dropped: 0,
    timeouts: 0,
    refusedBatchesChecked: 0,
    refusedRequestsChecked: 0,
    changedByRefusal: 0,
    failures: [],
    auditVerify: { ok: false, count: 0 },
  };
  const hit = new Set<string>();
  const refreshing = new Map<string, Promise<void>>();
  let harnessWrote = false; // a re-sign-in during the batch writes staff and users itself
  const refresh = (key: string, work: () => Promise<void>) => {
    harnessWrote = true;
    if (!refreshing.has(key))
      refreshing.set(
        key,
        work().finally(() => refreshing.delete(key)),
      );
    return refreshing.get(key)!;
  };
  const fail = (f: FuzzFailure) => {
    if (figures.failures.length < 200) figures.failures.push(f);
  };
  const started = Date.now();
  let digest = await businessDigest(stack.handle!);
  let nextReport = 1000;
  while (figures.requests < options.requests) {
    const batch: { op: Operation; built: Built }[] = [];
    for (let i = 0; i < concurrency && figures.requests + batch.length < options.requests; i++) {
      const op = ops[(figures.requests + i) % ops.length === 0 && figures.requests < ops.length ? figures.requests : rng.int(0, ops.length - 1)]!;
      batch.push({ op, built: buildRequest(op, rng, world) });
    }
    const results = await Promise.all(
      batch.map(async ({ op, built }) => {
        const label = `${built.method} ${built.path.slice(0, 160)}${built.note ? ` [${built.note}]` : ''}${built.role ? ` as ${built.role}` : ''}`;
        try {
          const res = await send(stack.base, {
            method: built.method,
            path: built.path,
            headers: built.headers,
            body: built.body,
            agent: options.keepAlive === false ? false : undefined,
          });
          const text = res.text;
          const type = String(res.headers['content-type'] ?? '');
          if (res.status >= 500) fail({ kind: '5xx', operation: op.key, request: label, status: res.status, detail: text.slice(0, 300) });
          if (res.status >= 400) {
            let ok = type.startsWith('application/json');
            try {
              ok &&= typeof JSON.parse(text).code === 'string';
            } catch {
              ok = false;
            }
            if (!ok) {
              figures.nonJsonErrors++;
              fail({ kind: 'non-json error', operation: op.key, request: label, status: res.status, detail: `${type} ${text.slice(0, 200)}` });
            }
          }
          // A real session that the server no longer knows (logged out by the fuzz itself): sign in again.
          if (res.status === 401 && built.auth === 'real') {
            if (built.role)
              await refresh(built.role, async () => {
                world.staff[built.role!] = (await stack.staff(built.role!)).client;
              });
            else if (op.security === 'bearerSession')
              await refresh('user', async () => {
                const u = await makeEndUser(stack.ctx);
                const c = new UserClient(stack.http, randomIp());
                await c.signIn(u.email);
                if (c.token) world.userToken = c.token;
              });
          }
          return { op, status: res.status, label };
        } catch (err) {
          if ((err as { code?: string }).code === 'TIMEOUT') {
            figures.timeouts++;
            fail({ kind: 'timeout', operation: op.key, request: label, detail: String((err as Error).message) });
          } else {
            figures.dropped++;
            fail({
              kind: 'dropped',
              operation: op.key,
              request: label,
              detail: `${(err as { code?: string }).code ?? ''} ${(err as Error).message}; the connection's previous request: ${(err as { previousOnSocket?: string }).previousOnSocket ?? '?'} (now ${Date.now()})`,
            });
          }
          return { op, status: 0, label };
        }
      }),
    );
    for (const r of results) {
      figures.requests++;
      hit.add(r.op.key);
      const cls = r.status === 0 ? 'dropped' : `${r.status}`;
      figures.statuses[cls] = (figures.statuses[cls] ?? 0) + 1;
      if (r.status >= 500) figures.fiveXX++;
    }
    const after = await businessDigest(stack.handle!);
    if (!harnessWrote && results.every((r) => r.status >= 300 || r.status === 0)) {
      figures.refusedBatchesChecked++;
      figures.refusedRequestsChecked += results.length;
      const changed = digestDiff(digest, after);
      if (changed.length) {
        figures.changedByRefusal++;
        fail({
          kind: 'changed by refusal',
          operation: results.map((r) => r.op.key).join(' | '),
          request: results
            .map((r) => `${r.status} ${r.label}`)
            .join(' | ')
            .slice(0, 1500),
          detail: `tables changed: ${changed.join(', ')}`,
        });
      }
    }
    digest = after;
    harnessWrote = false;
    if (figures.requests >= nextReport) {
      log(
        `  fuzz: ${figures.requests}/${options.requests} requests, 5xx ${figures.fiveXX}, non-JSON errors ${figures.nonJsonErrors}, dropped ${figures.dropped}`,
      );
      nextReport += 1000;
    }
  }
  figures.ms = Date.now() - started;
  figures.operationsHit = hit.size;
  figures.auditVerify = await stack.auditVerify();
  return figures;
}

export function formatFuzz(f: FuzzFigures): string {
  const classes: Record<string, number> = {};
  for (const [s, n] of Object.entries(f.statuses))
    classes[s === 'dropped' ? 'dropped' : `${s[0]}xx`] = (classes[s === 'dropped' ? 'dropped' : `${s[0]}xx`] ?? 0) + n;
  return [
    `fuzz (seed ${f.seed}): ${f.requests} requests over ${f.operationsHit}/${f.operations} operations in ${(f.ms / 1000).toFixed(1)} s (${Math.round(f.requests / (f.ms / 1000))}/s)`,
    `  answers: ${Object.entries(classes)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; by status: ${Object.entries(f.statuses)
      .sort()
      .map(([k, v]) => `${k}:${v}`)
      .join(' ')}`,
    `  5xx: ${f.fiveXX} (goal 0) · non-JSON error bodies: ${f.nonJsonErrors} (goal 0) · dropped connections: ${f.dropped} (goal 0) · timeouts: ${f.timeouts} (goal 0)`,
    `  business rows changed by refused requests: ${f.changedByRefusal} of ${f.refusedBatchesChecked} all-refused batches (${f.refusedRequestsChecked} requests) checked (goal 0)`,
    `  audit verify after: ${f.auditVerify.ok ? `intact, ${f.auditVerify.count} events` : `BROKEN ${JSON.stringify(f.auditVerify)}`}`,
    ...f.failures.slice(0, 15).map((x) => `  ! ${x.kind} ${x.status ?? ''} ${x.request}\n      ${x.detail}`),
  ].join('\n');
}
