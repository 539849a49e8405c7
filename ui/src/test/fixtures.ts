/** Sample view data shaped like the engine's (`src-tauri/crates/engine/src/views.rs`). */
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
import type { OfferView } from '../lib/bindings/OfferView';
import type { Overview } from '../lib/bindings/Overview';
import type { RedactableField } from '../lib/bindings/RedactableField';
import type { RevocationView } from '../lib/bindings/RevocationView';
import type { RightsRequestView } from '../lib/bindings/RightsRequestView';
import type { SignalInfo } from '../lib/bindings/SignalInfo';

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
    ...overrides,
  };
}

export const SIGNALS = {
  location: signal('location', { name: 'Location', dpvCategory: 'pd:Location' }),
  income: signal('sms_income', { name: 'Income from SMS', dpvCategory: 'pd:Income', sensitivity: 'high' }),
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
      { signal: 'sms_income', signalName: 'Income from SMS', bin: '₹25k–50k', points: 55, missingPoints: 0 },
      { signal: 'location', signalName: 'Location', bin: 'Stable', points: 10, missingPoints: -5 },
      { signal: 'installed_apps', signalName: 'Installed apps', bin: 'Many loan apps', points: -25, missingPoints: 0 },
    ],
    topAdverse: [
      {
        rank: 1,
        code: 'A01',
        signal: 'installed_apps',
        signalName: 'Installed apps',
        points: -25,
        text: 'Several other lending apps are installed on your phone.',
        impact: 'high',
      },
    ],
    withheld: [],
    signatureVerified: true,
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
      { signal: SIGNALS.location, newSinceLast: false },
      { signal: SIGNALS.income, newSinceLast: false },
      { signal: SIGNALS.contacts, newSinceLast: true },
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
    dueAt: NOW - 10 * DAY,
    overdue: true,
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

/** What the grievance letter to the sandbox lender cites, as `grievance_draft` returns it. */
export function grievanceDraft(overrides: Partial<GrievanceDraft> = {}): GrievanceDraft {
  const findings = overrides.findings ?? [finding()];
  return {
    lenderId: 'sandbox',
    lenderName: 'Sandbox Lender',
    draftedAt: NOW,
    findings,
    consentIds: [...new Set(findings.flatMap((f) => (f.consentId === null ? [] : [f.consentId])))],
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
