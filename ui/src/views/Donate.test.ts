import { render, screen } from '@testing-library/svelte';
import axe from 'axe-core';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DonationPreview } from '../lib/bindings/DonationPreview';
import type { DonationResult } from '../lib/bindings/DonationResult';
import { setLocale } from '../lib/i18n/i18n.svelte';
import { REDACTABLE_FIELDS } from '../test/fixtures';
import { deferred, failure, mockCommands, report, type Args } from '../test/ipc';
import Donate from './Donate.svelte';

const REMOVED: DonationPreview['removed'] = [
  { path: 'customerId', count: 3, how: 'withheld' },
  { path: 'explanation.contributions.*.bin', count: 12, how: 'withheld' },
  { path: 'rightsRequests.*.details', count: 2, how: 'blanked' },
  { path: 'exportedAt', count: 1, how: 'blanked' },
  { path: 'phoneSources.*.fileName', count: 1, how: 'kept' },
  { path: 'ledger.entries.*.record_id', count: 1, how: 'kept' },
];

function preview(overrides: Partial<DonationPreview> = {}): DonationPreview {
  return {
    lenders: [{ lenderId: 'sandbox', name: 'Sandbox Lender', consents: 1, disclosures: 1500, offers: 2 }],
    consents: 1,
    disclosures: 1500,
    offers: 2,
    consentActions: 1,
    phoneObservations: 4,
    rightsRequests: 2,
    exportVersion: 2,
    required: ['customerId', 'text'],
    patterns: ['customerId', 'valueDigest', 'bin', 'text'],
    removed: REMOVED,
    blockingStatements: 0,
    noteMaxChars: 2000,
    month: '2026-11',
    ...overrides,
  };
}

const RESULT: DonationResult = {
  donationId: '3f2c9a4e-8b1d-4c7e-9a55-0d6f1e2b7c90',
  path: '/home/asha/donations/3f2c9a4e-8b1d-4c7e-9a55-0d6f1e2b7c90.khata-donation.zip',
  month: '2026-11',
  bytes: 48_000,
  exportSha256: 'ab'.repeat(32),
  removed: REMOVED,
  note: true,
};

beforeEach(() => setLocale('en'));

