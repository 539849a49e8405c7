/** English messages for staying informed (notifications, background sync settings, Home's
 *  findings and closed loans) and for revoking explained; spread into `en.ts`, same rules. */
const notifyEn = {
  'notify.title.collection-after-revocation': '{lender} collected after you revoked',
  'notify.body.collection-after-revocation':
    '{signal, select, none {{lender} collected your data after your revocation took effect.} other {{lender} collected “{signal}” after your revocation took effect.}} See the audit for the proof.',
  'notify.title.new-finding': 'New problem found with {lender}',
  'notify.body.new-finding': '{rule}. See the audit for the proof.',
  'notify.title.receipt-confirmed': '{lender} confirmed your request',
  'notify.body.receipt-confirmed':
    '{action, select, pause {The lender confirmed the pause with a signed receipt.} resume {The lender confirmed the resume with a signed receipt.} other {The lender confirmed the revocation with a signed receipt.}}',
  'notify.title.receipt-contradicted': '{lender}’s receipt does not match your request',
  'notify.body.receipt-contradicted': 'Khata keeps the receipt as evidence and keeps asking.',
  'notify.title.request-overdue': '{lender} is late answering you',
  'notify.body.request-overdue': 'Your request was due on {due}.',
  'notify.title.consent-expiring': 'A consent with {lender} ends soon',
  'notify.body.consent-expiring': 'It ends on {date}.',

  'settings.title': 'Staying informed',
  'settings.backgroundSync': 'Sync with lenders in the background',
  'settings.backgroundSync.help':
    'When Khata opens and then regularly while it runs, it fetches what your lenders did, so you learn about problems without asking.',
  'settings.interval': 'Every (minutes)',
  'settings.notifications': 'Show notifications',
  'settings.notifications.help': 'A notification when a lender breaks a rule, answers you or is late.',
  'settings.save': 'Save',
  'settings.saved': 'Saved.',
  'settings.loading': 'Loading settings…',

  'home.sync.paused': 'Background sync is paused. Khata syncs only when you press “Sync now”.',
  'home.sync.background': 'Syncing in the background…',
  'home.findings.title': 'Problems the audit found',
  'home.findings.more': '{count, plural, one {and # more} other {and # more}}',
  'home.findings.item': '{lender}: {rule}',
  'home.findings.itemSignal': '{lender}: {rule} ({signal})',
  'home.findings.open': 'See the audit',
  'alert.consent_requests_pending':
    '{count, plural, one {A consent request waits for your decision.} other {# consent requests wait for your decision.}}',
  'alert.consent_expiring': 'A consent expires within a week.',
  'alert.rights_request_overdue': 'A lender is late answering your rights request.',
  'home.closed.title': 'Loans that have ended',
  'home.closed.body':
    '{count, plural, one {Your loan with {lender} ended on {date}, but it still holds one active consent.} other {Your loan with {lender} ended on {date}, but it still holds # active consents.}}',
  'home.closed.revoke': 'Revoke everything for {lender}',
  'home.closed.confirm.title': 'Revoke everything?',
  'home.closed.confirm.body':
    '{count, plural, one {Khata sends {lender} one revocation.} other {Khata sends {lender} # revocations, one per consent.}} The lender may no longer collect anything from you.',
  'home.closed.confirm.yes': 'Yes, revoke everything',
  'home.closed.done': 'Revocations recorded; Khata sends them until {lender} confirms.',

  'revoke.stops': 'What stops',
  'revoke.stops.body': '{lender} may no longer collect: {signals}.',
  'revoke.kept': 'What the lender may keep',
  'revoke.kept.until': '“{signal}”, last collected {last}: may be kept until {until}.',
  'revoke.kept.forever': '“{signal}”, last collected {last}: the consent sets no end.',
  'revoke.kept.none': 'The lender has not reported collecting any of it.',
  'revoke.kept.life': 'Your consent lets the lender keep what it collected for {life} after each collection.',
  'revoke.erase': 'Also ask the lender to erase what it holds',
  'revoke.erase.details':
    'I have revoked consent {consent}. Please erase the personal data you hold about me under it.',
  'revoke.erase.filed': 'Erasure request filed; track it under Rights.',
  'revoke.loading': 'Working out what the lender keeps…',
  'revoke.life.day': '{value, plural, one {# day} other {# days}}',
  'revoke.life.month': '{value, plural, one {# month} other {# months}}',
  'revoke.life.year': '{value, plural, one {# year} other {# years}}',
} as const;

export default notifyEn;
