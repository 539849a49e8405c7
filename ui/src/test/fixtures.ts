/** Sample view data shaped like the engine's (`src-tauri/crates/engine/src/views.rs`). */
import type { NomineeView } from '../lib/bindings/NomineeView';
import type { ProfileView } from '../lib/bindings/ProfileView';
import type { AppSettings } from '../lib/bindings/AppSettings';
import type { AuditReport } from '../lib/bindings/AuditReport';
import type { ClosedLoanView } from '../lib/bindings/ClosedLoanView';
import type { FindingAlertView } from '../lib/bindings/FindingAlertView';
import type { FindingsSummary } from '../lib/bindings/FindingsSummary';
import type { RevocationPreview } from '../lib/bindings/RevocationPreview';
import type { Finding } from '../lib/bindings/Finding';
import type { FindingFacts } from '../lib/bindings/FindingFacts';
import type { GrievanceDraft } from '../lib/bindings/GrievanceDraft';
import type { VaultAccess } from '../lib/bindings/VaultAccess';
import type { ConsentRequestView } from '../lib/bindings/ConsentRequestView';
import type { ConsentView } from '../lib/bindings/ConsentView';
import type { DisclosureView } from '../lib/bindings/DisclosureView';
import type { LenderView } from '../lib/bindings/LenderView';
import type { KfsView } from '../lib/bindings/KfsView';
import type { OfferView } from '../lib/bindings/OfferView';
import type { Overview } from '../lib/bindings/Overview';
import type { RedactableField } from '../lib/bindings/RedactableField';
import type { RevocationView } from '../lib/bindings/RevocationView';
import type { ClockView } from '../lib/bindings/ClockView';
import type { EscalationFacts } from '../lib/bindings/EscalationFacts';
import type { RequestQuoteView } from '../lib/bindings/RequestQuoteView';
import type { RightsRequestView } from '../lib/bindings/RightsRequestView';
import type { SignalInfo } from '../lib/bindings/SignalInfo';
import type { LenderSignalView } from '../lib/bindings/LenderSignalView';
import type { SignalTextsView } from '../lib/bindings/SignalTextsView';

export const DAY = 24 * 60 * 60 * 1000;

/** What `redactable_fields` answers (khata_engine::redaction's list). */
export const REDACTABLE_FIELDS: RedactableField[] = [
  { pattern: 'customerId', advocateDefault: true },
  { pattern: 'valueDigest', advocateDefault: true },
  { pattern: 'bin', advocateDefault: true },
  { pattern: 'text', advocateDefault: true },
  { pattern: 'onwardRecipient', advocateDefault: false },
];
export const NOW = Date.UTC(2026, 10, 29, 4, 0, 0);

export function signal(id: string, overrides: Partial<SignalInfo> = {}): SignalInfo {
  return {
    id,
    name: id.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase()),
    description: `What ${id} tells the lender.`,
    dpvCategory: 'pd:Location',
    sensitivity: 'medium',
    regulatoryFlags: [],
    prohibited: false,
    texts: {},
    ...overrides,
  };
}

/** The lender's words for its income signal in both languages, as the sandbox publishes them. */
export const INCOME_TEXTS: SignalTextsView = {
  en: {
    name: 'Income from SMS',
    description: 'Your monthly income, estimated from salary-credit SMS messages from your bank.',
    bins: { '25k_to_50k': '₹25,000 to ₹50,000 a month', missing: 'Not shared' },
    reasons: { 'SMS_INCOME.MISSING': 'Income from SMS was not available to us.' },
  },
  hi: {
    name: 'SMS से पता चली आमदनी',
    description: 'आपकी महीने की आमदनी, बैंक के तनख़्वाह जमा होने वाले SMS से अंदाज़ा लगाकर।',
    bins: { '25k_to_50k': 'महीने में ₹25,000 से ₹50,000', missing: 'नहीं दी गई' },
    reasons: { 'SMS_INCOME.MISSING': '“SMS से पता चली आमदनी” की जानकारी हमें नहीं मिली।' },
  },
};

