// A tiny translate() for the plain sign-in page, which must not pull in
// react-admin or polyglot. It reads the same catalogs with the same syntax as
// ra-i18n-polyglot: "%{name}" placeholders and "one |||| many" plurals chosen
// by smart_count.
import type { TranslationMessages } from 'react-admin';
import type { Locale } from './locales';

export type TranslateOptions = Record<string, unknown> & { _?: string; smart_count?: number };
export type Translate = (key: string, options?: TranslateOptions) => string;

const lookUp = (catalog: TranslationMessages, key: string): string | undefined => {
  let node: unknown = catalog;
  for (const part of key.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
};

// Polyglot's rules for the two languages we ship: Chinese has one form.
const pluralFormIndex = (locale: Locale, count: number): number => (locale === 'zh' ? 0 : count === 1 ? 0 : 1);

export const makeTranslate =
  (catalog: TranslationMessages, locale: Locale): Translate =>
  (key, options = {}) => {
    const phrase = lookUp(catalog, key) ?? options._ ?? key;
    let text = phrase;
    if (typeof options.smart_count === 'number') {
      const forms = phrase.split('||||').map((form) => form.trim());
      text = forms[Math.min(pluralFormIndex(locale, options.smart_count), forms.length - 1)];
    }
    return text.replace(/%\{(\w+)\}/g, (placeholder, name: string) => (name in options ? String(options[name]) : placeholder));
  };
