import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../lib/i18n/i18n.svelte';
import {
  EMPTY_OVERVIEW,
  appSettings,
  closedLoan,
  findingAlert,
  findingsSummary,
  lender,
  offer,
  overview,
  revocation,
} from '../test/fixtures';
import { deferred, failure, mockCommands, report, type Args } from '../test/ipc';
import Home from './Home.svelte';

beforeEach(() => setLocale('en'));

function renderHome() {
  const onConnect = vi.fn();
  const onNavigate = vi.fn();
  render(Home, { onConnect, onNavigate });
  return { onConnect, onNavigate };
}

describe('Home', () => {
  it('keeps the empty state when no lender is connected', async () => {
    mockCommands({ overview: EMPTY_OVERVIEW });
    const { onConnect } = renderHome();
    const empty = await screen.findByTestId('home-empty');
    expect(within(empty).getByText('No lender connected yet')).toBeInTheDocument();
    await userEvent.setup().click(screen.getByTestId('connect-lender'));
    expect(onConnect).toHaveBeenCalledOnce();
  });

  it('shows lenders, consents, the latest offer, revocations in flight and alerts', async () => {
    mockCommands({
      overview: overview({
        activeConsents: 2,
        pendingRequests: 1,
        revocationsInFlight: [revocation({ id: 'r9', state: 'sent', attempts: 2 })],
        alerts: [{ severity: 'warning', code: 'something_new', message: 'A lender asked for more data.' }],
      }),
    });
    const { onNavigate } = renderHome();
    expect(await screen.findByTestId('home-lender-sandbox')).toHaveTextContent('Sandbox Lender');
    expect(screen.queryByTestId('home-empty')).not.toBeInTheDocument();
    expect(screen.getByTestId('home-active-consents')).toHaveTextContent('2 active consents');
    expect(screen.getByTestId('home-disclosures')).toHaveTextContent('12,34,567');
    expect(screen.getByTestId('home-offer-decision')).toHaveTextContent('Approved');
    expect(screen.getByTestId('home-offer-amount')).toHaveTextContent('₹1,50,000');
    expect(screen.getByTestId('home-offer-apr')).toHaveTextContent('1.8% a month');
    expect(screen.getByTestId('revocation-state-r9')).toHaveTextContent('Status: Sent');
    expect(screen.getByTestId('home-alert')).toHaveTextContent('A lender asked for more data.');
    await userEvent.setup().click(screen.getByTestId('home-pending-requests'));
    expect(onNavigate).toHaveBeenCalledWith('requests');
  });

  it('says plainly when a lender is offline', async () => {
    mockCommands({
      overview: overview({
        lenders: [lender({ reachable: false })],
        latestOffer: null,
        alerts: [{ severity: 'warning', code: 'lender_unreachable', message: 'Sandbox Lender is unreachable.' }],
      }),
    });
    renderHome();
    expect(await screen.findByTestId('home-lender-offline')).toHaveTextContent('Offline');
    expect(screen.getByText(/You are seeing what is saved on this device/)).toBeInTheDocument();
    expect(screen.getByTestId('home-offer-none')).toBeInTheDocument();
  });

  it('syncs a lender with progress, then refreshes; a failure is a sentence', async () => {
    const held = deferred<unknown>();
    let syncArgs: Args = {};
    const calls = mockCommands({
      overview: overview(),
      sync_lender: (args) => {
        syncArgs = args;
        return held.promise;
      },
    });
    const user = userEvent.setup();
    renderHome();
    await user.click(await screen.findByTestId('home-sync-sandbox'));
    expect(syncArgs.lenderId).toBe('sandbox');
    report(syncArgs, { task: 'sync', phase: 'disclosures', done: 10, total: 20 });
    expect(await screen.findByText('Disclosures: 10 of 20')).toBeInTheDocument();
    held.reject(failure('Sandbox Lender could not be reached; you are seeing what is saved.', 'lender_unreachable'));
    expect(await screen.findByTestId('home-sync-error')).toHaveTextContent('Sandbox Lender could not be reached');
    await vi.waitFor(() => expect(calls.filter((call) => call.command === 'overview')).toHaveLength(2));
  });

  it('cancels a sync: the cancel goes to Rust and a cancelled sync is not shown as an error', async () => {
    const held = deferred<unknown>();
    const calls = mockCommands({
      overview: overview(),
      sync_lender: () => held.promise,
      cancel_task: () => {
        held.reject(failure('Cancelled.', 'cancelled'));
        return null;
      },
    });
    const user = userEvent.setup();
    renderHome();
    await user.click(await screen.findByTestId('home-sync-sandbox'));
    await user.click(await screen.findByTestId('home-sync-cancel'));
    expect(calls.find((call) => call.command === 'cancel_task')?.args).toEqual({ task: 'sync' });
    expect(await screen.findByTestId('home-sync-sandbox')).toBeEnabled();
    expect(screen.queryByTestId('home-sync-error')).not.toBeInTheDocument();
  });

  it('shows an error with a retry', async () => {
    let fail = true;
    mockCommands({
      overview: () => {
        if (fail) throw failure('The vault is locked: the system keychain did not answer.');
        return EMPTY_OVERVIEW;
      },
    });
    renderHome();
    expect(await screen.findByTestId('home-error')).toHaveTextContent(
      'The vault is locked: the system keychain did not answer.',
    );
    fail = false;
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('home-empty')).toBeInTheDocument();
  });

  it('formats money with Indian grouping in Hindi too', async () => {
    setLocale('hi');
    mockCommands({ overview: overview({ latestOffer: offer({ amountInr: 1000000 }) }) });
    renderHome();
    expect(await screen.findByTestId('home-offer-amount')).toHaveTextContent('₹10,00,000');
    expect(screen.getByTestId('home-heading')).toHaveTextContent('आपकी जानकारी, आपका क्रेडिट');
  });

  it('words the alert that findings rest on what the phone saw, leading to the audit', async () => {
    const phoneAlert = { severity: 'critical', code: 'phone_evidence_findings', message: 'Your phone recorded 3 thing(s).' };
    mockCommands({ overview: { ...overview({ alerts: [phoneAlert] }), phoneFindings: 3 } });
    const { onNavigate } = renderHome();
    const alert = await screen.findByTestId('home-alert');
    expect(alert).toHaveTextContent('Important: Your phone saw a lender’s app do 3 things the audit flags.');
    await userEvent.setup().click(screen.getByTestId('home-phone-audit'));
    expect(onNavigate).toHaveBeenCalledWith('audit');
  });

  it("words every alert from its code and the overview's counts, with ICU plurals, in Hindi too", async () => {
    const alerts = [
      { severity: 'info', code: 'consent_requests_pending', message: '2 consent request(s) wait for your decision.' },
      { severity: 'info', code: 'consent_expiring', message: 'A consent expires within a week.' },
      { severity: 'critical', code: 'rights_request_overdue', message: 'A lender is late answering your rights request.' },
      { severity: 'warning', code: 'lender_unreachable', message: 'QuickRupee could not be reached.' },
    ];
    mockCommands({ overview: overview({ alerts, pendingRequests: 2 }) });
    renderHome();
    const shown = await screen.findAllByTestId('home-alert');
    expect(shown[0]).toHaveTextContent('2 consent requests wait for your decision.');
    expect(shown[0]).not.toHaveTextContent('(s)');
    setLocale('hi');
    await vi.waitFor(() => expect(shown[0]).toHaveTextContent('सहमति के 2 अनुरोध आपके फ़ैसले का इंतज़ार कर रहे हैं।'));
    expect(shown[1]).toHaveTextContent('एक सहमति एक हफ़्ते के अंदर ख़त्म हो रही है।');
    expect(shown[2]).toHaveTextContent('एक ऋणदाता ने आपके अनुरोध का जवाब देने में देर कर दी है।');
    for (const alert of shown) expect(alert.textContent).not.toMatch(/[A-Za-z]/);
  });

  it('words the phone alert in Hindi', async () => {
    mockCommands({
      overview: {
        ...overview({ alerts: [{ severity: 'critical', code: 'phone_evidence_findings', message: 'Phone findings.' }] }),
        phoneFindings: 1,
      },
    });
    setLocale('hi');
    renderHome();
    expect(await screen.findByTestId('home-alert')).toHaveTextContent(
      'आपके फ़ोन ने किसी ऋणदाता के ऐप को ऐसा कुछ करते देखा जिस पर जाँच में आपत्ति मिली।',
    );
    expect(screen.getByTestId('home-phone-audit')).toHaveTextContent('जाँच देखें');
  });

  it('lists critical and high findings from the stored summary, leading to the audit', async () => {
    mockCommands({
      overview: overview({
        findings: findingsSummary([
          findingAlert(),
          findingAlert({ key: 'k2', rule: 'prohibited-signal', severity: 'high', signal: 'Call logs', lenderName: 'QuickRupee' }),
        ]),
      }),
      app_settings: appSettings(),
    });
    const { onNavigate } = renderHome();
    const items = await screen.findAllByTestId('home-finding');
    expect(items[0]).toHaveTextContent('Critical');
    expect(items[0]).toHaveTextContent('Sandbox Lender: Collected after you revoked the consent (SMS income)');
    expect(items[1]).toHaveTextContent('High');
    expect(items[1]).toHaveTextContent('QuickRupee');
    expect(screen.queryByTestId('home-sync-paused')).not.toBeInTheDocument();
    await userEvent.setup().click(screen.getByTestId('home-findings-audit'));
    expect(onNavigate).toHaveBeenCalledWith('audit');
  });

  it('words waiting consent requests as a plural in both languages, and says when sync is paused', async () => {
    const pending = (count: number) =>
      overview({
        pendingRequests: count,
        alerts: [{ severity: 'info', code: 'consent_requests_pending', message: `${count} consent request(s)` }],
      });
    mockCommands({ overview: pending(1), app_settings: appSettings({ backgroundSync: false }) });
    renderHome();
    expect(await screen.findByTestId('home-alert')).toHaveTextContent('A consent request waits for your decision.');
    expect(await screen.findByTestId('home-sync-paused')).toHaveTextContent('Background sync is paused');
    document.body.innerHTML = '';
    setLocale('hi');
    mockCommands({ overview: pending(3), app_settings: appSettings() });
    renderHome();
    const alert = await screen.findByTestId('home-alert');
    expect(alert).toHaveTextContent('सहमति के 3 अनुरोध आपके फ़ैसले का इंतज़ार कर रहे हैं।');
    expect(alert).not.toHaveTextContent('(s)');
  });

  it('offers to revoke everything when a loan has ended: one confirm, one revocation per consent', async () => {
    let loans = [closedLoan()];
    const calls = mockCommands({
      overview: () => overview({ closedLoans: loans }),
      app_settings: appSettings(),
      revoke_consent: (args: Args) => {
        if (args.consentId === 'c-3') loans = [];
        return revocation({ consentId: args.consentId as string, signals: [] });
      },
    });
    const user = userEvent.setup();
    renderHome();
    expect(await screen.findByTestId('home-closed-sandbox')).toHaveTextContent(
      'Your loan with Sandbox Lender ended on 19 Nov 2026, but it still holds 2 active consents.',
    );
    await user.click(screen.getByTestId('home-revoke-all-sandbox'));
    expect(screen.getByTestId('revoke-all-text')).toHaveTextContent('Khata sends Sandbox Lender 2 revocations');
    await user.click(screen.getByTestId('revoke-all-yes'));
    expect(await screen.findByTestId('home-closed-done')).toHaveTextContent('Sandbox Lender');
    expect(calls.filter((call) => call.command === 'revoke_consent').map((call) => call.args)).toEqual([
      { consentId: 'c-1', signals: [] },
      { consentId: 'c-3', signals: [] },
    ]);
    expect(screen.queryByTestId('home-closed-loans')).not.toBeInTheDocument();
  });
});
