import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { setLocale } from '../lib/i18n/i18n.svelte';
import { offer } from '../test/fixtures';
import { failure, mockCommands } from '../test/ipc';
import Offer from './Offer.svelte';

beforeEach(() => setLocale('en'));

describe('Offer', () => {
  it('shows the decision, amount in Indian grouping, monthly APR and tenure', async () => {
    mockCommands({ latest_offer: offer() });
    render(Offer);
    expect(await screen.findByTestId('offer-decision')).toHaveTextContent('Approved');
    expect(screen.getByTestId('offer-amount')).toHaveTextContent('₹1,50,000');
    expect(screen.getByTestId('offer-apr')).toHaveTextContent('1.8% a month');
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
  });
});
