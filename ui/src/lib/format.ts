/**
 * Display formatting only: numbers, money, dates and durations in the borrower's language.
 * Nothing here decides anything; it turns what Rust returned into text.
 */
import { locale } from './i18n/i18n.svelte';

/** The Intl locale for the current language: Indian digit grouping in both. */
export function intlLocale(): string {
  return locale() === 'hi' ? 'hi-IN' : 'en-IN';
}

/** Whole rupees with Indian grouping, e.g. ₹1,50,000. */
export function formatInr(amount: number): string {
  return new Intl.NumberFormat(intlLocale(), {
    style: 'currency',
    currency: 'INR',
    maximumFractionDigits: 0,
  }).format(amount);
}

/** A change in whole rupees with its sign, e.g. +₹10,000 or -₹50,000. */
export function formatInrChange(amount: number): string {
  return new Intl.NumberFormat(intlLocale(), {
    style: 'currency',
    currency: 'INR',
    maximumFractionDigits: 0,
    signDisplay: 'exceptZero',
  }).format(amount);
}

/** A plain count with Indian grouping, e.g. 10,00,000. */
export function formatNumber(value: number): string {
  return new Intl.NumberFormat(intlLocale()).format(value);
}

/** A signed number of points, e.g. +12 or −8. */
export function formatPoints(value: number): string {
  return new Intl.NumberFormat(intlLocale(), { signDisplay: 'exceptZero' }).format(value);
}

/** Basis points as a percentage: 180 → 1.8 %. */
export function formatBps(bps: number): string {
  return new Intl.NumberFormat(intlLocale(), {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 2,
  }).format(bps / 10_000);
}

/**
 * The date the Indian way: day, month, year (`29 Nov 2026`, `29 नवंबर 2026`). Hindi spells the
 * month out: its short forms (`नव॰`) are abbreviations few readers know.
 */
function dateOptions(): Intl.DateTimeFormatOptions {
  return { day: 'numeric', month: locale() === 'hi' ? 'long' : 'short', year: 'numeric' };
}

/**
 * The time of day: `4:05 pm` in English; the 24-hour clock in Hindi (`16:05`), whose
 * `am`/`pm` would otherwise be the only Latin letters in a Hindi sentence.
 */
function timeOptions(): Intl.DateTimeFormatOptions {
  return locale() === 'hi'
    ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
    : { hour: 'numeric', minute: '2-digit', hour12: true };
}

/** A date and time from Unix milliseconds, e.g. `29 Nov 2026, 4:05 pm` / `29 नवंबर 2026, 16:05`. */
export function formatDateTime(ms: number): string {
  // Joined here rather than by Intl: Hindi's joined form ("… को 16:05 बजे") doubles the
  // postposition of the sentences it is put in ("{when} को").
  const time = new Intl.DateTimeFormat(intlLocale(), timeOptions()).format(new Date(ms));
  return `${formatDate(ms)}, ${time}`;
}

/** A date from Unix milliseconds, e.g. `29 Nov 2026` / `29 नवंबर 2026`. */
export function formatDate(ms: number): string {
  return new Intl.DateTimeFormat(intlLocale(), dateOptions()).format(new Date(ms));
}

/** A date in words, for letters: `29 November 2026` / `29 नवंबर 2026`. */
export function formatDateWords(ms: number): string {
  return new Intl.DateTimeFormat(intlLocale(), { day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(ms));
}

/**
 * A date in words with the time on the 24-hour clock, for letters: `29 November 2026 at 10:30`
 * / `29 नवंबर 2026 को 10:30 बजे` (no "am"/"pm", which Hindi would otherwise write in Latin).
 */
export function formatDateTimeWords(ms: number): string {
  return new Intl.DateTimeFormat(intlLocale(), {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(ms));
}

/** How far `ms` is from `now`, e.g. "in 12 days" or "3 hours ago". */
export function formatRelative(ms: number, now: number = Date.now()): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  const format = new Intl.RelativeTimeFormat(intlLocale(), { numeric: 'auto' });
  const minute = 60_000;
  const hour = 60 * minute;
  const day = 24 * hour;
  if (abs >= day) return format.format(Math.round(diff / day), 'day');
  if (abs >= hour) return format.format(Math.round(diff / hour), 'hour');
  return format.format(Math.round(diff / minute), 'minute');
}

/** Bytes in KB/MB/GB, e.g. "12.4 MB". */
export function formatBytes(bytes: number): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return new Intl.NumberFormat(intlLocale(), {
    style: 'unit',
    unit: units[unit],
    // Hindi spells the unit out (`किलोबाइट`): its short forms are the Latin `kB`, `MB`.
    unitDisplay: locale() === 'hi' ? 'long' : 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}

/** `YYYY-MM-DD` from a date input to Unix ms at local midnight; `null` when empty. */
export function dateInputToMs(value: string, endOfDay = false): number | null {
  if (!value) return null;
  const [y, m, d] = value.split('-').map(Number);
  const date = new Date(y, m - 1, d + (endOfDay ? 1 : 0));
  return date.getTime();
}
