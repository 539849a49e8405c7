//! `observed-undeclared`'s index: which accesses the phone saw have a disclosure of a signal
//! mapped to their resource (by the signal's id in [`crate::phone::MAPPINGS`], or by its DPV
//! category in the lender's catalogue) within [`UNDECLARED_WINDOW_HOURS`]. Fed one disclosure
//! at a time, like the other disclosure rules, so an export's disclosures need not be held:
//! it keeps only the accesses' times and a flag each.

use std::collections::HashMap;

use crate::audit::input::SignalMeta;
use crate::phone::{MAPPINGS, Resource};

/// How far from an access (either side) a disclosure accounts for it.
pub const UNDECLARED_WINDOW_HOURS: u32 = 24;
const WINDOW_MS: i64 = UNDECLARED_WINDOW_HOURS as i64 * 3_600_000;

/// The lender's catalogue entry for `signal` (its own, or one kept for every lender).
pub(crate) fn category<'s>(
    signals: &'s [SignalMeta],
    lender: &str,
    signal: &str,
) -> Option<&'s str> {
    let own = |s: &&SignalMeta| s.id == signal && s.lender_id.as_deref() == Some(lender);
    let shared = |s: &&SignalMeta| s.id == signal && s.lender_id.is_none();
    signals
        .iter()
        .find(own)
        .or_else(|| signals.iter().find(shared))
        .map(|s| s.category.as_str())
        .filter(|c| !c.trim().is_empty())
}

/// The resources a disclosure of `signal` by `lender` accounts for.
pub(crate) fn resources_of(signals: &[SignalMeta], lender: &str, signal: &str) -> Vec<Resource> {
    let cat = category(signals, lender, signal);
    MAPPINGS
        .iter()
        .filter(|m| {
            m.signals.contains(&signal)
                || cat.is_some_and(|c| m.dpv_categories.iter().any(|d| d.eq_ignore_ascii_case(c)))
        })
        .map(|m| m.resource)
        .collect()
}

/// One known access time of an observation, and whether a disclosure accounts for it.
struct Time {
    at: i64,
    seen: usize,
    covered: bool,
}

/// The accesses' times per lender and resource, and per observation how many of its times
/// no disclosure accounts for yet.
#[derive(Default)]
pub(crate) struct Declared {
    times: HashMap<String, HashMap<Resource, Vec<Time>>>,
    open: Vec<u8>,
    /// What each (lender, signal) seen so far accounts for.
    resources: HashMap<String, HashMap<String, Vec<Resource>>>,
}

impl Declared {
    /// The index of `accesses`: `(lender, resource, first and last access time)` by the
    /// observation's place in the rules' list.
    pub(crate) fn new<'a>(
        accesses: impl Iterator<Item = (usize, &'a str, Resource, i64, i64)>,
    ) -> Self {
        let mut d = Declared::default();
        for (i, lender, resource, first, last) in accesses {
            if d.open.len() <= i {
                d.open.resize(i + 1, 0);
            }
            let list = d
                .times
                .entry(lender.to_owned())
                .or_default()
                .entry(resource)
                .or_default();
            for at in if first == last {
                vec![first]
            } else {
                vec![first, last]
            } {
                list.push(Time {
                    at,
                    seen: i,
                    covered: false,
                });
                d.open[i] += 1;
            }
        }
        for per in d.times.values_mut() {
            for list in per.values_mut() {
                list.sort_by_key(|t| t.at);
            }
        }
        d
    }

    /// A disclosure of `signal` by `lender` collected at `t`.
    pub(crate) fn disclosure(
        &mut self,
        signals: &[SignalMeta],
        lender: &str,
        signal: &str,
        t: i64,
    ) {
        let Some(per) = self.times.get_mut(lender) else {
            return;
        };
        let resources = match self.resources.get(lender).and_then(|m| m.get(signal)) {
            Some(r) => r,
            None => {
                let r = resources_of(signals, lender, signal);
                self.resources
                    .entry(lender.to_owned())
                    .or_default()
                    .entry(signal.to_owned())
                    .or_insert(r)
            }
        };
        for r in resources {
            let Some(list) = per.get_mut(r) else { continue };
            let from = list.partition_point(|x| x.at < t.saturating_sub(WINDOW_MS));
            for x in list[from..]
                .iter_mut()
                .take_while(|x| x.at <= t.saturating_add(WINDOW_MS))
            {
                if !x.covered {
                    x.covered = true;
                    self.open[x.seen] -= 1;
                }
            }
        }
    }

    /// Whether some access time of observation `i` has no disclosure within the window.
    pub(crate) fn undeclared(&self, i: usize) -> bool {
        self.open.get(i).is_some_and(|n| *n > 0)
    }
}
