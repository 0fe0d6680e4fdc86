import type { FactorType } from '../api/endpoints';
import type { I18n } from '../i18n/i18n';

export const factorTypeLabel = (t: I18n['t'], type: FactorType): string =>
  t(type === 'totp' ? 'factor.totp' : type === 'sms' ? 'factor.sms' : 'factor.passkey');
