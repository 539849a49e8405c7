import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../lib/i18n/i18n.svelte';
import { deferred, mockCommands, report, type Args } from '../test/ipc';
import Verify from './Verify.svelte';

beforeEach(() => setLocale('en'));

const VALID = {
  outcome: 'valid',
  path: '/home/asha/khata-export.khata.json',
  report: {
    version: 1,
    lenders: 1,
    signaturesChecked: 83,
    disclosures: 78,
    ledgerEntries: 113,
    headSeq: 113,
    headHash: 'ab12cd34',
    keyTrust: [
      {
        lenderId: 'khata-sandbox-lender',
        trust: 'pinned',
        fingerprints: [{ keyId: 'ed25519-0a1b', fingerprint: '9f86 d081 884c 7d65' }],
        pinnedAtSeq: 4,
      },
    ],
    sequenceGaps: [],
    unverified: ['/exportedAt', '/signals/*'],
    withheld: [],
  },
};

describe('Verify', () => {
  it('checks a file handed to the app straight away, with progress', async () => {
    const held = deferred<unknown>();
    let args: Args = {};
    const calls = mockCommands({
      verify_export: (a) => {
        args = a;
        return held.promise;
      },
    });
    render(Verify, { path: '/home/asha/khata-export.khata.json' });
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(args.path).toBe('/home/asha/khata-export.khata.json');
    report(args, { task: 'verify', phase: 'signatures', done: 40, total: 83 });
    expect(await screen.findByTestId('verify-progress')).toBeInTheDocument();
    held.resolve(VALID);
    const outcome = await screen.findByTestId('verify-outcome');
    expect(outcome).toHaveAttribute('data-outcome', 'valid');
    expect(outcome).toHaveTextContent('This export is intact');
    expect(screen.getByTestId('verify-signatures')).toHaveTextContent('83');
    expect(screen.getByTestId('verify-head')).toHaveTextContent('ab12cd34');
    const lender = screen.getByTestId('verify-trust-lender');
    expect(lender).toHaveAttribute('data-trust', 'pinned');
    expect(lender).toHaveTextContent('as its ledger recorded it (entry 4)');
    expect(screen.getByTestId('verify-fingerprint')).toHaveTextContent('9f86 d081 884c 7d65');
    expect(screen.queryByTestId('verify-gaps')).not.toBeInTheDocument();
    expect(screen.getByTestId('verify-unverified')).toHaveTextContent('/signals/*');
  });

  it('says when the keys are only the file’s own, and names the lender’s missing disclosures, in Hindi too', async () => {
    const selfAttested = {
      ...VALID,
      report: {
        ...VALID.report,
        keyTrust: [{ ...VALID.report.keyTrust[0], trust: 'self-attested', pinnedAtSeq: null }],
        sequenceGaps: [{ lenderId: 'khata-sandbox-lender', from: 3, to: 5 }],
      },
    };
    mockCommands({ choose_and_verify: selfAttested });
    const user = userEvent.setup();
    render(Verify, {});
    await user.click(screen.getByTestId('verify-choose'));
    const lender = await screen.findByTestId('verify-trust-lender');
    expect(lender).toHaveAttribute('data-trust', 'self-attested');
    expect(lender).toHaveTextContent('only the file’s own list of keys');
    expect(screen.getByTestId('verify-gaps')).toHaveTextContent('numbers 3 to 5 of its disclosure sequence are missing');
    setLocale('hi');
    await vi.waitFor(() => expect(screen.getByTestId('verify-trust-lender')).toHaveTextContent('स्व-घोषित'));
    expect(screen.getByTestId('verify-gaps')).toHaveTextContent('3 से 5 तक गायब हैं');
  });

  it('names the first bad record of a tampered export', async () => {
    mockCommands({
      choose_and_verify: {
        outcome: 'invalid',
        path: '/tmp/x.khata.json',
        record: '/disclosures/17/statement',
        reason: 'the lender signature does not verify',
      },
    });
    const user = userEvent.setup();
    render(Verify, {});
    await user.click(screen.getByTestId('verify-choose'));
    const outcome = await screen.findByTestId('verify-outcome');
    expect(outcome).toHaveAttribute('data-outcome', 'invalid');
    expect(screen.getByTestId('verify-record')).toHaveTextContent('/disclosures/17/statement');
    expect(outcome).toHaveTextContent('the lender signature does not verify');
  });

  it('keeps the screen as it was when the dialog is cancelled, and says when a file is not an export', async () => {
    let answer: unknown = null;
    mockCommands({ choose_and_verify: () => answer });
    const user = userEvent.setup();
    render(Verify, {});
    await user.click(screen.getByTestId('verify-choose'));
    expect(screen.queryByTestId('verify-outcome')).not.toBeInTheDocument();
    answer = { outcome: 'unusable', path: '/tmp/photo.jpg', reason: 'not JSON' };
    await user.click(screen.getByTestId('verify-choose'));
    expect(await screen.findByTestId('verify-outcome')).toHaveTextContent('not a Khata export');
  });
});
