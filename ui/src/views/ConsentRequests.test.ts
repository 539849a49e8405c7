import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../lib/i18n/i18n.svelte';
import { consent, consentRequest, requestQuote } from '../test/fixtures';
import { failure, mockCommands } from '../test/ipc';
import ConsentRequests from './ConsentRequests.svelte';

beforeEach(() => setLocale('en'));

describe('Consent requests', () => {
  it('explains each signal and what changed since the last consent', async () => {
    mockCommands({ consent_requests: [consentRequest()] });
    render(ConsentRequests);
    const form = await screen.findByTestId('request-req-1');
    // The lender's own words for its signal, and its kind of data in plain words (the DPV term
    // in the tooltip).
    expect(form).toHaveTextContent('Your monthly income, estimated from salary-credit SMS messages from your bank.');
    expect(form).not.toHaveTextContent('pd:Income');
    expect(screen.getAllByTestId('signal-dpv').map((badge) => badge.getAttribute('title'))).toContain(
      'Data Privacy Vocabulary term: pd:Income',
    );
    expect(form).toHaveTextContent('High sensitivity');
    expect(screen.getByTestId('signal-prohibited-contacts')).toHaveTextContent('Prohibited by RBI (2022)');
    expect(screen.getByTestId('request-signal-new-contacts')).toHaveTextContent('New since your last consent');
    expect(screen.queryByTestId('request-signal-new-location')).not.toBeInTheDocument();
    expect(screen.getByTestId('request-dropped')).toHaveTextContent('Installed apps');
    // Kinds of data in plain words, the DPV term in a tooltip, nowhere raw.
    expect(screen.getByTestId('request-dropped')).toHaveTextContent('(Apps on your phone)');
    expect(screen.getAllByTestId('signal-dpv').map((badge) => badge.textContent)).toContain('Income');
    expect(screen.getAllByTestId('signal-dpv')[0]).toHaveAttribute('title', 'Data Privacy Vocabulary term: pd:Location');
    expect(form).not.toHaveTextContent('pd:');
    expect(screen.getByTestId('request-high-frequency')).toBeInTheDocument();
    expect(form).toHaveTextContent('4 times an hour');
    expect(screen.getByTestId('request-onward')).toHaveTextContent('Credit bureau');
  });

  it('starts with nothing shared, one two-state choice per signal, and sends the choices made', async () => {
    const calls = mockCommands({
      consent_requests: () => (calls.some((call) => call.command === 'decide_consent') ? [] : [consentRequest()]),
      quote_request: (args) => requestQuote((args as { shared: string[] }).shared),
      decide_consent: consent({ granted: [] }),
    });
    const user = userEvent.setup();
    render(ConsentRequests);
    for (const id of ['location', 'sms_income', 'contacts']) {
      expect(await screen.findByTestId(`request-signal-${id}-deny`)).toBeChecked();
      expect(screen.getByTestId(`request-signal-${id}-share`)).not.toBeChecked();
    }
    expect(screen.getByTestId('request-signal-needed-sms_income')).toHaveTextContent('Needed for a decision');
    expect(screen.queryByTestId('request-signal-needed-location')).not.toBeInTheDocument();
    // The labels never flip: both states are always there, by name.
    expect(screen.getByRole('radiogroup', { name: 'Share “Location” with the lender?' })).toBeInTheDocument();

    // Share only what is needed, then location too; a prohibited signal chosen is warned about.
    await user.click(screen.getByTestId('request-share-needed'));
    expect(screen.getByTestId('request-signal-sms_income-share')).toBeChecked();
    await user.click(screen.getByTestId('request-signal-location-share'));
    await user.click(screen.getByTestId('request-signal-contacts-share'));
    expect(screen.getByTestId('request-signal-warn-contacts')).toHaveTextContent('The RBI bars lending apps');
    await user.click(screen.getByTestId('request-signal-contacts-deny'));
    expect(screen.queryByTestId('request-signal-warn-contacts')).not.toBeInTheDocument();

    // The quote of these choices, and what each choice costs.
    await vi.waitFor(() =>
      expect(screen.getByTestId('request-quote-id')).toHaveTextContent('quote-location+sms_income'),
    );
    expect(screen.getByTestId('request-signal-cost-sms_income')).toHaveTextContent('Sharing this adds 40 points');
    expect(screen.getByTestId('request-signal-cost-location')).toHaveTextContent('Sharing this adds 20 points');
    expect(screen.getByTestId('request-quote-decision')).toHaveTextContent('Expected: approved for ₹50,000 over 9 months');
    expect(screen.getByTestId('request-quote-rate')).toHaveTextContent('Interest: 2.2% a month (about 26.4% a year');
    const quoted = calls.filter((call) => call.command === 'quote_request').at(-1)?.args;
    expect(quoted).toEqual({ requestId: 'req-1', shared: ['location', 'sms_income'] });

    await user.click(screen.getByTestId('request-submit'));
    await vi.waitFor(() => expect(screen.getByTestId('requests-empty')).toBeInTheDocument());
    expect(calls.find((call) => call.command === 'decide_consent')?.args).toEqual({
      requestId: 'req-1',
      choices: [
        { signal: 'location', grant: true },
        { signal: 'sms_income', grant: true },
        { signal: 'contacts', grant: false },
      ],
    });
    expect(screen.getByTestId('request-decided')).toHaveTextContent('Consent given to Sandbox Lender');
  });

  it('asks before sharing nothing, and says the request was refused', async () => {
    const calls = mockCommands({
      consent_requests: () => (calls.some((call) => call.command === 'decide_consent') ? [] : [consentRequest()]),
      quote_request: (args) => requestQuote((args as { shared: string[] }).shared),
      decide_consent: consent({ granted: [], refused: true }),
    });
    const user = userEvent.setup();
    render(ConsentRequests);
    await user.click(await screen.findByTestId('request-submit'));
    expect(screen.getByTestId('request-refuse')).toHaveTextContent('You are sharing nothing. This refuses the request.');
    expect(calls.some((call) => call.command === 'decide_consent')).toBe(false);
    await user.click(screen.getByTestId('request-refuse-confirm'));
    await vi.waitFor(() => expect(screen.getByTestId('request-decided')).toBeInTheDocument());
    expect(screen.getByTestId('request-decided')).toHaveTextContent('You refused Sandbox Lender’s request. Nothing is shared.');
  });

  it('shows a failed quote without blocking the decision', async () => {
    mockCommands({
      consent_requests: [consentRequest()],
      quote_request: () => {
        throw failure('The lender is not reachable.');
      },
      decide_consent: consent(),
    });
    const user = userEvent.setup();
    render(ConsentRequests);
    expect(await screen.findByTestId('request-quote-error')).toHaveTextContent('You can still decide.');
    await user.click(screen.getByTestId('request-signal-location-share'));
    expect(screen.getByTestId('request-submit')).toBeEnabled();
  });

  it('shows a failure as a sentence, and an empty state', async () => {
    mockCommands({
      consent_requests: [consentRequest()],
      quote_request: requestQuote(['location']),
      decide_consent: () => {
        throw failure('The lender rejected the consent: the request has expired.');
      },
    });
    const user = userEvent.setup();
    const { unmount } = render(ConsentRequests);
    await user.click(await screen.findByTestId('request-signal-location-share'));
    await user.click(screen.getByTestId('request-submit'));
    expect(await screen.findByTestId('request-error')).toHaveTextContent('the request has expired.');
    unmount();
    mockCommands({ consent_requests: [] });
    render(ConsentRequests);
    expect(await screen.findByTestId('requests-empty')).toBeInTheDocument();
  });
});