/** Words for the installed-apps signal in English only: Hindi falls back to them. */
export const APPS_TEXTS: SignalTextsView = {
  en: {
    name: 'Installed apps',
    description: 'The apps on your phone.',
    bins: { many_loan_apps: 'Many loan apps' },
    reasons: { 'INSTALLED_APPS.MANY_LOAN_APPS': 'Several other lending apps are installed on your phone.' },
  },
};

export const SIGNALS = {
  location: signal('location', { name: 'Location', dpvCategory: 'pd:Location' }),
  income: signal('sms_income', { name: 'Income from SMS', dpvCategory: 'pd:Income', sensitivity: 'high', texts: INCOME_TEXTS }),
  contacts: signal('contacts', {
    name: 'Contacts',
    dpvCategory: 'pd:Contact',
    sensitivity: 'special',
    regulatoryFlags: ['rbi-2022-prohibited'],
    prohibited: true,
  }),
  apps: signal('installed_apps', { name: 'Installed apps', dpvCategory: 'pd:DeviceApplications' }),
};

export function lender(overrides: Partial<LenderView> = {}): LenderView {
  return {
    id: 'sandbox',
    name: 'Sandbox Lender',
    apiBase: 'http://127.0.0.1:4100',
    isSandbox: true,
    lastSyncAt: NOW - 60_000,
    reachable: true,
    ...overrides,
  };
}

export function revocation(overrides: Partial<RevocationView> = {}): RevocationView {
  return {
    id: 'rev-1',
    consentId: 'c-1',
    lenderId: 'sandbox',
    signals: ['location'],
    state: 'pending',
    attempts: 0,
    lastError: null,
    requestedAt: NOW - 1000,
    confirmedAt: null,
    receiptId: null,
    ...overrides,
  };
}

export function consent(overrides: Partial<ConsentView> = {}): ConsentView {
  return {
    id: 'c-1',
    lenderId: 'sandbox',
    lenderName: 'Sandbox Lender',
    status: 'active',
    purposeCode: '101',
    purposeText: 'Credit assessment for a personal loan',
    granted: [SIGNALS.location, SIGNALS.income],
    denied: [SIGNALS.contacts],
    consentStart: NOW - 10 * DAY,
    consentExpiry: Date.now() + 30 * DAY,
    fetchType: 'PERIODIC',
    frequency: { unit: 'DAY', value: 1 },
    dataLife: { unit: 'MONTH', value: 6 },
    fiDataRangeFrom: null,
    fiDataRangeTo: null,
    revocations: [],
    signatureVerified: true,
    refused: false,
    ...overrides,
  };
}

export function offer(overrides: Partial<OfferView> = {}): OfferView {
  return {
    id: 'offer-1',
    lenderId: 'sandbox',
    lenderName: 'Sandbox Lender',
    createdAt: NOW - DAY,
    decision: 'approved',
    amountInr: 150000,
    aprMonthlyBps: 180,
    tenureMonths: 12,
    method: 'scorecard_points',
    baseline: 600,
    score: 640,
    declineBelow: 580,
    contributions: [
      { signal: 'sms_income', signalName: 'Income from SMS', texts: INCOME_TEXTS, bin: '25k_to_50k', points: 55, missingPoints: 0 },
      { signal: 'location', signalName: 'Location', texts: {}, bin: 'Stable', points: 10, missingPoints: -5 },
      { signal: 'installed_apps', signalName: 'Installed apps', texts: APPS_TEXTS, bin: 'many_loan_apps', points: -25, missingPoints: 0 },
    ],
    topAdverse: [
      {
        rank: 1,
        code: 'INSTALLED_APPS.MANY_LOAN_APPS',
        signal: 'installed_apps',
        signalName: 'Installed apps',
        texts: APPS_TEXTS,
        points: -25,
        text: 'Several other lending apps are installed on your phone.',
        impact: 'high',
      },
    ],
    withheld: [],
    signatureVerified: true,
    kfs: null,
    ...overrides,
  };
}

/**
 * The sandbox lender's Key Fact Statement for ₹1,00,000 at 1.8 % a month over 12 months offered
 * on 2 December 2026 (₹2,360 of fees upfront), with Khata's APR beside it: honest by default.
 */
