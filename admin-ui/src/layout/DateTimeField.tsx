import { DateField, useLocaleState, type DateFieldProps } from 'react-admin';
import { isLocale, intlLocaleFor, DEFAULT_LOCALE } from '../i18n/locales';

/** A DateField with the time, formatted for the desk's language rather than the browser's. */
export const DateTimeField = (props: DateFieldProps) => {
  const [locale] = useLocaleState();
  return <DateField showTime locales={intlLocaleFor(isLocale(locale) ? locale : DEFAULT_LOCALE)} {...props} />;
};
