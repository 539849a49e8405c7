import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../lib/i18n/i18n.svelte';
import { lender } from '../test/fixtures';
import { deferred, failure, mockCommands, report, type Args } from '../test/ipc';
import Connect from './Connect.svelte';

beforeEach(() => setLocale('en'));

describe('Connect', () => {
  it('connects the sandbox lender with a progress bar driven by its reports, then goes home', async () => {
    const held = deferred<unknown>();
    let sandboxArgs: Args = {};
    const calls = mockCommands({
      connect_sandbox: (args) => {
        sandboxArgs = args;
        return held.promise;
      },
    });
    const onConnected = vi.fn();
    const user = userEvent.setup();
    render(Connect, { onConnected, onBack: vi.fn() });

    await user.click(screen.getByTestId('connect-sandbox'));
    expect(await screen.findByTestId('connect-progress-text')).toHaveTextContent('Starting…');
    expect(screen.getByTestId('connect-sandbox')).toBeDisabled();

    report(sandboxArgs, { task: 'sync', phase: 'disclosures', done: 2500, total: 10000 });
    const text = await screen.findByText('Disclosures: 2,500 of 10,000');
    expect(text).toBeInTheDocument();
    const bar = screen.getByTestId('connect-progress').querySelector('progress');
    expect(bar).toHaveAttribute('max', '10000');
    expect(bar).toHaveAttribute('value', '2500');

    report(sandboxArgs, { task: 'sync', phase: 'offers', done: 3, total: null });
    expect(await screen.findByText('Offers: 3 so far')).toBeInTheDocument();

    held.resolve(lender());
    await vi.waitFor(() => expect(onConnected).toHaveBeenCalledOnce());
    expect(calls.map((call) => call.command)).toEqual(['sandbox_scenarios', 'connect_sandbox']);
    // No scenario listed (the command failed): no picker, the default behaviour.
    expect(screen.queryByTestId('connect-scenario')).not.toBeInTheDocument();
    expect(sandboxArgs.scenario).toBeNull();
  });

  it('lets a tester pick the sandbox lender’s scenario, listed from Rust, in English and Hindi', async () => {
    const calls = mockCommands({
      sandbox_scenarios: [
        { name: 'salaried-good', description: 'Approves.' },
        { name: 'over-collector', description: 'Collects beyond consent.' },
        { name: 'brand-new', description: 'A scenario the UI has no words for.' },
      ],
      connect_sandbox: lender(),
    });
    const onConnected = vi.fn();
    const user = userEvent.setup();
    render(Connect, { onConnected, onBack: vi.fn() });
    const picker = await screen.findByTestId('connect-scenario');
    expect(screen.getByLabelText('For testing: how the sandbox lender behaves')).toBe(picker);
    expect([...picker.querySelectorAll('option')].map((option) => option.value)).toEqual([
      '',
      'salaried-good',
      'over-collector',
      'brand-new',
    ]);
    expect(screen.getByTestId('connect-scenario-hint')).toHaveTextContent('fixed the first time');
    await user.selectOptions(picker, 'over-collector');
    expect(screen.getByTestId('connect-scenario-hint')).toHaveTextContent(
      'A lender that collects beyond consent',
    );
    await user.selectOptions(picker, 'brand-new');
    expect(screen.getByTestId('connect-scenario-hint')).toHaveTextContent('A scenario the UI has no words for.');
    setLocale('hi');
    await user.selectOptions(picker, 'over-collector');
    await vi.waitFor(() =>
      expect(screen.getByTestId('connect-scenario-hint')).toHaveTextContent('सहमति से ज़्यादा जानकारी'),
    );
    expect(picker.querySelector('option[value=""]')).toHaveTextContent('आम ऋणदाता');

    await user.click(screen.getByTestId('connect-sandbox'));
    await vi.waitFor(() => expect(onConnected).toHaveBeenCalledOnce());
    const connect = calls.find((call) => call.command === 'connect_sandbox');
    expect(connect?.args.scenario).toBe('over-collector');
  });

  it('connects by lender URL', async () => {
    const calls = mockCommands({ connect_lender: lender({ id: 'l2', isSandbox: false }) });
    const onConnected = vi.fn();
    const user = userEvent.setup();
    render(Connect, { onConnected, onBack: vi.fn() });

    expect(screen.getByTestId('connect-submit')).toBeDisabled();
    await user.type(screen.getByTestId('connect-url'), 'https://lender.example');
    await user.click(screen.getByTestId('connect-submit'));
    await vi.waitFor(() => expect(onConnected).toHaveBeenCalledOnce());
    const connect = calls.find((call) => call.command === 'connect_lender');
    expect(connect?.args.url).toBe('https://lender.example');
  });

  it('shows an identity conflict with both fingerprints and re-pins only on request', async () => {
    const conflict = {
      lenderId: 'l1',
      pinnedOrigin: 'https://lender.example',
      pinnedFingerprint: 'AAAA 1111',
      offeredOrigin: 'https://impostor.example',
      offeredFingerprint: 'BBBB 2222',
    };
    let attempts = 0;
    const calls = mockCommands({
      connect_lender: () => {
        attempts += 1;
        if (attempts === 1) throw { code: 'lender_identity_conflict', message: 'refused', conflict };
        return lender({ id: 'l1', isSandbox: false });
      },
    });
    const onConnected = vi.fn();
    const user = userEvent.setup();
    render(Connect, { onConnected, onBack: vi.fn() });
    await user.type(screen.getByTestId('connect-url'), 'https://impostor.example');
    await user.click(screen.getByTestId('connect-submit'));
    const shown = await screen.findByTestId('connect-conflict');
    expect(shown).toHaveTextContent('The lender at https://impostor.example says it is l1');
    expect(screen.getByTestId('conflict-pinned')).toHaveTextContent('AAAA 1111');
    expect(screen.getByTestId('conflict-offered')).toHaveTextContent('BBBB 2222');
    expect(onConnected).not.toHaveBeenCalled();
    const connects = () => calls.filter((call) => call.command === 'connect_lender');
    expect(connects()[0].args.repin).toBeNull();

    await user.click(screen.getByTestId('connect-repin'));
    await vi.waitFor(() => expect(onConnected).toHaveBeenCalledOnce());
    expect(connects()[1].args.repin).toBe('BBBB 2222');
  });

  it('shows a failure as a sentence and stays on the page', async () => {
    mockCommands({
      connect_sandbox: () => {
        throw failure('The sandbox lender could not start: port 4100 is in use.');
      },
    });
    const onConnected = vi.fn();
    const user = userEvent.setup();
    render(Connect, { onConnected, onBack: vi.fn() });
    await user.click(screen.getByTestId('connect-sandbox'));
    const error = await screen.findByTestId('connect-error');
    expect(error).toHaveTextContent('The sandbox lender could not start: port 4100 is in use.');
    expect(error).not.toHaveTextContent(/at \w+ \(|Error:/);
    expect(onConnected).not.toHaveBeenCalled();
    expect(screen.getByTestId('connect-sandbox')).toBeEnabled();
  });

  it('speaks Hindi', async () => {
    setLocale('hi');
    mockCommands({});
    render(Connect, { onConnected: vi.fn(), onBack: vi.fn() });
    expect(screen.getByTestId('connect-sandbox')).toHaveTextContent('नमूना ऋणदाता से आज़माएँ');
  });
});
