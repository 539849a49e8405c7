//! Prohibited signals: data the RBI's digital lending rules bar lending apps from accessing at
//! all (contact list, call logs, files and media, telephony functions), whatever a consent
//! says. Which signals those are is the built-in table's call ([`crate::audit::regulatory`]),
//! not the lender's catalogue.

use crate::audit::PROHIBITED_FLAG;
use crate::audit::finding::{FindingFacts, Rule};
use crate::audit::group::{Hit, NONE};
use crate::audit::regulatory::{Classification, MatchedBy, Restriction, RuleSource};

/// What the rules hold about one lender's signal: the table's classification, and whether the
/// lender's own catalogue flags it prohibited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Verdict {
    pub(crate) class: Option<Classification>,
    pub(crate) lender_flag: bool,
}

/// `prohibited-signal`: the table classes the disclosure's signal as prohibited, or the lender
/// flags it so itself.
pub(crate) fn check(h: &mut Hit<'_, '_>, v: Verdict) {
    let class = v
        .class
        .filter(|c| c.restriction() == Restriction::Prohibited);
    if class.is_none() && !v.lender_flag {
        return;
    }
    h.found(Rule::ProhibitedSignal, NONE, None, None, Vec::new, || {
        Box::new(move |_| FindingFacts::Prohibited {
            flag: PROHIBITED_FLAG.into(),
            data: class.map(|c| c.data),
            matched_by: class.map_or(MatchedBy::LenderFlag, |c| c.matched_by),
            source: RuleSource::rbi(),
        })
    });
}
