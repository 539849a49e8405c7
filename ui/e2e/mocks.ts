/**
 * Mocked Tauri IPC for the browser tests: the populated demo of the Vitest tests (`src/test/`)
 * plus the commands only a click reaches (evidence, what-if, export…). Query parameters pick
 * the scenario: `firstRun` makes `recovery_key` hand over a key (the first-run dialog);
 * `empty` is a new vault with no lender connected (empty states); `fail` makes every command but
 * the start-up ones fail, so each screen shows its error state; `locked=<code>` keeps the vault
 * closed for that reason (`keychain_unavailable`, `passphrase_required`, `key_missing`), with
 * `exists` for a vault already on disk, so the unlock screen shows.
 * A command with no handler fails and is logged with `console.error`, which fails the run.
 */
import { mockIPC } from '@tauri-apps/api/mocks';
import type { AppInfo } from '../src/lib/bindings/AppInfo';
import type { ErrorCode } from '../src/lib/bindings/ErrorCode';
import type { EvidenceView } from '../src/lib/bindings/EvidenceView';
import type { ExportSummary } from '../src/lib/bindings/ExportSummary';
import type { SyncSummary } from '../src/lib/bindings/SyncSummary';
import { demoHandlers } from '../src/test/demo';
import * as f from '../src/test/fixtures';
import * as phone from '../src/test/phoneFixtures';
import { report, type Args, type Handler } from '../src/test/ipc';

const params = new URLSearchParams(location.search);
const firstRun = params.has('firstRun');
const fail = params.has('fail');
const empty = params.has('empty');
const locked = params.get('locked');
const exists = params.has('exists') || locked === 'passphrase_required' || locked === 'key_missing';

/** What the app asks before any screen shows; `fail` spares them so the screens' errors show. */
// Listening to the shell's events (notices, background sync, dropped files) is part of start-up.
const STARTUP = ['recovery_key', 'vault_access', 'opened_files', 'app_ready', 'plugin:event|listen', 'plugin:event|unlisten'];

/** Never settles: holds a long task mid-flight so its progress stays on screen. */
const forever = () => new Promise<never>(() => {});

