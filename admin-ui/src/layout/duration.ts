// Durations for people: "2 d 4 h", "1 h 20 min", "15 min", in the desk's language.
type Translate = (key: string, options?: Record<string, unknown>) => string;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The two largest units of `ms` (absolute value), rounded down; under a minute reads "< 1 min". */
export const formatDuration = (ms: number, translate: Translate): string => {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return translate('rebind.duration.under_a_minute');
  const days = Math.floor(abs / DAY);
  const hours = Math.floor((abs % DAY) / HOUR);
  const minutes = Math.floor((abs % HOUR) / MINUTE);
  const parts: string[] = [];
  if (days) parts.push(translate('rebind.duration.days', { smart_count: days }));
  if (hours && parts.length < 2) parts.push(translate('rebind.duration.hours', { smart_count: hours }));
  if (!days && minutes) parts.push(translate('rebind.duration.minutes', { smart_count: minutes }));
  return parts.join(translate('rebind.duration.separator'));
};

/** Hours as a duration ("3.5" → "3 h 30 min"), for metrics given in hours. */
export const formatHours = (hours: number, translate: Translate): string => formatDuration(Math.round(hours * HOUR), translate);
