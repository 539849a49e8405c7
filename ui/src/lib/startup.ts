/**
 * The home screen's data, asked for at launch beside the vault status instead of after it: the
 * two commands overlap, which saves a round trip and the shell's first render from the time to
 * an interactive home. The answer is handed out once, to the first Home, and only if the
 * borrower has not gone elsewhere meanwhile (then Home asks afresh, as it does on reload).
 */
import { api } from './api';
import type { Overview } from './bindings/Overview';
import type { VaultAccess } from './bindings/VaultAccess';

let early: Promise<Overview> | null = null;
let earlyAccess: Promise<VaultAccess> | null = null;

/**
 * Asks for the vault status and the overview before the app is mounted (`main.ts`), so both
 * round trips overlap the first script's start, a Hindi catalogue's fetch and the first render.
 */
export function prefetchStartup(): void {
  earlyAccess = api.vaultAccess();
  earlyAccess.catch(() => {});
  prefetchOverview();
}

/** The launch-time vault status request, once (then `null`): the app's first mount takes it,
 *  and knows the overview was asked for with it. */
export function takeStartupAccess(): Promise<VaultAccess> | null {
  const mine = earlyAccess;
  earlyAccess = null;
  return mine;
}

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
