import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatDate } from '../lib/format';
import { setLocale } from '../lib/i18n/i18n.svelte';
import { kfsView, offer } from '../test/fixtures';
import { failure, mockCommands } from '../test/ipc';
import Offer from './Offer.svelte';

beforeEach(() => setLocale('en'));

describe('Offer', () => {
  it('shows the decision, amount in Indian grouping, monthly APR and tenure', async () => {
    mockCommands({ latest_offer: offer() });
    render(Offer);
    expect(await screen.findByTestId('offer-decision')).toHaveTextContent('Approved');
    expect(screen.getByTestId('offer-amount')).toHaveTextContent('₹1,50,000');
    expect(screen.getByTestId('offer-apr')).toHaveTextContent('1.8% a month (21.6% a year)');
    expect(screen.getByText('Interest rate')).toBeInTheDocument();
    expect(screen.queryByText(/Interest \(APR\)/)).toBeNull();
    expect(screen.getByTestId('offer-tenure')).toHaveTextContent('12 months');
    expect(screen.getByTestId('offer-waterfall')).toHaveAttribute(
      'aria-label',
      expect.stringContaining('from 600 starting points to a score of 640'),
    );
  });

  it('lists every contribution in a table and the adverse factors in plain language', async () => {
    mockCommands({ latest_offer: offer() });
    render(Offer);
    const income = await screen.findByTestId('contribution-row-sms_income');
    expect(within(income).getByRole('rowheader')).toHaveTextContent('Income from SMS');
    expect(income).toHaveTextContent('+55');
    expect(screen.getByTestId('contribution-row-installed_apps')).toHaveTextContent('-25');
    expect(screen.getByTestId('contribution-score')).toHaveTextContent('640');
    const factors = screen.getAllByTestId('adverse-factor');
    expect(factors).toHaveLength(1);
    expect(factors[0]).toHaveTextContent('High impact');
    expect(factors[0]).toHaveTextContent('Several other lending apps are installed on your phone.');
  });

  it("shows the lender's own words in Hindi: signal names, bins and reasons, English where it gave no Hindi", async () => {
    setLocale('hi');
    mockCommands({ latest_offer: offer() });
    render(Offer);
    const income = await screen.findByTestId('contribution-row-sms_income');
    expect(within(income).getByRole('rowheader')).toHaveTextContent('SMS से पता चली आमदनी');
    expect(income).toHaveTextContent('महीने में ₹25,000 से ₹50,000');
    // No Hindi from the lender for this signal: its English words, not the bare bin id.
    const apps = screen.getByTestId('contribution-row-installed_apps');
    expect(apps).toHaveTextContent('Many loan apps');
    expect(apps).not.toHaveTextContent('many_loan_apps');
    expect(screen.getAllByTestId('adverse-factor')[0]).toHaveTextContent('Several other lending apps are installed on your phone.');
    // A signal whose lender gave no words at all keeps the name and bin the view carries.
    expect(screen.getByTestId('contribution-row-location')).toHaveTextContent('Stable');
  });

  it('asks the lender what-if with the chosen signals withheld and shows both side by side', async () => {
    const quote = offer({ score: 585, amountInr: 100000, withheld: ['sms_income'], contributions: [] });
    const calls = mockCommands({
      latest_offer: offer(),
      what_if: { offer: offer(), quote, scoreChange: -55, amountChange: -50000 },
    });
    const user = userEvent.setup();
    render(Offer);
    const submit = await screen.findByTestId('whatif-submit');
    expect(submit).toBeDisabled();
    await user.click(screen.getByTestId('whatif-signal-sms_income'));
    await user.click(submit);
    expect(await screen.findByTestId('whatif-quote-score')).toHaveTextContent('585');
    expect(screen.getByTestId('whatif-offer-score')).toHaveTextContent('640');
    expect(screen.getByTestId('whatif-quote-amount')).toHaveTextContent('₹1,00,000');
    expect(screen.getByTestId('whatif-change')).toHaveTextContent('Score -55, amount -₹50,000.');
    expect(calls.find((call) => call.command === 'what_if')?.args).toEqual({ withhold: ['sms_income'] });
  });

  it('shows a what-if failure as a sentence', async () => {
    mockCommands({
      latest_offer: offer(),
      what_if: () => {
        throw failure('The lender could not be reached for a quote.');
      },
    });
    const user = userEvent.setup();
    render(Offer);
    await user.click(await screen.findByTestId('whatif-signal-location'));
    await user.click(screen.getByTestId('whatif-submit'));
    expect(await screen.findByTestId('whatif-error')).toHaveTextContent('The lender could not be reached for a quote.');
  });

  it('shows the key facts: the annual rate beside Khata’s own, fees, payout, schedule and whom to turn to', async () => {
    mockCommands({ latest_offer: offer({ amountInr: 100000, kfs: kfsView() }) });
    render(Offer);
    expect(await screen.findByTestId('kfs-apr-stated')).toHaveTextContent('26.26% a year, as the lender states it');
    expect(screen.getByTestId('kfs-apr-khata')).toHaveTextContent('Khata’s own figure: 26.26% a year');
    expect(screen.getByTestId('kfs-apr-match')).toHaveTextContent('It matches the repayment schedule.');
    expect(screen.queryByTestId('kfs-apr-mismatch')).toBeNull();
    expect(screen.getByTestId('kfs-apr-how')).toHaveTextContent(
      'you receive ₹97,640 and repay 12 instalments, ₹1,12,081 in all. At 2.1886% a month, those repayments are worth exactly what you receive; 2.1886% × 12 = 26.26% a year.',
    );
    expect(screen.getByTestId('kfs-rate')).toHaveTextContent('1.8% a month (21.6% a year)');
    expect(screen.getByTestId('kfs-loan')).toHaveTextContent('₹1,00,000');
    expect(screen.getByTestId('kfs-fee-0')).toHaveTextContent(
      'Processing fee (with GST): ₹2,360, taken from the loan before it is paid to you',
    );
    expect(screen.getByTestId('kfs-disbursed')).toHaveTextContent('₹97,640');
    expect(screen.getByTestId('kfs-total')).toHaveTextContent('₹1,12,081');
    expect(screen.getByTestId('kfs-cooling-off')).toHaveTextContent('3 days.');
    expect(screen.getByTestId('kfs-lender')).toHaveTextContent(
      'Sandbox Finance Private Limited (fictional NBFC), registration N-14.03999',
    );
    expect(screen.getByTestId('kfs-lsp')).toHaveTextContent('Khata Sandbox Loans, app in.khata.sandbox.lender');
    expect(screen.getByTestId('kfs-grievance')).toHaveTextContent(
      'Asha Verma, grievance@sandbox-finance.example, +91 1800 000 0000',
    );
    const rows = within(screen.getByTestId('kfs-schedule')).getAllByRole('row');
    expect(rows).toHaveLength(13);
    const first = screen.getByTestId('kfs-instalment-1');
    // Dates as the app writes every date (a calendar date: the same day in any time zone).
    expect(first).toHaveTextContent(formatDate(new Date(2027, 0, 2).getTime()));
    expect(first).toHaveTextContent('₹9,340');
    expect(first).toHaveTextContent('₹7,540');
    expect(first).toHaveTextContent('₹1,800');
    expect(screen.getByTestId('kfs-instalment-12')).toHaveTextContent(formatDate(new Date(2027, 11, 2).getTime()));
    expect(screen.queryByTestId('kfs-inconsistent')).toBeNull();
  });

  it('warns when the stated annual rate is not the schedule’s, and says which figures do not add up', async () => {
    mockCommands({
      latest_offer: offer({
        amountInr: 100000,
        kfs: kfsView({ aprAnnualBps: 2160, aprMatches: false, inconsistent: ['totalPayable'] }),
      }),
    });
    render(Offer);
    expect(await screen.findByTestId('kfs-apr-stated')).toHaveTextContent('21.6% a year');
    expect(screen.getByTestId('kfs-apr-mismatch')).toHaveTextContent(
      'It does not match. The repayments and the amount you receive give 26.26% a year, not the 21.6% the lender states: the loan costs more than the lender says.',
    );
    expect(screen.queryByTestId('kfs-apr-match')).toBeNull();
    expect(screen.getByTestId('kfs-inconsistent')).toHaveTextContent(
      'The figures of this statement do not add up: the total to repay is not the sum of the instalments.',
    );
  });

  it('says when an approved offer came without key facts, and when Khata cannot work out the rate', async () => {
    mockCommands({ latest_offer: offer() });
    const { unmount } = render(Offer);
    expect(await screen.findByTestId('kfs-missing')).toHaveTextContent('The lender sent no key facts with this offer');
    unmount();
    mockCommands({
      latest_offer: offer({
        kfs: kfsView({ schedule: [], recomputedAprBps: null, monthlyRatePpm: null, aprToleranceBps: null, aprMatches: null, inconsistent: ['noSchedule'] }),
      }),
    });
    render(Offer);
    expect(await screen.findByTestId('kfs-apr-unknown')).toBeInTheDocument();
    expect(screen.queryByTestId('kfs-apr-how')).toBeNull();
  });

  it('has an empty state when there is no offer yet', async () => {
    mockCommands({ latest_offer: null });
    render(Offer);
    expect(await screen.findByTestId('offer-empty')).toBeInTheDocument();
  });

  it('speaks Hindi, with Indian grouping', async () => {
    setLocale('hi');
    mockCommands({ latest_offer: offer({ decision: 'declined', amountInr: 1250000 }) });
    render(Offer);
    expect(await screen.findByTestId('offer-decision')).toHaveTextContent('अस्वीकृत');
    expect(screen.getByTestId('offer-amount')).toHaveTextContent('₹12,50,000');
    expect(screen.getByTestId('offer-apr')).toHaveTextContent('प्रति माह');
    expect(screen.queryByTestId('kfs')).toBeNull();
  });

  it('shows the key facts in Hindi, with dates in Hindi and Indian grouping', async () => {
    setLocale('hi');
    mockCommands({ latest_offer: offer({ amountInr: 100000, kfs: kfsView({ aprAnnualBps: 2160, aprMatches: false }) }) });
    render(Offer);
    expect(await screen.findByTestId('kfs-apr-mismatch')).toHaveTextContent('महँगा');
    expect(screen.getByTestId('kfs-rate')).toHaveTextContent('1.8% प्रति माह (21.6% सालाना)');
    expect(screen.getByTestId('kfs-instalment-1')).toHaveTextContent(formatDate(new Date(2027, 0, 2).getTime()));
    expect(screen.getByTestId('kfs-total')).toHaveTextContent('₹1,12,081');
    const section = screen.getByTestId('kfs');
    const words = (section.textContent ?? '')
      .replace(/Sandbox Finance Private Limited \(fictional NBFC\)|Khata Sandbox Loans|Asha Verma|in\.khata\.sandbox\.lender|grievance@sandbox-finance\.example|N-14\.03999/g, '')
      .match(/[A-Za-z]{2,}/g);
    expect(words).toBeNull();
  });
});
