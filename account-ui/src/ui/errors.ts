import { ApiError } from '../api/client';
import type { I18n, MessageKey } from '../i18n/i18n';

/** The server's error codes the pages explain in the reader's language. */
const byCode: Record<string, MessageKey> = {
  network: 'error.network',
  invalid_credentials: 'error.invalidCredentials',
  invalid_code: 'error.invalidCode',
  challenge_expired: 'error.challengeExpired',
  account_frozen: 'error.frozen',
  unauthenticated: 'error.unauthenticated',
  session_expired: 'error.unauthenticated',
  case_open: 'error.caseOpen',
  last_factor: 'error.lastFactor',
  payload_too_large: 'error.generic',
  internal_error: 'error.generic',
};

/**
 * One sentence for an error: what went wrong and what to do. Locks and rate
 * limits say how long to wait; anything unforeseen falls back to the
 * server's own message (English) in an English page, a generic one otherwise.
 */
export function describeError(i18n: I18n, error: unknown): string {
  const { t, duration } = i18n;
  if (!(error instanceof ApiError)) {
    if (error instanceof Error && (error.name === 'NotAllowedError' || error.name === 'AbortError')) return t('error.passkeyCancelled');
    if (error instanceof Error && error.name === 'InvalidStateError') return t('error.passkeyExists');
    return t('error.generic');
  }
  const wait = error.retryAfterSeconds ? duration(error.retryAfterSeconds) : null;
  switch (error.code) {
    case 'locked':
      return wait ? t('error.lockedFor', { time: wait }) : t('error.locked');
    case 'rate_limited':
      return wait ? t('error.rateLimitedFor', { time: wait }) : t('error.rateLimited');
    case 'invalid_code': {
      const reason = error.details.reason;
      if (reason === 'exhausted') return t('error.codeExhausted');
      if (reason === 'expired') return t('error.codeExpired');
      return t('error.invalidCode');
    }
    case 'cooldown': {
      const until = typeof error.details.until === 'string' ? error.details.until : null;
      return until ? t('error.cooldownUntil', { time: i18n.dateTime(until) }) : t('error.cooldown');
    }
    case 'invalid_state':
      if (error.details.state === 'expired') return t('error.operationExpired');
      return i18n.locale === 'en' ? error.message : t('error.invalidState');
    case 'validation_failed':
    case 'rule_violation':
    case 'forbidden':
    case 'not_found':
      return i18n.locale === 'en' ? error.message : t('error.generic');
  }
  const key = byCode[error.code];
  if (key) return t(key);
  return i18n.locale === 'en' ? error.message : t('error.generic');
}

export const isApiError = (error: unknown, code: string): error is ApiError => error instanceof ApiError && error.code === code;
