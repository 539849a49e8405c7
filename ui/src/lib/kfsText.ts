/**
 * The Key Fact Statement in the reader's language: rates, fees, dates and the checks that fail,
 * worded from what Rust returned (`KfsView`, and the `kfs-*` findings' facts). Nothing here
 * computes the APR; Khata's figure comes from the evidence crate.
 */
import type { KfsCheck } from './bindings/KfsCheck';
import { formatDate, intlLocale } from './format';
import { t, tOr } from './i18n/i18n.svelte';

/** A calendar date (`2027-01-02`, no time zone) as the reader writes dates; anything else as sent. */
export function formatDueDate(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return date;
  // Local midnight of that day, so the day shown is the day stated in any time zone.
  const [, y, m, d] = match;
  return formatDate(new Date(Number(y), Number(m) - 1, Number(d)).getTime());
}

/** Basis points as a percentage with two decimals at most: 2626 → 26.26%. */
export function formatBpsExact(bps: number): string {
  return new Intl.NumberFormat(intlLocale(), {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 2,
  }).format(bps / 10_000);
}

/** A monthly rate in millionths as a percentage with up to four decimals: 21886 → 2.1886%. */
export function formatRatePpm(ppm: number): string {
  return new Intl.NumberFormat(intlLocale(), {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 4,
  }).format(ppm / 1_000_000);
}

/** A fee's code in plain words; a code Khata does not know, as the lender sent it. */
export function feeName(code: string): string {
  return tOr(`kfs.fee.${code}`, code);
}

/** What a failed check means, as a clause. */
export function checkText(check: KfsCheck): string {
  return t(`kfs.check.${check}`);
}
