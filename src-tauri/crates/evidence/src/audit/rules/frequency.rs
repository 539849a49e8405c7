//! Frequency: no more than the consent's `value` collections of a signal within any window of
//! its `unit` (under a ONETIME consent, one ever). Needs every collection time of a consent and
//! signal, so it runs once all disclosures have been seen: one finding per consent and signal,
//! naming every collection over the limit.

use std::collections::HashMap;

use khata_contract::types as wire;

use crate::audit::consent_state::{ConsentState, ev_consent, rec_consent};
use crate::audit::finding::{Finding, FindingFacts, Rule};
use crate::audit::group::{Group, Names, Statements};

/// The window of a frequency unit in ms (months of 30 days, years of 365); `None` for no limit.
fn window_ms(unit: wire::FrequencyUnit) -> Option<i64> {
    const H: i64 = 3_600_000;
    match unit {
        wire::FrequencyUnit::Hour => Some(H),
        wire::FrequencyUnit::Day => Some(24 * H),
        wire::FrequencyUnit::Month => Some(30 * 24 * H),
        wire::FrequencyUnit::Year => Some(365 * 24 * H),
        wire::FrequencyUnit::Inf => None,
    }
}

/// `above-frequency` findings from the collection times (and source indexes) of each (cited
/// consent, signal), in consent then signal order.
pub(crate) fn findings(
    mut times: HashMap<(u32, u32), Vec<(i64, usize)>>,
    names: &Names,
    states: &HashMap<&str, ConsentState<'_>>,
    src: &mut Statements<'_>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut keys: Vec<(u32, u32)> = times.keys().copied().collect();
    keys.sort_by(|a, b| {
        (names.name(a.0), names.name(a.1)).cmp(&(names.name(b.0), names.name(b.1)))
    });
    for key in keys {
        let mut ts = times.remove(&key).unwrap_or_default();
        let (cid, signal) = (names.name(key.0), names.name(key.1));
        let Some(st) = states.get(cid) else {
            continue;
        };
        let c = &st.latest.value;
        let (allowed, window) = match c.fetch_type {
            wire::FetchType::Onetime => (1usize, None),
            wire::FetchType::Periodic => (c.frequency.value as usize, window_ms(c.frequency.unit)),
        };
        if allowed == usize::MAX {
            continue;
        }
        ts.sort();
        let total = ts.len() as u64;
        let (unit, value) = (c.frequency.unit.into(), c.frequency.value);
        let mut g = Group::empty(
            Rule::AboveFrequency,
            (&c.lender_id, Some(cid.to_owned()), signal),
            Some(rec_consent(c)),
            vec![ev_consent(st.latest)],
            match window {
                None => Box::new(move |_| FindingFacts::OneTime { total }),
                // `hi` of the span: the most collections seen in one window.
                Some(_) => Box::new(move |sp| FindingFacts::Frequency {
                    value,
                    unit,
                    most_in_window: sp.hi as u64,
                }),
            },
        );
        let (mut first_prev, mut last_prev) = (None, None);
        let mut lo = 0usize;
        for hi in 0..ts.len() {
            if let Some(w) = window {
                while ts[hi].0.saturating_sub(ts[lo].0) >= w {
                    lo += 1;
                }
            }
            let in_window = hi - lo + 1;
            if in_window > allowed {
                g.add(ts[hi].0, ts[hi].1, (in_window as i64, in_window as i64));
                if let Some(p) = hi.checked_sub(1) {
                    first_prev.get_or_insert(ts[p].1);
                    last_prev = Some(ts[p].1);
                }
            }
        }
        if g.span.count == 0 {
            continue;
        }
        // The collection before the first and before the last one over the limit: with the
        // consent, they show each was over it.
        g.also = first_prev.into_iter().chain(last_prev).collect();
        out.push(g.finding(src));
    }
    out
}
