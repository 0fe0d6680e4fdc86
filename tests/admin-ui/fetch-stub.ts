import { vi } from 'vitest';

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

/** Replaces global fetch with one that answers from `respond` and records every call. */
export const stubFetch = (respond: (request: RecordedRequest) => Response | Promise<Response>) => {
  const requests: RecordedRequest[] = [];
  vi.stubGlobal('fetch', async (input: string | URL, init: RequestInit = {}) => {
    const request: RecordedRequest = {
      url: String(input),
      method: (init.method ?? 'GET').toUpperCase(),
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body,
      credentials: init.credentials,
    };
    requests.push(request);
    return respond(request);
  });
  return requests;
};

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

export const signedInBody = {
  staff: { id: 5, email: 'root.admin@staff.example.com', name: 'Root Admin', role: 'admin' },
  csrfToken: 'csrf-token-1',
};