export function kfsView(overrides: Partial<KfsView> = {}): KfsView {
  return {
    loanAmountInr: 100000,
    disbursedInr: 97640,
    aprAnnualBps: 2626,
    nominalRateBps: 180,
    nominalRatePeriod: 'month',
    fees: [{ code: 'processing', amountInr: 2360, upfront: true }],
    schedule: [
      { number: 1, dueDate: '2027-01-02', amountInr: 9340, principalInr: 7540, interestInr: 1800 },
      { number: 2, dueDate: '2027-02-02', amountInr: 9340, principalInr: 7676, interestInr: 1664 },
      { number: 3, dueDate: '2027-03-02', amountInr: 9340, principalInr: 7814, interestInr: 1526 },
      { number: 4, dueDate: '2027-04-02', amountInr: 9340, principalInr: 7955, interestInr: 1385 },
      { number: 5, dueDate: '2027-05-02', amountInr: 9340, principalInr: 8098, interestInr: 1242 },
      { number: 6, dueDate: '2027-06-02', amountInr: 9340, principalInr: 8243, interestInr: 1097 },
      { number: 7, dueDate: '2027-07-02', amountInr: 9340, principalInr: 8392, interestInr: 948 },
      { number: 8, dueDate: '2027-08-02', amountInr: 9340, principalInr: 8543, interestInr: 797 },
      { number: 9, dueDate: '2027-09-02', amountInr: 9340, principalInr: 8697, interestInr: 643 },
      { number: 10, dueDate: '2027-10-02', amountInr: 9340, principalInr: 8853, interestInr: 487 },
      { number: 11, dueDate: '2027-11-02', amountInr: 9340, principalInr: 9013, interestInr: 327 },
      { number: 12, dueDate: '2027-12-02', amountInr: 9341, principalInr: 9176, interestInr: 165 },
    ],
    scheduleOmitted: 0,
    totalPayableInr: 112081,
    coolingOffDays: 3,
    regulatedEntity: { name: 'Sandbox Finance Private Limited (fictional NBFC)', detail: 'N-14.03999', phone: null },
    lendingServiceProvider: { name: 'Khata Sandbox Loans', detail: 'in.khata.sandbox.lender', phone: null },
    grievanceOfficer: { name: 'Asha Verma', detail: 'grievance@sandbox-finance.example', phone: '+91 1800 000 0000' },
    recomputedAprBps: 2626,
    monthlyRatePpm: 21886,
    aprToleranceBps: 11,
    aprMatches: true,
    inconsistent: [],
    ...overrides,
  };
}

export function overview(overrides: Partial<Overview> = {}): Overview {
  return {
    lenders: [lender()],
    activeConsents: 1,
    pendingRequests: 0,
    latestOffer: offer(),
    revocationsInFlight: [],
    disclosures: 1234567,
    alerts: [],
    phoneFindings: 0,
    findings: null,
    closedLoans: [],
    ...overrides,
  };
}

export const EMPTY_OVERVIEW: Overview = {
  lenders: [],
  activeConsents: 0,
  pendingRequests: 0,
  latestOffer: null,
  revocationsInFlight: [],
  disclosures: 0,
  alerts: [],
  phoneFindings: 0,
  findings: null,
  closedLoans: [],
};

export function disclosure(id: number, overrides: Partial<DisclosureView> = {}): DisclosureView {
  return {
    id,
    lenderId: 'sandbox',
    signal: 'location',
    signalName: 'Location',
    signalTexts: {},
    dpvCategory: 'pd:Location',
    collectedAt: NOW - id * 60_000,
    purpose: 'Credit assessment',
    consentId: 'c-1',
    valueDigest: `sha256:${id.toString(16).padStart(64, '0')}`,
    onwardRecipient: null,
    ...overrides,
  };
}

