/**
 * A lender's words for its signals in the reader's language. The lender's catalogue gives each
 * signal a name, a description, a label per bin and a sentence per reason code, per language
 * (`texts.en`, `texts.hi`); Rust carries them cleaned and bounded on every view that shows a
 * signal. This picks the current language's words, then English's, then the bare field Rust
 * sent beside them (a lender that gives no words at all still reads as before).
 */
import type { LenderSignalView } from './bindings/LenderSignalView';
import type { SignalTextView } from './bindings/SignalTextView';
import type { SignalTextsView } from './bindings/SignalTextsView';
import { locale } from './i18n/i18n.svelte';

/** The words to try, best first: the current language's, then English's. */
function candidates(texts: SignalTextsView | null | undefined): SignalTextView[] {
  if (!texts) return [];
  const current = locale() === 'hi' ? texts.hi : texts.en;
  return [current, texts.en].filter((t): t is SignalTextView => t !== undefined && t !== null);
}

/** The first non-empty word `pick` finds, else `fallback`. */
function first(texts: SignalTextsView | null | undefined, pick: (t: SignalTextView) => string | undefined, fallback: string): string {
  for (const t of candidates(texts)) {
    const word = pick(t);
    if (word) return word;
  }
  return fallback;
}

/** The signal's name, e.g. "SMS से पता चली आमदनी"; `fallback` is the view's `name`. */
export function signalName(texts: SignalTextsView | null | undefined, fallback: string): string {
  return first(texts, (t) => t.name, fallback);
}

/** What the signal is, in a sentence; `fallback` is the view's `description`. */
export function signalDescription(texts: SignalTextsView | null | undefined, fallback: string): string {
  return first(texts, (t) => t.description, fallback);
}

/** What a bin means, e.g. `under_10k` → "महीने में ₹10,000 से कम"; the bin id when unworded. */
export function binLabel(texts: SignalTextsView | null | undefined, bin: string): string {
  return first(texts, (t) => t.bins[bin], bin);
}

/** The sentence for a reason code; `fallback` is the reason's text as the offer carries it. */
export function reasonText(texts: SignalTextsView | null | undefined, code: string, fallback: string): string {
  return first(texts, (t) => t.reasons[code], fallback);
}

/** Names a signal id as one lender's catalogue does. */
export type SignalNamer = (signal: string) => string;

/** The id itself: for callers with no catalogue at hand. */
export const idAsName: SignalNamer = (signal) => signal;

/** A namer for `lenderId`'s signals from the catalogue list; unknown ids stay ids. */
export function namerFor(catalogue: ReadonlyArray<LenderSignalView> | undefined, lenderId: string): SignalNamer {
  const byId = new Map<string, LenderSignalView>();
  for (const entry of catalogue ?? []) {
    if (entry.lenderId === lenderId) byId.set(entry.signal.id, entry);
  }
  return (signal) => {
    const entry = byId.get(signal);
    return entry ? signalName(entry.signal.texts, entry.signal.name) : signal;
  };
}
