/**
 * Rights requests in words, in the language the borrower reads: each statutory clock ("Reply
 * due by 31 Dec 2026 — RBI rules, 30 days"), the follow-up letter and the complaints to the
 * RBI Ombudsman or the Data Protection Board, and the calendar's words for each deadline. Rust
 * hands over facts (`EscalationFacts`, `ClockView`) and no sentence; the texts composed here
 * are the ones the borrower reads, edits and saves.
 */
import type { CalendarText } from './bindings/CalendarText';
import type { ClockView } from './bindings/ClockView';
import type { EscalationFacts } from './bindings/EscalationFacts';
import type { NextStep } from './bindings/NextStep';
import type { RightsKindView } from './bindings/RightsKindView';
import type { RightsRequestView } from './bindings/RightsRequestView';
import { formatDate } from './format';
import { t, tOr } from './i18n/i18n.svelte';

/** Every kind, in the order the form offers them, with the law beside each. */
export const RIGHTS_KINDS: ReadonlyArray<RightsKindView> = [
  'access',
  'correction',
  'erasure',
  'grievance',
  'nomination',
  'human_review',
];

/** An ISO date (`2026-12-01`) as the borrower reads dates. */
function isoDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return formatDate(Date.UTC(y, m - 1, d, 12));
}

/** The short name of a clock's source ("RBI rules"); its full title when none is known. */
export function clockSource(clock: ClockView): string {
  return tOr(`rights.clock.source.${clock.id}`, clock.source);
}

/** One line per clock: its deadline and source, or that no period is set. */
export function clockLine(clock: ClockView): string {
  const source = clockSource(clock);
  if (clock.dueAt === null || clock.days === null) return t('rights.clock.notNotified', { source });
  return t(clock.overdue ? 'rights.clock.overdue' : 'rights.clock.due', {
    date: formatDate(clock.dueAt),
    source,
    days: clock.days,
  });
}

/** The clock's law and clause, when it was checked, and when it applies if not yet. */
export function clockDetail(clock: ClockView): string {
  const detail = t('rights.clock.detail', { law: clock.source, clause: clock.clause, asOf: isoDate(clock.asOf) });
  return clock.inForceFrom ? `${detail} ${t('rights.clock.inForce', { date: isoDate(clock.inForceFrom) })}` : detail;
}

/** The clock a next step follows from (the RBI's for the Ombudsman, the DPDP's for the Board). */
function clockFor(facts: EscalationFacts, step: NextStep): ClockView | undefined {
  const clocks = facts.request.clocks;
  const due = clocks.filter((clock) => clock.dueAt !== null);
  return (
    clocks.find((clock) => clock.nextStep === step && clock.dueAt !== null) ??
    due.find((clock) => clock.overdue) ??
    due[0]
  );
}

/** The text of a next step: a follow-up letter to the lender, or a complaint to a regulator. */
/** Who signs a letter: the name and how to reach them, from Your details. */
export interface Signer {
  name: string;
  contact: string;
}

/** The signer's words for a letter, or a bracketed note saying where to add what is missing. */
function signedBy(signer: Signer | undefined): { name: string; contact: string } {
  return {
    name: signer?.name.trim() || t('rights.letter.nameMissing'),
    contact: signer?.contact.trim() || t('rights.letter.contactMissing'),
  };
}

export function escalationText(facts: EscalationFacts, step: NextStep, signer?: Signer): string {
  const request = facts.request;
  const lender = request.lenderName;
  const first = formatDate(facts.firstComplainedAt);
  const ticket = request.ticket ?? t('rights.letter.noTicket');
  const kind = t(`rights.kind.${request.kind}`);
  const details = request.details ?? '';
  const clock = clockFor(facts, step);
  const due = clock?.dueAt ?? request.dueAt;
  const dueText = due !== null && due !== undefined ? formatDate(due) : '—';
  const registration = facts.lenderRegistration
    ? t('rights.letter.registration', { registration: facts.lenderRegistration })
    : '';
  const date = formatDate(facts.draftedAt);
  if (step === 'rbi_ombudsman' || step === 'data_protection_board') {
    return t(step === 'rbi_ombudsman' ? 'rights.letter.rbi' : 'rights.letter.dpb', {
      lender,
      registration,
      date,
      first,
      ticket,
      kind,
      details,
      due: dueText,
      findings: facts.findings,
      ...signedBy(signer),
    });
  }
  // The follow-up names the next step beyond it: the first regulator an overdue clock offers.
  const beyond = facts.nextSteps.find((next) => next.step !== 'lender_grievance')?.step ?? 'lender_grievance';
  const clockText = clock?.dueAt
    ? t('rights.letter.clock', { source: clockSource(clock), date: formatDate(clock.dueAt) })
    : t('rights.letter.noClock', { date: dueText });
  return t('rights.letter.followUp', {
    lender,
    date,
    first,
    ticket,
    kind,
    details,
    clock: clockText,
    next: t(`rights.letter.next.${beyond}`),
    ...signedBy(signer),
  });
}

/** The calendar's words for every deadline of `requests`. */
export function calendarTexts(requests: ReadonlyArray<RightsRequestView>): CalendarText[] {
  return requests.flatMap((request) =>
    request.clocks
      .filter((clock) => clock.dueAt !== null && clock.days !== null)
      .map((clock) => ({
        requestId: request.id,
        clockId: clock.id,
        summary: t('rights.calendar.summary', { lender: request.lenderName, kind: t(`rights.kind.${request.kind}`) }),
        description: t('rights.calendar.description', {
          source: `${clock.source}, ${clock.clause}`,
          days: clock.days ?? 0,
          start: formatDate(clock.startedAt),
          ticket: request.ticket ?? t('rights.letter.noTicket'),
        }),
      })),
  );
}
