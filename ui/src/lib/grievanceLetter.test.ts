import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from './bindings/Finding';
import type { FindingFacts } from './bindings/FindingFacts';
import { findingSentence, findingSource } from './findingText';
import { formatDateTimeWords, formatDateWords } from './format';
import { filedText, grievanceLetter, grievanceSummary, letterStyle } from './grievanceLetter';
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
const SIGNER = { fullName: 'Asha Verma', phone: '+91 98765 43210', email: 'asha@example.test', customerId: 'cust-4f9d2c1e-8a7b-4c3d-9e2f-1a2b3c4d5e6f' };
const SIGNALS = [
  { id: 'contacts', name: 'Phone contacts' },
  { id: 'call_logs', name: 'Call history' },
  { id: 'sms_income', name: 'Income from SMS' },
].map((s) => ({ ...s, description: '', dpvCategory: 'pd:Contact', sensitivity: 'high' as const, regulatoryFlags: [], prohibited: false, texts: {} }));
/** Consent ids as a lender issues them: UUIDs, which a letter's body must not carry. */
const C1 = '7d3f1a2b-5c6d-4e8f-9a0b-1c2d3e4f5a6b';
const C2 = '0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const DRAFT = grievanceDraft({
  findings: FINDINGS.map((f) => ({ ...f, consentId: f.consentId === 'c-1' ? C1 : f.consentId === 'c-2' ? C2 : f.consentId })),
  consentIds: [C1, C2],
  signals: SIGNALS,
  signer: SIGNER,
});

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
  return `${findingSentence(f, 'Sandbox Lender', letterStyle(DRAFT))}${source ? ` — ${source}` : ''}`;
}

/** The letter's body and its References apart. */
function parts(letter: string, heading: string): { body: string; references: string } {
  const at = letter.lastIndexOf(`\n\n${heading}\n`);
  expect(at, 'the letter ends with its references').toBeGreaterThan(0);
  return { body: letter.slice(0, at), references: letter.slice(at) };
}

