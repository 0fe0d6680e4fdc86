import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { MessageKey } from './en';

export type { MessageKey };
export type Catalog = Record<MessageKey, string>;
export type Locale = 'en' | 'zh';
export const locales: { code: Locale; label: string; htmlLang: string }[] = [
  { code: 'en', label: 'English', htmlLang: 'en' },
  { code: 'zh', label: '简体中文', htmlLang: 'zh-Hans' },
];

const STORAGE_KEY = 'rebind.locale';
type Params = Record<string, string | number>;

export interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, params?: Params): string;
  /** A date and time in the reader's time zone, e.g. "28 Nov 2026, 10:00". */
  dateTime(iso: string | Date): string;
  /** A span of time, e.g. "47 h 59 min", "14 min", "42 s". */
  duration(seconds: number): string;
}

/** The stored choice, else the browser's languages: any Chinese variant reads Simplified Chinese. */
export function preferredLocale(): Locale {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'zh') return stored;
  } catch {
    /* no storage */
  }
  const languages = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  for (const lang of languages) {
    if (/^zh\b/i.test(lang)) return 'zh';
    if (/^en\b/i.test(lang)) return 'en';
  }
  return 'en';
}

/** Each catalog is its own chunk: a reader downloads only the language they read. */
export const loadCatalog = async (locale: Locale): Promise<Catalog> => (locale === 'zh' ? (await import('./zh')).zh : (await import('./en')).en);

export function format(catalog: Catalog, key: MessageKey, params?: Params): string {
  const text = catalog[key] ?? key;
  return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
}

export function makeI18n(locale: Locale, catalog: Catalog, setLocale: (l: Locale) => void): I18n {
  const dateFormat = new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  const t = (key: MessageKey, params?: Params) => format(catalog, key, params);
  return {
    locale,
    setLocale,
    t,
    dateTime: (iso) => dateFormat.format(typeof iso === 'string' ? new Date(iso) : iso),
    duration: (seconds) => {
      const s = Math.max(0, Math.round(seconds));
      const d = Math.floor(s / 86_400);
      const h = Math.floor((s % 86_400) / 3600);
      const m = Math.floor((s % 3600) / 60);
      if (d >= 3) return t('unit.dh', { d, h });
      if (s >= 3600) return t('unit.hm', { h: d * 24 + h, m });
      if (s >= 60) return t('unit.m', { m: Math.ceil(s / 60) });
      return t('unit.s', { s });
    },
  };
}

const I18nContext = createContext<I18n>(makeI18n('en', {} as Catalog, () => undefined));

export function I18nProvider({ initialLocale, initialCatalog, children }: { initialLocale: Locale; initialCatalog: Catalog; children: ReactNode }) {
  const [state, setState] = useState({ locale: initialLocale, catalog: initialCatalog });
  const setLocale = useCallback((locale: Locale) => {
    try {
      localStorage.setItem(STORAGE_KEY, locale);
    } catch {
      /* no storage */
    }
    void loadCatalog(locale).then((catalog) => setState({ locale, catalog }));
  }, []);
  useEffect(() => {
    document.documentElement.lang = locales.find((l) => l.code === state.locale)!.htmlLang;
  }, [state.locale]);
  const value = useMemo(() => makeI18n(state.locale, state.catalog, setLocale), [state, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export const useI18n = (): I18n => useContext(I18nContext);
