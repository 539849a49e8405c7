/**
 * Translation for the UI. Messages use ICU MessageFormat through `intl-messageformat`
 * (FormatJS), which handles plurals and number formats for both English and Hindi; this file only
 * picks the catalogue, remembers the choice and caches compiled messages.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import en, { type MessageKey } from './en';
import hi from './hi';

export type Locale = 'en' | 'hi';
export type { MessageKey };

export const LOCALES: ReadonlyArray<{ code: Locale; name: string }> = [
  { code: 'en', name: 'English' },
  { code: 'hi', name: 'हिन्दी' },
];

const catalogues: Record<Locale, Record<MessageKey, string>> = { en, hi };
const STORAGE_KEY = 'khata.locale';

function initialLocale(): Locale {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'hi') return saved;
  return globalThis.navigator?.language?.startsWith('hi') ? 'hi' : 'en';
}

const state = $state({ locale: initialLocale() });
const compiled = new Map<string, IntlMessageFormat>();
// The page says which language it is in from the start (screen readers pick their voice by it),
// not only after the picker is used: a remembered Hindi would otherwise be read as English.
if (typeof document !== 'undefined') document.documentElement.lang = state.locale;

export function locale(): Locale {
  return state.locale;
}

export function setLocale(next: Locale): void {
  state.locale = next;
  globalThis.localStorage?.setItem(STORAGE_KEY, next);
  if (typeof document !== 'undefined') document.documentElement.lang = next;
}

/** The message for `key` in the current language; reactive in components. */
export function t(key: MessageKey, values?: Record<string, string | number>): string {
  const current = state.locale;
  const cacheKey = `${current}\u0000${key}`;
  let format = compiled.get(cacheKey);
  if (!format) {
    format = new IntlMessageFormat(catalogues[current][key], current);
    compiled.set(cacheKey, format);
  }
  return String(format.format(values));
}

/** True when the catalogue has `key` (for messages picked by a code from Rust). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** The message for `key` when the catalogue has it, else `fallback` as Rust sent it. */
export function tOr(key: string, fallback: string, values?: Record<string, string | number>): string {
  return hasMessage(key) ? t(key, values) : fallback;
}

/** A progress phase from Rust (`disclosures`, `consents`…) in the current language. */
export function phaseLabel(phase: string): string {
  return tOr(`progress.phase.${phase}`, phase);
}

/** A W3C DPV personal-data term (`pd:Income`) in plain words; an unknown term as it came. */
export function dpvLabel(term: string): string {
  return tOr(`dpv.${term}`, term);
}

/** A regulatory flag (`rbi-2022-prohibited`…) in plain language. */
export function flagLabel(flag: string): string {
  return tOr(`signal.flag.${flag}`, flag);
}

/**
 * What a purpose means. A lender names its purpose by a code and describes it in its own words,
 * in one language only; for a code Khata knows, the borrower reads Khata's words in Hindi (the
 * lender's own are shown beside as a tooltip), else the lender's words, else the code.
 */
export function purposeLabel(code: string, text = ''): string {
  const key = `purpose.${code}`;
  if (hasMessage(key) && (state.locale !== 'en' || !text)) return t(key);
  return text || code;
}