const handlers: Record<string, Handler | object | null> = {
  ...demoHandlers(),
  recovery_key: () => (firstRun ? 'KHATA-7Q4M-XR2P-9KDW-HN3T-ZB6C-LF8V-2YJE' : null),
  app_info: {
    version: '0.1.0',
    vaultPath: '~/.local/share/khata/vault.khata',
    logDir: '~/.local/state/khata/logs',
    buildProfile: 'release',
    platform: 'linux x86_64',
  } satisfies AppInfo,
  evidence: (args: Args): EvidenceView => {
    const disclosure = f.disclosure(Number(args.disclosureId));
    return {
      disclosure,
      consent: f.consent(),
      statementJson: JSON.stringify({ id: disclosure.id, signal: disclosure.signal, digest: disclosure.valueDigest }, null, 2),
      signatureKeyId: 'sandbox-ed25519-1',
      signatureVerified: true,
      ledgerSeq: 4242,
    };
  },
  connect_sandbox: (args: Args) => {
    report(args, { task: 'sync', phase: 'disclosures', done: 420, total: 1000 });
    return forever();
  },
  sandbox_scenarios: () => [
    { name: 'salaried-good', description: 'A salaried borrower with a long phone history; a well-behaved lender that approves.' },
    { name: 'over-collector', description: 'A lender that collects beyond consent: after revoking, prohibited data, no consent.' },
  ],
  connect_lender: (args: Args) => {
    report(args, { task: 'sync', phase: 'consents', done: 1, total: null });
    return forever();
  },
  sync_lender: (): SyncSummary => ({
    lenderId: 'sandbox',
    newDisclosures: 12,
    consents: 1,
    offers: 0,
    reachable: true,
    anomalies: 0,
  }),
  quote_request: (args: Args) => f.requestQuote((args.shared as string[] | undefined) ?? []),
  decide_consent: f.consent(),
  revoke_consent: f.revocation(),
  pause_consent: f.revocation({ id: 'rev-pause', signals: [] }),
  resume_consent: f.revocation({ id: 'rev-resume', signals: [] }),
  set_update_settings: (args: Args) => args.settings as object,
  check_for_update: null,
  choose_and_verify: {
    outcome: 'invalid',
    path: '/home/asha/khata-export.khata.json',
    record: '/disclosures/17/statement',
    reason: 'the lender signature does not verify',
  },
  grievance_draft: f.grievanceDraft({
    signer: { fullName: 'Asha Verma', phone: '+91 98765 43210', email: '', customerId: 'KH-20417' },
  }),
  save_profile: (args: Args) => ({ ...f.profileView(), ...(args.profile as object), lenders: f.profileView().lenders }),
  save_nominee: (args: Args) => (args.nominee ? { ...(args.nominee as object), recordedAt: Date.now() } : null),
  save_nominee_packet: { path: '/home/asha/khata-nominee.zip', bytes: 20_480, files: 5, consents: 1, requests: 2 },
  save_grievance_packet: { path: '/home/asha/khata-grievance.zip', bytes: 4096, files: 7 },
  file_grievance: f.rightsRequest({ id: 'g-1', kind: 'grievance', ticket: 'GRV-77', overdue: false, dueAt: Date.now() + 30 * f.DAY }),
  request_right: f.rightsRequest({ id: 'rr-3', status: 'sent', overdue: false, dueAt: Date.now() + 30 * f.DAY }),
  correction_context: {
    lenderId: 'sandbox',
    signal: 'upi_inflow',
    signalName: 'Monthly UPI inflow',
    bin: '20k-40k',
    offerId: 'off-1',
    offerAt: f.NOW - 2 * f.DAY,
    lastCollectedAt: f.NOW - f.DAY,
  },
  escalation_draft: f.escalationFacts(),
  save_escalation_packet: { path: '/home/asha/khata-complaint.zip', bytes: 4096, files: 6 },
  save_rights_calendar: () => '/home/asha/khata-deadlines.ics',
  export_records: (args: Args): ExportSummary => {
    report(args, { task: 'export', phase: 'disclosures', done: 1000, total: 1000 });
    return {
      path: '~/Documents/khata-export.json',
      format: args.format as ExportSummary['format'],
      bytes: 2_483_117,
      records: 1_000_004,
      ledgerHead: 'b5f1c3a0e9d24f6b8a7c1e0d2f3b4a5968778695a4b3c2d1e0f1a2b3c4d5e6f7',
      redaction: null,
    };
  },
  redactable_fields: f.REDACTABLE_FIELDS,
  cancel_task: null,
  ask_open_path: () => '/home/asha/Downloads/appops.txt',
  phone_survey: phone.survey(),
  phone_import: (args: Args) => {
    report(args, { task: 'phone', phase: 'storing', done: 12, total: 12 });
    return phone.importSummary();
  },
  phone_devices: [phone.device({ state: 'unauthorized' })],
  save_sandbox_phone_report: () => '/home/asha/Downloads/sandbox-phone-report.ndjson',
  // Tauri's event plugin: a listener id; no event is ever emitted here.
  'plugin:event|listen': () => 1,
  'plugin:event|unlisten': null,
};

if (empty) {
  Object.assign(handlers, {
    overview: f.EMPTY_OVERVIEW,
    consents: [],
    latest_offer: null,
    consent_requests: [],
    rights_requests: [],
    audit_report: f.auditReport([]),
    timeline: { items: [], nextCursor: null, total: 0, phone: [] },
    phone_sources: [],
    phone_observations: [],
    profile: f.profileView({ fullName: '', phone: '', email: '', lenders: [], updatedAt: null }),
    nominee: null,
  });
}

if (locked) {
  const closed = f.access({
    open: false,
    custody: null,
    probe: {
      exists,
      custody: exists ? (locked === 'passphrase_required' ? 'passphrase' : 'keychain') : null,
    },
    problem: { code: locked as ErrorCode, message: `The vault did not open (${locked}).` },
  });
  Object.assign(handlers, { vault_access: closed, unlock_vault: closed });
}

mockIPC((command, payload) => {
  const args = (payload ?? {}) as Args;
  if (!(command in handlers)) {
    console.error(`mocked IPC: unexpected command ${command}`);
    throw { code: 'internal', message: `unexpected command ${command}` };
  }
  if (fail && !STARTUP.includes(command)) {
    throw { code: 'io', message: `The vault could not be read (${command}).` };
  }
  const handler = handlers[command];
  return typeof handler === 'function' ? (handler as Handler)(args) : handler;
});
