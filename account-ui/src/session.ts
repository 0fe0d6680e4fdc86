import { useSyncExternalStore } from 'react';
import { auth } from './api/endpoints';
import { sessionToken } from './api/tokens';
import { navigate } from './router';

/** The end-user session (a bearer token from sign-in), shared by every page of this tab. */
const listeners = new Set<() => void>();
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function useSessionToken(): string | null {
  return useSyncExternalStore(subscribe, sessionToken.get);
}

export function signedIn(token: string): void {
  sessionToken.set(token);
  for (const l of listeners) l();
}

/** Ends the session on the server (best effort) and here, then shows the sign-in page. */
export async function signOut(options: { expired?: boolean } = {}): Promise<void> {
  const token = sessionToken.get();
  sessionToken.clear();
  for (const l of listeners) l();
  if (token && !options.expired) await auth.logout(token).catch(() => undefined);
  navigate(options.expired ? '/sign-in?expired=1' : '/sign-in', { replace: true });
}
