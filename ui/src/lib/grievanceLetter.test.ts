import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from './bindings/Finding';
import type { FindingFacts } from './bindings/FindingFacts';
import { findingSentence, findingSource } from './findingText';
import { formatDateTime } from './format';
import { grievanceLetter } from './grievanceLetter';
import { setLocale, t, type Locale } from './i18n/i18n.svelte';
import { finding, grievanceDraft, logFork, DAY, NOW, PROHIBITED_FACTS, RBI_SOURCE, ROOT_A, ROOT_B } from '../test/fixtures';

afterEach(() => setLocale('en'));

/** Findings of several kinds: one each way a sentence, a count or the records can read. */
const FINDINGS: Finding[] = [
  finding(),
  finding({ rule: 'prohibited-signal', facts: PROHIBITED_FACTS, signal: 'call_logs' }),
  finding({
    rule: 'unnamed-recipient',
    severity: 'high',
    consentId: 'c-2',
    facts: { kind: 'unnamedRecipient', recipient: 'adnet-42', named: ['bureau-1'] },
  }),
  finding({ rule: 'collected-after-expiry', severity: 'high', facts: { kind: 'expired', expiredAt: NOW - 3 * DAY } }),
  finding({
    rule: 'above-frequency',
    severity: 'medium',
    signal: 'sms_income',
    count: 1_000_000,
    at: NOW - 2 * DAY,
    lastAt: NOW - DAY,
    facts: { kind: 'frequency', value: 1, unit: 'day', mostInWindow: 600 },
    records: [
      { kind: 'disclosure', id: 'd-1', localId: 1 },
      { kind: 'disclosure', id: 'd-1000000', localId: 1_000_000 },
      { kind: 'consent', id: 'c-1', localId: null },
    ],
    recordsOmitted: 999_998,
  }),
  finding({
    rule: 'data-life-exceeded',
    severity: 'medium',
    facts: { kind: 'dataLife', value: 30, unit: 'day', ranOutFirst: NOW - 5 * DAY, ranOutLast: NOW - 5 * DAY },
  }),
  finding({ rule: 'no-consent', severity: 'critical', consentId: null, facts: { kind: 'noConsent' } }),
];
const DRAFT = grievanceDraft({ findings: FINDINGS });

function letterIn(locale: Locale): string {
  setLocale(locale);
  return grievanceLetter(DRAFT);
}

