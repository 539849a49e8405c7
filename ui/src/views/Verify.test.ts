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
  it('words a version 2 report: each lender’s log, what the sharer withheld, and a fork, in Hindi too', async () => {
    const v2 = {
      ...VALID,
      report: {
        ...VALID.report,
        version: 2,
        withheld: [
          '/consents/0 customerId',
          '/consents/1 purpose.text',
          '/offers/0 explanation.contributions.3.bin',
          '/offers/0 explanation.contributions.4.bin',
          '/offers/0 explanation.extra',
        ],
        logs: [
          {
            lenderId: 'khata-sandbox-lender',
            leaves: 78,
            headsChecked: 3,
            lastHead: {
              treeSize: 78,
              rootHash: 'Zk3vQ2HcAAAAAAAAAAAAAAAAAAAAAAAAAAAA9fAx',
              timestamp: '2026-11-30T12:15:00Z',
              keyId: 'ed25519-0a1b',
            },
            withheld: [
              { path: 'valueDigest', count: 12 },
              { path: 'onwardRecipient', count: 1 },
            ],
            forks: [
              {
                kind: 'same-size',
                conflicting: {
                  treeSize: 40,
                  rootHash: 'QmForkedRootAAAAAAAAAAAAAAAAAAAAAAAAAAzz1',
                  timestamp: '2026-11-20T12:00:00Z',
                  keyId: 'ed25519-0a1b',
                },
                held: {
                  treeSize: 40,
                  rootHash: 'HeldRootBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBxy2',
                  timestamp: '2026-11-10T12:00:00Z',
                  keyId: 'ed25519-0a1b',
                },
                heldRootAtSize: 'HeldRootBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBxy2',
              },
            ],
          },
        ],
      },
    };
    mockCommands({ choose_and_verify: v2 });
    const user = userEvent.setup();
    render(Verify, {});
    await user.click(screen.getByTestId('verify-choose'));
    const log = await screen.findByTestId('verify-log');
    expect(log).toHaveTextContent(
      'khata-sandbox-lender: 78 disclosures checked against 3 signed records of the lender’s log; the last covers 78 disclosures, signed on',
    );
    expect(log).toHaveTextContent('30 Nov 2026');
    expect(log).toHaveTextContent('with key ed25519-0a1b.');
    const withheld = screen.getByTestId('verify-withheld');
    expect(screen.getByRole('heading', { name: 'Withheld by the person who shared this file' })).toBeInTheDocument();
    const items = [...withheld.querySelectorAll('li')].map((item) => item.textContent);
    expect(items).toEqual([
      'value digest (12 disclosures)',
      'onward recipient (1 disclosure)',
      'customer id (1 consent)',
      'purpose (1 consent)',
      'score band of a factor (2 offers)',
      'explanation.extra (1 offer)',
    ]);
    const alert = screen.getByRole('alert');
    expect(alert).toBe(screen.getByTestId('verify-forks'));
    expect(alert).toHaveTextContent('The lender signed two different histories of your disclosures');
    const fork = screen.getByTestId('verify-fork');
    expect(fork).toHaveAttribute('data-kind', 'same-size');
    expect(fork).toHaveTextContent('both cover the first 40 disclosures but give different root hashes: QmForked…Azz1');
    expect(fork).toHaveTextContent('20 Nov 2026');
    expect(fork).toHaveTextContent('HeldRoot…Bxy2');
    expect(fork).toHaveTextContent('10 Nov 2026');

    setLocale('hi');
    await vi.waitFor(() => expect(screen.getByTestId('verify-log')).toHaveTextContent('हस्ताक्षरित रिकॉर्डों से 78 खुलासे जाँचे गए'));
    expect(screen.getByTestId('verify-log')).toHaveTextContent('कुंजी ed25519-0a1b से हस्ताक्षर हुए');
    const hindi = [...screen.getByTestId('verify-withheld').querySelectorAll('li')].map((item) => item.textContent);
    expect(hindi).toEqual([
      'जानकारी का हैश (12 खुलासे)',
      'आगे जानकारी पाने वाला (1 खुलासा)',
      'ग्राहक आईडी (1 सहमति)',
      'उद्देश्य (1 सहमति)',
      'किसी कारक का स्कोर-वर्ग (2 ऑफ़र)',
      'explanation.extra (1 ऑफ़र)',
    ]);
    expect(screen.getByRole('alert')).toHaveTextContent('ऋणदाता ने आपके खुलासों के दो अलग-अलग इतिहासों पर हस्ताक्षर किए');
    expect(screen.getByTestId('verify-fork')).toHaveTextContent('रूट हैश अलग हैं: QmForked…Azz1');
  });

  it('shows no log, withheld list or fork warning for a version 1 report', async () => {
    mockCommands({ choose_and_verify: VALID });
    const user = userEvent.setup();
    render(Verify, {});
    await user.click(screen.getByTestId('verify-choose'));
    await screen.findByTestId('verify-outcome');
    expect(screen.queryByTestId('verify-logs')).not.toBeInTheDocument();
    expect(screen.queryByTestId('verify-withheld')).not.toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
