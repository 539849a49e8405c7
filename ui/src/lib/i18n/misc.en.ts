/** English messages of smaller screens' parts: DPV terms' tooltip, the unlock screen's folded
 *  technical detail, the recovery key's check group, and the sandbox's scenario picker on
 *  Connect. Spread into `en.ts`, same rules. */
const miscEn = {
  'misc.dpv.title': 'Data Privacy Vocabulary term: {term}',
  'misc.dpv.any': 'Any kind of data',
  'misc.unlock.details': 'Technical details',
  'misc.unlock.still': 'The keychain still could not be reached. The technical details above are from this attempt.',
  'misc.unlock.keychain.hint':
    'On Linux this usually means no keyring program (such as GNOME Keyring, KWallet or KeePassXC) is running, or it is locked.',
  'misc.recovery.check':
    'The key has nine groups of four characters. The last group is not part of the key: it is a check. When you type the key in, Khata uses it to tell you at once that a character is mistyped, missing or swapped, before it tries to open your vault. Write down all nine groups.',
  'misc.scenario.label': 'For testing: how the sandbox lender behaves',
  'misc.scenario.default': 'The usual lender',
  'misc.scenario.hint':
    'Testers can choose a behaviour here. It is fixed the first time the sandbox lender starts.',
  'misc.scenario.salaried-good':
    'A salaried borrower with a long phone history; a well-behaved lender that approves.',
  'misc.scenario.thin-file': 'A new phone and SIM with little history: a small approval.',
  'misc.scenario.declined': 'Missed payments, gambling and many loan apps: the loan is declined.',
  'misc.scenario.over-collector':
    'A lender that collects beyond consent: after revoking, prohibited data, no consent.',
  'misc.scenario.flaky': 'A well-behaved lender behind an unreliable network (delays and errors).',
  'misc.scenario.wrong-apr': 'An approving lender whose Key Fact Statement states the APR without its fees.',
};

export default miscEn;
