import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../lib/i18n/i18n.svelte';
import { failure, mockCommands } from '../test/ipc';
import UpdatesPanel from './UpdatesPanel.svelte';

beforeEach(() => setLocale('en'));

describe('UpdatesPanel', () => {
  it('is off until the borrower turns it on, and saves the choice in Rust', async () => {
    const calls = mockCommands({
      update_settings: { checkAutomatically: false },
      set_update_settings: (args) => args.settings as object,
    });
    const user = userEvent.setup();
    render(UpdatesPanel);
    const box = await screen.findByTestId('updates-automatic');
    expect(box).not.toBeChecked();
    await user.click(box);
    await vi.waitFor(() => expect(box).toBeChecked());
    expect(calls.at(-1)).toEqual({ command: 'set_update_settings', args: { settings: { checkAutomatically: true } } });
  });

  it('checks only when asked, and offers a newer signed release', async () => {
    let answer: unknown = null;
    const calls = mockCommands({
      update_settings: { checkAutomatically: false },
      check_for_update: () => answer,
    });
    const user = userEvent.setup();
    render(UpdatesPanel);
    await screen.findByTestId('updates-automatic');
    expect(calls.map((c) => c.command)).toEqual(['update_settings']);
    await user.click(screen.getByTestId('updates-check'));
    expect(await screen.findByText('Khata is up to date.')).toBeInTheDocument();
    answer = { version: '0.2.0', notes: null };
    await user.click(screen.getByTestId('updates-check'));
    expect(await screen.findByTestId('updates-install')).toHaveTextContent('Install 0.2.0 and restart');
  });

  it('says so when the update server cannot be reached', async () => {
    mockCommands({
      update_settings: { checkAutomatically: true },
      check_for_update: () => {
        throw failure('The update server could not be reached (offline). Khata keeps working as it is.', 'lender_unreachable');
      },
    });
    const user = userEvent.setup();
    render(UpdatesPanel);
    expect(await screen.findByTestId('updates-automatic')).toBeChecked();
    await user.click(screen.getByTestId('updates-check'));
    expect(await screen.findByTestId('updates-status')).toHaveTextContent('could not be reached');
  });
});
