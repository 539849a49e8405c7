/**
 * The timeline's rows: the lender's declarations and what the borrower's phone saw, in one
 * list newest first. The engine gives each page its disclosures and the observations of the
 * same span, so merging page by page keeps the whole list in time order.
 */
import type { DisclosureView } from './bindings/DisclosureView';
import type { PhoneTimelineItem } from './phoneTypes';

export type TimelineRow =
  | { origin: 'lender'; at: number; disclosure: DisclosureView }
  | { origin: 'phone'; at: number; seen: PhoneTimelineItem };

/** One page's rows, newest first; a declaration comes before an observation of the same time. */
export function pageRows(
  disclosures: ReadonlyArray<DisclosureView>,
  seen: ReadonlyArray<PhoneTimelineItem>,
): TimelineRow[] {
  const rows: TimelineRow[] = [
    ...disclosures.map((disclosure) => ({ origin: 'lender' as const, at: disclosure.collectedAt, disclosure })),
    ...seen.map((item) => ({ origin: 'phone' as const, at: item.observation.firstAt, seen: item })),
  ];
  // A stable sort: each side keeps the engine's own order among equal times.
  return rows.sort((a, b) => b.at - a.at || (a.origin === b.origin ? 0 : a.origin === 'lender' ? -1 : 1));
}