describe('Donate', () => {
  it('chooses, reads what the advocate gets, adds a note and donates only on the explicit button', async () => {
    let previewArgs: Args = {};
    let donateArgs: Args = {};
    const held = deferred<unknown>();
    const calls = mockCommands({
      redactable_fields: REDACTABLE_FIELDS,
      donation_preview: (args) => {
        previewArgs = args;
        return preview();
      },
      donate: (args) => {
        donateArgs = args;
        return held.promise;
      },
    });
    const user = userEvent.setup();
    render(Donate);
    // The required fields are ticked and cannot be unticked.
    expect(await screen.findByTestId('donate-redact-customerId')).toBeChecked();
    expect(screen.getByTestId('donate-redact-customerId')).toBeDisabled();
    expect(screen.getByTestId('donate-redact-text')).toBeDisabled();
    expect(screen.getByTestId('donate-redact-onwardRecipient')).not.toBeChecked();
    // Keyboard: untick the digests with the space bar.
    screen.getByTestId('donate-redact-valueDigest').focus();
    await user.keyboard(' ');
    expect(screen.getByTestId('donate-redact-valueDigest')).not.toBeChecked();
    await user.click(screen.getByTestId('donate-read'));

    const facts = await screen.findByTestId('donate-preview');
    expect(previewArgs.patterns).toEqual(['customerId', 'bin', 'text']);
    expect(screen.getByTestId('donate-month')).toHaveTextContent('2026-11');
    expect(screen.getByTestId('donate-lenders')).toHaveTextContent(
      'Sandbox Lender: 1 consent, 1,500 records of collection, 2 offers',
    );
    expect(screen.getByTestId('donate-yours')).toHaveTextContent('4 things your phone recorded, 2 rights requests');
    expect(screen.getByTestId('donate-withheld')).toHaveTextContent('The customer id the lender knows you by × 3');
    expect(screen.getByTestId('donate-withheld')).toHaveTextContent('The band your values fell in (income, location) × 12');
    expect(screen.getByTestId('donate-blanked')).toHaveTextContent('Your words in rights requests × 2');
    expect(screen.getByTestId('donate-kept')).toHaveTextContent('The names of the phone files you imported × 1');
    expect(facts).not.toHaveTextContent('phoneSources');
    const audit = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    expect(audit.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    // Nothing is written while reading.
    expect(calls.some((call) => call.command === 'donate')).toBe(false);
    await user.click(screen.getByTestId('donate-continue'));

    const note = screen.getByLabelText('Your note');
    await user.type(note, '  Collected after I revoked.  ');
    expect(screen.getByTestId('donate-note-count')).toHaveTextContent('26 of 2,000 characters');
    expect(calls.some((call) => call.command === 'donate')).toBe(false);
    await user.click(screen.getByTestId('donate-start'));
    expect(donateArgs.options).toEqual({ patterns: ['customerId', 'bin', 'text'], note: 'Collected after I revoked.' });
    report(donateArgs, { task: 'donate', phase: 'write', done: 0, total: null });
    expect(await screen.findByTestId('donate-progress')).toBeInTheDocument();
    held.resolve(RESULT);

    const result = await screen.findByTestId('donate-result');
    expect(screen.getByTestId('donate-path')).toHaveTextContent(RESULT.path);
    expect(screen.getByTestId('donate-id')).toHaveTextContent(RESULT.donationId);
    expect(result).toHaveTextContent('The customer id the lender knows you by × 3');
    expect(screen.getByTestId('donate-result-kept')).toHaveTextContent('Your vault’s own number, in the ledger');
  });

  it('refuses a note over the limit with a counter that says by how much', async () => {
    mockCommands({ redactable_fields: REDACTABLE_FIELDS, donation_preview: preview({ noteMaxChars: 10 }) });
    const user = userEvent.setup();
    render(Donate);
    await user.click(await screen.findByTestId('donate-read'));
    await user.click(await screen.findByTestId('donate-continue'));
    await user.type(screen.getByTestId('donate-note'), 'twelve chars');
    expect(screen.getByTestId('donate-note-count')).toHaveTextContent('The note is 2 characters too long.');
    expect(screen.getByTestId('donate-note')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('donate-start')).toBeDisabled();
  });

  it('says why no donation can be made from a vault of older statements, in Hindi', async () => {
    setLocale('hi');
    mockCommands({ redactable_fields: REDACTABLE_FIELDS, donation_preview: preview({ blockingStatements: 3 }) });
    const user = userEvent.setup();
    render(Donate);
    await user.click(await screen.findByTestId('donate-read'));
    expect(await screen.findByTestId('donate-blocked')).toHaveTextContent('इस तिजोरी से दान नहीं हो सकता');
    expect(screen.getByTestId('donate-blocked')).toHaveTextContent('3 बयान');
    expect(screen.queryByTestId('donate-continue')).not.toBeInTheDocument();
    expect(screen.getByTestId('donate-lenders')).toHaveTextContent('Sandbox Lender: 1 सहमति');
  });

  it('writes nothing when the folder dialog is dismissed, and words a failure', async () => {
    let fails = false;
    mockCommands({
      redactable_fields: REDACTABLE_FIELDS,
      donation_preview: preview(),
      donate: () => {
        if (fails) throw failure('The note is 2001 characters long; a donation’s note holds at most 2000.', 'invalid_input');
        return null;
      },
    });
    const user = userEvent.setup();
    render(Donate);
    await user.click(await screen.findByTestId('donate-read'));
    await user.click(await screen.findByTestId('donate-continue'));
    await user.click(screen.getByTestId('donate-start'));
    expect(await screen.findByTestId('donate-cancelled')).toHaveTextContent('nothing was written');
    fails = true;
    await user.click(screen.getByTestId('donate-start'));
    expect(await screen.findByTestId('donate-error')).toHaveTextContent('holds at most 2000');
    expect(screen.queryByTestId('donate-result')).not.toBeInTheDocument();
  });
});
