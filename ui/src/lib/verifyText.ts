/**
 * Wording for what a check of a version 2 export found: each lender's disclosure log, the
 * values the person who shared the file withheld, and forks in a lender's log. Rust decides
 * all of it (`VerifyReport`); this only turns its facts into sentences in the borrower's
 * language, so the Verify screen stays a view.
 */
import type { ForkKind } from './bindings/ForkKind';
import type { LogFacts } from './bindings/LogFacts';
import type { LogFork } from './bindings/LogFork';
import { shortRoot } from './findingText';
import { formatDateTime, formatNumber } from './format';
import { t, type MessageKey } from './i18n/i18n.svelte';

/** When a head was signed: its RFC 3339 timestamp in the current language, or as signed if unreadable. */
export function signedOn(timestamp: string): string {
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? timestamp : formatDateTime(ms);
}

/** One lender's log as checked: how many disclosures against how many signed records. */
export function logSentence(log: LogFacts): string {
  if (!log.lastHead) return t('verify.logEmpty', { lender: log.lenderId });
  return t('verify.log', {
    lender: log.lenderId,
    leaves: log.leaves,
    heads: log.headsChecked,
    size: log.lastHead.treeSize,
    signedAt: signedOn(log.lastHead.timestamp),
    keyId: log.lastHead.keyId,
  });
}

/** ICU selectors allow no hyphen, so each kind has a selector of its own. */
const forkSelector = {
  'same-size': 'sameSize',
  rewritten: 'rewritten',
  unproven: 'unproven',
} as const satisfies Record<ForkKind, string>;

/** A fork in one lender's log: both heads, with roots shortened as the Audit screen does. */
export function forkSentence(lender: string, fork: LogFork): string {
  return t('verify.fork', {
    lender,
    kind: forkSelector[fork.kind],
    size: formatNumber(fork.conflicting.treeSize),
    conflictRoot: shortRoot(fork.conflicting.rootHash),
    conflictAt: signedOn(fork.conflicting.timestamp),
    heldSize: formatNumber(fork.held.treeSize),
    heldRoot: shortRoot(fork.held.rootHash),
    heldAt: signedOn(fork.held.timestamp),
    heldRootAtSize: shortRoot(fork.heldRootAtSize ?? fork.held.rootHash),
  });
}

/** Member paths with a plain name, by full path (array indices as `*`) or by last segment. */
const memberKey: Record<string, MessageKey> = {
  valueDigest: 'verify.member.valueDigest',
  onwardRecipient: 'verify.member.onwardRecipient',
  customerId: 'verify.member.customerId',
  'purpose.text': 'verify.member.purpose',
  bin: 'verify.member.bin',
  text: 'verify.member.text',
};

/** A committed member's path in words; a path without a plain name is shown as is. */
export function memberName(path: string): string {
  const pattern = path.replace(/\.\d+(?=\.|$)/g, '.*');
  const last = path.slice(path.lastIndexOf('.') + 1);
  const key = memberKey[pattern] ?? memberKey[last];
  return key ? t(key) : path;
}

/** What kind of record a statement pointer (`/offers/0`) names, for counting in words. */
const statementUnit: Record<string, string> = {
  consents: 'consent',
  offers: 'offer',
  quotes: 'quote',
  receipts: 'receipt',
};

/** One entry of the withheld list: its key (kind of record and name) and its wording. */
export type WithheldLine = { key: string; text: string };

/**
 * The withheld list: the logs' counts per path (disclosures), then the statements' values
 * (`<pointer> <member path>`) counted per kind of record and member name, in the order first seen.
 */
export function withheldLines(logs: LogFacts[], statements: string[]): WithheldLine[] {
  const counts = new Map<string, { what: string; unit: string; count: number }>();
  const add = (what: string, unit: string, count: number) => {
    const key = `${unit}\u0000${what}`;
    const entry = counts.get(key);
    if (entry) entry.count += count;
    else counts.set(key, { what, unit, count });
  };
  for (const log of logs) for (const item of log.withheld) add(memberName(item.path), 'disclosure', item.count);
  for (const entry of statements) {
    const space = entry.indexOf(' ');
    const pointer = space < 0 ? '' : entry.slice(0, space);
    const member = space < 0 ? entry : entry.slice(space + 1);
    add(memberName(member), statementUnit[pointer.split('/')[1] ?? ''] ?? 'other', 1);
  }
  return [...counts.entries()].map(([key, { what, unit, count }]) => ({
    key,
    text: t('verify.withheldItem', { what, unit, count }),
  }));
}
