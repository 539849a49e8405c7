import { afterEach, describe, expect, it } from 'vitest';
import { DAY, LOG_FORK_FACTS, NOW, PROHIBITED_FACTS, RBI_SOURCE, ROOT_A, ROOT_B, finding, logFork } from '../test/fixtures';
import type { Finding } from './bindings/Finding';
import type { FindingFacts } from './bindings/FindingFacts';
import { formatDateTime } from './format';
import { findingHeads, findingRecords, findingSentence, findingSource, shortRoot } from './findingText';
import { setLocale } from './i18n/i18n.svelte';

afterEach(() => setLocale('en'));

/** One finding per kind of facts, each under a rule that reports it. */
const CASES: Array<[Finding['rule'], FindingFacts]> = [
  ['prohibited-signal', PROHIBITED_FACTS],
  [
    'prohibited-signal',
    { kind: 'prohibited', flag: 'rbi-2022-prohibited', data: null, matchedBy: 'lenderFlag', source: RBI_SOURCE },
  ],
  ['kyc-only-signal-reused', { kind: 'kycOnly', data: 'location', total: 4, source: RBI_SOURCE }],
  ['no-consent', { kind: 'noConsent' }],
  ['collected-after-revocation', { kind: 'revoked', revokedAt: NOW - 2 * DAY }],
  ['collected-after-signal-revocation', { kind: 'revoked', revokedAt: NOW - 2 * DAY }],
  ['collected-while-paused', { kind: 'paused', pausedSince: NOW - 2 * DAY }],
  ['collected-after-expiry', { kind: 'expired', expiredAt: NOW - 2 * DAY }],
  ['collected-before-consent-start', { kind: 'notStarted', startsAt: NOW }],
  ['signal-denied', { kind: 'denied' }],
  ['signal-not-granted', { kind: 'notGranted', granted: ['sms_income', 'emi_bounces'] }],
  [
    'outside-data-range',
    { kind: 'outsideRange', dataFrom: NOW - 900 * DAY, dataTo: NOW, consentedFrom: NOW - 365 * DAY, consentedTo: NOW },
  ],
  ['unnamed-recipient', { kind: 'unnamedRecipient', recipient: 'adnet-42', named: ['cibil'] }],
  ['purpose-mismatch', { kind: 'purposeMismatch', purpose: 'marketing', consentedCode: '103', consentedText: 'credit' }],
  ['data-life-exceeded', { kind: 'dataLife', value: 6, unit: 'month', ranOutFirst: NOW - DAY, ranOutLast: NOW }],
  ['above-frequency', { kind: 'oneTime', total: 4 }],
  ['above-frequency', { kind: 'frequency', value: 2, unit: 'month', mostInWindow: 5 }],
  ['contributions-do-not-add-up', { kind: 'sum', baseline: 600, sum: 640, score: 700, tolerance: 0 }],
  [
    'reason-codes-mismatch',
    { kind: 'reasonCodes', given: [], expected: [{ signal: 'emi_bounces', points: -40 }] },
  ],
  ['top-adverse-invalid', { kind: 'topAdverse', given: 5, expected: 4, reasonCodes: 6 }],
  ['receipt-contradicts-request', { kind: 'contradicts', field: 'effectiveAt', asked: '2026-02-10', answered: '2101-01-01' }],
  ['consent-altered', { kind: 'contradicts', field: 'signalsGranted', asked: 'sms_income', answered: 'sms_income,contacts' }],
  ['revocation-unacknowledged', { kind: 'unacknowledged', requestedAt: NOW - 4 * DAY, deadlineHours: 72, acknowledgedAt: null }],
  [
    'revocation-unacknowledged',
    { kind: 'unacknowledged', requestedAt: NOW - 4 * DAY, deadlineHours: 72, acknowledgedAt: NOW },
  ],
  [
    'counterfactual-mismatch',
    {
      kind: 'counterfactual',
      offerId: 'o-1',
      offerScore: 700,
      withheld: ['sms_income'],
      changes: [{ signal: 'sms_income', points: -25 }],
      expected: 675,
      quoteScore: 690,
    },
  ],
  ['log-fork', LOG_FORK_FACTS],
  [
    'log-page-mismatch',
    {
      kind: 'logPageMismatch',
      offered: { treeSize: 2000, rootHash: ROOT_B, timestamp: NOW - DAY, keyId: 'k1' },
      computedRoot: ROOT_A,
      pageStart: 1000,
      held: null,
    },
  ],
];

