//! Revocation and pause: once the borrower revokes a consent (or one signal of it), or pauses
//! it, the lender must stop collecting from the moment the action took effect — as the
//! consent's later versions and the lender's own receipts state it.

use crate::audit::consent_state::ConsentState;
use crate::audit::finding::{FindingFacts, Rule};
use crate::audit::group::{Hit, NONE};

/// `collected-after-revocation` (the whole consent), else `collected-after-signal-revocation`
/// (this signal), then `collected-while-paused` (one group per pause).
pub(crate) fn check(h: &mut Hit<'_, '_>, st: &ConsentState) {
    let t = h.t;
    if let Some((rt, e)) = &st.revoked_at
        && t >= *rt
    {
        let revoked_at = *rt;
        h.found(
            Rule::CollectedAfterRevocation,
            NONE,
            None,
            Some(st),
            || vec![e.clone()],
            || Box::new(move |_| FindingFacts::Revoked { revoked_at }),
        );
    } else if let Some((rt, e)) = st.signal_revoked_at.get(&h.w.signal)
        && t >= *rt
    {
        let revoked_at = *rt;
        h.found(
            Rule::CollectedAfterSignalRevocation,
            NONE,
            None,
            Some(st),
            || vec![e.clone()],
            || Box::new(move |_| FindingFacts::Revoked { revoked_at }),
        );
    }
    if let Some(n) = st.paused.iter().position(|(a, b, _)| t >= *a && t < *b) {
        let (from, _, e) = &st.paused[n];
        let paused_since = *from;
        h.found(
            Rule::CollectedWhilePaused,
            n as u32,
            None,
            Some(st),
            || vec![e.clone()],
            || Box::new(move |_| FindingFacts::Paused { paused_since }),
        );
    }
}
