import { render, screen } from '@testing-library/svelte';
import axe from 'axe-core';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../lib/i18n/i18n.svelte';
import { REDACTABLE_FIELDS } from '../test/fixtures';
import { deferred, failure, mockCommands, report, type Args } from '../test/ipc';
import Export from './Export.svelte';

beforeEach(() => setLocale('en'));

describe('Export', () => {
  it('exports in the chosen format with progress, then shows the summary', async () => {
    const held = deferred<unknown>();
    let exportArgs: Args = {};
    mockCommands({
      export_records: (args) => {
        exportArgs = args;
        return held.promise;
      },
    });
    const user = userEvent.setup();
    render(Export);
    await user.click(screen.getByTestId('export-format-csv'));
    await user.click(screen.getByTestId('export-start'));
    expect(await screen.findByTestId('export-progress')).toBeInTheDocument();
    expect(exportArgs.format).toBe('csv');
    expect(exportArgs.options).toEqual({ redact: [], language: 'en' });
    report(exportArgs, { task: 'export', phase: 'disclosures', done: 500000, total: 1000000 });
    expect(await screen.findByText('Disclosures: 5,00,000 of 10,00,000')).toBeInTheDocument();
    held.resolve({
      path: '/home/asha/khata-export.zip',
      format: 'csv',
      bytes: 12_400_000,
      records: 1_000_123,
      ledgerHead: 'ab12cd34',
      redaction: null,
    });
    const summary = await screen.findByTestId('export-summary');
    expect(summary).toHaveTextContent('/home/asha/khata-export.zip');
    expect(screen.getByTestId('export-bytes')).toHaveTextContent('12.4 MB');
    expect(screen.getByTestId('export-records')).toHaveTextContent('10,00,123');
    expect(screen.getByTestId('export-ledger-head')).toHaveTextContent('ab12cd34');
    expect(screen.queryByTestId('export-progress')).not.toBeInTheDocument();
    expect(screen.queryByTestId('export-withheld')).not.toBeInTheDocument();
  });

  it('shares with an advocate: the fields come from Rust, ticked by default, chosen by keyboard', async () => {
    let exportArgs: Args = {};
    const calls = mockCommands({
      redactable_fields: REDACTABLE_FIELDS,
      export_records: (args) => {
        exportArgs = args;
        return {
          path: '/home/asha/khata-export.khata.json',
          format: 'json',
          bytes: 2_000,
          records: 40,
          ledgerHead: 'ab12cd34',
          redaction: {
            patterns: ['customerId', 'valueDigest', 'text', 'onwardRecipient'],
            withheld: [
              { path: 'customerId', count: 2 },
              { path: 'explanation.reasonCodes.*.text', count: 6 },
            ],
            blanked: [{ path: 'consentRecords.*.pii_principal_id', count: 1 }],
            notRedactable: 31,
            kept: ['borrowerRequests'],
          },
        };
      },
    });
    const user = userEvent.setup();
    render(Export);
    // Nothing is asked of Rust until the borrower picks the option.
    expect(calls.some((call) => call.command === 'redactable_fields')).toBe(false);
    await user.click(screen.getByTestId('export-format-advocate'));
    const advocate = await screen.findByTestId('export-advocate');
    expect(advocate).toHaveTextContent('It keeps what lenders said and did');
    expect(await screen.findByTestId('export-redact-customerId')).toBeChecked();
    expect(screen.getByTestId('export-redact-bin')).toBeChecked();
    expect(screen.getByTestId('export-redact-onwardRecipient')).not.toBeChecked();
    expect(screen.getByLabelText(/Your customer id/)).toBe(screen.getByTestId('export-redact-customerId'));
    const audit = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    expect(audit.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    // Keyboard: focus a checkbox and toggle it with the space bar.
    screen.getByTestId('export-redact-bin').focus();
    await user.keyboard(' ');
    expect(screen.getByTestId('export-redact-bin')).not.toBeChecked();
    await user.click(screen.getByTestId('export-redact-onwardRecipient'));
    await user.click(screen.getByTestId('export-start'));

    expect(exportArgs.format).toBe('json');
    expect(exportArgs.options).toEqual({ redact: ['customerId', 'valueDigest', 'text', 'onwardRecipient'], language: 'en' });
    const withheld = await screen.findByTestId('export-withheld');
    expect(withheld).toHaveTextContent('explanation.reasonCodes.*.text × 6');
    expect(screen.getByTestId('export-blanked')).toHaveTextContent('consentRecords.*.pii_principal_id × 1');
    expect(screen.getByTestId('export-not-redactable')).toHaveTextContent(
      '31 statements were signed by the lender in the older form',
    );
    expect(screen.getByTestId('export-kept-borrowerRequests')).toHaveTextContent('the ledger checks them');
  });

  it('says so in Hindi when nothing could be withheld', async () => {
    setLocale('hi');
    const calls = mockCommands({
      redactable_fields: REDACTABLE_FIELDS,
      export_records: {
        path: '/x.khata.json',
        format: 'json',
        bytes: 1,
        records: 1,
        ledgerHead: 'ab',
        redaction: { patterns: ['bin'], withheld: [], blanked: [], notRedactable: 1, kept: [] },
      },
    });
    const user = userEvent.setup();
    render(Export);
    await user.click(screen.getByTestId('export-format-advocate'));
    expect(await screen.findByTestId('export-redact-text')).toBeInTheDocument();
    expect(screen.getByTestId('export-advocate')).toHaveTextContent('आपके सलाहकार की फ़ाइल में क्या रहेगा');
    await user.click(screen.getByTestId('export-start'));
    expect(await screen.findByTestId('export-withheld-none')).toHaveTextContent('कुछ नहीं रोका जा सका');
    expect(screen.getByTestId('export-not-redactable')).toHaveTextContent('1 बयान');
    // Rust writes a report in the language the borrower reads.
    const exported = calls.find((call) => call.command === 'export_records');
    expect((exported?.args.options as { language: string }).language).toBe('hi');
  });

  it('does not start an advocate export before the fields are known', async () => {
    const fields = deferred<unknown>();
    mockCommands({ redactable_fields: () => fields.promise });
    const user = userEvent.setup();
    render(Export);
    await user.click(screen.getByTestId('export-format-advocate'));
    expect(screen.getByTestId('export-start')).toBeDisabled();
    fields.reject(failure('The engine is closed.', 'internal'));
    expect(await screen.findByTestId('export-advocate-error')).toHaveTextContent('The engine is closed.');
    expect(screen.getByTestId('export-start')).toBeDisabled();
  });

  it('cancels a running export', async () => {
    const held = deferred<unknown>();
    const calls = mockCommands({
      export_records: () => held.promise,
      cancel_task: () => {
        held.reject(failure('The export was cancelled.', 'cancelled'));
        return null;
      },
    });
    const user = userEvent.setup();
    render(Export);
    await user.click(screen.getByTestId('export-start'));
    await user.click(await screen.findByTestId('export-cancel'));
    expect(await screen.findByTestId('export-cancelled')).toBeInTheDocument();
    expect(screen.queryByTestId('export-error')).not.toBeInTheDocument();
    expect(calls.find((call) => call.command === 'cancel_task')?.args).toEqual({ task: 'export' });
  });

  it('says so when the save dialog was dismissed', async () => {
    mockCommands({ export_records: null });
    const user = userEvent.setup();
    render(Export);
    await user.click(screen.getByTestId('export-start'));
    expect(await screen.findByTestId('export-cancelled')).toBeInTheDocument();
  });

  it('shows a failure as a sentence', async () => {
    mockCommands({
      export_records: () => {
        throw failure('The file could not be written: permission denied.');
      },
    });
    const user = userEvent.setup();
    render(Export);
    await user.click(screen.getByTestId('export-start'));
    expect(await screen.findByTestId('export-error')).toHaveTextContent('The file could not be written: permission denied.');
    await vi.waitFor(() => expect(screen.getByTestId('export-start')).toBeEnabled());
  });
});
