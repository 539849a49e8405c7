//! The consent state at the moment a signal was collected, from the same consent states the
//! rules use ([`super::consent_state`]): for readers that describe each disclosure rather than
//! judge it (the advocates' pool stores it beside every disclosure), so that a pool's
//! `after_revocation` and the audit's `collected-after-revocation` can never disagree on what
//! "revoked" means.

use std::collections::HashMap;

use super::consent_state::{ConsentState, consent_states};
use super::input::{AuditInput, ms};

/// A consent's state at one moment, as a stable lower-case word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StateAt {
    Granted,
    Paused,
    Revoked,
    Expired,
    /// No consent cited, or one the borrower does not hold with that lender.
    None,
}

impl StateAt {
    pub fn id(self) -> &'static str {
        match self {
            StateAt::Granted => "granted",
            StateAt::Paused => "paused",
            StateAt::Revoked => "revoked",
            StateAt::Expired => "expired",
            StateAt::None => "none",
        }
    }
}

/// Every consent of an audit input, by id, with its revocations, pauses and expiry.
pub struct ConsentStates<'a> {
    states: HashMap<&'a str, ConsentState<'a>>,
}

impl<'a> ConsentStates<'a> {
    pub fn new(input: &'a AuditInput) -> Self {
        ConsentStates {
            states: consent_states(input),
        }
    }

    /// Whether `consent_id` is a consent of `lender_id` in the input.
    pub fn holds(&self, lender_id: &str, consent_id: &str) -> bool {
        self.states
            .get(consent_id)
            .is_some_and(|st| st.latest.value.lender_id == lender_id)
    }

    /// The state of the consent `consent_id` of `lender_id` for `signal` at `t` (Unix ms): a
    /// revocation (whole or of that signal) that took effect at or before `t` wins, then a
    /// pause covering `t`, then the consent's expiry.
    pub fn at(&self, lender_id: &str, consent_id: Option<&str>, signal: &str, t: i64) -> StateAt {
        let Some(st) = consent_id.and_then(|c| self.states.get(c)) else {
            return StateAt::None;
        };
        if st.latest.value.lender_id != lender_id {
            return StateAt::None;
        }
        let revoked = st.revoked_at.as_ref().is_some_and(|(r, _)| *r <= t)
            || st
                .signal_revoked_at
                .get(signal)
                .is_some_and(|(r, _)| *r <= t);
        if revoked {
            StateAt::Revoked
        } else if st.paused.iter().any(|(from, to, _)| *from <= t && t < *to) {
            StateAt::Paused
        } else if ms(&st.latest.value.consent_expiry) <= t {
            StateAt::Expired
        } else {
            StateAt::Granted
        }
    }

    /// When the whole consent's revocation took effect, if it was revoked.
    pub fn revoked_at(&self, consent_id: &str) -> Option<i64> {
        self.states
            .get(consent_id)
            .and_then(|st| st.revoked_at.as_ref().map(|(t, _)| *t))
    }

    /// The earliest revocation (whole or of any signal) of any of `lender_id`'s consents.
    pub fn first_revocation(&self, lender_id: &str) -> Option<i64> {
        self.states
            .values()
            .filter(|st| st.latest.value.lender_id == lender_id)
            .flat_map(|st| {
                st.revoked_at
                    .iter()
                    .map(|(t, _)| *t)
                    .chain(st.signal_revoked_at.values().map(|(t, _)| *t))
            })
            .min()
    }
}
