import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The closed list of error codes Rebind answers with, each mapped to its status once. */
export const errorStatus = {
  validation_failed: 400,
  invalid_json: 400,
  malformed_request: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  invalid_code: 401,
  challenge_expired: 401,
  session_expired: 401,
  forbidden: 403,
  account_frozen: 403,
  conflict_of_interest: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  stale_version: 409,
  claim_expired: 409,
  case_open: 409,
  invalid_state: 409,
  already_exists: 409,
  request_timeout: 408,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rule_violation: 422,
  last_factor: 422,
  cooldown: 422,
  self_action: 422,
  locked: 429,
  rate_limited: 429,
  headers_too_large: 431,
  internal_error: 500,
  database_busy: 503,
  database_unavailable: 503,
  storage_full: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof errorStatus;

const defaultMessages: Record<ErrorCode, string> = {
  validation_failed: 'The request is not valid.',
  invalid_json: 'The request body is not valid JSON.',
  malformed_request: 'The request is malformed.',
  unauthenticated: 'Sign in first.',
  invalid_credentials: 'The email or password is not correct.',
  invalid_code: 'The code is not correct.',
  challenge_expired: 'This sign-in attempt has expired; start again.',
  session_expired: 'Your session has expired; sign in again.',
  forbidden: 'You are not allowed to do this.',
  account_frozen: 'This account is frozen until our support team has reviewed it. Contact support.',
  conflict_of_interest: 'Nobody may act on a case about their own account.',
  csrf_failed: 'The request is missing its CSRF token; reload the page.',
  not_found: 'Not found.',
  conflict: 'The request conflicts with the current state.',
  stale_version: 'Someone else changed this record; reload it.',
  claim_expired: 'Your claim on this case expired after inactivity; claim it again.',
  case_open: 'A reset case is already open for this account.',
  invalid_state: 'This is not possible in the current state.',
  already_exists: 'It already exists.',
  request_timeout: 'The request took too long to arrive.',
  payload_too_large: 'The request body is too large.',
  unsupported_media_type: 'Send the body as application/json.',
  rule_violation: 'A business rule forbids this.',
  last_factor: 'This is your last 2FA tool; bind another before removing it.',
  cooldown: 'A recent reset request was rejected; you can file again later.',
  self_action: 'You cannot do this to your own account.',
  locked: 'Too many failed attempts; try again later.',
  rate_limited: 'Too many requests; try again later.',
  headers_too_large: 'The request headers or address are too long.',
  internal_error: 'Something went wrong on our side.',
  database_busy: 'The database is busy; nothing was changed. Try again in a moment.',
  database_unavailable: 'The database is unavailable; nothing was changed. Try again later.',
  storage_full: 'The database has no space left; nothing was changed. Try again later.',
};

/** Thrown by services; the app's onError turns it into the flat error body. */
export class AppError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
    readonly retryAfterSeconds?: number,
  ) {
    super(message ?? defaultMessages[code]);
    this.status = errorStatus[code];
  }
}

export interface ErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  requestId: string;
}

/**
 * A database error that is not a bug in Rebind but the state of the database
 * (locked, read-only, full, unreachable) or a value it cannot store: the
 * transaction was rolled back, so the caller gets a 503 (or a 400) with a code
 * instead of a 500. Looks through drizzle's DrizzleQueryError to the driver's
 * error (better-sqlite3's SqliteError code, PostgreSQL's SQLSTATE, a socket error).
 */
export function databaseFault(err: unknown): { code: ErrorCode; cause: string; detail: string } | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return { code: 'database_busy', cause: code, detail: detailOf(e) };
    if (code === 'SQLITE_FULL') return { code: 'storage_full', cause: code, detail: detailOf(e) };
    if (/^SQLITE_(READONLY|IOERR|CANTOPEN|NOTADB|CORRUPT|PROTOCOL)/.test(code)) return { code: 'database_unavailable', cause: code, detail: detailOf(e) };
    if (code === 'SQLITE_MISMATCH' || code === 'SQLITE_RANGE') return { code: 'validation_failed', cause: code, detail: detailOf(e) };
    if (code === 'SQLITE_TOOBIG') return { code: 'payload_too_large', cause: code, detail: detailOf(e) };
    if (code === '53100') return { code: 'storage_full', cause: code, detail: detailOf(e) }; // disk_full
    if (/^(53|57P|08)/.test(code) || code === '25006' || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT')
      return { code: 'database_unavailable', cause: code, detail: detailOf(e) };
    if (code === '40001' || code === '40P01' || code === '55P03') return { code: 'database_busy', cause: code, detail: detailOf(e) };
    if (/^22/.test(code)) return { code: 'validation_failed', cause: code, detail: detailOf(e) }; // data exception: a value out of range or of the wrong form
    // A reference to a row that does not exist (a foreign key), or a value another row already holds
    // (a unique key, e.g. two requests creating the same thing at once): the request's fault, not a bug.
    if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return { code: 'validation_failed', cause: code, detail: detailOf(e) };
    if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
      return { code: 'conflict', cause: code, detail: detailOf(e) };
  }
  return undefined;
}

/** The driver's own message (never the ORM's, which quotes the query's parameters: user input, tokens). */
function detailOf(e: unknown): string {
  return String((e as { message?: unknown }).message ?? '').slice(0, 200);
}

/**
 * An error as it may be logged. drizzle's query errors ("Failed query: … params: …") quote the
 * query's parameters (user input, password hashes, tokens): those keep only the driver's own
 * message, and their stack only its frames.
 */
export function loggableError(err: unknown): { name: string; message: string; stack?: string } {
  const e = err instanceof Error ? err : new Error(String(err));
  if (!e.message.startsWith('Failed query:')) return { name: e.name, message: e.message, stack: e.stack };
  const cause = (e as { cause?: unknown }).cause;
  return {
    name: e.name,
    message: `database: ${cause instanceof Error ? cause.message : 'query failed'}`,
    stack: e.stack
      ?.split('\n')
      .filter((line) => /^\s+at /.test(line))
      .join('\n'),
  };
}
