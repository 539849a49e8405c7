import { afterEach, describe, expect, it } from 'vitest';
import { DAY, LOG_FORK_FACTS, NOW, PROHIBITED_FACTS, RBI_SOURCE, ROOT_A, ROOT_B, finding, logFork, signalCatalog } from '../test/fixtures';
import type { Finding } from './bindings/Finding';
import type { FindingFacts } from './bindings/FindingFacts';
import type { ObservedFacts } from './bindings/ObservedFacts';
import type { ObservedWhy } from './bindings/ObservedWhy';
import { formatDateTime } from './format';
import {
  findingHeads,
  findingRecords,
  findingSentence,
  findingSource,
  observedFacts,
  observedSource,
  recordId,
  shortRoot,
} from './findingText';
import { setLocale, t } from './i18n/i18n.svelte';
import { namerFor } from './signalText';

afterEach(() => setLocale('en'));

const SHA = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

/** What an Android capture of the lender's app saw: contacts read once in the background. */
function observed(why: ObservedWhy, overrides: Partial<ObservedFacts> = {}): FindingFacts {
  return {
    kind: 'observed',
    resource: 'contacts',
    op: 'READ_CONTACTS',
    app: 'in.khata.sandbox.lender',
    platform: 'android',
    state: 'background',
    firstAt: NOW - DAY,
    lastAt: NOW - DAY,
    count: 1,
    openInterval: false,
    sourceSha256: SHA,
    sourceFormat: 'android-appops',
    fileName: 'appops.txt',
    capturedAt: null,
    limits: ['useNotContent', 'lastAccessOnly', 'offsetNotInFile'],
    utcOffsetMin: 330,
    offsetFrom: 'assumed',
    network: null,
    why,
    ...overrides,
  };
}

