/**
 * The grievance letter to a lender's grievance officer (DPDP Act 2023, s.13), in the language
 * the borrower reads, as a person would send it: signed with the borrower's name from Your
 * details, dates in words, signals by the names the lender gave them, and no ids in the body.
 * The ids an officer needs to find the records (customer id, consents, each problem's
 * records, the phone files' SHA-256 hashes) are listed at the end, under "References".
 *
 * Rust hands over what the letter cites (`GrievanceDraft`: the lender, the time it was
 * drafted, every finding against the lender, the consents and signals they cite, the signer,
 * the lender's bound on a filed text) and no sentence; the letter is composed here from the
 * `grievance.letter.*` messages and each finding's sentence from `findingText.ts`. The borrower
 * may edit it; the text they confirm is the text saved in the packet and filed. A letter
 * longer than the lender's form takes is filed as its summary ([`grievanceSummary`]), never
 * cut.
 */
import type { Finding } from './bindings/Finding';
import type { GrievanceDraft } from './bindings/GrievanceDraft';
import type { Severity } from './bindings/Severity';
import { findingRecords, findingSentence, findingSource, observedFacts, type FindingStyle } from './findingText';
import { formatDateTimeWords, formatDateWords, formatNumber } from './format';
import { t } from './i18n/i18n.svelte';
import { signalName } from './signalText';

const SEVERITIES: ReadonlyArray<Severity> = ['critical', 'high', 'medium', 'low'];

/** "2 Critical, 1 High": how many findings of each severity, most severe first. */
function severityCounts(draft: GrievanceDraft): string {
  return SEVERITIES.map((severity) => ({
    severity,
    n: draft.findings.filter((finding) => finding.severity === severity).length,
  }))
    .filter(({ n }) => n > 0)
    .map(({ severity, n }) =>
      t('grievance.letter.severityCount', { n: formatNumber(n), severity: t(`audit.severity.${severity}`) }),
    )
    .join(', ');
}

/** How a letter cites a finding: dates in words, signals by name, consents by number. */
export function letterStyle(draft: GrievanceDraft): FindingStyle {
  const signals = new Map(draft.signals.map((signal) => [signal.id, signal]));
  return {
    time: formatDateTimeWords,
    signal: (id) => {
      const signal = signals.get(id);
      return signal ? signalName(signal.texts, signal.name) || id : id;
    },
    consent: (id) => {
      const n = draft.consentIds.indexOf(id);
      return n < 0 ? id : t('grievance.letter.consentRef', { n: n + 1 });
    },
    ids: false,
  };
}

/** The phone files the findings rest on, each once, in the order first cited: name → SHA-256. */
function phoneFiles(draft: GrievanceDraft): Map<string, string> {
  const files = new Map<string, string>();
  for (const finding of draft.findings) {
    const seen = observedFacts(finding);
    if (seen) files.set(seen.fileName, seen.sourceSha256);
  }
  return files;
}

/** "To…", the date in words and the subject. */
function heading(draft: GrievanceDraft): string {
  return [
    t('grievance.letter.to', { lender: draft.lenderName }),
    t('grievance.letter.date', { date: formatDateWords(draft.draftedAt) }),
    t('grievance.letter.subject'),
  ].join('\n');
}

/** Who writes, and under which consents they shared data. */
function opening(draft: GrievanceDraft, problems: string): string {
  const lender = draft.lenderName;
  const name = draft.signer.fullName.trim();
  const shared =
    draft.consentIds.length === 0
      ? t('grievance.letter.shared', { lender })
      : t('grievance.letter.sharedUnder', { lender, count: draft.consentIds.length });
  return [name ? t('grievance.letter.intro', { name, lender }) : '', shared, problems].filter(Boolean).join(' ');
}

/** "Sincerely," and the borrower's name, phone and email as their profile gives them. */
function closing(draft: GrievanceDraft): string {
  const { fullName, phone, email } = draft.signer;
  const signature = [
    fullName.trim(),
    phone.trim() ? t('grievance.letter.phone', { phone: phone.trim() }) : '',
    email.trim() ? t('grievance.letter.email', { email: email.trim() }) : '',
  ].filter(Boolean);
  return [t('grievance.letter.closing'), ...(signature.length > 0 ? ['', ...signature] : [])].join('\n');
}

