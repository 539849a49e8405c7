/**
 * The home screen's data, asked for at launch beside the vault status instead of after it: the
 * two commands overlap, which saves a round trip and the shell's first render from the time to
 * an interactive home. The answer is handed out once, to the first Home, and only if the
 * borrower has not gone elsewhere meanwhile (then Home asks afresh, as it does on reload).
 */
import { api } from './api';
import type { Overview } from './bindings/Overview';

let early: Promise<Overview> | null = null;

/** Starts the launch-time request. A failure (vault locked, say) is kept silent here. */
export function prefetchOverview(): void {
  early = api.overview();
  early.catch(() => {});
}

/** Forgets the launch-time answer: it may be stale by the time Home is shown. */
export function dropPrefetchedOverview(): void {
  early = null;
}

/** The overview: the launch-time answer the first time if it succeeded, else a new request. */
export function firstOverview(): Promise<Overview> {
  const mine = early;
  early = null;
  return mine ? mine.catch(() => api.overview()) : api.overview();
}
