/**
 * Where the pages keep their bearer tokens: sessionStorage (this tab only,
 * gone when it closes), never a cookie and never the address bar.
 */
const SESSION = 'rebind.session';
const CASE_PREFIX = 'rebind.case.';
const CURRENT_CASE = 'rebind.case.current';
const REBIND = 'rebind.rebind';

const read = (key: string): string | null => {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
};
const write = (key: string, value: string | null) => {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    /* private mode without storage: the page still works until reloaded */
  }
};

export const sessionToken = {
  get: () => read(SESSION),
  set: (token: string) => write(SESSION, token),
  clear: () => write(SESSION, null),
};

export const caseTokens = {
  get: (caseId: number) => read(`${CASE_PREFIX}${caseId}`),
  set: (caseId: number, token: string) => {
    write(`${CASE_PREFIX}${caseId}`, token);
    write(CURRENT_CASE, String(caseId));
  },
  current: (): { caseId: number; token: string } | null => {
    const id = Number(read(CURRENT_CASE));
    const token = id ? read(`${CASE_PREFIX}${id}`) : null;
    return token ? { caseId: id, token } : null;
  },
  forgetCurrent: () => write(CURRENT_CASE, null),
};

export const rebindToken = {
  get: () => read(REBIND),
  set: (token: string) => write(REBIND, token),
  clear: () => write(REBIND, null),
};

/**
 * An emailed link carries its token in the fragment (`#token=…`; older
 * approval links in the query). Take it, then drop it from the address bar
 * and the history, so it is not bookmarked, shared or shown over a shoulder.
 */
export function takeTokenFromLocation(): string | null {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  const fromQuery = new URLSearchParams(location.search).get('token');
  const token = fromHash ?? fromQuery;
  if (token !== null) history.replaceState(history.state, '', location.pathname);
  return token && /^[A-Za-z0-9_-]{20,200}$/.test(token) ? token : null;
}
