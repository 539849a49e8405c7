import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConsentView } from '../lib/bindings/ConsentView';
import { setLocale } from '../lib/i18n/i18n.svelte';
import { consent, revocation, revocationPreview, rightsRequest } from '../test/fixtures';
import { failure, mockCommands } from '../test/ipc';
import Consents from './Consents.svelte';

beforeEach(() => setLocale('en'));

describe('Consents', () => {
  it('shows status, purpose, signals with their flags, expiry, data life and frequency', async () => {
    mockCommands({ consents: [consent()] });
    render(Consents, { pollMs: 20 });
    expect(await screen.findByTestId('consent-status-c-1')).toHaveTextContent('Active');
    const card = screen.getByTestId('consent-c-1');
    expect(card).toHaveTextContent('Credit assessment for a personal loan');
    expect(card).toHaveTextContent('6 months');
    expect(card).toHaveTextContent('Once a day');
    expect(card).toHaveTextContent('Income from SMS');
    // The kind of data in words; the DPV term only in the tooltip.
    expect(card).not.toHaveTextContent('pd:Income');
    expect(card.querySelector('[title="Data Privacy Vocabulary term: pd:Income"]')).toHaveTextContent('Income');
    expect(card).toHaveTextContent('High sensitivity');
    expect(screen.getByTestId('signal-prohibited-contacts')).toHaveTextContent('Prohibited by RBI (2022)');
    expect(screen.getByTestId('consent-expiry-c-1')).toHaveTextContent(/in 30 days/);
    expect(screen.getByTestId('signal-revoke-c-1-location')).toBeInTheDocument();
    expect(screen.queryByTestId('signal-revoke-c-1-contacts')).not.toBeInTheDocument();
  });

  it('revokes one signal after confirming, then follows it from pending to confirmed', async () => {
    const states: Array<ConsentView['revocations']> = [
      [],
      [revocation({ id: 'r1', state: 'pending' })],
      [revocation({ id: 'r1', state: 'sent', attempts: 1 })],
      [revocation({ id: 'r1', state: 'confirmed', attempts: 1, confirmedAt: Date.now(), receiptId: 'rcpt-7' })],
    ];
    let step = 0;
    const calls = mockCommands({
      consents: () => [consent({ revocations: states[Math.min(step, states.length - 1)] })],
      revoke_consent: () => {
        step = 1;
        return revocation({ id: 'r1' });
      },
    });
    const user = userEvent.setup();
    render(Consents, { pollMs: 20 });

    await user.click(await screen.findByTestId('signal-revoke-c-1-location'));
    expect(screen.getByTestId('revoke-confirm')).toHaveAttribute('open');
    expect(screen.getByTestId('revoke-confirm-text')).toHaveTextContent('will no longer be allowed to collect “Location”');
    await user.click(screen.getByTestId('revoke-confirm-yes'));

    expect(await screen.findByTestId('revocation-state-r1')).toHaveTextContent('Pending');
    const revoke = calls.find((call) => call.command === 'revoke_consent');
    expect(revoke?.args).toEqual({ consentId: 'c-1', signals: ['location'] });

    step = 2;
    await vi.waitFor(() => expect(screen.getByTestId('revocation-state-r1')).toHaveTextContent('Sent'));
    step = 3;
    await vi.waitFor(() => expect(screen.getByTestId('revocation-state-r1')).toHaveTextContent('Confirmed'));
    expect(screen.getByTestId('revocation-r1')).toHaveTextContent('rcpt-7');

    // Once everything is confirmed, polling stops.
    const polls = calls.filter((call) => call.command === 'consents').length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls.filter((call) => call.command === 'consents').length).toBe(polls);
  });

  it('revokes the whole consent with an empty signal list, and cancelling does nothing', async () => {
    const calls = mockCommands({ consents: [consent()], revoke_consent: revocation({ signals: [] }) });
    const user = userEvent.setup();
    render(Consents, { pollMs: 20 });
    await user.click(await screen.findByTestId('consent-revoke-c-1'));
    await user.click(screen.getByTestId('revoke-confirm-no'));
    expect(calls.some((call) => call.command === 'revoke_consent')).toBe(false);
    expect(screen.getByTestId('revoke-confirm')).not.toHaveAttribute('open');
    // Focus goes back to the button that opened the dialog.
    expect(screen.getByTestId('consent-revoke-c-1')).toHaveFocus();

    // Escape closes it too.
    await user.click(screen.getByTestId('consent-revoke-c-1'));
    expect(screen.getByTestId('revoke-confirm')).toHaveAttribute('open');
    await user.keyboard('{Escape}');
    expect(screen.getByTestId('revoke-confirm')).not.toHaveAttribute('open');

    await user.click(screen.getByTestId('consent-revoke-c-1'));
    await user.click(screen.getByTestId('revoke-confirm-yes'));
    await vi.waitFor(() =>
      expect(calls.find((call) => call.command === 'revoke_consent')?.args).toEqual({ consentId: 'c-1', signals: [] }),
    );
  });

  it('pauses and resumes', async () => {
    let status: ConsentView['status'] = 'active';
    const calls = mockCommands({
      consents: () => [consent({ status })],
      pause_consent: () => {
        status = 'paused';
        return revocation({ state: 'confirmed' });
      },
      resume_consent: () => {
        status = 'active';
        return revocation({ state: 'confirmed' });
      },
    });
    const user = userEvent.setup();
    render(Consents, { pollMs: 20 });
    await user.click(await screen.findByTestId('consent-pause-c-1'));
    expect(await screen.findByTestId('consent-resume-c-1')).toBeInTheDocument();
    expect(screen.getByTestId('consent-status-c-1')).toHaveTextContent('Paused');
    await user.click(screen.getByTestId('consent-resume-c-1'));
    expect(await screen.findByTestId('consent-pause-c-1')).toBeInTheDocument();
    expect(calls.map((call) => call.command)).toContain('resume_consent');
  });

  it('shows a failed revocation as a sentence', async () => {
    mockCommands({
      consents: [consent()],
      revoke_consent: () => {
        throw failure('The vault could not record the revocation: the disk is full.');
      },
    });
    const user = userEvent.setup();
    render(Consents, { pollMs: 20 });
    await user.click(await screen.findByTestId('signal-revoke-c-1-sms_income'));
    await user.click(screen.getByTestId('revoke-confirm-yes'));
    expect(await screen.findByTestId('consents-action-error')).toHaveTextContent(
      'The vault could not record the revocation: the disk is full.',
    );
  });

  it('has empty and error states', async () => {
    mockCommands({ consents: [] });
    const { unmount } = render(Consents);
    expect(await screen.findByTestId('consents-empty')).toBeInTheDocument();
    unmount();
    mockCommands({
      consents: () => {
        throw failure('The vault is locked.');
      },
    });
    render(Consents);
    expect(await screen.findByTestId('consents-error')).toHaveTextContent('The vault is locked.');
  });

  it('speaks Hindi', async () => {
    setLocale('hi');
    mockCommands({ consents: [consent()] });
    render(Consents);
    const card = await screen.findByTestId('consent-c-1');
    expect(within(card).getByTestId('consent-status-c-1')).toHaveTextContent('सक्रिय');
    expect(card).toHaveTextContent('6 महीने');
    expect(card).toHaveTextContent('हर दिन एक बार');
    expect(screen.getByTestId('signal-prohibited-contacts')).toHaveTextContent('रिज़र्व बैंक ने मना किया है (RBI, 2022)');
  });

  it('explains what stops and what the lender keeps until when, and files erasure in the same flow', async () => {
    const calls = mockCommands({
      consents: [consent()],
      revocation_preview: revocationPreview(),
      revoke_consent: revocation({ signals: [] }),
      request_consent_erasure: rightsRequest({ id: 'rr-e', kind: 'erasure', overdue: false }),
    });
    const user = userEvent.setup();
    render(Consents, { pollMs: 20 });
    await user.click(await screen.findByTestId('consent-revoke-c-1'));
    expect(await screen.findByTestId('revoke-kept')).toHaveTextContent(
      '“Income from SMS”, last collected 27 Nov 2026: may be kept until 26 May 2027.',
    );
    expect(screen.getByTestId('revoke-life')).toHaveTextContent('for 6 months after each collection');
    expect(screen.getByTestId('revoke-stops')).toHaveTextContent('Sandbox Lender may no longer collect: Income from SMS.');
    await user.click(screen.getByTestId('revoke-erase'));
    await user.click(screen.getByTestId('revoke-confirm-yes'));
    expect(await screen.findByTestId('revoke-erasure-filed')).toBeInTheDocument();
    expect(calls.find((call) => call.command === 'revocation_preview')?.args).toEqual({ consentId: 'c-1', signals: [] });
    const erase = calls.find((call) => call.command === 'request_consent_erasure');
    expect(erase?.args.consentId).toBe('c-1');
    expect(erase?.args.details).toContain('c-1');
    // Revoked first, then erasure asked.
    const order = calls.map((call) => call.command).filter((c) => c === 'revoke_consent' || c === 'request_consent_erasure');
    expect(order).toEqual(['revoke_consent', 'request_consent_erasure']);
  });
});
