import type { I18nProvider } from 'react-admin';
import { getLoadedCatalog, loadCatalog } from './catalogs';
import { writeLocalePreference } from './locale-preference';
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from './locales';
import { makeTranslate, type Translate } from './translate-message';

/**
 * The app's i18nProvider, on the same small translate() as the sign-in page:
 * polyglot's syntax ("%{name}", "one |||| many" with smart_count) without
 * node-polyglot and the es-shims it pulls in (about 7 KB gzip of the desk).
 * The shell has already loaded the catalog of `initialLocale`; others load on
 * demand. `onLocaleChanged` lets the app refresh what it cached in the old
 * language (the identity shown in the app bar).
 */
export const createI18nProvider = (initialLocale: Locale, onLocaleChanged: (locale: Locale) => void = () => {}): I18nProvider => {
  let locale: Locale = initialLocale;
  const initialCatalog = getLoadedCatalog(initialLocale);
  if (!initialCatalog) throw new Error(`The ${initialLocale} catalog must be loaded before the app starts`);
  let translate: Translate = makeTranslate(initialCatalog, initialLocale);

  return {
    translate: (key, options) => translate(key, options),
    changeLocale: async (requested: string) => {
      const next = isLocale(requested) ? requested : DEFAULT_LOCALE;
      const catalog = await loadCatalog(next);
      locale = next;
      translate = makeTranslate(catalog, next);
      writeLocalePreference(next);
      onLocaleChanged(next);
    },
    getLocale: () => locale,
    getLocales: () => [...LOCALES],
  };
};
