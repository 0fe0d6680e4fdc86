/**
 * The one way these pages talk to the server: JSON over the public /api/v1
 * endpoints, a bearer token when the call needs one, and the API's flat error
 * body turned into an ApiError. Nothing else in account-ui calls fetch.
 */
export const API_BASE = '/api/v1';

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  requestId?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly retryAfterSeconds: number | null;
  constructor(status: number, body: ApiErrorBody, retryAfter: string | null) {
    super(body.message);
    this.status = status;
    this.code = body.code;
    this.details = body.details ?? {};
    const seconds = Number(retryAfter ?? body.details?.retryAfterSeconds);
    this.retryAfterSeconds = Number.isFinite(seconds) && seconds > 0 ? seconds : null;
  }
}

const DEVICE_KEY = 'rebind.device';

/**
 * A random id for this browser, sent as X-Device-Id: the server's risk
 * signals ask whether a request comes from a device the account has used.
 */
export function deviceId(): string {
  try {
    let id = localStorage.getItem(DEVICE_KEY);
    if (!id) {
      id = `web-${crypto.randomUUID()}`;
      localStorage.setItem(DEVICE_KEY, id);
    }
    return id;
  } catch {
    return 'web-no-storage';
  }
}

export interface CallOptions {
  body?: unknown;
  token?: string | null;
}

/** `path` is below /api/v1, with its parameters already filled in. */
export async function callApi<T>(method: 'GET' | 'POST' | 'PUT', path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-device-id': deviceId() };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, { code: 'network', message: 'The server could not be reached.' }, null);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: handled below */
  }
  if (!res.ok) {
    const body = json && typeof json === 'object' && 'code' in json ? (json as ApiErrorBody) : { code: 'internal_error', message: `HTTP ${res.status}` };
    throw new ApiError(res.status, body, res.headers.get('retry-after'));
  }
  return json as T;
}