export function consentRequest(overrides: Partial<ConsentRequestView> = {}): ConsentRequestView {
  return {
    id: 'req-1',
    lenderId: 'sandbox',
    lenderName: 'Sandbox Lender',
    purposeCode: '101',
    purposeText: 'Credit assessment for a personal loan',
    signals: [
      { signal: SIGNALS.location, newSinceLast: false, required: false },
      { signal: SIGNALS.income, newSinceLast: false, required: true },
      { signal: SIGNALS.contacts, newSinceLast: true, required: false },
    ],
    droppedSinceLast: [SIGNALS.apps],
    consentStart: NOW,
    consentExpiry: NOW + 90 * DAY,
    fetchType: 'PERIODIC',
    frequency: { unit: 'HOUR', value: 4 },
    dataLife: { unit: 'MONTH', value: 3 },
    highFrequency: true,
    onwardRecipients: ['Credit bureau'],
    ...overrides,
  };
}

/** A statutory clock on a rights request: the RBI's 30 days by default, started 40 days ago. */
export function clock(overrides: Partial<ClockView> = {}): ClockView {
  return {
    id: 'rbi-ombudsman-30d',
    days: 30,
    notified: true,
    startedAt: NOW - 40 * DAY,
    dueAt: NOW - 10 * DAY,
    overdue: true,
    source: 'Reserve Bank – Integrated Ombudsman Scheme, 2021',
    clause: 'cl. 10(2)(a)',
    asOf: '2026-12-01',
    inForceFrom: null,
    nextStep: 'rbi_ombudsman',
    ...overrides,
  };
}

/** The DPDP Rules' clock for access, correction, erasure and nomination: no period notified. */
export function notNotifiedClock(overrides: Partial<ClockView> = {}): ClockView {
  return clock({
    id: 'dpdp-rights-not-notified',
    days: null,
    notified: false,
    dueAt: null,
    overdue: false,
    source: 'Digital Personal Data Protection Rules, 2025',
    clause: 'r. 14',
    inForceFrom: '2027-05-13',
    nextStep: 'lender_grievance',
    ...overrides,
  });
}

/** The lender's quote of `req-1` for the signals `shared`: income adds 40 points, location 15. */
export function requestQuote(shared: string[] = []): RequestQuoteView {
  const costs: Record<string, [number, number]> = {
    location: [15, -5],
    sms_income: [25, -15],
    contacts: [10, 0],
  };
  const signals = Object.entries(costs).map(([signal, [ifShared, ifNot]]) => ({
    signal,
    shared: shared.includes(signal),
    pointsIfShared: ifShared,
    pointsIfNot: ifNot,
    adds: ifShared - ifNot,
  }));
  const score = 600 + signals.reduce((sum, s) => sum + (s.shared ? s.pointsIfShared : s.pointsIfNot), 0);
  return {
    requestId: 'req-1',
    quoteId: `quote-${shared.join('+') || 'none'}`,
    lenderId: 'sandbox',
    createdAt: NOW,
    decision: score >= 600 ? 'approved' : 'declined',
    amountInr: score >= 600 ? 50_000 : 0,
    aprMonthlyBps: score >= 600 ? 220 : 0,
    tenureMonths: score >= 600 ? 9 : 0,
    score,
    signals,
    refuses: shared.length === 0,
  };
}

export function rightsRequest(overrides: Partial<RightsRequestView> = {}): RightsRequestView {
  return {
    id: 'rr-1',
    lenderId: 'sandbox',
    lenderName: 'Sandbox Lender',
    kind: 'erasure',
    status: 'sent',
    ticket: 'T-100',
    details: 'Please delete my location history.',
    createdAt: NOW - 40 * DAY,
    lenderCreatedAt: NOW - 40 * DAY,
    dueAt: NOW - 10 * DAY,
    overdue: true,
    about: { signal: null, offerId: null, consentId: null },
    nominee: null,
    clocks: [notNotifiedClock()],
    ...overrides,
  };
}

/** A grievance the lender has not answered in the RBI's 30 days (the DPDP's 90 still run). */
export function overdueGrievance(overrides: Partial<RightsRequestView> = {}): RightsRequestView {
  return rightsRequest({
    id: 'rr-g',
    kind: 'grievance',
    ticket: 'KSL-20261020-00001',
    details: 'You read my contacts without my consent.',
    clocks: [
      clock(),
      clock({
        id: 'dpdp-grievance-90d',
        days: 90,
        dueAt: NOW + 50 * DAY,
        overdue: false,
        source: 'Digital Personal Data Protection Rules, 2025',
        clause: 'r. 14(3)',
        inForceFrom: '2027-05-13',
        nextStep: 'data_protection_board',
      }),
    ],
    ...overrides,
  });
}

