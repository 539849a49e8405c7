import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../lib/i18n/i18n.svelte';
import { consent, consentRequest } from '../test/fixtures';
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

  it('denies prohibited signals by default and sends the choices made', async () => {
    const calls = mockCommands({
      consent_requests: () => (calls.some((call) => call.command === 'decide_consent') ? [] : [consentRequest()]),
      decide_consent: consent({ granted: [] }),
    });
    const user = userEvent.setup();
    render(ConsentRequests);
    expect(await screen.findByTestId('request-signal-contacts')).not.toBeChecked();
    expect(screen.getByTestId('request-signal-location')).toBeChecked();
    await user.click(screen.getByTestId('request-signal-sms_income'));
    await user.click(screen.getByTestId('request-submit'));
    await vi.waitFor(() => expect(screen.getByTestId('requests-empty')).toBeInTheDocument());
    expect(calls.find((call) => call.command === 'decide_consent')?.args).toEqual({
      requestId: 'req-1',
      choices: [
        { signal: 'location', grant: true },
        { signal: 'sms_income', grant: false },
        { signal: 'contacts', grant: false },
      ],
    });
    expect(screen.getByTestId('request-decided')).toHaveTextContent('Consent given to Sandbox Lender');
  });

  it('shows a failure as a sentence, and an empty state', async () => {
    mockCommands({
      consent_requests: [consentRequest()],
      decide_consent: () => {
        throw failure('The lender rejected the consent: the request has expired.');
      },
    });
    const user = userEvent.setup();
    const { unmount } = render(ConsentRequests);
    await user.click(await screen.findByTestId('request-submit'));
    expect(await screen.findByTestId('request-error')).toHaveTextContent('the request has expired.');
    unmount();
    mockCommands({ consent_requests: [] });
    render(ConsentRequests);
    expect(await screen.findByTestId('requests-empty')).toBeInTheDocument();
  });
});
