// Staff sign-in for the desk: password, then TOTP, always.
//
// This module is part of the sign-in page's initial chunk, so it must not
// import react-admin at run time (only its types): the plain sign-in page and
// the lazily loaded <Admin> app share it, and with it the in-memory session.

import type { AuthProvider, UserIdentity } from 'react-admin';
import { isStaffRole, type StaffRole } from './staff-roles';

export const AUTH_API_URL = '/admin/api/auth';

export interface Staff {
  id: string | number;
  email: string;
  name: string;
  role: StaffRole;
}

export interface StaffSession {
  staff: Staff;
  csrfToken: string;
}

/** Any answer outside 2xx from the API, with the flat error body's fields. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  readonly requestId: string | undefined;

  constructor(status: number, code: string, message: string, details?: Record<string, unknown>, requestId?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.requestId = requestId;
  }
}

// The session cookie is httpOnly; the page only keeps who is signed in and the
// CSRF token, in memory (never in storage), and asks /auth/me again on reload.
let currentSession: StaffSession | null = null;
let pendingSessionLoad: Promise<StaffSession | null> | null = null;

export const getCsrfToken = (): string | undefined => currentSession?.csrfToken;

export const getCurrentStaff = (): Staff | undefined => currentSession?.staff;

export const forgetStaffSession = (): void => {
  currentSession = null;
};

const readErrorBody = async (response: Response): Promise<ApiError> => {
  let body: Record<string, unknown> = {};
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch {
    // not JSON (a proxy error page, say): keep the status alone
  }
  const details = body.details && typeof body.details === 'object' ? { ...(body.details as Record<string, unknown>) } : {};
  // The lock duration is in the body; fall back on the Retry-After header.
  if (response.status === 429 && details.retryAfterSeconds === undefined) {
    const retryAfter = Number(response.headers.get('Retry-After'));
    if (Number.isFinite(retryAfter)) details.retryAfterSeconds = retryAfter;
  }
  return new ApiError(
    response.status,
    typeof body.code === 'string' ? body.code : 'http_error',
    typeof body.message === 'string' ? body.message : response.statusText,
    details,
    typeof body.requestId === 'string' ? body.requestId : undefined,
  );
};

const callAuthApi = async (path: string, init: { method: 'GET' | 'POST'; body?: unknown; csrfToken?: string }): Promise<Response> => {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  if (init.csrfToken) headers['X-CSRF-Token'] = init.csrfToken;
  let response: Response;
  try {
    response = await fetch(`${AUTH_API_URL}${path}`, {
      method: init.method,
      headers,
      credentials: 'same-origin',
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'The server could not be reached');
  }
  if (!response.ok) throw await readErrorBody(response);
  return response;
};

const parseSession = (json: unknown): StaffSession => {
  const body = json as { staff?: Partial<Staff>; csrfToken?: unknown };
  const staff = body?.staff;
  if (
    !staff ||
    staff.id === undefined ||
    typeof staff.email !== 'string' ||
    typeof staff.name !== 'string' ||
    !isStaffRole(staff.role) ||
    typeof body.csrfToken !== 'string'
  ) {
    throw new ApiError(200, 'unexpected_response', 'Unexpected session payload');
  }
  return {
    staff: { id: staff.id, email: staff.email, name: staff.name, role: staff.role },
    csrfToken: body.csrfToken,
  };
};

/** Step 1: email and password. Resolves with the challenge for step 2. */
export const submitStaffPassword = async (params: { email: string; password: string }): Promise<{ challengeId: string }> => {
  const response = await callAuthApi('/login', {
    method: 'POST',
    body: { email: params.email, password: params.password },
  });
  const json = (await response.json()) as { status?: string; challengeId?: unknown };
  if (json.status !== 'totp_required' || typeof json.challengeId !== 'string') {
    throw new ApiError(200, 'unexpected_response', 'Unexpected login payload');
  }
  return { challengeId: json.challengeId };
};

/** Step 2: the 6-digit code. Sets the session cookie and the in-memory session. */
export const submitStaffTotp = async (params: { challengeId: string; code: string }): Promise<StaffSession> => {
  const response = await callAuthApi('/login/totp', {
    method: 'POST',
    body: { challengeId: params.challengeId, code: params.code },
  });
  currentSession = parseSession(await response.json());
  return currentSession;
};

/** Asks the server who is signed in; null when nobody is (401). */
export const loadStaffSession = (): Promise<StaffSession | null> => {
  // checkAuth, getPermissions and getIdentity can all ask at once on load.
  pendingSessionLoad ??= callAuthApi('/me', { method: 'GET' })
    .then(async (response) => {
      currentSession = parseSession(await response.json());
      return currentSession;
    })
    .catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 401) {
        currentSession = null;
        return null;
      }
      throw error;
    })
    .finally(() => {
      pendingSessionLoad = null;
    });
  return pendingSessionLoad;
};

const getStaffSession = async (): Promise<StaffSession | null> => currentSession ?? loadStaffSession();

export const signOutStaff = async (): Promise<void> => {
  const csrfToken = currentSession?.csrfToken;
  currentSession = null;
  if (!csrfToken) return; // nobody signed in, as far as this page knows
  try {
    await callAuthApi('/logout', { method: 'POST', csrfToken });
  } catch {
    // Already gone on the server (expired, revoked): signed out either way.
  }
};

const isCsrfFailure = (error: { status?: number; body?: { code?: unknown } }): boolean =>
  error.status === 403 && typeof error.body?.code === 'string' && /csrf/i.test(error.body.code);

export const authProvider: AuthProvider = {
  // The password step is not a react-admin login: it signs nobody in. The
  // sign-in page calls submitStaffPassword itself, then login() with the code.
  login: async (params: { challengeId: string; code: string }) => {
    await submitStaffTotp(params);
  },

  logout: async () => {
    await signOutStaff();
  },

  checkAuth: async () => {
    if (!(await getStaffSession())) throw new Error('not_signed_in');
  },

  checkError: async (error: { status?: number; body?: { code?: unknown } }) => {
    if (error?.status === 401) {
      forgetStaffSession();
      throw error;
    }
    if (error && isCsrfFailure(error)) {
      // Our token went stale (session rotated in another tab): fetch the
      // current one so that a retry works; the failed call shows its error.
      forgetStaffSession();
      await loadStaffSession().catch(() => null);
    }
    // 403 for a role is not a reason to sign out: the page shows the error.
  },

  getPermissions: async (): Promise<StaffRole | undefined> => (await getStaffSession())?.staff.role,

  getIdentity: async (): Promise<UserIdentity> => {
    const session = await getStaffSession();
    if (!session) throw new Error('not_signed_in');
    const { id, name, email, role } = session.staff;
    return { id, fullName: `${name} (${role})`, name, email, role };
  },
};

export default authProvider;
