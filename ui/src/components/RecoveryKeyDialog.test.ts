import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { mockIPC } from '@tauri-apps/api/mocks';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../lib/i18n/i18n.svelte';
import RecoveryKeyDialog from './RecoveryKeyDialog.svelte';

beforeEach(() => setLocale('en'));

describe('RecoveryKeyDialog', () => {
  it('shows the first-run recovery key until the borrower confirms writing it down', async () => {
    mockIPC((command) => {
      if (command === 'recovery_key') return 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ23-4567-89AB-CDEF';
      throw new Error(`unexpected ${command}`);
    });
    const user = userEvent.setup();
    render(RecoveryKeyDialog);
    expect(await screen.findByTestId('recovery-key')).toHaveTextContent('ABCD-EFGH-JKMN-PQRS-TVWX-YZ23-4567-89AB-CDEF');
    // The last group is marked and explained as a check, not part of the key.
    expect(screen.getByTestId('recovery-check-group')).toHaveTextContent(/^CDEF$/u);
    expect(screen.getByTestId('recovery-check')).toHaveTextContent('The last group is not part of the key: it is a check');
    expect(screen.getByTestId('recovery-check')).toHaveTextContent('mistyped');
    const done = screen.getByTestId('recovery-done');
    expect(done).toBeDisabled();
    await user.click(screen.getByTestId('recovery-confirm'));
    expect(done).toBeEnabled();
    await user.click(done);
    expect(screen.getByTestId('recovery-dialog')).not.toHaveAttribute('open');
  });

  it('stays closed once the key has been shown', async () => {
    let asked = 0;
    mockIPC((command) => {
      if (command === 'recovery_key') {
        asked += 1;
        return null;
      }
      throw new Error(`unexpected ${command}`);
    });
    render(RecoveryKeyDialog);
    await vi.waitFor(() => expect(asked).toBe(1));
    expect(screen.queryByTestId('recovery-key')).toBeNull();
  });
});
