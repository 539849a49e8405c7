import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { mockIPC } from '@tauri-apps/api/mocks';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import type { AppInfo } from './lib/bindings/AppInfo';
import { setLocale } from './lib/i18n/i18n.svelte';
import { go } from './lib/navigation.svelte';
import { EMPTY_OVERVIEW, access, appSettings } from './test/fixtures';
import { mockCommands } from './test/ipc';

const info: AppInfo = {
  version: '9.8.7',
  vaultPath: '~/.local/share/org.khata.desktop/vault.db',
  logDir: '~/.local/share/org.khata.desktop/logs',
  buildProfile: 'release',
  platform: 'linux x86_64',
};

beforeEach(() => {
  setLocale('en');
  go('home');
});

/** The commands an empty app answers: nothing connected yet. */
function emptyApp(extra: Parameters<typeof mockCommands>[0] = {}) {
  return mockCommands({ vault_access: access(), app_ready: null, opened_files: [], update_settings: { checkAutomatically: false }, app_settings: appSettings(), overview: EMPTY_OVERVIEW, recovery_key: null, ...extra });
}

describe('App', () => {
  it('opens on the home screen with an empty state that offers to connect a lender', async () => {
    const calls = emptyApp();
    render(App);
    await screen.findByTestId('home-heading');
    expect(screen.getByTestId('home-heading')).toHaveTextContent('Your data, your credit');
    const empty = await screen.findByTestId('home-empty');
    expect(within(empty).getByText('No lender connected yet')).toBeInTheDocument();
    expect(screen.getByTestId('connect-lender')).toHaveTextContent('Connect a lender');
    // Once its data is on screen, home tells Rust (startup time), once.
    await vi.waitFor(() => expect(calls.filter((call) => call.command === 'app_ready')).toHaveLength(1));
  });

  it('routes "Connect a lender" to the connect screen and back', async () => {
    emptyApp();
    const user = userEvent.setup();
    render(App);
    await screen.findByTestId('home-heading');
    await user.click(await screen.findByTestId('connect-lender'));
    expect(await screen.findByTestId('connect-heading')).toHaveTextContent('Connect a lender');
    expect(screen.getByTestId('connect-sandbox')).toHaveTextContent('Use the built-in sandbox lender');
    expect(screen.getByTestId('nav-connect')).toHaveAttribute('aria-current', 'page');
    await user.click(screen.getByTestId('connect-back'));
    expect(await screen.findByTestId('home-heading')).toBeInTheDocument();
  });

  it('has a sidebar link for every screen', async () => {
    emptyApp({ consents: [], latest_offer: null, rights_requests: [], consent_requests: [], phone_sources: [], phone_observations: [] });
    const user = userEvent.setup();
    render(App);
    await screen.findByTestId('home-heading');
    const screens = [
      ['nav-requests', 'requests-heading'],
      ['nav-consents', 'consents-heading'],
      ['nav-offer', 'offer-heading'],
      ['nav-phone', 'phone-heading'],
      ['nav-rights', 'rights-heading'],
      ['nav-export', 'export-heading'],
      ['nav-home', 'home-heading'],
    ] as const;
    for (const [link, heading] of screens) {
      await user.click(screen.getByTestId(link));
      expect(await screen.findByTestId(heading)).toBeInTheDocument();
      expect(screen.getByTestId(link)).toHaveAttribute('aria-current', 'page');
    }
  });

  it('shows what app_info returns in the About panel', async () => {
    const calls = emptyApp({ app_info: info });
    const user = userEvent.setup();
    render(App);
    await screen.findByTestId('home-heading');
    await user.click(screen.getByTestId('about-open'));
    expect(await screen.findByTestId('about-version')).toHaveTextContent('9.8.7');
    expect(screen.getByTestId('about-build')).toHaveTextContent('Release');
    expect(screen.getByTestId('about-vault')).toHaveTextContent(info.vaultPath);
    expect(
      calls
        .map((call) => call.command)
        .filter(
          (command) =>
            ![
              'recovery_key',
              'vault_access',
              'app_ready',
              'opened_files',
              'update_settings',
              'app_settings',
              'plugin:event|listen',
            ].includes(command),
        ),
    ).toEqual(['overview', 'app_info']);
    // Staying informed: the settings kept in the vault, in the same dialog.
    expect(await screen.findByTestId('settings-background-sync')).toBeChecked();
    await user.click(screen.getByTestId('about-close'));
    expect(screen.getByTestId('about-dialog')).not.toHaveAttribute('open');
  });

  it('shows the command error as a sentence, not a stack', async () => {
    mockIPC((command) => {
      if (command === 'vault_access') return access();
      if (command === 'opened_files') return [];
      throw { code: 'io', message: 'The log folder cannot be read.' };
    });
    const user = userEvent.setup();
    render(App);
    await screen.findByTestId('home-heading');
    await user.click(screen.getByTestId('about-open'));
    expect(await screen.findByTestId('about-error')).toHaveTextContent(
      'Something went wrong: The log folder cannot be read.',
    );
  });

  it('switches every visible string to Hindi and remembers the choice', async () => {
    emptyApp();
    const user = userEvent.setup();
    render(App);
    await screen.findByTestId('home-heading');
    await user.selectOptions(screen.getByTestId('language'), 'hi');
    expect(screen.getByTestId('home-heading')).toHaveTextContent('आपकी जानकारी, आपका क्रेडिट');
    expect(await screen.findByTestId('connect-lender')).toHaveTextContent('ऋणदाता जोड़ें');
    expect(localStorage.getItem('khata.locale')).toBe('hi');
    expect(document.documentElement.lang).toBe('hi');
  });

  it('shows the unlock screen instead of the app when the vault does not open, then the app', async () => {
    emptyApp({
      vault_access: access({
        open: false,
        custody: null,
        probe: { exists: false, custody: null },
        problem: { code: 'keychain_unavailable', message: 'The system keychain is unavailable.' },
      }),
      unlock_vault: access({ custody: 'passphrase' }),
    });
    const user = userEvent.setup();
    render(App);
    expect(await screen.findByTestId('unlock-heading')).toBeInTheDocument();
    expect(screen.queryByTestId('nav-home')).not.toBeInTheDocument();
    await user.type(screen.getByTestId('unlock-passphrase'), 'twelve chars ok');
    await user.type(screen.getByTestId('unlock-confirm'), 'twelve chars ok');
    await user.click(screen.getByTestId('unlock-passphrase-submit'));
    expect(await screen.findByTestId('home-heading')).toBeInTheDocument();
  });

  it('opens an export handed to the app in the Verify screen', async () => {
    emptyApp({
      opened_files: ['/home/asha/khata-export.khata.json'],
      verify_export: { outcome: 'unusable', path: '/home/asha/khata-export.khata.json', reason: 'not JSON' },
    });
    render(App);
    expect(await screen.findByTestId('verify-heading')).toBeInTheDocument();
    expect(await screen.findByTestId('verify-outcome')).toHaveTextContent('/home/asha/khata-export.khata.json');
    expect(screen.getByTestId('nav-verify')).toHaveAttribute('aria-current', 'page');
  });
});
