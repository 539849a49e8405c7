import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { mockIPC } from '@tauri-apps/api/mocks';
import { beforeEach, describe, expect, it } from 'vitest';
import App from './App.svelte';
import type { AppInfo } from './lib/bindings/AppInfo';
import { setLocale } from './lib/i18n/i18n.svelte';
import { go } from './lib/navigation.svelte';

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

describe('App', () => {
  it('opens on the home screen with an empty state that offers to connect a lender', () => {
    render(App);
    expect(screen.getByTestId('home-heading')).toHaveTextContent('Your data, your credit');
    const empty = screen.getByTestId('home-empty');
    expect(within(empty).getByText('No lender connected yet')).toBeInTheDocument();
    expect(screen.getByTestId('connect-lender')).toHaveTextContent('Connect a lender');
  });

  it('routes "Connect a lender" to a page that says plainly it is not available yet', async () => {
    const user = userEvent.setup();
    render(App);
    await user.click(screen.getByTestId('connect-lender'));
    expect(screen.getByTestId('connect-heading')).toHaveTextContent('Connect a lender');
    expect(screen.getByTestId('connect-placeholder')).toHaveTextContent(/not available in this version/);
    expect(screen.getByTestId('nav-connect')).toHaveAttribute('aria-current', 'page');
    await user.click(screen.getByTestId('connect-back'));
    expect(screen.getByTestId('home-heading')).toBeInTheDocument();
  });

  it('shows what app_info returns in the About panel', async () => {
    const calls: string[] = [];
    mockIPC((command) => {
      calls.push(command);
      if (command === 'app_info') return info;
      throw new Error(`unexpected command ${command}`);
    });
    const user = userEvent.setup();
    render(App);
    await user.click(screen.getByTestId('about-open'));
    expect(await screen.findByTestId('about-version')).toHaveTextContent('9.8.7');
    expect(screen.getByTestId('about-build')).toHaveTextContent('Release');
    expect(screen.getByTestId('about-vault')).toHaveTextContent(info.vaultPath);
    expect(calls).toEqual(['app_info']);
    await user.click(screen.getByTestId('about-close'));
    expect(screen.getByTestId('about-dialog')).not.toHaveAttribute('open');
  });

  it('shows the command error as a sentence, not a stack', async () => {
    mockIPC(() => {
      throw { code: 'io', message: 'The log folder cannot be read.' };
    });
    const user = userEvent.setup();
    render(App);
    await user.click(screen.getByTestId('about-open'));
    expect(await screen.findByTestId('about-error')).toHaveTextContent(
      'Something went wrong: The log folder cannot be read.',
    );
  });

  it('switches every visible string to Hindi and remembers the choice', async () => {
    const user = userEvent.setup();
    render(App);
    await user.selectOptions(screen.getByTestId('language'), 'hi');
    expect(screen.getByTestId('home-heading')).toHaveTextContent('आपका डेटा, आपका क्रेडिट');
    expect(screen.getByTestId('connect-lender')).toHaveTextContent('ऋणदाता जोड़ें');
    expect(localStorage.getItem('khata.locale')).toBe('hi');
    expect(document.documentElement.lang).toBe('hi');
  });
});
