/**
 * A finding in the reader's language. Rust reports each finding as a rule id with typed facts
 * (times, counts, ids, limits) and no sentence; the sentence is composed here from the
 * `audit.fact.*` messages, so it reads the same in English and Hindi.
 */
import type { Finding } from './bindings/Finding';
import type { ObservedFacts } from './bindings/ObservedFacts';
import type { PeriodUnit } from './bindings/PeriodUnit';
import type { QuoteOfferField } from './bindings/QuoteOfferField';
import type { Resource } from './bindings/Resource';
import type { RuleSource } from './bindings/RuleSource';
import type { SignalPoints } from './bindings/SignalPoints';
import type { SourceFormat } from './bindings/SourceFormat';
import type { SourceLimit } from './bindings/SourceLimit';
import type { TreeHeadFacts } from './bindings/TreeHeadFacts';
import { formatBps, formatDate, formatDateTime, formatInr, formatNumber, formatPoints } from './format';
import { checkText, formatBpsExact, formatRatePpm } from './kfsText';
import { purposeLabel, t, tOr } from './i18n/i18n.svelte';
import type { SignalNamer } from './signalText';

type Values = Record<string, string | number>;

/**
 * How a finding is cited: on the Audit screen with its ids and times to the minute; in a
 * letter with dates in words, signals by name and no ids (a letter lists those apart, under
 * "References", and the consents by number).
 */
export interface FindingStyle {
  /** A moment in time. */
  time: (ms: number) => string;
  /** A signal, by its id. */
  signal: (id: string) => string;
  /** A consent, by its id. */
  consent: (id: string) => string;
  /** Whether ids a reader cannot use (offer ids, flag ids, file hashes) are cited in the sentence. */
  ids: boolean;
}

/** The Audit screen's style: ids as they are, times to the minute. */
export const SCREEN_STYLE: FindingStyle = {
  time: (ms) => formatDateTime(ms),
  signal: (id) => id,
  consent: (id) => id,
  ids: true,
};

/** "on T", or "N times between FIRST and LAST". */
function when(finding: Finding, style: FindingStyle): string {
  return t('audit.fact.when', {
    count: finding.count,
    n: formatNumber(finding.count),
    first: style.time(finding.at),
    last: style.time(finding.lastAt),
  });
}

/** "on T", or "between FIRST and LAST" (once or more than once). */
function range(count: number, first: number, last: number, style: FindingStyle): string {
  return t('audit.fact.range', { count, first: style.time(first), last: style.time(last) });
}

function unitValue(unit: PeriodUnit): string {
  return unit === 'inf' ? 'other' : unit;
}

function points(list: SignalPoints[], style: FindingStyle): string {
  return list.length === 0 ? '—' : list.map((p) => `${style.signal(p.signal)} (${formatPoints(p.points)})`).join(', ');
}

function signalList(ids: string[], style: FindingStyle): string {
  return ids.map(style.signal).join(', ');
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
  if (facts.kind === 'prohibited' || facts.kind === 'kycOnly') return sourceText(facts.source);
  if (facts.kind === 'observed' && (facts.why.kind === 'prohibited' || facts.why.kind === 'beyondKyc')) {
    return sourceText(facts.why.source);
  }
  return null;
}

/** What the borrower's phone saw, for a phone-evidenced (`observed-*`) finding; `null` for the others. */
export function observedFacts(finding: Finding): ObservedFacts | null {
  return finding.facts.kind === 'observed' ? finding.facts : null;
}

/** A phone resource as a borrower calls it ("your contacts"). */
export function resourceText(resource: Resource): string {
  return t(`audit.phone.resource.${resource}`);
}

/** What a phone source is ("iOS App Privacy Report"). */
export function sourceFormatText(format: SourceFormat): string {
  return t(`audit.phone.format.${format}`);
}

/** What a phone source cannot show, as a clause. */
export function sourceLimitText(limit: SourceLimit): string {
  return t(`audit.phone.limit.${limit}`);
}

/** A file's SHA-256 shortened for a sentence; the finding's records and evidence hold all of it. */
export function shortHash(sha256: string): string {
  return sha256.slice(0, 12);
}

