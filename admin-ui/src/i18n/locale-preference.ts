// Where the chosen language is remembered, shared by the plain sign-in page and
// the react-admin app.
import { DEFAULT_LOCALE, htmlLangFor, isLocale, type Locale } from './locales';

const PREFERENCE_KEY = 'rebind.locale';
// react-admin's own store (localStorageStore, key "RaStore.<name>", JSON
// values) also holds the locale and wins over the i18nProvider's initial one,
// so both are written together. react-admin clears its store on logout; ours
// survives, which is why it is the one read at start.
const REACT_ADMIN_STORE_KEY = 'RaStore.locale';

const browserLocale = (): Locale => {
  const language = typeof navigator === 'undefined' ? '' : navigator.language;
  return language.toLowerCase().startsWith('zh') ? 'zh' : DEFAULT_LOCALE;
};

export const readLocalePreference = (): Locale => {
  try {
    const stored = window.localStorage.getItem(PREFERENCE_KEY);
    if (isLocale(stored)) return stored;
  } catch {
    // storage unavailable (private mode, policy): use the browser's language
  }
  return browserLocale();
};

export const writeLocalePreference = (locale: Locale): void => {
  try {
    window.localStorage.setItem(PREFERENCE_KEY, locale);
    window.localStorage.setItem(REACT_ADMIN_STORE_KEY, JSON.stringify(locale));
  } catch {
    // not remembered; the choice still holds for this page
  }
  document.documentElement.lang = htmlLangFor(locale);
};
