import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../lib/i18n/i18n.svelte';
import { overview, rightsRequest } from '../test/fixtures';
import { failure, mockCommands } from '../test/ipc';
import Rights from './Rights.svelte';

beforeEach(() => setLocale('en'));

describe('Rights', () => {
  it('lists requests with status, ticket and due date, overdue ones highlighted', async () => {
    mockCommands({
      overview: overview(),
      rights_requests: [
        rightsRequest(),
        rightsRequest({ id: 'rr-2', kind: 'human_review', status: 'resolved', overdue: false, ticket: null }),
      ],
    });
    render(Rights);
    const row = await screen.findByTestId('rights-row-rr-1');
    expect(row).toHaveTextContent('Erasure');
    expect(row).toHaveTextContent('Sent');
    expect(row).toHaveTextContent('T-100');
    expect(screen.getByTestId('rights-overdue-rr-1')).toHaveTextContent('Overdue');
    expect(screen.getByTestId('rights-row-rr-2')).toHaveTextContent('Human review');
    expect(screen.queryByTestId('rights-overdue-rr-2')).not.toBeInTheDocument();
  });

  it('sends a request for human review', async () => {
    const calls = mockCommands({
      overview: overview(),
      rights_requests: [],
      request_right: rightsRequest({ id: 'rr-3', kind: 'human_review', overdue: false }),
    });
    const user = userEvent.setup();
    render(Rights);
    expect(await screen.findByTestId('rights-empty')).toBeInTheDocument();
    await vi.waitFor(() => expect(screen.getByTestId('rights-lender')).toHaveValue('sandbox'));
    await user.click(screen.getByTestId('rights-kind-human_review'));
    await user.type(screen.getByTestId('rights-details'), 'Please have a person review my declined loan.');
    await user.click(screen.getByTestId('rights-submit'));
    expect(await screen.findByTestId('rights-submitted')).toHaveTextContent('Human review');
    expect(calls.find((call) => call.command === 'request_right')?.args).toEqual({
      lenderId: 'sandbox',
      kind: 'human_review',
      details: 'Please have a person review my declined loan.',
    });
  });

  it('shows failures as sentences', async () => {
    mockCommands({
      overview: overview(),
      rights_requests: () => {
        throw failure('The vault could not be read.');
      },
      request_right: () => {
        throw failure('The lender could not be reached; try again later.');
      },
    });
    const user = userEvent.setup();
    render(Rights);
    expect(await screen.findByTestId('rights-list-error')).toHaveTextContent('The vault could not be read.');
    await vi.waitFor(() => expect(screen.getByTestId('rights-lender')).toHaveValue('sandbox'));
    await user.click(screen.getByTestId('rights-submit'));
    expect(await screen.findByTestId('rights-error')).toHaveTextContent('The lender could not be reached; try again later.');
  });
});