/** Every string and number inside a value (a finding's facts, records…). */
function leaves(value: unknown): Array<string | number> {
  if (typeof value === 'string' || typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (value && typeof value === 'object') return Object.values(value).flatMap(leaves);
  return [];
}

/** A finding's sentence as the letter cites it: with the rules' source beside regulatory ones. */
function sentenceWithSource(f: Finding): string {
  const source = findingSource(f);
  return `${findingSentence(f, 'Sandbox Lender')}${source ? ` — ${source}` : ''}`;
}

describe('grievanceLetter', () => {
  it('cites every finding in English: its severity, rule, sentence, time and records', () => {
    const letter = letterIn('en');
    expect(letter.startsWith('To: The Grievance Officer, Sandbox Lender\n')).toBe(true);
    expect(letter).toContain(`Date: ${formatDateTime(NOW)}`);
    expect(letter).toContain('section 13 of the Digital Personal Data Protection Act, 2023');
    expect(letter).toContain('for credit under consents c-1, c-2.');
    expect(letter).toContain('show 7 problems (3 Critical, 2 High, 2 Medium):');
    FINDINGS.forEach((f, i) => {
      expect(letter).toContain(`${i + 1}. [${t(`audit.severity.${f.severity}`)}] ${t(`audit.rule.${f.rule}`)}\n`);
      expect(letter).toContain(`   ${sentenceWithSource(f)}\n`);
      expect(letter).toContain(`Rule: ${f.rule}.`);
    });
    expect(letter).toContain(`1. [Critical] Collected after you revoked the consent\n`);
    expect(letter).toContain('which lending apps may not access at all. — RBI Guidelines on Digital Lending (');
    expect(letter).toContain(`When: ${formatDateTime(NOW - DAY)}. Rule: collected-after-revocation. Records: disclosure d-9.`);
    expect(letter).toContain(
      `When: 10,00,000 times, ${formatDateTime(NOW - 2 * DAY)} to ${formatDateTime(NOW - DAY)}. Rule: above-frequency. ` +
        'Records: disclosure d-1, disclosure d-1000000, … and 9,99,998 more, consent c-1.',
    );
    expect(letter).toContain('Data Protection Board of India (s.13(3))');
    expect(letter.trimEnd().endsWith('[Your registered mobile number or customer id]')).toBe(true);
    // Pure: the same draft gives the same letter.
    expect(grievanceLetter(DRAFT)).toBe(letter);
  });

  it('cites every finding in Hindi, with no English but names, ids and numbers', () => {
    const letter = letterIn('hi');
    expect(letter).toMatch(/[\u0900-\u097F]/);
    expect(letter.startsWith('सेवा में: शिकायत अधिकारी, Sandbox Lender\n')).toBe(true);
    expect(letter).toContain('डिजिटल व्यक्तिगत डेटा संरक्षण अधिनियम, 2023 की धारा 13');
    expect(letter).toContain('सहमतियों c-1, c-2 के तहत Sandbox Lender के साथ');
    expect(letter).toContain('7 समस्याएँ दिखती हैं (3 गंभीर, 2 उच्च, 2 मध्यम):');
    FINDINGS.forEach((f, i) => {
      expect(letter).toContain(`${i + 1}. [${t(`audit.severity.${f.severity}`)}] ${t(`audit.rule.${f.rule}`)}\n`);
      expect(letter).toContain(`   ${sentenceWithSource(f)}\n`);
      expect(letter).toContain(`नियम: ${f.rule}।`);
    });
    expect(letter).toContain('रिकॉर्ड: खुलासा d-1, खुलासा d-1000000, … और 9,99,998 अन्य, सहमति c-1।');

    // Take out what may stay as it is: the lender's name, ids, signals, flags and the app's
    // formatted dates (Intl's hi-IN writes "am"/"pm"); no other Latin letter may be left.
    const times = [DRAFT.draftedAt, ...FINDINGS.flatMap((f) => [f.at, f.lastAt, ...leaves(f.facts)])].filter(
      (v): v is number => typeof v === 'number' && v > 1_000_000_000_000,
    );
    const kept = [
      DRAFT.lenderName,
      ...times.map(formatDateTime),
      ...FINDINGS.flatMap((f) => [
        f.rule,
        f.signal ?? '',
        f.consentId ?? '',
        ...f.records.map((r) => r.id),
        ...leaves(f.facts).filter((v): v is string => typeof v === 'string' && v !== f.facts.kind),
      ]),
    ]
      .filter((s) => s !== '')
      .sort((a, b) => b.length - a.length);
    let rest = letter;
    for (const s of kept) rest = rest.split(s).join('');
    expect(rest.match(/[A-Za-z]+/g) ?? []).toEqual([]);
  });

  it('says so when no consent is cited', () => {
    setLocale('en');
    const letter = grievanceLetter(
      grievanceDraft({ findings: [finding({ rule: 'no-consent', consentId: null, facts: { kind: 'noConsent' } })] }),
    );
    expect(letter).toContain('I shared personal data with Sandbox Lender for credit. My records');
    expect(letter).toContain('show 1 problem (1 Critical):');
  });

  it('cites a lender that rewrote its log by both signed heads, in English and Hindi', () => {
    const draft = grievanceDraft({ findings: [logFork()] });
    setLocale('en');
    const letter = grievanceLetter(draft);
    expect(letter).toContain('1. [Critical] The lender signed two different histories of your disclosures\n');
    expect(letter).toContain('Sandbox Lender signed two different versions of its record of your first 1,200 disclosures');
    expect(letter).toContain('(root hash Zk3vQ2Hc…A9fA)');
    expect(letter).toContain(`Rule: log-fork. Records: signed log record 1200/${ROOT_A}, signed log record 1200/${ROOT_B}.`);
    expect(letter).toContain('I shared personal data with Sandbox Lender for credit. My records');
    setLocale('hi');
    const hindi = grievanceLetter(draft);
    expect(hindi).toContain('1. [गंभीर] ऋणदाता ने आपके खुलासों के दो अलग-अलग इतिहासों पर हस्ताक्षर किए\n');
    expect(hindi).toContain('दोनों पर उसके हस्ताक्षर हैं');
    expect(hindi).toContain(`रिकॉर्ड: हस्ताक्षरित लॉग रिकॉर्ड 1200/${ROOT_A}, हस्ताक्षरित लॉग रिकॉर्ड 1200/${ROOT_B}।`);
  });

  it('names the phone files its phone-evidenced findings rest on, with their full hashes', () => {
    const sha = 'ab'.repeat(32);
    const facts: FindingFacts = {
      kind: 'observed',
      resource: 'callLog',
      op: 'READ_CALL_LOG',
      app: 'in.khata.sandbox.lender',
      platform: 'android',
      state: 'background',
      firstAt: NOW - DAY,
      lastAt: NOW - DAY,
      count: 1,
      openInterval: false,
      sourceSha256: sha,
      sourceFormat: 'android-capture',
      fileName: 'khata-capture-R58N.txt',
      capturedAt: NOW,
      limits: ['useNotContent', 'lastAccessOnly'],
      utcOffsetMin: 330,
      offsetFrom: 'device',
      network: null,
      why: { kind: 'prohibited', data: 'callLogs', source: RBI_SOURCE },
    };
    const seen = finding({
      rule: 'observed-prohibited-access',
      facts,
      signal: null,
      records: [
        { kind: 'phone-observation', id: `${sha}/0`, localId: null },
        { kind: 'phone-source', id: sha, localId: null },
      ],
    });
    const draft = grievanceDraft({ findings: [seen, { ...seen, rule: 'observed-without-consent' }, finding()] });
    setLocale('en');
    const letter = grievanceLetter(draft);
    expect(letter).toContain('and what my own phone recorded of your app, show 3 problems');
    expect(letter).toContain('Your phone saw in.khata.sandbox.lender, the app of Sandbox Lender, use your call log (READ_CALL_LOG)');
    expect(letter).toContain('Seen in khata-capture-R58N.txt (SHA-256 abababababab…, capture from your phone over USB, made');
    expect(letter).toContain(
      `The file is enclosed unchanged in the evidence folder, each with its SHA-256 hash: khata-capture-R58N.txt (SHA-256 ${sha}).`,
    );
    expect(letter.split(sha).length - 1, 'the full hash in the records and once in the list').toBe(5);
    setLocale('hi');
    const hindi = grievanceLetter(draft);
    expect(hindi).toContain('मेरे फ़ोन ने आपके ऐप के बारे में जो दर्ज किया उसमें, 3 समस्याएँ दिखती हैं');
    expect(hindi).toContain('आपके फ़ोन ने देखा कि Sandbox Lender के ऐप in.khata.sandbox.lender ने');
    expect(hindi).toContain(`वह फ़ाइल बिना बदले सबूत वाले फ़ोल्डर में संलग्न है, हर एक अपने SHA-256 हैश के साथ: khata-capture-R58N.txt (SHA-256 ${sha})।`);
    // Without phone evidence the letter reads as before.
    setLocale('en');
    expect(grievanceLetter(grievanceDraft())).not.toContain('my own phone');
  });
});

describe('a Key Fact Statement finding in the letter', () => {
  it('cites the stated and the recomputed annual rate with the computation, in both languages', () => {
    const apr = finding({
      rule: 'kfs-apr-mismatch',
      severity: 'high',
      signal: null,
      records: [{ kind: 'offer', id: 'offer-1', localId: null }],
      facts: {
        kind: 'kfsAprMismatch',
        statedBps: 2160,
        recomputedBps: 2626,
        toleranceBps: 11,
        disbursedInr: 97640,
        instalments: 12,
        repaidInr: 112081,
        monthlyRatePpm: 21886,
      },
    });
    for (const locale of ['en', 'hi'] as const) {
      setLocale(locale);
      const letter = grievanceLetter(grievanceDraft({ findings: [apr] }));
      expect(letter).toContain(t('audit.rule.kfs-apr-mismatch'));
      expect(letter).toContain(findingSentence(apr, 'Sandbox Lender'));
      expect(letter).toContain('2.1886% × 12 = 26.26%');
      expect(letter).toContain('21.6%');
    }
  });
});
