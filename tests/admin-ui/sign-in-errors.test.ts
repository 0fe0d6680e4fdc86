import { describe, expect, it } from 'vitest';
import { ApiError } from '../../admin-ui/src/authProvider';
import { describeSignInError, isTotpCodeShape } from '../../admin-ui/src/sign-in/sign-in-errors';

const apiError = (status: number, code: string, details?: Record<string, unknown>, requestId?: string) =>
  new ApiError(status, code, 'server text', details, requestId);

describe('describeSignInError', () => {
  it.each(['invalid_credentials', 'invalid_code', 'challenge_expired'])('names %s', (code) => {
    expect(describeSignInError(apiError(401, code))).toEqual({ key: `rebind.sign_in.errors.${code}` });
  });

  it('gives the lock in whole minutes, rounded up', () => {
    expect(describeSignInError(apiError(429, 'locked', { retryAfterSeconds: 61 }))).toEqual({
      key: 'rebind.sign_in.errors.locked',
      options: { smart_count: 2 },
    });
    expect(describeSignInError(apiError(429, 'rate_limited', { retryAfterSeconds: 5 }))).toEqual({
      key: 'rebind.sign_in.errors.rate_limited',
      options: { smart_count: 1 },
    });
    expect(describeSignInError(apiError(429, 'locked'))).toMatchObject({ options: { smart_count: 1 } });
  });

  it('quotes the request id of anything unexpected', () => {
    expect(describeSignInError(apiError(500, 'internal_error', undefined, 'req-9'))).toEqual({
      key: 'rebind.sign_in.errors.unexpected',
      options: { requestId: 'req-9' },
    });
    expect(describeSignInError(new Error('boom'))).toEqual({
      key: 'rebind.sign_in.errors.unexpected_no_reference',
    });
    expect(describeSignInError(apiError(0, 'network_error'))).toEqual({ key: 'rebind.sign_in.errors.network' });
  });
});

describe('isTotpCodeShape', () => {
  it('wants exactly six digits', () => {
    expect(isTotpCodeShape('012345')).toBe(true);
    expect(isTotpCodeShape('12345')).toBe(false);
    expect(isTotpCodeShape('1234567')).toBe(false);
    expect(isTotpCodeShape('12345a')).toBe(false);
  });
});
