import pino, { type Logger } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line, at any depth (a second line of defence). */
const secretKeys = new Set([
  'password',
  'code',
  'token',
  'secret',
  'totpSecret',
  'answer',
  'answers',
  'cookie',
  'authorization',
  'csrfToken',
  'challengeId',
  'caseToken',
  'otpauthUri',
  'key',
]);
const CENSOR = '[redacted]';
const MAX_DEPTH = 6;

/**
 * The value with every secret key's value replaced by the censor, copied only
 * where something is replaced (the caller's object is never changed). A walk
 * of the few keys a log line has costs well under a microsecond, where pino's
 * `redact` with wildcard paths cost about 30 µs a line (tests/bench/stack.ts).
 */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || value instanceof Date || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = redactSecrets(value[i], depth + 1);
      if (v !== value[i]) (copy ??= [...value])[i] = v;
    }
    return (copy ?? value) as T;
  }
  let copy: Record<string, unknown> | undefined;
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    const next = secretKeys.has(k) ? CENSOR : redactSecrets(v, depth + 1);
    if (next !== v) (copy ??= { ...(value as Record<string, unknown>) })[k] = next;
  }
  return (copy ?? value) as T;
}

/**
 * Structured JSON logs. Anything that could hold a secret is redacted by key
 * wherever it appears, as a second line of defence: code never logs request
 * bodies, headers or tokens in the first place.
 */
export function createLogger(level: string, destination: pino.DestinationStream = logDestination(1)): Logger {
  return pino({ level, base: { service: 'rebind' }, formatters: { log: (object) => redactSecrets(object) } }, destination);
}

/**
 * Where the server's log lines go (stdout by default): buffered, written when
 * 4 KB have gathered or every second, and flushed synchronously when the
 * process exits (pino's exit handler), so a line per request is not a write
 * system call per request (12 % of a health check's CPU, tests/bench/stack.ts).
 * A SIGKILL loses at most the last second of lines; the audit trail is in
 * the database, not in the log.
 */
export function logDestination(dest: number | string): pino.DestinationStream {
  return pino.destination({ dest, sync: false, minLength: 4096, periodicFlush: 1000 });
}

/** Path for logs with long opaque segments (tokens in links) cut out. */
export function redactPath(path: string): string {
  return path.replace(/\/[A-Za-z0-9_-]{20,}(?=\/|$)/g, '/:redacted');
}