describe('grievanceLetter', () => {
  it('reads as a letter in English: signed, dates in words, signals by name, ids only under References', () => {
    const letter = letterIn('en');
    const { body, references } = parts(letter, 'References');
    expect(letter.startsWith('To: The Grievance Officer, Sandbox Lender\n')).toBe(true);
    expect(body).toContain(`Date: ${formatDateWords(NOW)}`);
    expect(formatDateWords(Date.UTC(2026, 10, 29, 6))).toBe('29 November 2026');
    expect(body).toContain('section 13 of the Digital Personal Data Protection Act, 2023');
    expect(body).toContain('I am Asha Verma, a customer of Sandbox Lender. I shared personal data with Sandbox Lender for credit under 2 consents, numbered under References.');
    expect(body).toContain('show 7 problems (3 Critical, 2 High, 2 Medium):');
    DRAFT.findings.forEach((f, i) => {
      expect(body).toContain(`${i + 1}. [${t(`audit.severity.${f.severity}`)}] ${t(`audit.rule.${f.rule}`)}\n`);
      expect(body).toContain(`   ${sentenceWithSource(f)}\n`);
      expect(references).toContain(`Problem ${i + 1} (rule ${f.rule}): `);
    });
    // Signals by the lender's names, consents by number, times in words; no ids in the body.
    expect(body).toContain('Your “Phone contacts” data was collected on ');
    expect(body).toContain('after you revoked consent no. 1 on ');
    expect(body).toContain(`When: ${formatDateTimeWords(NOW - DAY)}.`);
    expect(body).toContain(
      `When: 10,00,000 times, from ${formatDateTimeWords(NOW - 2 * DAY)} to ${formatDateTimeWords(NOW - DAY)}.`,
    );
    expect(body).not.toMatch(UUID);
    expect(body).not.toContain('Rule:');
    expect(body).not.toContain('d-1000000');
    expect(body).not.toContain('[Your name]');
    expect(body).not.toMatch(/\b\d{4}-\d{2}-\d{2}T/);
    expect(body).toContain('Data Protection Board of India (s.13(3))');
    expect(body.trimEnd().endsWith('Sincerely,\n\nAsha Verma\nMobile: +91 98765 43210\nEmail: asha@example.test')).toBe(true);
    // The ids an officer needs, apart at the end.
    expect(references).toContain(`My customer id with Sandbox Lender: ${SIGNER.customerId}`);
    expect(references).toContain(`Consent no. 1: ${C1}\nConsent no. 2: ${C2}`);
    expect(references).toContain('Problem 5 (rule above-frequency): disclosure d-1, disclosure d-1000000, … and 9,99,998 more, consent c-1');
    // Pure: the same draft gives the same letter.
    expect(grievanceLetter(DRAFT)).toBe(letter);
  });

  it('reads as a letter in Hindi, with no English but names, ids and numbers', () => {
    const letter = letterIn('hi');
    const { body, references } = parts(letter, 'संदर्भ');
    expect(letter).toMatch(/[\u0900-\u097F]/);
    expect(letter.startsWith('सेवा में: शिकायत अधिकारी, Sandbox Lender\n')).toBe(true);
    expect(body).toContain(`दिनांक: ${formatDateWords(NOW)}`);
    expect(formatDateWords(Date.UTC(2026, 10, 29, 6))).toBe('29 नवंबर 2026');
    expect(body).toContain('डिजिटल व्यक्तिगत डेटा संरक्षण अधिनियम, 2023 की धारा 13');
    expect(body).toContain('मैं Asha Verma, Sandbox Lender का/की ग्राहक हूँ।');
    expect(body).toContain('7 समस्याएँ दिखती हैं (3 बहुत गंभीर, 2 गंभीर, 2 मध्यम):');
    expect(body).toContain('सहमति क्रमांक 1 वापस ले चुके थे');
    expect(body).not.toMatch(UUID);
    DRAFT.findings.forEach((f, i) => {
      expect(body).toContain(`${i + 1}. [${t(`audit.severity.${f.severity}`)}] ${t(`audit.rule.${f.rule}`)}\n`);
      expect(body).toContain(`   ${sentenceWithSource(f)}\n`);
    });
    expect(references).toContain('समस्या 5 (नियम above-frequency): खुलासा d-1, खुलासा d-1000000, … और 9,99,998 अन्य, सहमति c-1');
    expect(references).toContain(`सहमति क्रमांक 1: ${C1}`);

    // Take out what may stay as it is: the names (the lender's, the borrower's, the signals'),
    // the contact details and the ids, signals and flags of the findings; no other Latin letter
    // may be left in the body.
    const kept = [
      DRAFT.lenderName,
      SIGNER.fullName,
      SIGNER.email,
      ...SIGNALS.map((s) => s.name),
      ...DRAFT.findings.flatMap((f) => [
        f.signal ?? '',
        ...leaves(f.facts).filter((v): v is string => typeof v === 'string' && v !== f.facts.kind),
      ]),
    ]
      .filter((s) => s !== '')
      .sort((a, b) => b.length - a.length);
    let rest = body;
    for (const s of kept) rest = rest.split(s).join('');
    expect(rest.match(/[A-Za-z]+/g) ?? []).toEqual([]);
  });

  it('says so when no consent is cited, and signs with nothing it does not know', () => {
    setLocale('en');
    const letter = grievanceLetter(
      grievanceDraft({ findings: [finding({ rule: 'no-consent', consentId: null, facts: { kind: 'noConsent' } })] }),
    );
    expect(letter).toContain('\n\nI shared personal data with Sandbox Lender for credit. My records');
    expect(letter).toContain('show 1 problem (1 Critical):');
    expect(letter).not.toContain('[Your');
    expect(letter).toContain('Sincerely,\n\nReferences\n');
  });

  it('cites a lender that rewrote its log by both signed heads, in English and Hindi', () => {
    const draft = grievanceDraft({ findings: [logFork()], signer: SIGNER });
    setLocale('en');
    const letter = grievanceLetter(draft);
    expect(letter).toContain('1. [Critical] The lender signed two different histories of your disclosures\n');
    expect(letter).toContain('Sandbox Lender signed two different versions of its record of your first 1,200 disclosures');
    expect(letter).toContain('(root hash Zk3vQ2Hc…A9fA)');
    expect(letter).toContain(`Problem 1 (rule log-fork): signed log record 1200/${ROOT_A}, signed log record 1200/${ROOT_B}`);
    setLocale('hi');
    const hindi = grievanceLetter(draft);
    expect(hindi).toContain('1. [बहुत गंभीर] ऋणदाता ने आपके खुलासों के दो अलग-अलग इतिहासों पर हस्ताक्षर किए\n');
    expect(hindi).toContain('दोनों पर उसके हस्ताक्षर हैं');
    expect(hindi).toContain(`समस्या 1 (नियम log-fork): हस्ताक्षरित लॉग रिकॉर्ड 1200/${ROOT_A}, हस्ताक्षरित लॉग रिकॉर्ड 1200/${ROOT_B}`);
  });

  it('names the phone files in the body and their full hashes under References', () => {
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
    const draft = grievanceDraft({ findings: [seen, { ...seen, rule: 'observed-without-consent' }, finding()], signer: SIGNER });
    setLocale('en');
    const letter = grievanceLetter(draft);
    const { body, references } = parts(letter, 'References');
    expect(body).toContain('and what my own phone recorded of your app, show 3 problems');
    expect(body).toContain('Your phone saw in.khata.sandbox.lender, the app of Sandbox Lender, use your call log (READ_CALL_LOG)');
    expect(body).toContain('Seen in khata-capture-R58N.txt (capture from your phone over USB, made');
    expect(body).toContain(
      'The file is enclosed unchanged in the evidence folder: khata-capture-R58N.txt. Its SHA-256 hash is listed under References.',
    );
    expect(body).not.toContain(sha.slice(0, 12));
    expect(references).toContain(`Phone file khata-capture-R58N.txt: SHA-256 ${sha}`);
    setLocale('hi');
    const hindi = grievanceLetter(draft);
    expect(hindi).toContain('मेरे फ़ोन ने आपके ऐप के बारे में जो दर्ज किया उसमें, 3 समस्याएँ दिखती हैं');
    expect(hindi).toContain('आपके फ़ोन ने देखा कि Sandbox Lender के ऐप in.khata.sandbox.lender ने');
    expect(hindi).toContain(`फ़ोन फ़ाइल khata-capture-R58N.txt: SHA-256 ${sha}`);
    setLocale('en');
    expect(grievanceLetter(grievanceDraft())).not.toContain('my own phone');
  });

  it('files a letter the lender takes whole as it is, and a longer one as its summary, in both languages', () => {
    for (const locale of ['en', 'hi'] as const) {
      setLocale(locale);
      const letter = grievanceLetter(DRAFT);
      expect(filedText(DRAFT, letter)).toEqual({ text: letter, summary: null });
      const long = letter + 'x'.repeat(DRAFT.detailMax);
      const { text, summary } = filedText(DRAFT, long);
      expect(summary).toBe(grievanceSummary(DRAFT, [...long].length));
      expect(text).toBe(summary);
      expect([...text].length).toBeLessThanOrEqual(DRAFT.detailMax);
      expect(text).toContain(locale === 'en' ? 'I am Asha Verma' : 'मैं Asha Verma');
      expect(text).toContain(locale === 'en' ? 'in a grievance packet' : 'शिकायत पैकेट में');
      expect(parts(text, locale === 'en' ? 'References' : 'संदर्भ').body).not.toMatch(UUID);
    }
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
