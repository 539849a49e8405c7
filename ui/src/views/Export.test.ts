import { render, screen } from '@testing-library/svelte';
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

  it('shares with an advocate through the donation flow, with no export button of its own', async () => {
    mockCommands({ redactable_fields: REDACTABLE_FIELDS });
    const user = userEvent.setup();
    render(Export);
    await user.click(screen.getByTestId('export-format-advocate'));
    expect(await screen.findByTestId('donate')).toHaveTextContent('Donate your record to an advocate');
    expect(screen.queryByTestId('export-start')).not.toBeInTheDocument();
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
