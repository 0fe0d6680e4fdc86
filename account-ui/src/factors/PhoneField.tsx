import { useMemo } from 'react';
import { useI18n } from '../i18n/i18n';
import { TextField } from '../ui/ui';
import { callingCodes } from './calling-codes';

export interface PhoneValue {
  country: string;
  national: string;
}

/** The country the browser's language names (en-GB → GB), else the United Kingdom. */
export function defaultCountry(): string {
  for (const lang of typeof navigator === 'undefined' ? [] : (navigator.languages ?? [])) {
    const region = /-([A-Z]{2})\b/i.exec(lang)?.[1]?.toUpperCase();
    if (region && region in callingCodes) return region;
  }
  return 'GB';
}

/**
 * The number in international form ("+44 07700 900123"), or null when it
 * cannot be one. The server parses it with libphonenumber's full metadata:
 * it drops the trunk prefix (0 in the UK), validates the number for the
 * country and answers with a field error otherwise.
 */
export function toInternational(value: PhoneValue): string | null {
  const code = callingCodes[value.country];
  const digits = value.national.replace(/[\s().-]/g, '');
  if (!code || !/^\d{4,15}$/.test(digits)) return null;
  return `+${code} ${digits}`;
}

/**
 * A phone number as two fields: a country picker (names in the reader's
 * language, with the calling code) and the number as people write it at home.
 */
export function PhoneField({ value, onChange, error }: { value: PhoneValue; onChange(v: PhoneValue): void; error?: string | null }) {
  const { t, locale } = useI18n();
  const options = useMemo(() => {
    const lang = locale === 'zh' ? 'zh-Hans' : 'en';
    const names = new Intl.DisplayNames([lang], { type: 'region', fallback: 'code' });
    return Object.entries(callingCodes)
      .map(([code, calling]) => ({ code, label: `${names.of(code) ?? code} (+${calling})` }))
      .sort((a, b) => a.label.localeCompare(b.label, lang));
  }, [locale]);
  return (
    <div className="phone-field">
      <div className="field">
        <label htmlFor="phone-country">{t('phone.country')}</label>
        <select
          id="phone-country"
          name="country"
          value={value.country}
          onChange={(e) => onChange({ ...value, country: (e.target as HTMLSelectElement).value })}
        >
          {options.map((o) => (
            <option key={o.code} value={o.code}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
      <TextField
        id="phone-number"
        label={t('phone.number')}
        hint={t('phone.hint', { code: `+${callingCodes[value.country]}` })}
        value={value.national}
        onValue={(national) => onChange({ ...value, national })}
        type="tel"
        name="phone"
        inputMode="tel"
        autoComplete="tel-national"
        required
        error={error}
      />
    </div>
  );
}
