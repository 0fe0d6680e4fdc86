import { useCallback } from 'react';
import { ApiError } from './api/client';
import { signOut } from './session';

/**
 * For calls made with the session token: a 401 means the session ended
 * (24 h, signed out elsewhere, revoked by a reset): back to sign-in, saying so.
 * Returns true when it handled the error.
 */
export function useSessionExpiry(): (error: unknown) => boolean {
  return useCallback((error: unknown) => {
    if (error instanceof ApiError && error.status === 401 && (error.code === 'unauthenticated' || error.code === 'session_expired')) {
      void signOut({ expired: true });
      return true;
    }
    return false;
  }, []);
}
