import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../lib/i18n/i18n.svelte';
import { appSettings } from '../test/fixtures';
import { failure, mockCommands, type Args } from '../test/ipc';
import SettingsPanel from './SettingsPanel.svelte';

beforeEach(() => setLocale('en'));

describe('SettingsPanel', () => {
  it('pauses background sync, changes its interval and turns notifications off, from the keyboard', async () => {
    let kept = appSettings();
    const calls = mockCommands({
      app_settings: () => kept,
      set_app_settings: (args: Args) => (kept = args.settings as typeof kept),
    });
    const user = userEvent.setup();
    render(SettingsPanel);
    const sync = await screen.findByTestId('settings-background-sync');
    expect(sync).toBeChecked();
    expect(screen.getByTestId('settings-interval')).toHaveValue(15);

    // Keyboard only: focus the interval, type, submit with Enter.
    await user.clear(screen.getByTestId('settings-interval'));
    await user.type(screen.getByTestId('settings-interval'), '30{Enter}');
    await vi.waitFor(() => expect(screen.getByTestId('settings-status')).toHaveTextContent('Saved.'));
    expect(kept.syncIntervalMin).toBe(30);

    sync.focus();
    await user.keyboard(' ');
    await vi.waitFor(() => expect(kept.backgroundSync).toBe(false));
    expect(screen.getByTestId('settings-interval')).toBeDisabled();

    await user.click(screen.getByTestId('settings-notifications'));
    await vi.waitFor(() => expect(kept.notifications).toBe(false));
    const sets = calls.filter((call) => call.command === 'set_app_settings').map((call) => call.args.settings);
    expect(sets).toEqual([
      { backgroundSync: true, syncIntervalMin: 30, notifications: true },
      { backgroundSync: false, syncIntervalMin: 30, notifications: true },
      { backgroundSync: false, syncIntervalMin: 30, notifications: false },
    ]);
  });

  it('shows a refused setting as a sentence, in Hindi too', async () => {
    setLocale('hi');
    mockCommands({
      app_settings: appSettings(),
      set_app_settings: () => {
        throw failure('the sync interval is 5 to 1440 minutes', 'invalid_input');
      },
    });
    const user = userEvent.setup();
    render(SettingsPanel);
    expect(await screen.findByText('ऋणदाताओं से अपने-आप जानकारी लाएँ')).toBeInTheDocument();
    await user.click(screen.getByTestId('settings-notifications'));
    expect(await screen.findByTestId('settings-status')).toHaveTextContent('5 to 1440 minutes');
  });
});
