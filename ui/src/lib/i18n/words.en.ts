/** English words for what Rust sends as codes: Home's alerts (`alert.<code>`, with the
 *  overview's counts) and the regulatory flags a lender puts on its signals
 *  (`signal.flag.<flag>`) and the purposes they give (`purpose.<code>`), so none reaches the borrower as Rust's or the lender's English. */
const wordsEn = {
  'alert.consent_requests_pending':
    '{count, plural, one {A consent request waits for your decision.} other {# consent requests wait for your decision.}}',
  'alert.consent_expiring': 'A consent expires within a week.',
  'alert.rights_request_overdue': 'A lender is late answering your request.',
  'audit.record.leafId': 'at place {index} in its log',
  'purpose.credit-underwriting': 'Assessing your loan application',
  'purpose.cross-selling': 'Selling you other products',
  'signal.flag.sms-derived': 'Read from your SMS',
  'signal.flag.brand-loyalty': 'From your phone maker’s account',
  'signal.flag.inferred': 'Guessed about you, not measured',
} as const;

export default wordsEn;
