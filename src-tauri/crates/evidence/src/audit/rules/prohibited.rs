//! Prohibited signals: data regulators bar lenders from collecting at all (RBI 2022: contacts,
//! call logs), whatever a consent says.

use std::collections::HashSet;

use crate::audit::PROHIBITED_FLAG;
use crate::audit::finding::{FindingFacts, Rule};
use crate::audit::group::{Hit, NONE};

/// `prohibited-signal`: the disclosure's signal carries [`PROHIBITED_FLAG`].
pub(crate) fn check(h: &mut Hit<'_, '_>, prohibited: &HashSet<&str>) {
    if !prohibited.contains(h.w.signal.as_str()) {
        return;
    }
    h.found(Rule::ProhibitedSignal, NONE, None, None, Vec::new, || {
        Box::new(|_| FindingFacts::Prohibited {
            flag: PROHIBITED_FLAG.into(),
        })
    });
}
