import { useCallback } from 'react';
import { useLocaleState } from 'react-admin';
import { DEFAULT_LOCALE, intlLocaleFor, isLocale } from '../i18n/locales';

const DATE_TIME: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };

/** Formats an ISO instant in the desk's language (not the browser's); '–' for none. */
export const useFormatDateTime = () => {
  const [locale] = useLocaleState();
  const intlLocale = intlLocaleFor(isLocale(locale) ? locale : DEFAULT_LOCALE);
  return useCallback(
    (iso: string | null | undefined, options: Intl.DateTimeFormatOptions = DATE_TIME): string => {
      if (!iso) return '–';
      const date = new Date(iso);
      return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(intlLocale, options).format(date);
    },
    [intlLocale],
  );
};
