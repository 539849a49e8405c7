/**
 * Translation for the UI. Messages use ICU MessageFormat through `intl-messageformat`
 * (FormatJS), which handles plurals and number formats for both English and Hindi; this file
 * picks the catalogue, remembers the choice and caches formatters.
 *
 * Start-up pays for one language only: the bundle carries the catalogues already parsed
 * (`ui/build/messages.ts`), English is in the first script, and Hindi is a chunk of its own,
 * fetched when it is chosen (`setLocale`) or remembered (`startLocale`, awaited before the first
 * render so a Hindi start never shows English first).
 */
import { IntlMessageFormat } from 'intl-messageformat';
import en, { type MessageKey } from './en';

export type Locale = 'en' | 'hi';
export type { MessageKey };

export const LOCALES: ReadonlyArray<{ code: Locale; name: string }> = [
  { code: 'en', name: 'English' },
  { code: 'hi', name: 'हिन्दी' },
];

/** A message as a catalogue holds it: ICU source (dev, tests), or parsed at build time, or
 *  a plain string that needs no formatting (see `isPlainText` in `ui/build/messages.ts`). */
type Message = ConstructorParameters<typeof IntlMessageFormat>[0];
type Catalogue = Record<MessageKey, Message>;

/** The languages other than English, each loaded on first use. */
const loaders: Record<Exclude<Locale, 'en'>, () => Promise<{ default: Record<MessageKey, string> }>> = {
  hi: () => import('./hi'),
};
const catalogues: Partial<Record<Locale, Catalogue>> = { en };
const loading = new Map<Locale, Promise<void>>();
const STORAGE_KEY = 'khata.locale';

function initialLocale(): Locale {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'hi') return saved;
  return globalThis.navigator?.language?.startsWith('hi') ? 'hi' : 'en';
}

const wanted = initialLocale();
// English until the remembered language has loaded (`startLocale`); the app mounts after that.
const state = $state({ locale: wanted in catalogues ? wanted : ('en' as Locale) });
/** The language last asked for: a slow load never overrides a later choice. */
let chosen: Locale = wanted;
const compiled = new Map<string, IntlMessageFormat>();
// The page says which language it is in from the start (screen readers pick their voice by it),
// not only after the picker is used: a remembered Hindi would otherwise be read as English.
if (typeof document !== 'undefined') document.documentElement.lang = wanted;

/** Makes `code`'s catalogue available (a no-op for English and once loaded). */
export function loadLocale(code: Locale): Promise<void> {
  if (code === 'en' || catalogues[code]) return Promise.resolve();
  let pending = loading.get(code);
  if (!pending) {
    pending = loaders[code]().then(
      (module) => {
        catalogues[code] = module.default;
      },
      (failure: unknown) => {
        loading.delete(code);
        throw failure;
      },
    );
    loading.set(code, pending);
  }
  return pending;
}

/** Loads the remembered language; `main.ts` awaits it before the first render. */
export async function startLocale(): Promise<void> {
  await loadLocale(chosen).catch(() => {});
  if (chosen in catalogues) state.locale = chosen;
}

export function locale(): Locale {
  return state.locale;
}

/**
 * Switches language: at once when its catalogue is loaded (always in tests, see
 * `test-setup.ts`), else when it arrives. The choice is remembered either way.
 */
export function setLocale(next: Locale): Promise<void> {
  chosen = next;
  globalThis.localStorage?.setItem(STORAGE_KEY, next);
  const apply = () => {
    if (chosen !== next) return;
    state.locale = next;
    if (typeof document !== 'undefined') document.documentElement.lang = next;
  };
  if (catalogues[next]) {
    apply();
    return Promise.resolve();
  }
  return loadLocale(next).then(apply);
}

/** The message for `key` in the current language; reactive in components. */
export function t(key: MessageKey, values?: Record<string, string | number>): string {
  const current = state.locale;
  const message = (catalogues[current] ?? en)[key];
  // A plain message (no ICU syntax: compiled so at build time, or a source with none) is itself.
  if (typeof message === 'string' && !/[{}'<]/.test(message)) return message;
  const cacheKey = `${current}\u0000${key}`;
  let format = compiled.get(cacheKey);
  if (!format) {
    format = new IntlMessageFormat(message, current);
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