/** The sample facts of a rule, by its id (not by position: the list grows). */
const factsOf = (rule: Finding['rule']): FindingFacts => CASES.find(([r]) => r === rule)![1];

describe('findingSentence', () => {
  for (const locale of ['en', 'hi'] as const) {
    it(`words every kind of finding in ${locale}`, () => {
      setLocale(locale);
      for (const [rule, facts] of CASES) {
        const text = findingSentence(finding({ rule, facts, count: 3, at: NOW - 3 * DAY, lastAt: NOW - DAY }), 'QuickRupee');
        expect(text, `${rule} ${facts.kind}`).not.toMatch(/[{}]|undefined|NaN/);
        expect(text.length, `${rule} ${facts.kind}`).toBeGreaterThan(20);
      }
    });
  }

  it('keeps the numbers of the facts in the sentence', () => {
    const facts = factsOf('contributions-do-not-add-up');
    expect(findingSentence(finding({ rule: 'contributions-do-not-add-up', facts }), 'L')).toBe(
      'The explanation does not add up: the base of 600 points plus the factors make 640, but the score is 700.',
    );
    setLocale('hi');
    expect(
      findingSentence(finding({ rule: 'unnamed-recipient', facts: factsOf('unnamed-recipient'), count: 1, at: NOW }), 'L'),
    ).toContain('केवल इनके नाम हैं: cibil');
  });

  it('says which field a lender contradicted, with what was asked and answered', () => {
    const receipt = finding({ rule: 'receipt-contradicts-request', facts: factsOf('receipt-contradicts-request'), count: 1, at: NOW });
    const text = findingSentence(receipt, 'QuickRupee');
    expect(text).toContain('effective time');
    expect(text).toContain('2101-01-01');
    expect(text).toContain('not count it as a confirmation');
    const altered = findingSentence(finding({ rule: 'consent-altered', facts: factsOf('consent-altered'), count: 1, at: NOW }), 'L');
    expect(altered).toContain('Your choice stands');
    setLocale('hi');
    expect(findingSentence(receipt, 'QuickRupee')).toContain('लागू होने का समय');
  });

  it('names the data the RBI rules bar, and shows their source beside the finding', () => {
    const prohibited = finding({ rule: 'prohibited-signal', facts: PROHIBITED_FACTS, signal: 'call_log_pattern' });
    expect(findingSentence(prohibited, 'L')).toContain('It is your call logs, which lending apps may not access');
    expect(findingSource(prohibited)).toMatch(
      /^RBI Guidelines on Digital Lending \(.*2022.*\), consolidated in the RBI Digital Lending Directions \(.*2025.*\); Khata rules table version 1$/,
    );
    const reused = finding({
      rule: 'kyc-only-signal-reused',
      facts: { kind: 'kycOnly', data: 'location', total: 3, source: RBI_SOURCE },
      count: 2,
    });
    expect(findingSentence(reused, 'L')).toContain('(your location) 3 times');
    expect(findingSource(finding())).toBeNull();
    setLocale('hi');
    expect(findingSentence(prohibited, 'L')).toContain('आपके कॉल लॉग');
    expect(findingSource(reused)).toContain('डिजिटल ऋण पर भारतीय रिज़र्व बैंक के दिशानिर्देश');
  });

  it('lists the records by kind and id, with how many more after the last listed disclosure', () => {
    const grouped = finding({
      count: 12,
      records: [
        { kind: 'disclosure', id: 'd-1', localId: 1 },
        { kind: 'disclosure', id: 'd-12', localId: 12 },
        { kind: 'consent', id: 'c-1', localId: null },
      ],
      recordsOmitted: 10,
    });
    expect(findingRecords(grouped)).toBe('disclosure d-1, disclosure d-12, … and 10 more, consent c-1');
    expect(findingRecords(finding({ records: [{ kind: 'ledger', id: 'x-1', localId: null }], recordsOmitted: 3 }))).toBe(
      'ledger x-1, … and 3 more',
    );
    setLocale('hi');
    expect(findingRecords(grouped)).toBe('खुलासा d-1, खुलासा d-12, … और 10 अन्य, सहमति c-1');
  });

  it('sets the two heads of a fork side by side, with their roots shortened', () => {
    const fork = logFork();
    const text = findingSentence(fork, 'QuickRupee');
    expect(text).toBe(
      `QuickRupee signed two different versions of its record of your first 1,200 disclosures: ` +
        `one on ${formatDateTime(NOW - 2 * DAY)} (root hash Zk3vQ2Hc…A9fA), ` +
        `another on ${formatDateTime(NOW - DAY)} (root hash Qx81bT0z…B2kw). Both carry its signature, ` +
        'so it changed, removed or reordered disclosures it had already recorded.',
    );
    expect(findingHeads(fork)).toEqual([
      { role: 'held', size: 1200, root: ROOT_A, signedAt: NOW - 2 * DAY, keyId: 'k1' },
      { role: 'offered', size: 1200, root: ROOT_B, signedAt: NOW - DAY, keyId: 'k1' },
    ]);
    expect(findingRecords(fork)).toBe(`signed log record 1200/${ROOT_A}, signed log record 1200/${ROOT_B}`);
    expect(findingSource(fork)).toBeNull();
    expect(findingHeads(finding())).toEqual([]);
    setLocale('hi');
    const hindi = findingSentence(fork, 'QuickRupee');
    expect(hindi).toContain('QuickRupee ने आपके पहले 1,200 खुलासों के अपने रिकॉर्ड के दो अलग-अलग रूपों पर हस्ताक्षर किए');
    expect(hindi).toContain('(रूट हैश Zk3vQ2Hc…A9fA)');
    expect(hindi).not.toContain('संकेत');
  });

  it('says how many disclosures of a page did not give the root its head signed', () => {
    const facts = factsOf('log-page-mismatch');
    const page = finding({ rule: 'log-page-mismatch', severity: 'high', facts, consentId: null, signal: null });
    expect(findingSentence(page, 'L')).toBe(
      `The 1,000 disclosures L sent from number 1,001 do not give the root hash it signed on ` +
        `${formatDateTime(NOW - DAY)} for your first 2,000 disclosures: the data sent gives Zk3vQ2Hc…A9fA, ` +
        'the signed root is Qx81bT0z…B2kw. What the lender signed does not match what it sent.',
    );
    const one = finding({ rule: 'log-page-mismatch', facts: { ...facts, pageStart: 1999 } as FindingFacts });
    expect(findingSentence(one, 'L')).toMatch(/^The disclosure L sent as number 2,000 does not give/);
    expect(findingHeads(page).map((row) => row.role)).toEqual(['offered', 'computed']);
    expect(findingHeads(page)[1]).toEqual({ role: 'computed', size: null, root: ROOT_A, signedAt: null, keyId: null });
    const withHeld = finding({ rule: 'log-page-mismatch', facts: { ...facts, held: LOG_FORK_FACTS.held } as FindingFacts });
    expect(findingHeads(withHeld).map((row) => row.role)).toEqual(['held', 'offered', 'computed']);
    setLocale('hi');
    expect(findingSentence(page, 'L')).toContain('L ने संख्या 1,001 से जो 1,000 खुलासे भेजे');
  });

  it('shortens only roots long enough to shorten', () => {
    expect(shortRoot(ROOT_A)).toBe('Zk3vQ2Hc…A9fA');
    expect(shortRoot('abc')).toBe('abc');
  });
});
