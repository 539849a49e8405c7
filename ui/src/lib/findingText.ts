/**
 * A finding in the reader's language. Rust reports each finding as a rule id with typed facts
 * (times, counts, ids, limits) and no sentence; the sentence is composed here from the
 * `audit.fact.*` messages, so it reads the same in English and Hindi.
 */
import type { Finding } from './bindings/Finding';
import type { PeriodUnit } from './bindings/PeriodUnit';
import type { RuleSource } from './bindings/RuleSource';
import type { SignalPoints } from './bindings/SignalPoints';
import type { TreeHeadFacts } from './bindings/TreeHeadFacts';
import { formatDate, formatDateTime, formatNumber, formatPoints } from './format';
import { t, tOr } from './i18n/i18n.svelte';

type Values = Record<string, string | number>;

/** "on T", or "N times between FIRST and LAST". */
function when(finding: Finding): string {
  return t('audit.fact.when', {
    count: finding.count,
    n: formatNumber(finding.count),
    first: formatDateTime(finding.at),
    last: formatDateTime(finding.lastAt),
  });
}

/** "on T", or "between FIRST and LAST" (once or more than once). */
function range(count: number, first: number, last: number): string {
  return t('audit.fact.range', { count, first: formatDateTime(first), last: formatDateTime(last) });
}

function unitValue(unit: PeriodUnit): string {
  return unit === 'inf' ? 'other' : unit;
}

function points(list: SignalPoints[]): string {
  return list.length === 0 ? '—' : list.map((p) => `${p.signal} (${formatPoints(p.points)})`).join(', ');
}

/** An ISO date (`2022-09-02`) in the reader's format; anything else as sent. */
function isoDate(date: string): string {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) ? date : formatDate(ms);
}

/** Where a regulatory rule comes from (the regulation, its dates, the built-in table's version). */
function sourceText(source: RuleSource): string {
  const name = tOr(`audit.source.${source.id}`, source.id, {
    issued: isoDate(source.issued),
    consolidated: isoDate(source.consolidated),
  });
  return t('audit.source.rule', { source: name, version: source.tableVersion });
}

/** The rule's source for a regulatory finding, shown beside it; `null` for the others. */
export function findingSource(finding: Finding): string | null {
  const facts = finding.facts;
  return facts.kind === 'prohibited' || facts.kind === 'kycOnly' ? sourceText(facts.source) : null;
}

/** What exactly happened, with the numbers, as one or two sentences. */
export function findingSentence(finding: Finding, lender: string): string {
  const base: Values = {
    lender,
    signal: finding.signal ?? '—',
    consent: finding.consentId ?? '—',
    when: when(finding),
  };
  const facts = finding.facts;
  switch (facts.kind) {
    case 'prohibited':
      return facts.data === null
        ? t('audit.fact.prohibitedByLender', { ...base, flag: tOr(`signal.flag.${facts.flag}`, facts.flag) })
        : t('audit.fact.prohibited', { ...base, data: t(`audit.data.${facts.data}`) });
    case 'kycOnly':
      return t('audit.fact.kycOnly', {
        ...base,
        data: t(`audit.data.${facts.data}`),
        total: formatNumber(facts.total),
        count: finding.count,
        n: formatNumber(finding.count),
        range: range(finding.count, finding.at, finding.lastAt),
      });
    case 'noConsent':
      return finding.consentId === null ? t('audit.fact.noConsent', base) : t('audit.fact.unknownConsent', base);
    case 'revoked':
      return t(finding.rule === 'collected-after-revocation' ? 'audit.fact.revoked' : 'audit.fact.signalRevoked', {
        ...base,
        revokedAt: formatDateTime(facts.revokedAt),
      });
    case 'paused':
      return t('audit.fact.paused', { ...base, pausedSince: formatDateTime(facts.pausedSince) });
    case 'expired':
      return t('audit.fact.expired', { ...base, expiredAt: formatDateTime(facts.expiredAt) });
    case 'notStarted':
      return t('audit.fact.notStarted', { ...base, startsAt: formatDateTime(facts.startsAt) });
    case 'denied':
      return t('audit.fact.denied', base);
    case 'notGranted':
      return t('audit.fact.notGranted', { ...base, granted: facts.granted.join(', ') || '—' });
    case 'outsideRange':
      return t('audit.fact.outsideRange', {
        ...base,
        dataFrom: formatDateTime(facts.dataFrom),
        dataTo: formatDateTime(facts.dataTo),
        consentedFrom: formatDateTime(facts.consentedFrom),
        consentedTo: formatDateTime(facts.consentedTo),
      });
    case 'unnamedRecipient':
      return t('audit.fact.unnamedRecipient', {
        ...base,
        recipient: facts.recipient,
        namedCount: facts.named.length,
        named: facts.named.join(', '),
      });
    case 'purposeMismatch':
      return t('audit.fact.purposeMismatch', {
        ...base,
        purpose: facts.purpose,
        consentedCode: facts.consentedCode,
        consentedText: facts.consentedText,
      });
    case 'dataLife':
      return t('audit.fact.dataLife', {
        ...base,
        life: t('audit.fact.life', { value: facts.value, unit: unitValue(facts.unit) }),
        ranOut: range(finding.count, facts.ranOutFirst, facts.ranOutLast),
      });
    case 'oneTime':
      return t('audit.fact.oneTime', {
        ...base,
        total: formatNumber(facts.total),
        count: finding.count,
        n: formatNumber(finding.count),
        range: range(finding.count, finding.at, finding.lastAt),
      });
    case 'frequency':
      return t('audit.fact.frequency', {
        ...base,
        count: finding.count,
        n: formatNumber(finding.count),
        limit: t('audit.fact.limit', { value: facts.value, unit: unitValue(facts.unit) }),
        range: range(finding.count, finding.at, finding.lastAt),
        most: formatNumber(facts.mostInWindow),
        unit: unitValue(facts.unit),
      });
    case 'sum':
      return t('audit.fact.sum', {
        baseline: facts.baseline,
        sum: facts.sum,
        score: facts.score,
        tolerance: facts.tolerance,
      });
    case 'reasonCodes':
      return t('audit.fact.reasonCodes', { given: points(facts.given), expected: points(facts.expected) });
    case 'topAdverse':
      return t('audit.fact.topAdverse', {
        given: facts.given,
        expected: facts.expected,
        reasonCodes: facts.reasonCodes,
      });
    case 'contradicts': {
      const values = {
        ...base,
        field: tOr(`audit.field.${facts.field}`, facts.field),
        asked: facts.asked || '—',
        answered: facts.answered || '—',
      };
      return t(finding.rule === 'consent-altered' ? 'audit.fact.consentAltered' : 'audit.fact.receiptContradicts', values);
    }
    case 'unacknowledged':
      return facts.acknowledgedAt === null
        ? t('audit.fact.unacknowledged', {
            ...base,
            requestedAt: formatDateTime(facts.requestedAt),
            hours: facts.deadlineHours,
          })
        : t('audit.fact.acknowledgedLate', {
            ...base,
            requestedAt: formatDateTime(facts.requestedAt),
            acknowledgedAt: formatDateTime(facts.acknowledgedAt),
            hours: facts.deadlineHours,
          });
    case 'logFork':
      return t('audit.fact.logFork', {
        lender,
        size: formatNumber(facts.held.treeSize),
        heldAt: formatDateTime(facts.held.timestamp),
        heldRoot: shortRoot(facts.held.rootHash),
        offeredAt: formatDateTime(facts.offered.timestamp),
        offeredRoot: shortRoot(facts.offered.rootHash),
      });
    case 'logPageMismatch': {
      const leaves = Math.max(0, facts.offered.treeSize - facts.pageStart);
      return t('audit.fact.logPageMismatch', {
        lender,
        count: leaves,
        n: formatNumber(leaves),
        first: formatNumber(facts.pageStart + 1),
        size: formatNumber(facts.offered.treeSize),
        offeredAt: formatDateTime(facts.offered.timestamp),
        offeredRoot: shortRoot(facts.offered.rootHash),
        computedRoot: shortRoot(facts.computedRoot),
      });
    }
    case 'counterfactual':
      return t('audit.fact.counterfactual', {
        offer: facts.offerId,
        offerScore: facts.offerScore,
        withheld: facts.withheld.join(', '),
        expected: facts.expected,
        changes: points(facts.changes),
        quoteScore: facts.quoteScore,
      });
  }
}

