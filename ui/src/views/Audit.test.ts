import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { formatDateTime, formatNumber } from '../lib/format';
import { setLocale } from '../lib/i18n/i18n.svelte';
import {
  auditReport,
  finding,
  grievanceDraft,
  logFork,
  overview,
  profileView,
  rightsRequest,
  DAY,
  NOW,
  PROHIBITED_FACTS,
  RBI_SOURCE,
  ROOT_A,
} from '../test/fixtures';
import { failure, mockCommands } from '../test/ipc';
import Audit from './Audit.svelte';

beforeEach(() => setLocale('en'));

const FINDINGS = [
  finding(),
  finding({ rule: 'prohibited-signal', facts: PROHIBITED_FACTS, signal: 'call_logs' }),
  finding({
    rule: 'above-frequency',
    severity: 'medium',
    facts: { kind: 'frequency', value: 1, unit: 'day', mostInWindow: 2 },
  }),
];

describe('Audit', () => {
  it('groups findings by severity, each opening its detail and signed evidence', async () => {
    mockCommands({ audit_report: auditReport(FINDINGS), overview: overview() });
    const user = userEvent.setup();
    render(Audit);

    expect(await screen.findByTestId('audit-summary')).toHaveTextContent('125 disclosures checked, 3 findings.');
    expect(screen.getByTestId('audit-count-critical')).toHaveTextContent('Critical: 2');
    expect(screen.getByTestId('audit-count-medium')).toHaveTextContent('Medium: 1');
    expect(screen.queryByTestId('audit-count-high')).not.toBeInTheDocument();
    const critical = screen.getByTestId('audit-group-critical');
    expect(within(critical).getByRole('heading', { level: 2 })).toHaveTextContent('Critical (2)');
    const first = screen.getByTestId('finding-critical-0');
    expect(first).toHaveTextContent('Collected after you revoked the consent');
    expect(first).toHaveTextContent('Sandbox Lender');
    expect(first).not.toHaveAttribute('open');
    await user.click(within(first).getByText('Collected after you revoked the consent'));
    expect(first).toHaveAttribute('open');
    expect(within(first).getByText('collected-after-revocation')).toBeInTheDocument();
    expect(screen.getByTestId('finding-detail-critical-0')).toHaveTextContent(
      `Your “contacts” data was collected on ${formatDateTime(NOW - DAY)}, after you revoked consent c-1 on ${formatDateTime(NOW - DAY - 3_600_000)}.`,
    );
    expect(within(first).getByText('disclosure d-9')).toBeInTheDocument();
    expect(within(first).getByLabelText('disclosure d-9')).toHaveTextContent('"disclosureId": "d-9"');
  });

  it('shows a finding grouped over many disclosures with its count, time range and omitted records', async () => {
    const grouped = finding({
      rule: 'above-frequency',
      severity: 'medium',
      facts: { kind: 'frequency', value: 1, unit: 'day', mostInWindow: 600 },
      at: NOW - 2 * DAY,
      lastAt: NOW - DAY,
      count: 1_000_000,
      records: [
        { kind: 'disclosure', id: 'd-1', localId: 1 },
        { kind: 'disclosure', id: 'd-1000000', localId: 1_000_000 },
        { kind: 'consent', id: 'c-1', localId: null },
      ],
      recordsOmitted: 999_998,
      evidence: [
        { kind: 'disclosure', id: 'd-1', statement: { disclosureId: 'd-1' } },
        { kind: 'disclosure', id: 'd-1000000', statement: { disclosureId: 'd-1000000' } },
        { kind: 'consent', id: 'c-1#v1', statement: { consentId: 'c-1' } },
      ],
    });
    mockCommands({ audit_report: auditReport([grouped, finding()]), overview: overview() });
    const user = userEvent.setup();
    render(Audit);
    await screen.findByTestId('audit-summary');
    expect(screen.getByTestId('finding-count-medium-0')).toHaveTextContent(`${formatNumber(1_000_000)} times`);
    expect(screen.queryByTestId('finding-count-critical-0')).not.toBeInTheDocument();
    const item = screen.getByTestId('finding-medium-0');
    expect(item).toHaveTextContent(`${formatDateTime(NOW - 2 * DAY)} – ${formatDateTime(NOW - DAY)}`);
    await user.click(within(item).getByText('Collected more often than consented'));
    expect(screen.getByTestId('finding-detail-medium-0')).toHaveTextContent(
      `Your “contacts” data was collected ${formatNumber(1_000_000)} times beyond what you consented to (once a day), ` +
        `between ${formatDateTime(NOW - 2 * DAY)} and ${formatDateTime(NOW - DAY)}; up to 600 times within one day.`,
    );
    expect(
      within(item).getByText(
        `disclosure d-1, disclosure d-1000000, … and ${formatNumber(999_998)} more, consent c-1`,
      ),
    ).toBeInTheDocument();
    expect(within(item).getByLabelText('disclosure d-1000000')).toHaveTextContent('"disclosureId": "d-1000000"');
    expect(within(item).getByLabelText('consent c-1#v1')).toBeInTheDocument();
  });

  it('says so when nothing was found', async () => {
    mockCommands({ audit_report: auditReport([]), overview: overview() });
    render(Audit);
    expect(await screen.findByTestId('audit-empty')).toHaveTextContent('No problems found');
    expect(screen.queryByTestId('grievance-sandbox')).not.toBeInTheDocument();
  });

  it('pages long lists of findings', async () => {
    const many = Array.from({ length: 120 }, (_, i) => finding({ at: NOW - i * DAY }));
    mockCommands({ audit_report: auditReport(many), overview: overview() });
    const user = userEvent.setup();
    render(Audit);
    await screen.findByTestId('audit-summary');
    expect(screen.getByTestId('finding-critical-49')).toBeInTheDocument();
    expect(screen.queryByTestId('finding-critical-50')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('audit-more-critical'));
    expect(screen.getByTestId('finding-critical-99')).toBeInTheDocument();
    expect(screen.getByTestId('audit-more-critical')).toHaveTextContent('Show 20 more');
  });

  const SIGNED = { fullName: 'Asha Verma', phone: '+91 98765 43210', email: '', customerId: 'KH-20417' };

  it('drafts the letter signed with your name, lets you edit and preview it, and files it once confirmed', async () => {
    const calls = mockCommands({
      audit_report: auditReport(FINDINGS),
      overview: overview(),
      grievance_draft: grievanceDraft({ findings: FINDINGS, signer: SIGNED }),
      save_grievance_packet: { path: '/home/asha/khata-grievance.zip', bytes: 4096, files: 7 },
      file_grievance: rightsRequest({ id: 'g-1', kind: 'grievance', ticket: 'GRV-77', dueAt: NOW + 30 * DAY }),
    });
    const user = userEvent.setup();
    render(Audit);
    const card = await screen.findByTestId('grievance-sandbox');
    expect(card).toHaveTextContent('Sandbox Lender: 3 findings');

    await user.click(screen.getByTestId('grievance-read-sandbox'));
    const editor = (await screen.findByTestId('grievance-letter-edit')) as HTMLTextAreaElement;
    expect(editor).toHaveAccessibleName('The letter — change any word before you send it');
    expect(editor.value).toContain('To: The Grievance Officer, Sandbox Lender');
    expect(editor.value).toContain('I am Asha Verma, a customer of Sandbox Lender.');
    expect(editor.value).toContain('1. [Critical] Collected after you revoked the consent');
    expect(editor.value).not.toContain('[Your name]');
    // The borrower edits a sentence, previews, and what they read is what is saved and filed.
    await user.type(editor, 'Please reply in writing.');
    await user.click(screen.getByTestId('grievance-preview'));
    const shown = await screen.findByTestId('grievance-letter-text');
    expect(shown.textContent?.endsWith('Please reply in writing.')).toBe(true);
    expect(screen.getByTestId('grievance-filed-as')).toHaveTextContent('The whole letter');
    const letter = shown.textContent ?? '';
    await user.click(screen.getByTestId('grievance-save-letter'));
    expect(await screen.findByTestId('grievance-flow-notice')).toHaveTextContent(
      'Saved 7 files to /home/asha/khata-grievance.zip.',
    );
    // Nothing is filed before the borrower confirms.
    await user.click(screen.getByTestId('grievance-next'));
    expect(screen.getByTestId('grievance-confirm-question')).toHaveTextContent(
      'File this with Sandbox Lender’s grievance officer?',
    );
    expect(calls.some((c) => c.command === 'file_grievance')).toBe(false);
    await user.click(screen.getByTestId('grievance-confirm'));
    await vi.waitFor(() => expect(screen.getByTestId('grievance-notice')).toHaveTextContent('Ticket GRV-77'));
    expect(screen.queryByTestId('grievance-letter-text')).not.toBeInTheDocument();
    expect(calls.filter((c) => !['audit_report', 'overview', 'signal_catalog'].includes(c.command))).toEqual([
      { command: 'grievance_draft', args: { lenderId: 'sandbox' } },
      { command: 'save_grievance_packet', args: { lenderId: 'sandbox', letter, language: 'en' } },
      { command: 'file_grievance', args: { lenderId: 'sandbox', letter, summary: null } },
    ]);
  });

  it('asks for your name first when Your details has none, and keeps it there', async () => {
    let signer = { fullName: '', phone: '', email: '', customerId: 'cust-1' };
    const calls = mockCommands({
      audit_report: auditReport(FINDINGS),
      overview: overview(),
      grievance_draft: () => grievanceDraft({ findings: FINDINGS, signer }),
      profile: profileView({ fullName: '', phone: '', email: '' }),
      save_profile: (args: Record<string, unknown>) => {
        const p = args.profile as { fullName: string };
        signer = { ...signer, fullName: p.fullName, customerId: 'KH-20417' };
        return profileView({ fullName: p.fullName });
      },
    });
    const user = userEvent.setup();
    render(Audit);
    await user.click(await screen.findByTestId('grievance-file-sandbox'));
    const name = await screen.findByTestId('grievance-name');
    expect(name).toHaveAccessibleName('Your full name');
    expect(screen.queryByTestId('grievance-letter-edit')).not.toBeInTheDocument();
    await user.type(name, 'Asha Verma');
    await user.type(screen.getByTestId('grievance-customer-id'), 'KH-20417');
    await user.click(screen.getByTestId('grievance-name-save'));
    const editor = (await screen.findByTestId('grievance-letter-edit')) as HTMLTextAreaElement;
    expect(editor.value).toContain('I am Asha Verma, a customer of Sandbox Lender.');
    expect(editor.value).toContain('My customer id with Sandbox Lender: KH-20417');
    const saved = calls.find((c) => c.command === 'save_profile');
    expect(saved?.args.profile).toEqual({
      fullName: 'Asha Verma',
      phone: '',
      email: '',
      language: '',
      customerIds: [{ lenderId: 'sandbox', customerId: 'KH-20417' }],
    });
    expect(calls.filter((c) => c.command === 'grievance_draft')).toHaveLength(2);
  });

  it('files the summary of a letter longer than the lender takes, and says so', async () => {
    const calls = mockCommands({
      audit_report: auditReport(FINDINGS),
      overview: overview(),
      grievance_draft: grievanceDraft({ findings: FINDINGS, signer: SIGNED, detailMax: 1000 }),
      file_grievance: rightsRequest({ id: 'g-1', kind: 'grievance', ticket: 'GRV-78', dueAt: NOW + 30 * DAY }),
    });
    const user = userEvent.setup();
    render(Audit);
    await user.click(await screen.findByTestId('grievance-read-sandbox'));
    await user.click(await screen.findByTestId('grievance-preview'));
    expect(screen.getByTestId('grievance-filed-as')).toHaveTextContent('Sandbox Lender’s form takes at most 1,000');
    const summary = screen.getByTestId('grievance-summary-text').textContent ?? '';
    expect(summary).toContain('in a grievance packet');
    const letter = screen.getByTestId('grievance-letter-text').textContent ?? '';
    await user.click(screen.getByTestId('grievance-next'));
    await user.click(screen.getByTestId('grievance-confirm'));
    await vi.waitFor(() => expect(screen.getByTestId('grievance-notice')).toHaveTextContent('Ticket GRV-78'));
    expect(calls.find((c) => c.command === 'file_grievance')?.args).toEqual({ lenderId: 'sandbox', letter, summary });
  });

  it('shows the grievance letter in Hindi, and saves the Hindi text', async () => {
    setLocale('hi');
    const calls = mockCommands({
      audit_report: auditReport(FINDINGS),
      overview: overview(),
      grievance_draft: grievanceDraft({ findings: FINDINGS, signer: SIGNED }),
      save_grievance_packet: { path: '/home/asha/khata-grievance.zip', bytes: 4096, files: 7 },
    });
    const user = userEvent.setup();
    render(Audit);
    await user.click(await screen.findByTestId('grievance-read-sandbox'));
    await user.click(await screen.findByTestId('grievance-preview'));
    const shown = await screen.findByTestId('grievance-letter-text');
    expect(shown).toHaveTextContent('सेवा में: शिकायत अधिकारी, Sandbox Lender');
    expect(shown).toHaveTextContent('डिजिटल व्यक्तिगत डेटा संरक्षण अधिनियम, 2023 की धारा 13');
    expect(shown).toHaveTextContent('1. [बहुत गंभीर] आपके सहमति वापस लेने के बाद जानकारी ली गई');
    expect(shown).toHaveTextContent('मैं Asha Verma, Sandbox Lender का/की ग्राहक हूँ।');
    await user.click(screen.getByTestId('grievance-letter-close'));
    await user.click(screen.getByTestId('grievance-save-sandbox'));
    await screen.findByTestId('grievance-notice');
    const saved = calls.find((c) => c.command === 'save_grievance_packet');
    expect(saved?.args.letter).toContain('सेवा में: शिकायत अधिकारी, Sandbox Lender');
    expect(saved?.args.letter).toBe(shown.textContent);
    // The packet's guide is written in the language the borrower reads.
    expect(saved?.args.language).toBe('hi');
  });

  it('drafts the letter again in the language the borrower switches to', async () => {
    mockCommands({
      audit_report: auditReport(FINDINGS),
      overview: overview(),
      grievance_draft: grievanceDraft({ findings: FINDINGS, signer: SIGNED }),
    });
    const user = userEvent.setup();
    render(Audit);
    await user.click(await screen.findByTestId('grievance-read-sandbox'));
    await user.type(await screen.findByTestId('grievance-letter-edit'), 'An English edit.');
    await user.click(screen.getByTestId('grievance-letter-close'));
    setLocale('hi');
    await user.click(screen.getByTestId('grievance-read-sandbox'));
    const hindi = (await screen.findByTestId('grievance-letter-edit')) as HTMLTextAreaElement;
    expect(hindi.value).toContain('सेवा में: शिकायत अधिकारी, Sandbox Lender');
    expect(hindi.value).not.toContain('An English edit.');
    await user.click(screen.getByTestId('grievance-letter-close'));
    setLocale('en');
    await user.click(screen.getByTestId('grievance-read-sandbox'));
    expect(((await screen.findByTestId('grievance-letter-edit')) as HTMLTextAreaElement).value).toContain('An English edit.');
  });

  it('shows a failure to file as a sentence', async () => {
    mockCommands({
      audit_report: auditReport(FINDINGS),
      overview: overview(),
      grievance_draft: grievanceDraft({ findings: FINDINGS, signer: SIGNED }),
      file_grievance: () => {
        throw failure('The lender could not be reached (timeout). Khata keeps working from your vault.', 'lender_unreachable');
      },
    });
    const user = userEvent.setup();
    render(Audit);
    await user.click(await screen.findByTestId('grievance-file-sandbox'));
    await user.click(await screen.findByTestId('grievance-preview'));
    await user.click(screen.getByTestId('grievance-next'));
    await user.click(screen.getByTestId('grievance-confirm'));
    expect(await screen.findByTestId('grievance-flow-error')).toHaveTextContent('could not be reached');
  });

  it('shows rule titles in Hindi', async () => {
    setLocale('hi');
    mockCommands({ audit_report: auditReport(FINDINGS), overview: overview() });
    render(Audit);
    expect(await screen.findByTestId('finding-critical-0')).toHaveTextContent('आपके सहमति वापस लेने के बाद जानकारी ली गई');
  });

  it('words each finding from its rule and facts, in Hindi too', async () => {
    setLocale('hi');
    const overCollected = finding({
      rule: 'above-frequency',
      severity: 'medium',
      signal: 'sms_income',
      count: 3,
      at: NOW - 2 * DAY,
      lastAt: NOW - DAY,
      facts: { kind: 'frequency', value: 1, unit: 'day', mostInWindow: 4 },
    });
    const passedOn = finding({
      rule: 'unnamed-recipient',
      severity: 'high',
      facts: { kind: 'unnamedRecipient', recipient: 'adnet-42', named: [] },
    });
    mockCommands({ audit_report: auditReport([finding(), passedOn, overCollected]), overview: overview() });
    render(Audit);
    await screen.findByTestId('audit-summary');
    expect(screen.getByTestId('finding-detail-critical-0')).toHaveTextContent(
      `आपकी “contacts” जानकारी ${formatDateTime(NOW - DAY)} को ली गई, जबकि आप ${formatDateTime(NOW - DAY - 3_600_000)} को सहमति c-1 वापस ले चुके थे।`,
    );
    expect(screen.getByTestId('finding-detail-high-0')).toHaveTextContent(
      `आपकी “contacts” जानकारी ${formatDateTime(NOW - DAY)} को adnet-42 को दी गई; सहमति c-1 में किसी को भी आगे देने की बात नहीं है।`,
    );
    expect(screen.getByTestId('finding-detail-medium-0')).toHaveTextContent(
      `आपकी “sms_income” जानकारी सहमति (हर दिन एक बार) से 3 बार ज़्यादा ली गई, ` +
        `${formatDateTime(NOW - 2 * DAY)} से ${formatDateTime(NOW - DAY)} के बीच; एक दिन में 4 बार तक।`,
    );
  });

  it('shows what the phone saw, with the file it rests on and its full hash', async () => {
    const sha = '5e'.repeat(32);
    const seen = finding({
      rule: 'observed-prohibited-access',
      signal: null,
      facts: {
        kind: 'observed',
        resource: 'contacts',
        op: 'READ_CONTACTS',
        app: 'in.khata.sandbox.lender',
        platform: 'android',
        state: 'background',
        firstAt: NOW - DAY,
        lastAt: NOW - DAY,
        count: 1,
        openInterval: false,
        sourceSha256: sha,
        sourceFormat: 'android-appops',
        fileName: 'appops.txt',
        capturedAt: null,
        limits: ['useNotContent', 'lastAccessOnly'],
        utcOffsetMin: 330,
        offsetFrom: 'assumed',
        network: null,
        why: { kind: 'prohibited', data: 'contactList', source: RBI_SOURCE },
      },
      records: [
        { kind: 'phone-observation', id: `${sha}/0`, localId: null },
        { kind: 'phone-source', id: sha, localId: null },
      ],
      evidence: [{ kind: 'phone-source', id: sha, statement: { sha256: sha, fileName: 'appops.txt' } }],
    });
    mockCommands({ audit_report: auditReport([seen, finding()]), overview: overview() });
    render(Audit);
    await screen.findByTestId('audit-summary');
    const first = screen.getByTestId('finding-critical-0');
    expect(first).toHaveTextContent('Your phone saw the app use data the RBI prohibits');
    expect(screen.getByTestId('finding-detail-critical-0')).toHaveTextContent(
      'Your phone saw in.khata.sandbox.lender, the app of Sandbox Lender, use your contacts (READ_CONTACTS) in the background',
    );
    expect(screen.getByTestId('finding-phone-file-critical-0')).toHaveTextContent(`appops.txt · SHA-256 ${sha}`);
    expect(screen.getByTestId('finding-source-critical-0')).toHaveTextContent('RBI Guidelines on Digital Lending');
    expect(within(first).getByText(`phone record ${sha}/0, phone file ${sha}`)).toBeInTheDocument();
    // A finding from the lender's own statements has no phone file.
    expect(screen.queryByTestId('finding-phone-file-critical-1')).not.toBeInTheDocument();
  });

  it('shows the two signed heads of a forked log side by side: size, shortened root, time', async () => {
    mockCommands({ audit_report: auditReport([logFork()]), overview: overview() });
    const user = userEvent.setup();
    render(Audit);
    const fork = await screen.findByTestId('finding-critical-0');
    expect(fork).toHaveTextContent('The lender signed two different histories of your disclosures');
    await user.click(within(fork).getByText('The lender signed two different histories of your disclosures'));
    const rows = within(screen.getByTestId('finding-heads-critical-0')).getAllByRole('row');
    const cells = rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim()));
    expect(cells).toEqual([
      ['Which', 'Disclosures', 'Root hash', 'Signed on', 'Key'],
      ['Held from before', '1,200', 'Zk3vQ2Hc…A9fA', formatDateTime(NOW - 2 * DAY), 'k1'],
      ['Shown later', '1,200', 'Qx81bT0z…B2kw', formatDateTime(NOW - DAY), 'k1'],
    ]);
    // The whole root is one hover away, and both signed heads are the evidence.
    expect(within(rows[1]).getByText('Zk3vQ2Hc…A9fA')).toHaveAttribute('title', ROOT_A);
    expect(within(fork).getAllByLabelText(/^tree-head 1200\//)).toHaveLength(2);
    // Other findings have no such table.
    expect(screen.queryByTestId('finding-heads-critical-1')).not.toBeInTheDocument();
  });

  it('shows a page mismatch with the root its leaves gave, in Hindi too', async () => {
    setLocale('hi');
    const page = finding({
      rule: 'log-page-mismatch',
      severity: 'high',
      consentId: null,
      signal: null,
      facts: {
        kind: 'logPageMismatch',
        offered: { treeSize: 2000, rootHash: 'B'.repeat(43), timestamp: NOW - DAY, keyId: 'k2' },
        computedRoot: ROOT_A,
        pageStart: 1000,
        held: null,
      },
    });
    mockCommands({ audit_report: auditReport([page]), overview: overview() });
    render(Audit);
    await screen.findByTestId('audit-summary');
    expect(screen.getByTestId('finding-high-0')).toHaveTextContent('ऋणदाता के भेजे खुलासे उसके हस्ताक्षर से मेल नहीं खाते');
    const rows = within(screen.getByTestId('finding-heads-high-0')).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent(`बाद में दिखाया गया2,000BBBBBBBB…BBBB${formatDateTime(NOW - DAY)}k2`);
    expect(rows[2]).toHaveTextContent('भेजे गए खुलासों से बना—Zk3vQ2Hc…A9fA——');
  });
});
