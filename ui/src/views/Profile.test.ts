import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { formatDateWords } from '../lib/format';
import { setLocale } from '../lib/i18n/i18n.svelte';
import { nomineeView, profileView, DAY, NOW } from '../test/fixtures';
import { failure, mockCommands } from '../test/ipc';
import Profile from './Profile.svelte';

beforeEach(() => setLocale('en'));

describe('Your details', () => {
  it('keeps your details and each lender’s customer id, with the consent’s as the default', async () => {
    const calls = mockCommands({
      profile: profileView({ fullName: '', phone: '', email: '' }),
      nominee: null,
      save_profile: (args) => profileView({ ...(args.profile as object), lenders: profileView().lenders }),
    });
    const user = userEvent.setup();
    render(Profile);
    const name = await screen.findByLabelText('Full name');
    const customerId = screen.getByTestId('profile-customer-id-sandbox');
    expect(customerId).toHaveAccessibleName('Sandbox Lender');
    expect(customerId).toHaveAccessibleDescription(
      'From the consent Sandbox Lender signed: cust-4f9d2c1e-8a7b-4c3d-9e2f-1a2b3c4d5e6f',
    );
    await user.type(name, 'Asha Verma');
    await user.type(screen.getByLabelText('Mobile number'), '+91 98765 43210');
    await user.selectOptions(screen.getByLabelText('Language of your letters'), 'hi');
    await user.type(customerId, 'KH-20417');
    await user.click(screen.getByTestId('profile-save'));
    expect(await screen.findByTestId('profile-saved')).toHaveTextContent('Your details are saved.');
    expect(calls.find((c) => c.command === 'save_profile')?.args.profile).toEqual({
      fullName: 'Asha Verma',
      phone: '+91 98765 43210',
      email: '',
      language: 'hi',
      customerIds: [{ lenderId: 'sandbox', customerId: 'KH-20417' }],
    });
    // No nominee yet: no packet to save.
    expect(screen.getByTestId('packet-needs-nominee')).toBeInTheDocument();
  });

  it('asks for your name before the letter of nomination is drafted', async () => {
    mockCommands({ profile: profileView({ fullName: '' }), nominee: nomineeView() });
    render(Profile);
    expect(await screen.findByTestId('packet-needs-name')).toHaveTextContent('Save your name above first');
    expect(screen.queryByTestId('nomination-letter')).not.toBeInTheDocument();
  });

  it('names a nominee, drafts the letter of nomination and saves the packet with it', async () => {
    const calls = mockCommands({
      profile: profileView(),
      nominee: null,
      save_nominee: (args) => ({ ...(args.nominee as object), recordedAt: NOW - DAY }),
      save_nominee_packet: { path: '/home/asha/khata-nominee.zip', bytes: 20_480, files: 5, consents: 1, requests: 2 },
    });
    const user = userEvent.setup();
    render(Profile);
    await user.type(await screen.findByLabelText('Nominee’s full name'), 'Ravi Verma');
    await user.type(screen.getByLabelText('How they are related to you'), 'brother');
    await user.type(screen.getByLabelText('Nominee’s mobile number or email'), '+91 91234 56789');
    await user.click(screen.getByTestId('nominee-save'));
    expect(await screen.findByTestId('nominee-saved')).toHaveTextContent('Your nominee is saved.');
    expect(screen.getByTestId('nominee-status')).toHaveTextContent(`Named on ${formatDateWords(NOW - DAY)}.`);

    const letter = screen.getByTestId('nomination-letter').textContent ?? '';
    expect(letter).toContain('Subject: Nomination under section 14 of the Digital Personal Data Protection Act, 2023');
    expect(letter).toContain('I, Asha Verma, nominate Ravi Verma (brother, contact: +91 91234 56789)');
    expect(letter).toContain('khata verify khata-export.json');
    await user.selectOptions(screen.getByTestId('packet-lender'), 'sandbox');
    const forLender = screen.getByTestId('nomination-letter').textContent ?? '';
    expect(forLender).toContain('To: The Grievance Officer, Sandbox Lender');
    expect(forLender).toContain('My customer id with Sandbox Lender is cust-4f9d2c1e');
    await user.click(screen.getByTestId('packet-save'));
    expect(await screen.findByTestId('packet-saved')).toHaveTextContent(
      'Saved 5 files to /home/asha/khata-nominee.zip: 1 consent in force, 2 open requests.',
    );
    expect(calls.find((c) => c.command === 'save_nominee_packet')?.args).toEqual({ lenderId: 'sandbox', letter: forLender });
  });

  it('removes the nominee, and shows a refused save as a sentence', async () => {
    mockCommands({
      profile: profileView(),
      nominee: nomineeView(),
      save_nominee: (args) => {
        if (args.nominee === null) return null;
        throw failure('the nominee’s contact is missing', 'invalid_input');
      },
      save_profile: () => {
        throw failure('the name may not contain line breaks or control characters', 'invalid_input');
      },
    });
    const user = userEvent.setup();
    render(Profile);
    expect(await screen.findByTestId('nominee-name')).toHaveValue('Ravi Verma');
    await user.click(screen.getByTestId('profile-save'));
    expect(await screen.findByTestId('profile-error')).toHaveTextContent('line breaks');
    await user.click(screen.getByTestId('nominee-remove'));
    await vi.waitFor(() => expect(screen.getByTestId('nominee-status')).toHaveTextContent('You have not named a nominee.'));
    expect(screen.getByTestId('nominee-name')).toHaveValue('');
  });

  it('reads in Hindi', async () => {
    setLocale('hi');
    mockCommands({ profile: profileView(), nominee: nomineeView() });
    render(Profile);
    expect(await screen.findByTestId('profile-heading')).toHaveTextContent('आपका विवरण');
    const letter = (await screen.findByTestId('nomination-letter')).textContent ?? '';
    expect(letter).toContain('धारा 14 के तहत नामांकन');
    expect(letter).toContain(`मैंने उन्हें ${formatDateWords(NOW - 2 * DAY)} को नामांकित किया।`);
  });
});
