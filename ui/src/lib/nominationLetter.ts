/**
 * The letter of nomination a nominee carries (DPDP Act 2023, s.14), in the language the
 * borrower reads, from their details and the nominee as Your details keeps them. Rust writes
 * no sentence: the text composed here goes into the nominee packet as the borrower read it.
 */
import type { NomineeView } from './bindings/NomineeView';
import type { ProfileView } from './bindings/ProfileView';
import { formatDateWords } from './format';
import { t } from './i18n/i18n.svelte';

/** The letter, plain text; `lenderId` null: addressed to every lender. */
export function nominationLetter(
  profile: ProfileView,
  nominee: NomineeView,
  lenderId: string | null,
  now: number = Date.now(),
): string {
  const lender = profile.lenders.find((l) => l.lenderId === lenderId) ?? null;
  const customerId = lender ? lender.customerId || lender.fromConsent : null;
  const name = profile.fullName.trim();
  const signature = [name, profile.phone.trim(), profile.email.trim()].filter(Boolean);
  return (
    [
      [
        lender ? t('nomination.letter.to', { lender: lender.lenderName }) : t('nomination.letter.toAll'),
        t('nomination.letter.date', { date: formatDateWords(now) }),
        t('nomination.letter.subject'),
      ].join('\n'),
      t('nomination.letter.greeting'),
      [
        t('nomination.letter.body', {
          name: name || '—',
          nominee: nominee.name,
          relationship: nominee.relationship,
          contact: nominee.contact,
          date: formatDateWords(nominee.recordedAt),
        }),
        lender && customerId ? t('nomination.letter.customerId', { lender: lender.lenderName, id: customerId }) : '',
      ]
        .filter(Boolean)
        .join(' '),
      t('nomination.letter.enclosed'),
      t('nomination.letter.verify'),
      [t('nomination.letter.closing'), ...(signature.length > 0 ? ['', ...signature] : [])].join('\n'),
    ].join('\n\n') + '\n'
  );
}
