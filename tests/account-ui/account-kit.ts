// Renders the real account pages (the same modules the build ships, on
// Preact's compat layer) in jsdom, with /api/v1 answered by msw handlers.
// Test files using it start with `// @vitest-environment jsdom`.
import { screen, waitFor } from '@testing-library/dom';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import { mountAccountPages } from '../../account-ui/src/mount';
import type { Locale } from '../../account-ui/src/i18n/i18n';

const ORIGIN = 'http://account.test';

export interface ApiCall {
  method: string;
  path: string;
  body: unknown;
  authorization: string | null;
  deviceId: string | null;
}

export const server = setupServer();
/** Every request the pages made, in order. */
export const apiCalls: ApiCall[] = [];

/** The API's flat error body. */
export const apiError = (status: number, code: string, message: string, details?: Record<string, unknown>, headers?: Record<string, string>) =>
  HttpResponse.json({ code, message, details, requestId: 'req-test' }, { status, headers });

/** A handler path for an /api/v1 endpoint, whatever origin the request resolved against. */
export const api = (path: string) => `*/api/v1${path}`;

/** Handlers for the signed-in pages: the overview answers `overview`. */
export const overviewHandler = (overview: Record<string, unknown>): HttpHandler => http.get(api('/me/security'), () => HttpResponse.json(overview));

let unmount: (() => void) | null = null;

/** Wires msw, relative fetches and cleanup for a test file. */
export function setupAccountTests(): void {
  const realFetch = globalThis.fetch;
  beforeAll(() => {
    // The pages call relative URLs, as a page does; Node's fetch needs them absolute.
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) =>
      realFetch(typeof input === 'string' && input.startsWith('/') ? `${ORIGIN}${input}` : input, init),
    );
    window.scrollTo = () => undefined;
    server.listen({ onUnhandledRequest: 'error' });
    server.events.on('request:start', async ({ request }) => {
      const url = new URL(request.url);
      let body: unknown;
      if (request.method !== 'GET') {
        const text = await request.clone().text();
        body = text ? JSON.parse(text) : undefined;
      }
      apiCalls.push({
        method: request.method,
        path: url.pathname.replace(/^\/api\/v1/, ''),
        body,
        authorization: request.headers.get('authorization'),
        deviceId: request.headers.get('x-device-id'),
      });
    });
  });
  afterEach(() => {
    unmount?.();
    unmount = null;
    document.body.innerHTML = '';
    server.resetHandlers();
    apiCalls.length = 0;
    sessionStorage.clear();
    localStorage.clear();
    vi.useRealTimers();
  });
  afterAll(() => {
    server.close();
    vi.unstubAllGlobals();
  });
}

/** The pages at `url` (below /account), in `locale`, optionally signed in with `session`. */
export async function renderAccount(url: string, options: { locale?: Locale; session?: string } = {}): Promise<HTMLElement> {
  if (options.session) sessionStorage.setItem('rebind.session', options.session);
  history.replaceState(null, '', url);
  const container = document.createElement('div');
  document.body.appendChild(container);
  unmount = await mountAccountPages(container, options.locale ?? 'en');
  return container;
}

/** Calls to one path (and method), for assertions. */
export const callsTo = (method: string, path: string | RegExp) =>
  apiCalls.filter((c) => c.method === method && (typeof path === 'string' ? c.path === path : path.test(c.path)));

export const SESSION = 'session-token-from-sign-in-0123456789';

export const overview = (patch: Record<string, unknown> = {}) => ({
  email: 'alice.martin@example.com',
  factors: [
    {
      id: 7,
      type: 'totp',
      name: 'Authenticator app',
      status: 'active',
      boundAt: '2026-10-01T08:00:00.000Z',
      lastUsedAt: '2026-11-25T09:00:00.000Z',
      revokedAt: null,
    },
  ],
  protectionLevel: 'strong',
  withdrawalLock: { locked: false, until: null, reason: null },
  frozen: false,
  securityQuestions: ['First pet?', 'Birth city?', 'Favourite teacher?'],
  reminders: [],
  ...patch,
});

/**
 * Waits for a page: its h1 is shown and has taken the focus (as it does for
 * a screen reader), so typing that follows goes where the test means.
 */
export async function pageOpened(title: string): Promise<HTMLElement> {
  const heading = await screen.findByRole('heading', { level: 1, name: title });
  await waitFor(() => {
    if (document.activeElement !== heading) throw new Error(`focus is on ${document.activeElement?.tagName}`);
  });
  return heading;
}
