/** A populated app behind mocked IPC: every command answers with sample data (fixtures). */
import type { TimelineQuery } from '../lib/bindings/TimelineQuery';
import * as f from './fixtures';
import * as p from './phoneFixtures';
import { mockCommands, type Handler } from './ipc';

/** The command handlers of the populated app (also used by the browser tests, `e2e/`). */
export function demoHandlers(): Record<string, Handler | object | null> {
  return {
    vault_access: f.access(),
    app_ready: null,
    opened_files: [],
    update_settings: { checkAutomatically: false },
    app_settings: f.appSettings(),
    set_app_settings: (args) => args.settings as object,
    acknowledge_notices: null,
    revocation_preview: f.revocationPreview(),
    request_consent_erasure: f.rightsRequest({ id: 'rr-erase', kind: 'erasure', status: 'pending', overdue: false }),
    redactable_fields: f.REDACTABLE_FIELDS,
    signal_catalog: f.signalCatalog(),
    audit_report: f.auditReport([
      f.finding(),
      f.finding({ rule: 'prohibited-signal', facts: f.PROHIBITED_FACTS, signal: 'call_logs' }),
      f.finding({
        rule: 'above-frequency',
        severity: 'medium',
        facts: { kind: 'frequency', value: 1, unit: 'day', mostInWindow: 2 },
        signal: 'sms_income',
      }),
    ]),
    overview: f.overview({
      activeConsents: 2,
      pendingRequests: 1,
      lenders: [f.lender(), f.lender({ id: 'l2', name: 'QuickRupee', isSandbox: false, reachable: false })],
      revocationsInFlight: [f.revocation({ id: 'r1', state: 'sent', attempts: 2 })],
      alerts: [{ severity: 'warning', code: 'lender_unreachable', message: 'QuickRupee is unreachable.' }],
      findings: f.findingsSummary([
        f.findingAlert(),
        f.findingAlert({ key: 'prohibited', rule: 'prohibited-signal', severity: 'high', signal: 'Call logs' }),
      ]),
      closedLoans: [f.closedLoan({ lenderId: 'l2', lenderName: 'QuickRupee', activeConsentIds: ['c-2'] })],
    }),
    consents: [
      f.consent({
        revocations: [
          f.revocation({ id: 'r1', state: 'sent', attempts: 2, lastError: 'The lender did not answer in time.' }),
          f.revocation({ id: 'r0', state: 'confirmed', signals: [], confirmedAt: f.NOW, receiptId: 'rcpt-42' }),
        ],
      }),
      f.consent({ id: 'c-2', status: 'paused', lenderName: 'QuickRupee' }),
    ],
    // The Key Fact Statement of a lender that states 12 × the monthly rate without its fees.
    latest_offer: f.offer({ kfs: f.kfsView({ aprAnnualBps: 2160, aprMatches: false }) }),
    what_if: {
      offer: f.offer(),
      quote: f.offer({ score: 585, amountInr: 100000 }),
      scoreChange: -55,
      amountChange: -50000,
    },
    consent_requests: [f.consentRequest()],
    rights_requests: [
      f.overdueGrievance(),
      f.rightsRequest(),
      f.rightsRequest({ id: 'rr-2', kind: 'human_review', status: 'acknowledged', overdue: false, clocks: [] }),
    ],
    profile: f.profileView(),
    nominee: f.nomineeView(),
    phone_sources: [p.phoneSource(), p.androidSource()],
    phone_observations: [
      p.observation(),
      p.observation({ source: p.ANDROID_SHA, platform: 'android', resource: 'callLog', op: 'READ_CALL_LOG' }),
    ],
    timeline: (args) => {
      const query = args.query as TimelineQuery;
      const start = query.cursor ? Number(query.cursor) : 0;
      const items = [];
      for (let id = start + 1; id <= start + query.limit; id++) items.push(f.disclosure(id));
      // What the phone saw, among the first page's disclosures.
      const phone = start === 0 ? [p.timelineItem({ firstAt: f.NOW - 90_000, lastAt: f.NOW - 90_000 })] : [];
      return { items, nextCursor: String(start + query.limit), total: 1_000_000, phone };
    },
  };
}

export function mockDemo() {
  return mockCommands(demoHandlers());
}