/** Minutes east of UTC as `+05:30`. */
function utcOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * Which file a phone finding rests on (name, short hash, format, when made), the time zone its
 * times were read in when the file did not carry one, and what it cannot show.
 */
export function observedSource(facts: ObservedFacts, style: FindingStyle = SCREEN_STYLE): string {
  const file = { file: facts.fileName, hash: shortHash(facts.sourceSha256), format: sourceFormatText(facts.sourceFormat) };
  const suffix = style.ids ? '' : 'NoHash';
  const parts = [
    facts.capturedAt === null
      ? t(`audit.fact.observed.file${suffix}`, file)
      : t(`audit.fact.observed.fileMade${suffix}`, { ...file, made: style.time(facts.capturedAt) }),
  ];
  if (facts.offsetFrom === 'captureClock') parts.push(t('audit.fact.observed.captureClock'));
  else if (facts.utcOffsetMin !== null && facts.offsetFrom === 'assumed')
    parts.push(t('audit.fact.observed.offsetAssumed', { offset: utcOffset(facts.utcOffsetMin) }));
  else if (facts.utcOffsetMin !== null && facts.offsetFrom === 'device')
    parts.push(t('audit.fact.observed.offsetDevice', { offset: utcOffset(facts.utcOffsetMin) }));
  if (facts.limits.length > 0) {
    parts.push(t('audit.fact.observed.limits', { limits: facts.limits.map(sourceLimitText).join('; ') }));
  }
  return parts.join(' ');
}

/** What the phone saw, why it breaks the rule, and which file says so. */
function observedSentence(finding: Finding, facts: ObservedFacts, lender: string, style: FindingStyle): string {
  const when = t('audit.fact.when', {
    count: facts.count,
    n: formatNumber(facts.count),
    first: style.time(facts.firstAt),
    last: style.time(facts.lastAt),
  });
  const seen = facts.network
    ? t('audit.fact.observed.contacted', {
        app: facts.app,
        lender,
        domain: facts.network.domain,
        owner: facts.network.domainOwner ?? 'none',
        when,
      })
    : t('audit.fact.observed.used', {
        app: facts.app,
        lender,
        resource: resourceText(facts.resource),
        op: facts.op,
        state: facts.state,
        when,
        open: facts.openInterval ? 'yes' : 'no',
      });
  const consent = finding.consentId === null ? '—' : style.consent(finding.consentId);
  const why = facts.why;
  let reason: string;
  switch (why.kind) {
    case 'prohibited':
      reason = t('audit.fact.observed.prohibited', { data: t(`audit.data.${why.data}`) });
      break;
    case 'afterRevocation':
      reason =
        why.signals.length === 0
          ? t('audit.fact.observed.afterRevocation', { consent, revokedAt: style.time(why.revokedAt) })
          : t('audit.fact.observed.afterSignalRevocation', {
              consent,
              signals: signalList(why.signals, style),
              revokedAt: style.time(why.revokedAt),
            });
      break;
    case 'withoutConsent':
      reason = t('audit.fact.observed.withoutConsent', { lender });
      break;
    case 'undeclared':
      reason = t('audit.fact.observed.undeclared', {
        lender,
        signalCount: why.signals.length,
        signals: signalList(why.signals, style),
        hours: why.windowHours,
      });
      break;
    case 'beyondKyc':
      reason = t('audit.fact.observed.beyondKyc', {
        data: t(`audit.data.${why.data}`),
        accesses: why.accesses,
        n: formatNumber(why.accesses),
        background: why.background ? 'yes' : 'no',
      });
      break;
    case 'unnamedRecipient': {
      const domain = facts.network?.domain ?? facts.op;
      reason = why.profiler
        ? t('audit.fact.observed.profiler', { domain })
        : t('audit.fact.observed.unnamedDomain', {
            domain,
            lender,
            namedCount: why.named.length,
            named: why.named.join(', '),
          });
      break;
    }
  }
  return [seen, reason, observedSource(facts, style)].join(' ');
}

