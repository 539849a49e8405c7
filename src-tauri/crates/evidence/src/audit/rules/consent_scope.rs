//! Consent and scope: a disclosure must cite a consent the borrower gave this lender, fall
//! within its validity, collect only granted signals from within its FIDataRange, go only to
//! recipients it names and serve only its purpose.

use std::collections::HashMap;

use crate::audit::consent_state::{ConsentState, ev_consent};
use crate::audit::finding::{FindingFacts, Rule};
use crate::audit::group::{Detail, Hit, NONE};
use crate::audit::input::ms;

/// The consent the disclosure relies on; `no-consent` when it cites none, or one the borrower
/// never gave this lender (a group apart from citing none).
pub(crate) fn consent_of<'s, 'a>(
    h: &mut Hit<'_, '_>,
    states: &'s HashMap<&'a str, ConsentState<'a>>,
) -> Option<&'s ConsentState<'a>> {
    let no_consent = || -> Detail { Box::new(|_| FindingFacts::NoConsent) };
    let w = h.w;
    let Some(cid) = w.consent_id.as_deref() else {
        h.found(Rule::NoConsent, NONE, None, None, Vec::new, no_consent);
        return None;
    };
    let st = states
        .get(cid)
        .filter(|s| s.latest.value.lender_id == w.lender_id);
    if st.is_none() {
        h.found(Rule::NoConsent, 0, None, None, Vec::new, no_consent);
    }
    st
}

/// Validity (`collected-after-expiry`, `collected-before-consent-start`), signals
/// (`signal-denied`, else `signal-not-granted`), `outside-data-range`, `unnamed-recipient` (a
/// group per recipient) and `purpose-mismatch` (a group per purpose).
pub(crate) fn check(h: &mut Hit<'_, '_>, st: &ConsentState) {
    let (c, w, t) = (&st.latest.value, h.w, h.t);
    let cev = || vec![ev_consent(st.latest)];
    let expired_at = ms(&c.consent_expiry);
    if t >= expired_at {
        h.found(
            Rule::CollectedAfterExpiry,
            NONE,
            None,
            Some(st),
            cev,
            || Box::new(move |_| FindingFacts::Expired { expired_at }),
        );
    }
    let starts_at = ms(&c.consent_start);
    if t < starts_at {
        h.found(
            Rule::CollectedBeforeConsentStart,
            NONE,
            None,
            Some(st),
            cev,
            || Box::new(move |_| FindingFacts::NotStarted { starts_at }),
        );
    }
    // The borrower's own decision is the truth: a lender that signs a wider grant than the
    // borrower gave does not make a denied signal allowed.
    let denied_by_borrower = st.denied.is_some_and(|d| d.contains(&w.signal));
    let granted_by_borrower = st.granted.is_none_or(|g| g.contains(&w.signal));
    if c.signals_denied.contains(&w.signal) || denied_by_borrower {
        h.found(Rule::SignalDenied, NONE, None, Some(st), cev, || {
            Box::new(|_| FindingFacts::Denied)
        });
    } else if !c.signals_granted.contains(&w.signal) || !granted_by_borrower {
        h.found(Rule::SignalNotGranted, NONE, None, Some(st), cev, || {
            let granted: Vec<String> = c
                .signals_granted
                .iter()
                .filter(|s| st.granted.is_none_or(|g| g.contains(s)))
                .cloned()
                .collect();
            Box::new(move |_| FindingFacts::NotGranted {
                granted: granted.clone(),
            })
        });
    }
    let (rf, rt) = (ms(&c.fi_data_range.from), ms(&c.fi_data_range.to));
    let (df, dt) = (ms(&w.data_range.from), ms(&w.data_range.to));
    if df < rf || dt > rt {
        h.found(
            Rule::OutsideDataRange,
            NONE,
            Some((df, dt)),
            Some(st),
            cev,
            || {
                Box::new(move |sp| FindingFacts::OutsideRange {
                    data_from: sp.lo,
                    data_to: sp.hi,
                    consented_from: rf,
                    consented_to: rt,
                })
            },
        );
    }
    if let Some(to) = &w.onward_recipient
        && !st.recipients.contains(to)
    {
        let variant = h.names.id(to);
        h.found(Rule::UnnamedRecipient, variant, None, Some(st), cev, || {
            let recipient = to.clone();
            let mut named: Vec<String> = st.recipients.iter().cloned().collect();
            named.sort();
            Box::new(move |_| FindingFacts::UnnamedRecipient {
                recipient: recipient.clone(),
                named: named.clone(),
            })
        });
    }
    if w.purpose != c.purpose.code {
        let variant = h.names.id(&w.purpose);
        let purpose = &w.purpose;
        h.found(Rule::PurposeMismatch, variant, None, Some(st), cev, || {
            let (purpose, code, text) = (
                purpose.clone(),
                c.purpose.code.clone(),
                c.purpose.text.clone(),
            );
            Box::new(move |_| FindingFacts::PurposeMismatch {
                purpose: purpose.clone(),
                consented_code: code.clone(),
                consented_text: text.clone(),
            })
        });
    }
}
