import { beforeEach, describe, expect, it } from 'vitest';
import type { LogFork } from './bindings/LogFork';
import { setLocale } from './i18n/i18n.svelte';
import { forkSentence, logSentence, memberName, signedOn, withheldLines } from './verifyText';

beforeEach(() => setLocale('en'));

const head = (treeSize: number, rootHash: string, timestamp: string) => ({
  treeSize,
  rootHash,
  timestamp,
  keyId: 'ed25519-0a1b',
});

describe('verifyText', () => {
  it('names committed members by full path or last segment, and leaves unknown paths as they are', () => {
    expect(memberName('valueDigest')).toBe('value digest');
    expect(memberName('purpose.text')).toBe('purpose');
    expect(memberName('explanation.reasonCodes.2.text')).toBe('wording of a reason');
    expect(memberName('explanation.contributions.3.bin')).toBe('score band of a factor');
    expect(memberName('explanation.extra')).toBe('explanation.extra');
    setLocale('hi');
    expect(memberName('customerId')).toBe('ग्राहक आईडी');
  });

  it('says when a lender’s log is empty, and shows a timestamp it cannot read as signed', () => {
    const empty = { lenderId: 'l1', leaves: 0, headsChecked: 0, lastHead: null, withheld: [], forks: [] };
    expect(logSentence(empty)).toBe('l1: the lender’s log holds no disclosures yet.');
    expect(signedOn('not a date')).toBe('not a date');
    const one = { ...empty, leaves: 1, headsChecked: 1, lastHead: head(1, 'r', 'not a date') };
    expect(logSentence(one)).toBe(
      'l1: 1 disclosure checked against 1 signed record of the lender’s log; the last covers 1 disclosure, signed on not a date with key ed25519-0a1b.',
    );
    setLocale('hi');
    expect(logSentence(one)).toContain('1 हस्ताक्षरित रिकॉर्ड से 1 खुलासा जाँचा गया');
  });

  it('words a rewritten history with the held log’s root at the conflicting size, and an unproven one without', () => {
    const rewritten: LogFork = {
      kind: 'rewritten',
      conflicting: head(10, 'ConflictRootAAAAAAAAAAAA0001', '2026-11-20T12:00:00Z'),
      held: head(30, 'HeldRootBBBBBBBBBBBBBBBBBB0002', '2026-11-25T12:00:00Z'),
      heldRootAtSize: 'AtSizeCCCCCCCCCCCCCCCCCCCC0003',
    };
    const text = forkSentence('l1', rewritten);
    expect(text).toContain('covers the first 10 disclosures with root hash Conflict…0001');
    expect(text).toContain('(covering 30 disclosures, root hash HeldRoot…0002) gives AtSizeCC…0003');
    expect(text).toContain('so it changed, removed or reordered');
    const unproven = forkSentence('l1', { ...rewritten, kind: 'unproven', heldRootAtSize: null });
    expect(unproven).toContain('nothing in the file shows it agrees with the record signed on');
    expect(unproven).not.toContain('reordered');
  });

  it('counts withheld values per plain name and kind of record, logs first', () => {
    const log = {
      lenderId: 'l1',
      leaves: 3,
      headsChecked: 1,
      lastHead: null,
      withheld: [{ path: 'valueDigest', count: 3 }],
      forks: [],
    };
    const lines = withheldLines(
      [log, { ...log, lenderId: 'l2', withheld: [{ path: 'valueDigest', count: 2 }] }],
      ['/quotes/0 explanation.topAdverse.0.text', '/receipts/1 note', 'odd'],
    ).map((line) => line.text);
    expect(lines).toEqual([
      'value digest (5 disclosures)',
      'wording of a reason (1 what-if quote)',
      'note (1 receipt)',
      'odd (1 record)',
    ]);
  });
});
