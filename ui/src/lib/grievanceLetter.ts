/**
 * The grievance letter to a lender's grievance officer (DPDP Act 2023, s.13), in the language
 * the borrower reads. Rust hands over what the letter cites (`GrievanceDraft`: the lender, the
 * time it was drafted, every finding against the lender, the consents they cite) and no
 * sentence; the letter is composed here from the `grievance.letter.*` messages and each
 * finding's sentence from `findingText.ts`. The text composed here is the text saved in the
 * packet and filed with the lender, so the borrower sends what they read. Findings that rest on
 * what the borrower's own phone recorded name each file with its full SHA-256, the hash the
 * packet's copy of the file must have.
 */
import type { GrievanceDraft } from './bindings/GrievanceDraft';
import type { Severity } from './bindings/Severity';
import { findingRecords, findingSentence, findingSource, observedFacts } from './findingText';
import { idAsName, type SignalNamer } from './signalText';
import { formatDateTime, formatNumber } from './format';
import { t } from './i18n/i18n.svelte';

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

/** The whole letter, plain text: paragraphs apart by a blank line, findings numbered from 1. */
export function grievanceLetter(draft: GrievanceDraft, name: SignalNamer = idAsName): string {
  const lender = draft.lenderName;
  const shared =
    draft.consentIds.length === 0
      ? t('grievance.letter.shared', { lender })
      : t('grievance.letter.sharedUnder', {
          lender,
          count: draft.consentIds.length,
          consents: draft.consentIds.join(', '),
        });
  // The phone files the findings rest on, each once, in the order first cited.
  const phoneFiles = new Map<string, string>();
  for (const finding of draft.findings) {
    const seen = observedFacts(finding);
    if (seen) phoneFiles.set(seen.sourceSha256, `${seen.fileName} (SHA-256 ${seen.sourceSha256})`);
  }
  const problems = t(phoneFiles.size > 0 ? 'grievance.letter.problemsWithPhone' : 'grievance.letter.problems', {
    count: draft.findings.length,
    severities: severityCounts(draft),
  });
  const findings = draft.findings.map((finding, i) =>
    t('grievance.letter.finding', {
      index: i + 1,
      severity: t(`audit.severity.${finding.severity}`),
      title: t(`audit.rule.${finding.rule}`),
      sentence: [findingSentence(finding, lender, name), findingSource(finding)].filter(Boolean).join(' — '),
      when: t('grievance.letter.when', {
        count: finding.count,
        n: formatNumber(finding.count),
        first: formatDateTime(finding.at),
        last: formatDateTime(finding.lastAt),
      }),
      rule: finding.rule,
      records: findingRecords(finding) || '—',
    }),
  );
  const heading = [
    t('grievance.letter.to', { lender }),
    t('grievance.letter.date', { date: formatDateTime(draft.draftedAt) }),
    t('grievance.letter.subject'),
  ].join('\n');
  return (
    [
      heading,
      t('grievance.letter.greeting'),
      `${shared} ${problems}`,
      ...findings,
      t('grievance.letter.evidence'),
      ...(phoneFiles.size > 0
        ? [t('grievance.letter.phoneEvidence', { count: phoneFiles.size, files: [...phoneFiles.values()].join('; ') })]
        : []),
      t('grievance.letter.asks'),
      t('grievance.letter.closing'),
    ].join('\n\n') + '\n'
  );
}
