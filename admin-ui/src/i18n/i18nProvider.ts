import polyglotI18nProvider from 'ra-i18n-polyglot';
import type { I18nProvider } from 'react-admin';
import { getLoadedCatalog, loadCatalog } from './catalogs';
import { writeLocalePreference } from './locale-preference';
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from './locales';

/**
 * The app's i18nProvider. The shell has already loaded the catalog of
 * `initialLocale` (polyglot needs the first one synchronously); others load
 * on demand. `onLocaleChanged` lets the app refresh what it cached in the old
 * language (the identity shown in the app bar).
 */
export const createI18nProvider = (
    initialLocale: Locale,
    onLocaleChanged: (locale: Locale) => void = () => {}
): I18nProvider => {
    const provider = polyglotI18nProvider(
        locale => {
            const target = isLocale(locale) ? locale : DEFAULT_LOCALE;
            return getLoadedCatalog(target) ?? loadCatalog(target);
        },
        initialLocale,
        [...LOCALES]
    );
    return {
        ...provider,
        changeLocale: async (locale: string) => {
            await provider.changeLocale(locale);
            if (isLocale(locale)) {
                writeLocalePreference(locale);
                onLocaleChanged(locale);
            }
        },
    };
};