const NETWORK = {
  op: 'adnet-metrics.io',
  resource: 'network',
  state: 'unknown',
  platform: 'ios',
  sourceFormat: 'ios-app-privacy-report',
  limits: ['useNotContent', 'sevenDays'],
  utcOffsetMin: null,
  offsetFrom: 'inFile',
  network: { domain: 'adnet-metrics.io', domainOwner: 'AdNet', profiler: false, appInitiated: true },
} as const satisfies Partial<ObservedFacts>;

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
  [
    'quote-offer-mismatch',
    {
      kind: 'quoteOffer',
      quoteId: 'quote-1',
      offerId: 'o-1',
      requestId: 'creq-1',
      withheld: ['location_stability'],
      differences: [
        { field: 'aprMonthlyBps', quote: '220', offer: '270' },
        { field: 'amountInr', quote: '50000', offer: '20000' },
      ],
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
  ['observed-prohibited-access', observed({ kind: 'prohibited', data: 'contactList', source: RBI_SOURCE })],
  ['observed-after-revocation', observed({ kind: 'afterRevocation', revokedAt: NOW - 2 * DAY, signals: [] })],
  [
    'observed-after-revocation',
    observed({ kind: 'afterRevocation', revokedAt: NOW - 2 * DAY, signals: ['sms_income', 'emi_bounces'] }, { resource: 'sms', op: 'READ_SMS' }),
  ],
  ['observed-without-consent', observed({ kind: 'withoutConsent' }, { capturedAt: NOW, offsetFrom: 'device' })],
  ['observed-undeclared', observed({ kind: 'undeclared', signals: ['contacts_network'], categories: ['pd:Contact'], windowHours: 24 })],
  ['observed-undeclared', observed({ kind: 'undeclared', signals: [], categories: [], windowHours: 24 }, { resource: 'screenRecording' })],
  [
    'observed-beyond-kyc',
    observed({ kind: 'beyondKyc', data: 'location', accesses: 78, background: true, source: RBI_SOURCE }, { resource: 'location', op: 'FINE_LOCATION', offsetFrom: 'captureClock' }),
  ],
  ['observed-unnamed-recipient', observed({ kind: 'unnamedRecipient', profiler: false, named: ['CIBIL'] }, NETWORK)],
  ['observed-unnamed-recipient', observed({ kind: 'unnamedRecipient', profiler: true, named: [] }, { ...NETWORK, openInterval: true })],
  [
    'kfs-apr-mismatch',
    {
      kind: 'kfsAprMismatch',
      statedBps: 2160,
      recomputedBps: 2626,
      toleranceBps: 11,
      disbursedInr: 97640,
      instalments: 12,
      repaidInr: 112081,
      monthlyRatePpm: 21886,
    },
  ],
  ['kfs-inconsistent', { kind: 'kfsInconsistent', check: 'instalmentSplit', stated: 9340, expected: 9345, instalment: 4 }],
  ['kfs-inconsistent', { kind: 'kfsInconsistent', check: 'totalPayable', stated: 112000, expected: 112081, instalment: null }],
  ['kfs-missing', { kind: 'kfsMissing', amountInr: 100000, aprMonthlyBps: 180 }],
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

  it("names the signals it cites in the lender's words, in the reader's language", () => {
    setLocale('hi');
    const name = namerFor(signalCatalog(), 'sandbox');
    const denied = finding({ rule: 'signal-denied', facts: { kind: 'denied' }, signal: 'sms_income', consentId: 'c-1' });
    const text = findingSentence(denied, 'Sandbox Lender', name);
    expect(text).toContain('आपकी “SMS से पता चली आमदनी” जानकारी');
    expect(text).not.toContain('sms_income');
    // Without a catalogue the id stays, as before.
    expect(findingSentence(denied, 'Sandbox Lender')).toContain('“sms_income”');
  });

  it('names a contract v2 log entry by its place in the log, in words', () => {
    expect(recordId('leaf 12')).toBe('at place 12 in its log');
    expect(recordId('d-7')).toBe('d-7');
    setLocale('hi');
    expect(recordId('leaf 12')).toBe('उसके लॉग में क्रम 12 पर');
  });

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

  it('says how an offer differs from the quote given before consent, both values in plain words', () => {
    const f = finding({ rule: 'quote-offer-mismatch', facts: factsOf('quote-offer-mismatch'), count: 1, at: NOW });
    expect(findingSentence(f, 'QuickRupee')).toBe(
      'QuickRupee’s offer o-1 differs from the quote quote-1 it signed before you consented with the same choices: ' +
        'interest quoted 2.2% a month, offered 2.7% a month; amount quoted ₹50,000, offered ₹20,000.',
    );
    setLocale('hi');
    expect(findingSentence(f, 'QuickRupee')).toContain('ब्याज अनुमान में 2.2% महीने का');
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

  it('says what the phone saw, when, from which file, and what that file cannot show', () => {
    const facts = factsOf('observed-prohibited-access');
    const seen = finding({ rule: 'observed-prohibited-access', facts, signal: null });
    const day = formatDateTime(NOW - DAY);
    expect(findingSentence(seen, 'Sandbox Lender')).toBe(
      `Your phone saw in.khata.sandbox.lender, the app of Sandbox Lender, use your contacts (READ_CONTACTS) in the background on ${day}. ` +
        'It is your contact list, which lending apps may not access at all. ' +
        'Seen in appops.txt (SHA-256 9f86d081884c…, Android app activity record (dumpsys appops)). ' +
        'Its times were read at UTC+05:30, the time zone chosen at import. ' +
        'What this file cannot show: it shows that and when the app used it, not what it read or where it sent it; ' +
        'Android keeps only the last use of each kind; the file’s times carry no time zone; they were read in the one shown.',
    );
    expect(findingSource(seen)).toMatch(/^RBI Guidelines on Digital Lending/);
    expect(observedFacts(seen)?.sourceSha256).toBe(SHA);
    expect(observedFacts(finding())).toBeNull();
    const revoked = finding({ rule: 'observed-after-revocation', facts: factsOf('observed-after-revocation') });
    expect(findingSentence(revoked, 'L')).toContain(`This was after you revoked consent c-1 on ${formatDateTime(NOW - 2 * DAY)}.`);
    expect(findingSource(revoked)).toBeNull();
    const [, kyc] = CASES.find(([rule]) => rule === 'observed-beyond-kyc')!;
    const text = findingSentence(finding({ rule: 'observed-beyond-kyc', facts: kyc }), 'L');
    expect(text).toContain('your phone saw it used 78 times in all, these in the background.');
    expect(text).toContain('Its times were counted back from the phone’s clock at capture.');
  });

  it('names the domain an app contacted and who the consent does name', () => {
    const facts = factsOf('observed-unnamed-recipient');
    const text = findingSentence(
      finding({ rule: 'observed-unnamed-recipient', facts, count: 3, at: NOW - 3 * DAY, lastAt: NOW - DAY }),
      'QuickRupee',
    );
    expect(text).toMatch(/^Your phone saw in\.khata\.sandbox\.lender, the app of QuickRupee, contact adnet-metrics\.io \(owned by AdNet\) on /);
    expect(text).toContain('adnet-metrics.io is neither QuickRupee’s own nor anyone your consent names (it names only: CIBIL).');
    expect(text).toContain('the iOS report covers only the last 7 days');
    expect(text).not.toContain('UTC');
  });

  it('lists a phone finding’s observations, with how many more, then its file', () => {
    const seen = finding({
      rule: 'observed-beyond-kyc',
      records: [
        { kind: 'phone-observation', id: `${SHA}/0`, localId: null },
        { kind: 'phone-observation', id: `${SHA}/9`, localId: null },
        { kind: 'phone-source', id: SHA, localId: null },
      ],
      recordsOmitted: 4,
    });
    expect(findingRecords(seen)).toBe(`phone record ${SHA}/0, phone record ${SHA}/9, … and 4 more, phone file ${SHA}`);
    setLocale('hi');
    expect(findingRecords(seen)).toBe(`फ़ोन का रिकॉर्ड ${SHA}/0, फ़ोन का रिकॉर्ड ${SHA}/9, … और 4 अन्य, फ़ोन की फ़ाइल ${SHA}`);
  });

  it('says it in plain Hindi: what the phone saw, and the file’s limits', () => {
    setLocale('hi');
    const seen = finding({ rule: 'observed-prohibited-access', facts: factsOf('observed-prohibited-access') });
    expect(t('audit.rule.observed-prohibited-access')).toMatch(/^फ़ोन ने देखा: /);
    const text = findingSentence(seen, 'QuickRupee');
    expect(text).toContain('आपके फ़ोन ने देखा कि QuickRupee के ऐप in.khata.sandbox.lender ने');
    expect(text).toContain('इसका इस्तेमाल किया: आपके संपर्क (READ_CONTACTS), वह भी बैकग्राउंड में');
    expect(text).toContain('यह आपकी संपर्क सूची है, जिसे ऋण देने वाले ऐप ले ही नहीं सकते।');
    expect(text).toContain('यह appops.txt में दिखा (SHA-256 9f86d081884c…');
    expect(text).toContain('Android हर तरह का केवल आख़िरी इस्तेमाल रखता है');
    const facts = observedFacts(seen)!;
    expect(observedSource({ ...facts, limits: [] })).not.toContain('नहीं दिखा सकती');
  });

  it('shows how Khata recomputed the annual rate of a Key Fact Statement, and which sum does not add up', () => {
    const apr = findingSentence(finding({ rule: 'kfs-apr-mismatch', facts: factsOf('kfs-apr-mismatch') }), 'QuickRupee');
    expect(apr).toBe(
      'QuickRupee states an annual rate of 21.6%. Its 12 instalments (₹1,12,081 in all) are worth the ₹97,640 it pays out at 2.1886% a month; 2.1886% × 12 = 26.26% a year (the RBI’s method; a difference of up to 0.11% is allowed).',
    );
    const split = findingSentence(
      finding({ rule: 'kfs-inconsistent', facts: factsOf('kfs-inconsistent') }),
      'QuickRupee',
    );
    expect(split).toContain('an instalment is not its principal plus its interest (instalment 4)');
    expect(split).toContain('the statement says ₹9,340, its own figures give ₹9,345');
    expect(t('audit.rule.kfs-missing')).toContain('key facts');
    setLocale('hi');
    const hi = findingSentence(finding({ rule: 'kfs-apr-mismatch', facts: factsOf('kfs-apr-mismatch') }), 'QuickRupee');
    expect(hi).toContain('26.26%');
    expect(hi).toContain('₹97,640');
    expect(hi.replace('QuickRupee', '')).not.toMatch(/[A-Za-z]/);
  });

  it('shortens only roots long enough to shorten', () => {
    expect(shortRoot(ROOT_A)).toBe('Zk3vQ2Hc…A9fA');
    expect(shortRoot('abc')).toBe('abc');
  });
});