/** What `escalation_draft` returns for `overdueGrievance()`. */
export function escalationFacts(overrides: Partial<EscalationFacts> = {}): EscalationFacts {
  const request = overdueGrievance();
  return {
    request,
    lenderRegistration: 'N-14.03456',
    lenderContact: 'grievance@sandbox.example',
    firstComplainedAt: NOW - 40 * DAY,
    overdueClocks: [request.clocks[0]],
    nextSteps: [
      { step: 'lender_grievance', portal: null },
      { step: 'rbi_ombudsman', portal: 'https://cms.rbi.org.in' },
    ],
    findings: 2,
    acknowledged: true,
    draftedAt: NOW,
    ...overrides,
  };
}

/** `vault_access` of a vault opened with the keychain (the usual start). */
export function access(overrides: Partial<VaultAccess> = {}): VaultAccess {
  return {
    open: true,
    custody: 'keychain',
    probe: { exists: true, custody: 'keychain' },
    problem: null,
    ...overrides,
  };
}

/** A finding as the engine's audit returns it. */
/** The RBI's rules as the built-in table (version 1) cites them. */
export const RBI_SOURCE = {
  id: 'rbi-digital-lending',
  issued: '2022-09-02',
  consolidated: '2025-05-08',
  tableVersion: 1,
};

/** `prohibited-signal` facts: call logs, recognised by their category. */
export const PROHIBITED_FACTS: FindingFacts = {
  kind: 'prohibited',
  flag: 'rbi-2022-prohibited',
  data: 'callLogs',
  matchedBy: 'category',
  source: RBI_SOURCE,
};

/** Two base64url roots of 43 characters, as a lender's tree heads carry them. */
export const ROOT_A = 'Zk3vQ2HcaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaA9fA';
export const ROOT_B = 'Qx81bT0zbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbB2kw';

/** `log-fork` facts: the head held since two days ago, and another of the same size today. */
export const LOG_FORK_FACTS: Extract<FindingFacts, { kind: 'logFork' }> = {
  kind: 'logFork',
  held: { treeSize: 1200, rootHash: ROOT_A, timestamp: NOW - 2 * DAY, keyId: 'k1' },
  offered: { treeSize: 1200, rootHash: ROOT_B, timestamp: NOW - DAY, keyId: 'k1' },
};

/** A `log-fork` finding, as the engine's audit returns it: both signed heads as evidence. */
export function logFork(overrides: Partial<Finding> = {}): Finding {
  return finding({
    rule: 'log-fork',
    severity: 'critical',
    facts: LOG_FORK_FACTS,
    consentId: null,
    signal: null,
    at: NOW,
    lastAt: NOW,
    records: [
      { kind: 'tree-head', id: `1200/${ROOT_A}`, localId: null },
      { kind: 'tree-head', id: `1200/${ROOT_B}`, localId: null },
    ],
    evidence: [
      { kind: 'tree-head', id: `1200/${ROOT_A}`, statement: { treeSize: 1200, rootHash: ROOT_A } },
      { kind: 'tree-head', id: `1200/${ROOT_B}`, statement: { treeSize: 1200, rootHash: ROOT_B } },
    ],
    ...overrides,
  });
}

export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    rule: 'collected-after-revocation',
    severity: 'critical',
    facts: { kind: 'revoked', revokedAt: NOW - DAY - 3_600_000 },
    lenderId: 'sandbox',
    consentId: 'c-1',
    signal: 'contacts',
    at: NOW - DAY,
    lastAt: NOW - DAY,
    count: 1,
    records: [{ kind: 'disclosure', id: 'd-9', localId: 9 }],
    recordsOmitted: 0,
    evidence: [{ kind: 'disclosure', id: 'd-9', statement: { disclosureId: 'd-9', signature: { keyId: 'k1' } } }],
    ...overrides,
  };
}

