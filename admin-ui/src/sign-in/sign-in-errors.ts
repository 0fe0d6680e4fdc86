import { ApiError } from '../authProvider';
import type { TranslateOptions } from '../i18n/translate-message';

export interface SignInProblem {
  key: string;
  options?: TranslateOptions;
}

/** Maps an API error to a message key: every code the contract names, then fallbacks. */
export const describeSignInError = (error: unknown): SignInProblem => {
  if (!(error instanceof ApiError)) {
    return { key: 'rebind.sign_in.errors.unexpected_no_reference' };
  }
  switch (error.code) {
    case 'invalid_credentials':
    case 'invalid_code':
    case 'challenge_expired':
      return { key: `rebind.sign_in.errors.${error.code}` };
    case 'locked': // this account, after failed attempts
    case 'rate_limited': {
      // too many attempts from this address
      const seconds = Number(error.details?.retryAfterSeconds);
      const minutes = Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds / 60) : 1;
      return { key: `rebind.sign_in.errors.${error.code}`, options: { smart_count: minutes } };
    }
    case 'network_error':
      return { key: 'rebind.sign_in.errors.network' };
    default:
      return error.requestId
        ? { key: 'rebind.sign_in.errors.unexpected', options: { requestId: error.requestId } }
        : { key: 'rebind.sign_in.errors.unexpected_no_reference' };
  }
};

/** Six digits, as every authenticator app shows them. */
export const isTotpCodeShape = (code: string): boolean => /^\d{6}$/.test(code);
