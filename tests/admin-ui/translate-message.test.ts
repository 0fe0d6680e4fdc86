import { describe, expect, it } from 'vitest';
import en from '../../admin-ui/src/i18n/en';
import zh from '../../admin-ui/src/i18n/zh';
import { makeTranslate } from '../../admin-ui/src/i18n/translate-message';

describe('the sign-in page translate()', () => {
  const translateEn = makeTranslate(en, 'en');
  const translateZh = makeTranslate(zh, 'zh');

  it('fills %{placeholders}', () => {
    expect(translateEn('rebind.sign_in.signing_in_as', { email: 'a@b.example' })).toBe('Signing in as a@b.example');
  });

  it('picks the plural form polyglot would', () => {
    expect(translateEn('rebind.sign_in.errors.locked', { smart_count: 1 })).toBe('Too many attempts. Try again in 1 minute.');
    expect(translateEn('rebind.sign_in.errors.locked', { smart_count: 15 })).toBe('Too many attempts. Try again in 15 minutes.');
    expect(translateZh('rebind.sign_in.errors.locked', { smart_count: 15 })).toBe('尝试次数过多，请在 15 分钟后重试。');
  });

  it('falls back on _ then on the key', () => {
    expect(translateEn('rebind.nope', { _: 'fallback' })).toBe('fallback');
    expect(translateEn('rebind.nope')).toBe('rebind.nope');
  });
});