/** The borrower's details as `profile` returns them: named, with the consent's customer id. */
export function profileView(overrides: Partial<ProfileView> = {}): ProfileView {
  return {
    fullName: 'Asha Verma',
    phone: '+91 98765 43210',
    email: 'asha@example.test',
    language: '',
    lenders: [
      {
        lenderId: 'sandbox',
        lenderName: 'Sandbox Lender',
        customerId: '',
        fromConsent: 'cust-4f9d2c1e-8a7b-4c3d-9e2f-1a2b3c4d5e6f',
      },
    ],
    updatedAt: NOW - DAY,
    ...overrides,
  };
}

/** A nominee as `nominee` returns one. */
export function nomineeView(overrides: Partial<NomineeView> = {}): NomineeView {
  return { name: 'Ravi Verma', relationship: 'brother', contact: '+91 91234 56789', recordedAt: NOW - 2 * DAY, ...overrides };
}

/** What the grievance letter to the sandbox lender cites, as `grievance_draft` returns it. */
export function grievanceDraft(overrides: Partial<GrievanceDraft> = {}): GrievanceDraft {
  const findings = overrides.findings ?? [finding()];
  return {
    lenderId: 'sandbox',
    lenderName: 'Sandbox Lender',
    draftedAt: NOW,
    findings,
    consentIds: [...new Set(findings.flatMap((f) => (f.consentId === null ? [] : [f.consentId])))],
    signals: [],
    signer: { fullName: '', phone: '', email: '', customerId: null },
    detailMax: 10_000,
    ...overrides,
  };
}

/** An audit report over `findings`, with its summary counted from them. */
export function auditReport(findings: Finding[] = []): AuditReport {
  const bySeverity: Record<string, number> = {};
  const byRule: Record<string, number> = {};
  for (const f of findings) {
    bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
    byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  }
  return {
    summary: { disclosures: 125, consents: 1, offers: 1, quotes: 1, findings: findings.length, byRule, bySeverity, unreadable: [] },
    findings,
  };
}

/** The signal catalogue as `signal_catalog` returns it: every fixture signal, under the sandbox. */
export function signalCatalog(): LenderSignalView[] {
  return Object.values(SIGNALS).map((s) => ({ lenderId: 'sandbox', signal: s }));
}

export function appSettings(overrides: Partial<AppSettings> = {}): AppSettings {
  return { backgroundSync: true, syncIntervalMin: 15, notifications: true, ...overrides };
}

export function findingAlert(overrides: Partial<FindingAlertView> = {}): FindingAlertView {
  return {
    key: 'collected-after-revocation|sandbox|disclosure:d-9',
    rule: 'collected-after-revocation',
    severity: 'critical',
    lenderId: 'sandbox',
    lenderName: 'Sandbox Lender',
    signal: 'SMS income',
    signalTexts: null,
    count: 3,
    lastAt: NOW - DAY,
    ...overrides,
  };
}

export function findingsSummary(alerts: FindingAlertView[] = [findingAlert()]): FindingsSummary {
  return {
    computedAt: NOW,
    bySeverity: { critical: alerts.filter((a) => a.severity === 'critical').length, high: 0 },
    alerts,
    phoneFindings: 0,
  };
}

export function closedLoan(overrides: Partial<ClosedLoanView> = {}): ClosedLoanView {
  return {
    lenderId: 'sandbox',
    lenderName: 'Sandbox Lender',
    offerId: 'o-1',
    endedAt: NOW - 10 * DAY,
    activeConsentIds: ['c-1', 'c-3'],
    ...overrides,
  };
}

export function revocationPreview(overrides: Partial<RevocationPreview> = {}): RevocationPreview {
  const sms = SIGNALS.income;
  return {
    consentId: 'c-1',
    lenderId: 'sandbox',
    lenderName: 'Sandbox Lender',
    stops: [sms],
    kept: [{ signal: sms, lastCollectedAt: NOW - 2 * DAY, keepUntil: NOW + 178 * DAY }],
    dataLife: { unit: 'MONTH', value: 6 },
    keepUntil: NOW + 178 * DAY,
    ...overrides,
  };
}
