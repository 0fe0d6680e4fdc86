// Renders the real desk (react-admin tree, data and auth providers, catalogs)
// in jsdom, with the API answered by msw handlers built from the fixtures.
// Test files using it start with `// @vitest-environment jsdom`.
import { QueryClient } from '@tanstack/react-query';
import { cleanup, configure, render } from '@testing-library/react';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { setupServer } from 'msw/node';
import { memoryStore, TestMemoryRouter } from 'react-admin';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import { withTranslatedRole } from '../../admin-ui/src/App';
import { authProvider, forgetStaffSession } from '../../admin-ui/src/authProvider';
import type { CaseDetail, CaseSummary } from '../../admin-ui/src/cases/case-types';
import { dataProvider } from '../../admin-ui/src/dataProvider';
import { Desk } from '../../admin-ui/src/Desk';
import { loadCatalog } from '../../admin-ui/src/i18n/catalogs';
import { createI18nProvider } from '../../admin-ui/src/i18n/i18nProvider';
import type { Locale } from '../../admin-ui/src/i18n/locales';
import { reasonCodes, staffDirectory, stats } from './fixtures/desk-fixtures';

const ORIGIN = 'http://desk.test';

/** jsdom lacks what MUI and react-admin use for layout; the desk renders at `width`. */
const installBrowserShims = (width: number) => {
  window.matchMedia = (query: string) => {
    const min = /min-width:\s*([\d.]+)px/.exec(query);
    const max = /max-width:\s*([\d.]+)px/.exec(query);
    const matches = (!min || width >= Number(min[1])) && (!max || width <= Number(max[1]));
    return {
      matches,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    } as MediaQueryList;
  };
  window.scrollTo = () => {};
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
};

export interface ApiCall {
  method: string;
  path: string;
  search: URLSearchParams;
  body: unknown;
}

export const server = setupServer();
/** Every request the desk made, in order. */
export const apiCalls: ApiCall[] = [];

export const staffSession = (staff: { id: number; email: string; name: string; role: string }) => ({
  staff,
  csrfToken: 'csrf-test-token',
});

/**
 * Handlers for a signed-in `staff` member: the session, stats, the staff directory, reason codes,
 * the queue (`rows`) and case details (`details`, by id). More specific
 * handlers can be passed with server.use() in a test.
 */
export const deskHandlers = (options: {
  staff: { id: number; email: string; name: string; role: string };
  rows?: CaseSummary[];
  details?: CaseDetail[];
}): HttpHandler[] => [
  http.get('*/admin/api/auth/me', () => HttpResponse.json(staffSession(options.staff))),
  http.post('*/admin/api/auth/logout', () => new HttpResponse(null, { status: 204 })),
  http.get('*/admin/api/stats', () => HttpResponse.json(stats)),
  http.get('*/admin/api/staff-directory', () => HttpResponse.json(staffDirectory)),
  http.get('*/admin/api/reason-codes', () =>
    HttpResponse.json(reasonCodes, { headers: { 'Content-Range': `reason-codes 0-${reasonCodes.length - 1}/${reasonCodes.length}` } }),
  ),
  http.get('*/admin/api/cases', () => {
    const rows = options.rows ?? [];
    return HttpResponse.json(rows, { headers: { 'Content-Range': `cases 0-${Math.max(0, rows.length - 1)}/${rows.length}` } });
  }),
  http.get('*/admin/api/cases/:id', ({ params }) => {
    const detail = options.details?.find((d) => String(d.id) === params.id);
    return detail ? HttpResponse.json(detail) : HttpResponse.json({ code: 'not_found', message: 'No such case.' }, { status: 404 });
  }),
];

/** The flat error body of the API. */
export const apiError = (status: number, code: string, message: string, details?: Record<string, unknown>) =>
  HttpResponse.json({ code, message, details, requestId: 'req-test' }, { status });

/** Wires msw, the shims and cleanup for a test file. */
export const setupDeskTests = ({ width = 1280 }: { width?: number } = {}) => {
  const realFetch = globalThis.fetch;
  beforeAll(() => {
    // findBy*/waitFor give up after 1 s by default: too short for the whole
    // desk rendering in jsdom on a busy 2-core machine (other test files run beside).
    configure({ asyncUtilTimeout: 10_000 });
    installBrowserShims(width);
    // The desk calls relative URLs, as a page does; Node's fetch needs them absolute.
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) =>
      realFetch(typeof input === 'string' && input.startsWith('/') ? `${ORIGIN}${input}` : input, init),
    );
    server.listen({ onUnhandledRequest: 'error' });
    server.events.on('request:start', async ({ request }) => {
      const url = new URL(request.url);
      let body: unknown;
      if (request.method !== 'GET') {
        const text = await request.clone().text();
        body = text ? JSON.parse(text) : undefined;
      }
      apiCalls.push({ method: request.method, path: url.pathname, search: url.searchParams, body });
    });
  });
  afterEach(() => {
    cleanup();
    server.resetHandlers();
    apiCalls.length = 0;
    forgetStaffSession();
    window.localStorage.clear();
  });
  afterAll(() => {
    server.close();
    vi.unstubAllGlobals();
  });
};

/** The desk at `path`, signed in as whoever /auth/me answers, in `locale`. */
export const renderDesk = async (path: string, { locale = 'en' as Locale } = {}) => {
  await loadCatalog(locale);
  const i18nProvider = createI18nProvider(locale);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const store = memoryStore({ locale });
  return render(
    <TestMemoryRouter initialEntries={[path]}>
      <Desk
        authProvider={withTranslatedRole(authProvider, i18nProvider)}
        dataProvider={dataProvider}
        i18nProvider={i18nProvider}
        queryClient={queryClient}
        store={store}
      />
    </TestMemoryRouter>,
  );
};

/** Calls to one path (and method), for assertions. */
export const callsTo = (method: string, path: string | RegExp) =>
  apiCalls.filter((call) => call.method === method && (typeof path === 'string' ? call.path === path : path.test(call.path)));
