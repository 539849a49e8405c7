/** English messages (ICU MessageFormat). The source of truth for keys: every other
 *  language must provide the same keys, which the type of `hi.ts` enforces. */
const en = {
  'app.name': 'Khata',
  'app.skip': 'Skip to content',
  'nav.label': 'Main',
  'nav.home': 'Home',
  'nav.connect': 'Connect a lender',
  'nav.about': 'About Khata',
  'nav.language': 'Language',
  'home.title': 'Your data, your credit',
  'home.lead':
    'Digital lenders score you on data from your phone. Khata shows you what they took, how it moved your offer, and lets you take it back.',
  'home.empty.title': 'No lender connected yet',
  'home.empty.body':
    'Connect a lender to start keeping an encrypted record of every signal you share with it.',
  'home.feature.vault.title': 'An encrypted record',
  'home.feature.vault.body':
    'Every signal you share for credit, kept on this device only, locked with a key in your system keychain.',
  'home.feature.explain.title': 'How each signal moved your offer',
  'home.feature.explain.body':
    'See what helped, what hurt, and what your offer would be without a signal.',
  'home.feature.control.title': 'Revoke and export',
  'home.feature.control.body':
    'Withdraw consent for a whole lender or a single signal, and export every record as proof.',
  'home.connect': 'Connect a lender',
  'connect.title': 'Connect a lender',
  'connect.soon':
    'Connecting to a lender is not available in this version yet. It comes in the next release, starting with a built-in sandbox lender you can try safely.',
  'connect.back': 'Back to home',
  'about.title': 'About Khata',
  'about.version': 'Version',
  'about.build': 'Build',
  'about.build.debug': 'Debug',
  'about.build.release': 'Release',
  'about.vault': 'Vault location',
  'about.logs': 'Log folder',
  'about.platform': 'Platform',
  'about.loading': 'Loading…',
  'about.close': 'Close',
  'error.unexpected': 'Something went wrong: {message}',
} as const;

export type MessageKey = keyof typeof en;
export default en satisfies Record<string, string>;
