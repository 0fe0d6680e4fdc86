// Translation catalogs, each loaded on demand in its own chunk so that none of
// them weighs on the sign-in page's initial script.
import type { TranslationMessages } from 'react-admin';
import { DEFAULT_LOCALE, type Locale } from './locales';

const catalogLoaders: Record<Locale, () => Promise<{ default: TranslationMessages }>> = {
  en: () => import('./en'),
  zh: () => import('./zh'),
};

const loadedCatalogs: Partial<Record<Locale, TranslationMessages>> = {};

export const loadCatalog = async (locale: Locale): Promise<TranslationMessages> => {
  const loaded = loadedCatalogs[locale];
  if (loaded) return loaded;
  const catalog = (await catalogLoaders[locale]()).default;
  loadedCatalogs[locale] = catalog;
  return catalog;
};

/** A catalog already loaded: the app's first render needs one synchronously. */
export const getLoadedCatalog = (locale: Locale): TranslationMessages | undefined => loadedCatalogs[locale];

/** The catalog of `locale`, or of the default locale if that one fails to load. */
export const loadCatalogOrDefault = (locale: Locale): Promise<{ locale: Locale; messages: TranslationMessages }> =>
  loadCatalog(locale).then(
    (messages) => ({ locale, messages }),
    () => loadCatalog(DEFAULT_LOCALE).then((messages) => ({ locale: DEFAULT_LOCALE, messages })),
  );