/** One field in which an offer differs from its quote, both values in the reader's words. */
function quoteOfferField(diff: QuoteOfferField): string {
  const value = (raw: string): string => {
    const n = Number(raw);
    switch (diff.field) {
      case 'decision':
        return raw === 'APPROVED' ? t('audit.fact.quoteOffer.approved') : t('audit.fact.quoteOffer.declined');
      case 'amountInr':
        return Number.isFinite(n) ? formatInr(n) : raw;
      case 'aprMonthlyBps':
        return Number.isFinite(n) ? formatBps(n) : raw;
      default:
        return Number.isFinite(n) ? formatNumber(n) : raw;
    }
  };
  const key = (
    ['decision', 'amountInr', 'aprMonthlyBps'].includes(diff.field) ? diff.field : 'score'
  ) as 'decision' | 'amountInr' | 'aprMonthlyBps' | 'score';
  return t(`audit.fact.quoteOffer.${key}`, { quote: value(diff.quote), offer: value(diff.offer) });
}

/**
 * What exactly happened, with the numbers, as one or two sentences, cited in `style` — or on the
 * Audit screen's style with `style` naming the signals (the lender's catalogue in the reader's
 * language).
 */
export function findingSentence(
  finding: Finding,
  lender: string,
  citeAs: FindingStyle | SignalNamer = SCREEN_STYLE,
): string {
  const style: FindingStyle = typeof citeAs === 'function' ? { ...SCREEN_STYLE, signal: citeAs } : citeAs;
  const base: Values = {
    lender,
    signal: finding.signal === null ? '—' : style.signal(finding.signal),
    consent: finding.consentId === null ? '—' : style.consent(finding.consentId),
    when: when(finding, style),
  };
  const facts = finding.facts;
  switch (facts.kind) {
    case 'prohibited':
      return facts.data === null
        ? t(style.ids ? 'audit.fact.prohibitedByLender' : 'audit.fact.prohibitedByLenderNoFlag', {
            ...base,
            flag: tOr(`signal.flag.${facts.flag}`, facts.flag),
          })
        : t('audit.fact.prohibited', { ...base, data: t(`audit.data.${facts.data}`) });
    case 'kycOnly':
      return t('audit.fact.kycOnly', {
        ...base,
        data: t(`audit.data.${facts.data}`),
        total: formatNumber(facts.total),
        count: finding.count,
        n: formatNumber(finding.count),
        range: range(finding.count, finding.at, finding.lastAt, style),
      });
    case 'noConsent':
      return finding.consentId === null ? t('audit.fact.noConsent', base) : t('audit.fact.unknownConsent', base);
    case 'revoked':
      return t(finding.rule === 'collected-after-revocation' ? 'audit.fact.revoked' : 'audit.fact.signalRevoked', {
        ...base,
        revokedAt: style.time(facts.revokedAt),
      });
    case 'paused':
      return t('audit.fact.paused', { ...base, pausedSince: style.time(facts.pausedSince) });
    case 'expired':
      return t('audit.fact.expired', { ...base, expiredAt: style.time(facts.expiredAt) });
    case 'notStarted':
      return t('audit.fact.notStarted', { ...base, startsAt: style.time(facts.startsAt) });
    case 'denied':
      return t('audit.fact.denied', base);
    case 'notGranted':
      return t('audit.fact.notGranted', { ...base, granted: signalList(facts.granted, style) || '—' });
    case 'outsideRange':
      return t('audit.fact.outsideRange', {
        ...base,
        dataFrom: style.time(facts.dataFrom),
        dataTo: style.time(facts.dataTo),
        consentedFrom: style.time(facts.consentedFrom),
        consentedTo: style.time(facts.consentedTo),
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
        purpose: purposeLabel(facts.purpose),
        consentedCode: facts.consentedCode,
        consentedText: purposeLabel(facts.consentedCode, facts.consentedText),
      });
    case 'dataLife':
      return t('audit.fact.dataLife', {
        ...base,
        life: t('audit.fact.life', { value: facts.value, unit: unitValue(facts.unit) }),
        ranOut: range(finding.count, facts.ranOutFirst, facts.ranOutLast, style),
      });
    case 'oneTime':
      return t('audit.fact.oneTime', {
        ...base,
        total: formatNumber(facts.total),
        count: finding.count,
        n: formatNumber(finding.count),
        range: range(finding.count, finding.at, finding.lastAt, style),
      });
    case 'frequency':
      return t('audit.fact.frequency', {
        ...base,
        count: finding.count,
        n: formatNumber(finding.count),
        limit: t('audit.fact.limit', { value: facts.value, unit: unitValue(facts.unit) }),
        range: range(finding.count, finding.at, finding.lastAt, style),
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
      return t('audit.fact.reasonCodes', { given: points(facts.given, style), expected: points(facts.expected, style) });
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
            requestedAt: style.time(facts.requestedAt),
            hours: facts.deadlineHours,
          })
        : t('audit.fact.acknowledgedLate', {
            ...base,
            requestedAt: style.time(facts.requestedAt),
            acknowledgedAt: style.time(facts.acknowledgedAt),
            hours: facts.deadlineHours,
          });
    case 'logFork':
      return t('audit.fact.logFork', {
        lender,
        size: formatNumber(facts.held.treeSize),
        heldAt: style.time(facts.held.timestamp),
        heldRoot: shortRoot(facts.held.rootHash),
        offeredAt: style.time(facts.offered.timestamp),
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
        offeredAt: style.time(facts.offered.timestamp),
        offeredRoot: shortRoot(facts.offered.rootHash),
        computedRoot: shortRoot(facts.computedRoot),
      });
    }
    case 'counterfactual':
      return t(style.ids ? 'audit.fact.counterfactual' : 'audit.fact.counterfactualNoId', {
        offer: facts.offerId,
        offerScore: facts.offerScore,
        withheld: signalList(facts.withheld, style),
        expected: facts.expected,
        changes: points(facts.changes, style),
        quoteScore: facts.quoteScore,
      });
    case 'quoteOffer':
      return t('audit.fact.quoteOffer', {
        lender,
        offer: facts.offerId,
        quote: facts.quoteId,
        differences: facts.differences.map(quoteOfferField).join('; '),
      });
    case 'observed':
      return observedSentence(finding, facts, lender, style);
    case 'kfsAprMismatch':
      return t('audit.fact.kfsAprMismatch', {
        lender,
        stated: formatBpsExact(facts.statedBps),
        khata: formatBpsExact(facts.recomputedBps),
        tolerance: formatBpsExact(facts.toleranceBps),
        disbursed: formatInr(facts.disbursedInr),
        count: facts.instalments,
        repaid: formatInr(facts.repaidInr),
        monthly: formatRatePpm(facts.monthlyRatePpm),
      });
    case 'kfsInconsistent':
      return t('audit.fact.kfsInconsistent', {
        lender,
        check: checkText(facts.check),
        instalment: facts.instalment === null ? 'none' : formatNumber(facts.instalment),
        stated: formatInr(facts.stated),
        expected: formatInr(facts.expected),
      });
    case 'kfsMissing':
      return t('audit.fact.kfsMissing', {
        lender,
        amount: formatInr(facts.amountInr),
        rate: formatBps(facts.aprMonthlyBps),
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

/**
 * A record's id for a sentence: a lender's own id as it is; a contract v2 log entry, which has
 * none and which Rust names `leaf N` by its place in the lender's log, in words.
 */
export function recordId(id: string): string {
  const leaf = /^leaf (\d+)$/.exec(id);
  return leaf ? t('audit.record.leafId', { index: leaf[1] }) : id;
}

/**
 * The records listed, with "… and N more" after the last listed offending record (a disclosure,
 * or a phone finding's observation) for the rest.
 */
export function findingRecords(finding: Finding): string {
  const more = `… ${t('audit.recordsOmitted', { n: formatNumber(finding.recordsOmitted) })}`;
  const offending = finding.records[0]?.kind === 'phone-observation' ? 'phone-observation' : 'disclosure';
  const lastOffending = finding.records.map((record) => record.kind).lastIndexOf(offending);
  const parts = finding.records.flatMap((record, i) => {
    const part = `${recordKind(record.kind)} ${recordId(record.id)}`;
    return i === lastOffending && finding.recordsOmitted > 0 ? [part, more] : [part];
  });
  if (lastOffending < 0 && finding.recordsOmitted > 0) parts.push(more);
  return parts.join(', ');
}