/** The ids an officer looks records up by: customer id, consents, each problem's records, files. */
function references(draft: GrievanceDraft): string {
  const lines = [t('grievance.letter.references')];
  if (draft.signer.customerId) {
    lines.push(t('grievance.letter.ref.customerId', { lender: draft.lenderName, id: draft.signer.customerId }));
  }
  draft.consentIds.forEach((id, i) => lines.push(t('grievance.letter.ref.consent', { n: i + 1, id })));
  draft.findings.forEach((finding: Finding, i) =>
    lines.push(
      t('grievance.letter.ref.finding', {
        index: i + 1,
        rule: finding.rule,
        records: findingRecords(finding) || '—',
      }),
    ),
  );
  for (const [file, sha] of phoneFiles(draft)) lines.push(t('grievance.letter.ref.phoneFile', { file, sha }));
  return lines.join('\n');
}

/** The whole letter, plain text: paragraphs apart by a blank line, findings numbered from 1. */
export function grievanceLetter(draft: GrievanceDraft): string {
  const lender = draft.lenderName;
  const style = letterStyle(draft);
  const files = phoneFiles(draft);
  const problems = t(files.size > 0 ? 'grievance.letter.problemsWithPhone' : 'grievance.letter.problems', {
    count: draft.findings.length,
    severities: severityCounts(draft),
  });
  const findings = draft.findings.map((finding, i) =>
    t('grievance.letter.finding', {
      index: i + 1,
      severity: t(`audit.severity.${finding.severity}`),
      title: t(`audit.rule.${finding.rule}`),
      sentence: [findingSentence(finding, lender, style), findingSource(finding)].filter(Boolean).join(' — '),
      when: t('grievance.letter.when', {
        count: finding.count,
        n: formatNumber(finding.count),
        first: formatDateTimeWords(finding.at),
        last: formatDateTimeWords(finding.lastAt),
      }),
    }),
  );
  return (
    [
      heading(draft),
      t('grievance.letter.greeting'),
      opening(draft, problems),
      ...findings,
      t('grievance.letter.evidence'),
      ...(files.size > 0
        ? [t('grievance.letter.phoneEvidence', { count: files.size, files: [...files.keys()].join('; ') })]
        : []),
      t('grievance.letter.asks'),
      closing(draft),
      references(draft),
    ].join('\n\n') + '\n'
  );
}

/**
 * What is filed when the letter is longer than the lender's form takes (`draft.detailMax`
 * characters): the same heading, opening and requests, each kind of problem once with how
 * often it happened, and a sentence saying the whole letter comes with the grievance packet.
 * Grouped by rule, so its length does not grow with the number of findings.
 */
export function grievanceSummary(draft: GrievanceDraft, letterChars: number): string {
  const files = phoneFiles(draft);
  const problems = t(files.size > 0 ? 'grievance.letter.problemsWithPhone' : 'grievance.letter.problems', {
    count: draft.findings.length,
    severities: severityCounts(draft),
  });
  const byRule = new Map<string, { finding: Finding; times: number }>();
  for (const finding of draft.findings) {
    const seen = byRule.get(finding.rule);
    if (seen) seen.times += finding.count;
    else byRule.set(finding.rule, { finding, times: finding.count });
  }
  const lines = [...byRule.values()].map(({ finding, times }, i) =>
    t('grievance.summary.rule', {
      index: i + 1,
      severity: t(`audit.severity.${finding.severity}`),
      title: t(`audit.rule.${finding.rule}`),
      count: times,
      n: formatNumber(times),
    }),
  );
  return (
    [
      heading(draft),
      t('grievance.letter.greeting'),
      opening(draft, problems),
      lines.join('\n'),
      t('grievance.summary.full', { chars: formatNumber(letterChars) }),
      t('grievance.letter.asks'),
      closing(draft),
      ...(draft.signer.customerId
        ? [
            [
              t('grievance.letter.references'),
              t('grievance.letter.ref.customerId', { lender: draft.lenderName, id: draft.signer.customerId }),
            ].join('\n'),
          ]
        : []),
    ].join('\n\n') + '\n'
  );
}

/** Characters as the lender's form counts them (Unicode code points, not UTF-16 units). */
export function letterChars(text: string): number {
  return [...text].length;
}

/** The text the lender is sent for `letter`: the letter itself when it fits, else its summary. */
export function filedText(draft: GrievanceDraft, letter: string): { text: string; summary: string | null } {
  const chars = letterChars(letter);
  if (chars <= draft.detailMax) return { text: letter, summary: null };
  const summary = grievanceSummary(draft, chars);
  return { text: summary, summary };
}
