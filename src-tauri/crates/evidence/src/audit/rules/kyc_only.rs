//! Once-only data: the RBI's rules let a lending app access the camera, microphone and
//! location only once, for onboarding/KYC, with explicit consent. A lender that collects such
//! a signal again — under any consent, or none — breaks that, whatever its catalogue says
//! (the built-in table decides which signals these are). Needs every collection time of a
//! lender's signal, so it runs once all disclosures have been seen: one finding per lender and
//! signal, naming every collection after the first.
//!
//! Whether the one collection was for KYC is not judged: the contract's purpose codes are the
//! lender's own words, with no code reserved for KYC.

use std::collections::HashMap;

use crate::audit::finding::{Finding, FindingFacts, Rule};
use crate::audit::group::{Group, Names, Statements};
use crate::audit::regulatory::{RegulatedData, RuleSource};

/// Collection times (and source indexes) of one lender's once-only signal.
pub(crate) struct Collections {
    pub(crate) data: RegulatedData,
    pub(crate) times: Vec<(i64, usize)>,
}

/// `kyc-only-signal-reused` findings from the collections of each (lender, signal) the table
/// classes as once-only, in lender then signal order.
pub(crate) fn findings(
    seen: HashMap<(u32, u32), Collections>,
    names: &Names,
    src: &mut Statements<'_>,
) -> Vec<Finding> {
    let mut seen: Vec<((u32, u32), Collections)> = seen.into_iter().collect();
    seen.sort_by(|a, b| {
        (names.name(a.0.0), names.name(a.0.1)).cmp(&(names.name(b.0.0), names.name(b.0.1)))
    });
    let mut out = Vec::new();
    for ((lender, signal), mut c) in seen {
        if c.times.len() < 2 {
            continue;
        }
        c.times.sort();
        let total = c.times.len() as u64;
        let data = c.data;
        let mut g = Group::empty(
            Rule::KycOnlySignalReused,
            (names.name(lender), None, names.name(signal)),
            None,
            Vec::new(),
            Box::new(move |_| FindingFacts::KycOnly {
                data,
                total,
                source: RuleSource::rbi(),
            }),
        );
        for &(t, i) in &c.times[1..] {
            g.add(t, i, (t, t));
        }
        // The first collection, the one the rules allow: shown beside the repeats.
        g.also = vec![c.times[0].1];
        out.push(g.finding(src));
    }
    out
}
