//! Where an access the phone saw stands against the lender's consents, read from the same
//! consent states the disclosure rules use ([`crate::audit::consent_state`]): the borrower's
//! requests, the consent's signed versions and the lender's receipts, revocations dated as
//! the revocation rules date them (from the borrower's request, or earlier if the lender says
//! so). A phone's record cites no consent, so every consent of the lender counts.

use std::collections::HashMap;

use crate::audit::consent_state::ConsentState;
use crate::audit::finding::Evidence;
use crate::audit::input::ms;

/// An access against the lender's consents at its time.
#[derive(Debug, Clone)]
pub(crate) enum Standing {
    /// Some consent of the lender was active and, where the active consents grant signals
    /// mapped to the resource, one of them was not revoked.
    Active,
    /// No consent was active and one had been revoked (`signals` empty), or every mapped
    /// signal the active consents grant had been revoked one by one (`signals` them): the
    /// latest such revocation, its consent and the statement proving it.
    Revoked {
        at: i64,
        consent_id: String,
        signals: Vec<String>,
        evidence: Evidence,
    },
    /// No consent of the lender was active, and none had been revoked.
    None,
}

fn active_at(st: &ConsentState, t: i64) -> bool {
    let c = &st.latest.value;
    ms(&c.consent_start) <= t
        && t < ms(&c.consent_expiry)
        && st.revoked_at.as_ref().is_none_or(|(r, _)| t < *r)
        && !st.paused.iter().any(|(a, b, _)| t >= *a && t < *b)
}

/// The signals the consent grants, as the borrower decided them where recorded.
fn granted<'s>(st: &'s ConsentState) -> impl Iterator<Item = &'s String> {
    st.latest
        .value
        .signals_granted
        .iter()
        .filter(|s| st.granted.is_none_or(|g| g.contains(s)))
}

/// Where an access at `t` of a resource (whose signals for this lender are `mapped`) stands
/// against the consents of `lender`.
pub(crate) fn standing(
    states: &HashMap<&str, ConsentState<'_>>,
    lender: &str,
    mapped: &[String],
    t: i64,
) -> Standing {
    let mut mine: Vec<(&str, &ConsentState)> = states
        .iter()
        .filter(|(_, st)| st.latest.value.lender_id == lender)
        .map(|(id, st)| (*id, st))
        .collect();
    mine.sort_by_key(|(id, _)| *id);
    let active: Vec<&(&str, &ConsentState)> =
        mine.iter().filter(|(_, st)| active_at(st, t)).collect();
    if active.is_empty() {
        let revoked = mine
            .iter()
            .filter_map(|(id, st)| {
                st.revoked_at
                    .as_ref()
                    .filter(|(r, _)| *r <= t)
                    .map(|(r, e)| (*r, *id, e))
            })
            .max_by_key(|(r, id, _)| (*r, *id));
        return match revoked {
            Some((at, id, e)) => Standing::Revoked {
                at,
                consent_id: id.to_owned(),
                signals: Vec::new(),
                evidence: e.clone(),
            },
            None => Standing::None,
        };
    }
    let mut revoked: Vec<(i64, &str, &String, &Evidence)> = Vec::new();
    for (id, st) in &active {
        for s in granted(st).filter(|s| mapped.contains(s)) {
            match st.signal_revoked_at.get(s) {
                Some((r, e)) if *r <= t => revoked.push((*r, id, s, e)),
                _ => return Standing::Active,
            }
        }
    }
    let Some(&(at, id, _, e)) = revoked.iter().max_by_key(|(r, id, s, _)| (*r, *id, *s)) else {
        return Standing::Active;
    };
    let mut signals: Vec<String> = revoked.iter().map(|(_, _, s, _)| (*s).clone()).collect();
    signals.sort();
    signals.dedup();
    Standing::Revoked {
        at,
        consent_id: id.to_owned(),
        signals,
        evidence: e.clone(),
    }
}
