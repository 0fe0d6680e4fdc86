// The desk's languages. Each is named in its own language, as locale pickers
// conventionally do, so these names are not translated.

export const LOCALES = [
  { locale: 'en', name: 'English' },
  { locale: 'zh', name: '简体中文' },
] as const;

export type Locale = (typeof LOCALES)[number]['locale'];

export const DEFAULT_LOCALE: Locale = 'en';

/** The value for <html lang>. */
export const htmlLangFor = (locale: Locale): string => (locale === 'zh' ? 'zh-CN' : locale);

export const isLocale = (value: unknown): value is Locale => LOCALES.some((entry) => entry.locale === value);

/**
 * The locale for Intl date formatting: Chinese for the Chinese desk;
 * otherwise the browser's own English variant (en-GB writes dates its way).
 */
export const intlLocaleFor = (locale: Locale): string => {
  if (locale === 'zh') return 'zh-CN';
  const browser = typeof navigator === 'undefined' ? '' : navigator.language;
  return browser.toLowerCase().startsWith('en') ? browser : 'en';
};
