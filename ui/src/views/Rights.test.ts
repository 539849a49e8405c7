import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../lib/i18n/i18n.svelte';
import {
  consent,
  escalationFacts,
  offer,
  overdueGrievance,
  overview,
  rightsRequest,
} from '../test/fixtures';
import { failure, mockCommands } from '../test/ipc';
import Rights from './Rights.svelte';

beforeEach(() => setLocale('en'));

/** The commands the Rights screen reads on opening. */
function screenData(overrides: Record<string, unknown> = {}) {
  return {
    overview: overview(),
    consents: [consent()],
    latest_offer: offer(),
    rights_requests: [],
    ...overrides,
  };
}

describe('Rights', () => {
  it('lists requests with status, ticket and each statutory clock beside the lender’s own date', async () => {
    mockCommands(
      screenData({
        rights_requests: [
          overdueGrievance(),
          rightsRequest(),
          rightsRequest({ id: 'rr-2', kind: 'human_review', status: 'resolved', overdue: false, ticket: null, clocks: [] }),
        ],
      }),
    );
    render(Rights);
    const row = await screen.findByTestId('rights-row-rr-1');
    expect(row).toHaveTextContent('Erasure');
    expect(row).toHaveTextContent('Sent');
    expect(row).toHaveTextContent('T-100');
    expect(screen.getByTestId('rights-clock-rr-1-dpdp-rights-not-notified')).toHaveTextContent(
      'No reply period is set for this request yet — DPDP Rules',
    );
    expect(screen.getByTestId('rights-overdue-rr-1')).toHaveTextContent('Overdue');
    // The grievance: the RBI's 30 days ran out on 19 Nov 2026; the DPDP's 90 still run.
    const rbi = screen.getByTestId('rights-clock-rr-g-rbi-ombudsman-30d');
    expect(rbi).toHaveTextContent('Reply was due by 19 Nov 2026 — RBI rules, 30 days. Overdue.');
    expect(rbi).toHaveTextContent('Reserve Bank – Integrated Ombudsman Scheme, 2021, cl. 10(2)(a); checked on 1 Dec 2026.');
    expect(screen.getByTestId('rights-clock-rr-g-dpdp-grievance-90d')).toHaveTextContent(
      'Reply due by 18 Jan 2027 — DPDP Rules, 90 days',
    );
    expect(screen.getByTestId('rights-lender-due-rr-g')).toHaveTextContent('The lender’s own date: 19 Nov 2026');
    expect(screen.getByTestId('rights-row-rr-2')).toHaveTextContent('Ask a person to review the decision');
    expect(screen.queryByTestId('rights-overdue-rr-2')).not.toBeInTheDocument();
    expect(screen.queryByTestId('rights-escalate-rr-2')).not.toBeInTheDocument();
  });

  it('names every kind with its Indian law and no foreign one', async () => {
    mockCommands(screenData());
    render(Rights);
    expect(await screen.findByTestId('rights-law-access')).toHaveTextContent('DPDP Act, s.11');
    expect(screen.getByTestId('rights-law-correction')).toHaveTextContent('DPDP Act, s.12');
    expect(screen.getByTestId('rights-law-grievance')).toHaveTextContent('DPDP Act, s.13; RBI Ombudsman Scheme');
    expect(screen.getByTestId('rights-law-nomination')).toHaveTextContent('DPDP Act, s.14');
    expect(document.body).not.toHaveTextContent(/GDPR|Art\. 22/);
  });

  it('sends a request for a person to review an offer, naming the offer', async () => {
    const calls = mockCommands(
      screenData({ request_right: rightsRequest({ id: 'rr-3', kind: 'human_review', overdue: false, clocks: [] }) }),
    );
    const user = userEvent.setup();
    render(Rights);
    expect(await screen.findByTestId('rights-empty')).toBeInTheDocument();
    await vi.waitFor(() => expect(screen.getByTestId('rights-lender')).toHaveValue('sandbox'));
    await user.click(screen.getByTestId('rights-kind-human_review'));
    await user.click(screen.getByTestId('rights-about-offer'));
    await vi.waitFor(() => expect(screen.getByTestId('rights-about-offer-pick')).toHaveValue(offer().id));
    await user.type(screen.getByTestId('rights-details'), 'Please have a person review my declined loan.');
    await user.click(screen.getByTestId('rights-submit'));
    expect(await screen.findByTestId('rights-submitted')).toHaveTextContent('Ask a person to review the decision');
    expect(calls.find((call) => call.command === 'request_right')?.args).toEqual({
      lenderId: 'sandbox',
      kind: 'human_review',
      details: 'Please have a person review my declined loan.',
      about: { signal: null, offerId: offer().id, consentId: null },
      nominee: null,
    });
  });

  it('shows what the lender holds before a correction of one kind of data', async () => {
    const signal = consent().granted[0];
    const calls = mockCommands(
      screenData({
        correction_context: {
          lenderId: 'sandbox',
          signal: signal.id,
          signalName: signal.name,
          bin: '20k-40k',
          offerId: offer().id,
          offerAt: Date.UTC(2026, 10, 27, 4),
          lastCollectedAt: Date.UTC(2026, 10, 28, 4),
        },
        request_right: rightsRequest({ id: 'rr-4', kind: 'correction', overdue: false }),
      }),
    );
    const user = userEvent.setup();
    render(Rights);
    await vi.waitFor(() => expect(screen.getByTestId('rights-lender')).toHaveValue('sandbox'));
    await user.click(screen.getByTestId('rights-kind-correction'));
    await user.click(screen.getByTestId('rights-about-signal'));
    await user.selectOptions(screen.getByTestId('rights-about-signal-pick'), signal.id);
    const context = await screen.findByTestId('rights-correction-context');
    expect(context).toHaveTextContent(`In its offer of 27 Nov 2026, it scored your ${signal.name} as “20k-40k”.`);
    expect(context).toHaveTextContent('It last said it collected it on 28 Nov 2026.');
    await user.type(screen.getByTestId('rights-details'), 'My income is higher.');
    await user.click(screen.getByTestId('rights-submit'));
    await screen.findByTestId('rights-submitted');
    // Asked again for each signal picked: the last is the one shown.
    expect(calls.filter((call) => call.command === 'correction_context').at(-1)?.args).toEqual({
      lenderId: 'sandbox',
      signal: signal.id,
    });
    expect(calls.find((call) => call.command === 'request_right')?.args).toMatchObject({
      kind: 'correction',
      about: { signal: signal.id, offerId: null, consentId: null },
    });
  });

  it('sends a nomination with the nominee', async () => {
    const calls = mockCommands(
      screenData({ request_right: rightsRequest({ id: 'rr-5', kind: 'nomination', overdue: false }) }),
    );
    const user = userEvent.setup();
    render(Rights);
    await vi.waitFor(() => expect(screen.getByTestId('rights-lender')).toHaveValue('sandbox'));
    await user.click(screen.getByTestId('rights-kind-nomination'));
    await user.type(screen.getByTestId('rights-nominee-name'), 'Sunita Devi');
    await user.type(screen.getByTestId('rights-nominee-relationship'), 'Mother');
    await user.type(screen.getByTestId('rights-nominee-contact'), '+91 98765 43210');
    await user.type(screen.getByTestId('rights-details'), 'I name my mother as my nominee.');
    await user.click(screen.getByTestId('rights-submit'));
    await screen.findByTestId('rights-submitted');
    expect(calls.find((call) => call.command === 'request_right')?.args).toMatchObject({
      kind: 'nomination',
      about: { signal: null, offerId: null, consentId: null },
      nominee: { name: 'Sunita Devi', relationship: 'Mother', contact: '+91 98765 43210' },
    });
  });

  it('offers an overdue grievance’s next steps: a complaint to the RBI Ombudsman saved with the evidence, and a calendar', async () => {
    const calls = mockCommands(
      screenData({
        rights_requests: [overdueGrievance()],
        escalation_draft: escalationFacts(),
        save_escalation_packet: { path: '/home/asha/khata-complaint.zip', bytes: 4096, files: 6 },
        save_rights_calendar: '/home/asha/khata-deadlines.ics',
      }),
    );
    const user = userEvent.setup();
    render(Rights);
    await user.click(await screen.findByTestId('rights-escalate-rr-g'));
    const panel = await screen.findByTestId('escalation-panel');
    const text = await within(panel).findByTestId('escalation-text');
    // The Ombudsman is chosen first: the RBI's clock is the one that ran out.
    expect(within(panel).getByTestId('escalation-step-rbi_ombudsman')).toBeChecked();
    expect(within(panel).getByTestId('escalation-portal')).toHaveTextContent('https://cms.rbi.org.in');
    const value = (text as HTMLTextAreaElement).value;
    expect(value).toContain('To: The RBI Ombudsman (Complaint Management System, cms.rbi.org.in)');
    expect(value).toContain('Complaint against: Sandbox Lender (registration N-14.03456)');
    expect(value).toContain('1. Date I first complained to the lender: 20 Oct 2026');
    expect(value).toContain('2. The lender’s reference (ticket): KSL-20261020-00001');
    expect(value).toContain('they ran out on 19 Nov 2026');
    expect(value).toContain('(2 audit findings)');
    // The borrower edits the text; the edited text is what is saved.
    await user.type(text, '\nExtra line.');
    await user.click(within(panel).getByTestId('escalation-save'));
    expect(await within(panel).findByTestId('escalation-notice')).toHaveTextContent(
      'Saved 6 files to /home/asha/khata-complaint.zip.',
    );
    const saved = calls.find((call) => call.command === 'save_escalation_packet')?.args;
    expect(saved).toMatchObject({ requestId: 'rr-g', to: 'rbi_ombudsman' });
    expect(String(saved?.text)).toMatch(/Extra line\.$/);
    // The follow-up letter to the lender instead.
    await user.click(within(panel).getByTestId('escalation-step-lender_grievance'));
    expect((within(panel).getByTestId('escalation-text') as HTMLTextAreaElement).value).toContain(
      'To: The Grievance Officer, Sandbox Lender',
    );
    await user.click(within(panel).getByTestId('escalation-calendar'));
    expect(await within(panel).findByTestId('escalation-notice')).toHaveTextContent(
      'Calendar saved to /home/asha/khata-deadlines.ics.',
    );
    const texts = calls.find((call) => call.command === 'save_rights_calendar')?.args.texts as Array<{
      clockId: string;
      summary: string;
    }>;
    expect(texts.map((entry) => entry.clockId)).toEqual(['rbi-ombudsman-30d', 'dpdp-grievance-90d']);
    expect(texts[0].summary).toBe('Reply due from Sandbox Lender: Grievance');
  });

  it('words the clocks in Hindi', async () => {
    setLocale('hi');
    mockCommands(screenData({ rights_requests: [overdueGrievance()] }));
    render(Rights);
    expect(await screen.findByTestId('rights-clock-rr-g-rbi-ombudsman-30d')).toHaveTextContent(
      'जवाब 19 नवंबर 2026 तक आना था — रिज़र्व बैंक के नियम, 30 दिन। समय बीत गया।',
    );
  });

  it('shows failures as sentences', async () => {
    mockCommands(
      screenData({
        rights_requests: () => {
          throw failure('The vault could not be read.');
        },
        request_right: () => {
          throw failure('The lender could not be reached; try again later.');
        },
      }),
    );
    const user = userEvent.setup();
    render(Rights);
    expect(await screen.findByTestId('rights-list-error')).toHaveTextContent('The vault could not be read.');
    await vi.waitFor(() => expect(screen.getByTestId('rights-lender')).toHaveValue('sandbox'));
    await user.click(screen.getByTestId('rights-submit'));
    expect(await screen.findByTestId('rights-error')).toHaveTextContent('The lender could not be reached; try again later.');
  });
});