/**
 * A root hash shortened for reading (`Zk3vQ2Hc…9fA`): enough to tell two roots apart at a
 * glance; the finding's evidence holds the whole of each signed head.
 */
export function shortRoot(root: string): string {
  return root.length > 16 ? `${root.slice(0, 8)}…${root.slice(-4)}` : root;
}

/** One row of a log finding's table of tree heads. */
export interface HeadRow {
  /** Whose root it is: the head held before, the one shown later, or the leaves' own. */
  role: 'held' | 'offered' | 'computed';
  /** Disclosures the head covers; `null` for a computed root. */
  size: number | null;
  root: string;
  /** When the lender signed it; `null` for a computed root. */
  signedAt: number | null;
  keyId: string | null;
}

function headRow(role: HeadRow['role'], head: TreeHeadFacts): HeadRow {
  return { role, size: head.treeSize, root: head.rootHash, signedAt: head.timestamp, keyId: head.keyId };
}

/**
 * The tree heads a log finding sets side by side (held first, then the one shown later, then
 * the root the page's leaves give); empty for every other finding.
 */
export function findingHeads(finding: Finding): HeadRow[] {
  const facts = finding.facts;
  switch (facts.kind) {
    case 'logFork':
      return [headRow('held', facts.held), headRow('offered', facts.offered)];
    case 'logPageMismatch':
      return [
        ...(facts.held ? [headRow('held', facts.held)] : []),
        headRow('offered', facts.offered),
        { role: 'computed', size: null, root: facts.computedRoot, signedAt: null, keyId: null },
      ];
    default:
      return [];
  }
}

/** A record's kind (`disclosure`, `consent`…) in the reader's language; an unknown kind as sent. */
export function recordKind(kind: string): string {
  return tOr(`audit.record.${kind}`, kind);
}

/** The records listed, with "… and N more" after the last listed disclosure for the rest. */
export function findingRecords(finding: Finding): string {
  const more = `… ${t('audit.recordsOmitted', { n: formatNumber(finding.recordsOmitted) })}`;
  const lastOffending = finding.records.map((record) => record.kind).lastIndexOf('disclosure');
  const parts = finding.records.flatMap((record, i) => {
    const part = `${recordKind(record.kind)} ${record.id}`;
    return i === lastOffending && finding.recordsOmitted > 0 ? [part, more] : [part];
  });
  if (lastOffending < 0 && finding.recordsOmitted > 0) parts.push(more);
  return parts.join(', ');
}
