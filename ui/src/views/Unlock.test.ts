import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../lib/i18n/i18n.svelte';
import { access } from '../test/fixtures';
import { mockCommands } from '../test/ipc';
import Unlock from './Unlock.svelte';

beforeEach(() => setLocale('en'));

const KEYCHAIN_DOWN = access({
  open: false,
  custody: null,
  probe: { exists: false, custody: null },
  problem: {
    code: 'keychain_unavailable',
    message: 'The system keychain is unavailable: no Secret Service answered.',
  },
});

describe('Unlock', () => {
  it('on a first run without a keychain, explains why and creates the vault under a passphrase', async () => {
    const calls = mockCommands({ unlock_vault: access({ custody: 'passphrase' }) });
    const onOpened = vi.fn();
    const user = userEvent.setup();
    render(Unlock, { access: KEYCHAIN_DOWN, onOpened });

    expect(screen.getByTestId('unlock-keychain')).toHaveTextContent('no Secret Service answered');
    // A plain sentence first; Rust's words folded away, once.
    expect(screen.getByTestId('unlock-keychain-hint')).toHaveTextContent('no keyring program');
    const detail = screen.getByTestId('unlock-detail');
    expect(detail).not.toHaveAttribute('open');
    expect(detail.querySelector('summary')).toHaveTextContent('Technical details');
    expect(screen.queryByTestId('unlock-recovery-form')).not.toBeInTheDocument();
    const submit = screen.getByTestId('unlock-passphrase-submit');
    await user.type(screen.getByTestId('unlock-passphrase'), 'correct horse battery');
    await user.type(screen.getByTestId('unlock-confirm'), 'correct horse batterx');
    expect(screen.getByText('The two passphrases are not the same.')).toBeInTheDocument();
    expect(submit).toBeDisabled();
    await user.clear(screen.getByTestId('unlock-confirm'));
    await user.type(screen.getByTestId('unlock-confirm'), 'correct horse battery');
    await user.click(submit);

    await vi.waitFor(() => expect(onOpened).toHaveBeenCalledOnce());
    expect(calls).toEqual([
      { command: 'unlock_vault', args: { request: { method: 'passphrase', passphrase: 'correct horse battery' } } },
    ]);
  });

  it('retries the keychain and shows Rust’s answer when it still fails', async () => {
    mockCommands({
      unlock_vault: {
        ...KEYCHAIN_DOWN,
        problem: { code: 'keychain_unavailable', message: 'The system keychain is unavailable: it is locked.' },
      },
    });
    const onOpened = vi.fn();
    const user = userEvent.setup();
    render(Unlock, { access: KEYCHAIN_DOWN, onOpened });
    await user.click(screen.getByTestId('unlock-retry'));
    expect(await screen.findByTestId('unlock-error')).toHaveTextContent('still could not be reached');
    expect(screen.getByTestId('unlock-error')).not.toHaveTextContent('it is locked');
    expect(screen.getByTestId('unlock-detail')).toHaveTextContent('it is locked');
    expect(screen.queryByTestId('unlock-keychain-hint')).not.toBeInTheDocument();
    expect(onOpened).not.toHaveBeenCalled();
  });

  it('asks a passphrase vault for its passphrase and shows a wrong one as a sentence', async () => {
    let tries = 0;
    mockCommands({
      unlock_vault: () => {
        tries += 1;
        if (tries === 1) {
          return access({
            open: false,
            custody: null,
            probe: { exists: true, custody: 'passphrase' },
            problem: { code: 'vault_locked', message: 'Your vault is locked: the key does not open this vault.' },
          });
        }
        return access({ custody: 'passphrase' });
      },
    });
    const onOpened = vi.fn();
    const user = userEvent.setup();
    render(Unlock, {
      access: access({
        open: false,
        custody: null,
        probe: { exists: true, custody: 'passphrase' },
        problem: { code: 'passphrase_required', message: 'This vault is protected by a passphrase.' },
      }),
      onOpened,
    });
    expect(screen.queryByTestId('unlock-confirm')).not.toBeInTheDocument();
    await user.type(screen.getByTestId('unlock-passphrase'), 'wrong wrong wrong');
    await user.click(screen.getByTestId('unlock-passphrase-submit'));
    expect(await screen.findByTestId('unlock-error')).toHaveTextContent('does not open this vault');
    await user.click(screen.getByTestId('unlock-passphrase-submit'));
    await vi.waitFor(() => expect(onOpened).toHaveBeenCalledOnce());
  });

  it('restores a vault whose keychain entry is gone with the recovery key, back into the keychain', async () => {
    const calls = mockCommands({ unlock_vault: access() });
    const onOpened = vi.fn();
    const user = userEvent.setup();
    render(Unlock, {
      access: access({
        open: false,
        custody: null,
        problem: { code: 'key_missing', message: 'The system keychain holds no key for this vault.' },
      }),
      onOpened,
    });
    expect(screen.queryByTestId('unlock-passphrase-form')).not.toBeInTheDocument();
    expect(screen.queryByTestId('unlock-new-passphrase')).not.toBeInTheDocument();
    await user.type(screen.getByTestId('unlock-recovery'), 'ABCD-EFGH');
    await user.click(screen.getByTestId('unlock-recovery-submit'));
    await vi.waitFor(() => expect(onOpened).toHaveBeenCalledOnce());
    expect(calls[0].args).toEqual({
      request: { method: 'recovery_key', recoveryKey: 'ABCD-EFGH', newPassphrase: null },
    });
  });

  it('offers the recovery key with a new passphrase when the keychain of an existing vault is down', async () => {
    const calls = mockCommands({ unlock_vault: access({ custody: 'passphrase' }) });
    const user = userEvent.setup();
    render(Unlock, {
      access: { ...KEYCHAIN_DOWN, probe: { exists: true, custody: 'keychain' } },
      onOpened: vi.fn(),
    });
    expect(screen.queryByTestId('unlock-passphrase-form')).not.toBeInTheDocument();
    await user.type(screen.getByTestId('unlock-recovery'), 'ABCD-EFGH');
    await user.type(screen.getByTestId('unlock-new-passphrase'), 'a long new passphrase');
    await user.type(screen.getByTestId('unlock-new-confirm'), 'a long new passphrase');
    await user.click(screen.getByTestId('unlock-recovery-submit'));
    await vi.waitFor(() =>
      expect(calls[0]?.args).toEqual({
        request: { method: 'recovery_key', recoveryKey: 'ABCD-EFGH', newPassphrase: 'a long new passphrase' },
      }),
    );
  });

  const KEYCHAIN_SILENT = access({
    open: false,
    custody: null,
    probe: { exists: false, custody: null },
    problem: {
      code: 'keychain_timeout',
      message: 'The system keychain did not answer within 10 seconds.',
    },
  });

  it('says the keychain did not answer and offers to retry, without asking for a passphrase yet', async () => {
    let tries = 0;
    const calls = mockCommands({
      unlock_vault: () => {
        tries += 1;
        return tries === 1 ? KEYCHAIN_SILENT : access();
      },
    });
    const onOpened = vi.fn();
    const user = userEvent.setup();
    render(Unlock, { access: KEYCHAIN_SILENT, onOpened });

    const card = screen.getByTestId('unlock-keychain-timeout');
    expect(card).toHaveTextContent('The system keychain did not answer');
    expect(card).toHaveTextContent('within 10 seconds');
    expect(screen.queryByTestId('unlock-keychain')).not.toBeInTheDocument();
    expect(screen.queryByTestId('unlock-passphrase-form')).not.toBeInTheDocument();
    expect(screen.queryByTestId('unlock-recovery-form')).not.toBeInTheDocument();

    // Still silent: the answer is shown and the choice stays.
    await user.click(screen.getByTestId('unlock-retry'));
    expect(await screen.findByTestId('unlock-error')).toHaveTextContent('still could not be reached');
    expect(screen.getByTestId('unlock-detail')).toHaveTextContent('within 10 seconds');
    expect(screen.getByTestId('unlock-use-passphrase')).toBeInTheDocument();
    // It answers now.
    await user.click(screen.getByTestId('unlock-retry'));
    await vi.waitFor(() => expect(onOpened).toHaveBeenCalledOnce());
    expect(calls.map((c) => c.args)).toEqual([
      { request: { method: 'keychain' } },
      { request: { method: 'keychain' } },
    ]);
  });

  it('after a keychain timeout on a first run, "Use a passphrase" creates the vault under one', async () => {
    const calls = mockCommands({ unlock_vault: access({ custody: 'passphrase' }) });
    const onOpened = vi.fn();
    const user = userEvent.setup();
    render(Unlock, { access: KEYCHAIN_SILENT, onOpened });
    await user.click(screen.getByTestId('unlock-use-passphrase'));
    expect(screen.queryByTestId('unlock-use-passphrase')).not.toBeInTheDocument();
    expect(screen.getByTestId('unlock-retry')).toBeInTheDocument();
    await user.type(screen.getByTestId('unlock-passphrase'), 'correct horse battery');
    await user.type(screen.getByTestId('unlock-confirm'), 'correct horse battery');
    await user.click(screen.getByTestId('unlock-passphrase-submit'));
    await vi.waitFor(() => expect(onOpened).toHaveBeenCalledOnce());
    expect(calls[0].args).toEqual({ request: { method: 'passphrase', passphrase: 'correct horse battery' } });
  });

  it('after a keychain timeout on an existing vault, "Use a passphrase" moves it under one with the recovery key', async () => {
    const calls = mockCommands({ unlock_vault: access({ custody: 'passphrase' }) });
    const user = userEvent.setup();
    render(Unlock, {
      access: { ...KEYCHAIN_SILENT, probe: { exists: true, custody: 'keychain' } },
      onOpened: vi.fn(),
    });
    expect(screen.queryByTestId('unlock-recovery-form')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('unlock-use-passphrase'));
    expect(screen.queryByTestId('unlock-passphrase-form')).not.toBeInTheDocument();
    await user.type(screen.getByTestId('unlock-recovery'), 'ABCD-EFGH');
    await user.type(screen.getByTestId('unlock-new-passphrase'), 'a long new passphrase');
    await user.type(screen.getByTestId('unlock-new-confirm'), 'a long new passphrase');
    await user.click(screen.getByTestId('unlock-recovery-submit'));
    await vi.waitFor(() =>
      expect(calls[0]?.args).toEqual({
        request: { method: 'recovery_key', recoveryKey: 'ABCD-EFGH', newPassphrase: 'a long new passphrase' },
      }),
    );
  });

  it('words a keychain timeout in Hindi', () => {
    mockCommands({});
    setLocale('hi');
    render(Unlock, { access: KEYCHAIN_SILENT, onOpened: vi.fn() });
    expect(screen.getByTestId('unlock-keychain-timeout')).toHaveTextContent('सिस्टम कीचेन ने जवाब नहीं दिया');
    expect(screen.getByTestId('unlock-use-passphrase')).toHaveTextContent('पासवर्ड इस्तेमाल करें');
  });

  it('is in Hindi when Hindi is chosen', () => {
    mockCommands({});
    setLocale('hi');
    render(Unlock, { access: KEYCHAIN_DOWN, onOpened: vi.fn() });
    expect(screen.getByTestId('unlock-heading')).toHaveTextContent('अपनी तिजोरी खोलें');
  });
});
