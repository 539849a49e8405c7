//! Data life: the consent says how long the lender may keep what it collected. The lending API
//! has no deletion receipts, so every disclosure whose data life has run out is reported — the
//! lender has not proven deletion, which is all a borrower can show.

use khata_contract::types as wire;

use crate::audit::consent_state::{ConsentState, ev_consent};
use crate::audit::finding::{FindingFacts, Rule};
use crate::audit::group::{Hit, NONE};

/// The data life in ms (months of 30 days, years of 365); `None` for no limit, and for a life
/// longer than i64 milliseconds (about 292 million years: a lender's `value` up to `u32::MAX`
/// years would overflow), which no collection can have outlived. Public so that what Khata
/// tells the borrower a lender may keep, and until when, is the rule's own reckoning.
pub fn data_life_ms(d: &wire::DataLife) -> Option<i64> {
    const DAY: i64 = 86_400_000;
    let days = match d.unit {
        wire::DataLifeUnit::Day => 1,
        wire::DataLifeUnit::Month => 30,
        wire::DataLifeUnit::Year => 365,
        wire::DataLifeUnit::Inf => return None,
    };
    i64::from(d.value).checked_mul(days)?.checked_mul(DAY)
}

/// `data-life-exceeded`: collected at least a data life before `now_ms`.
pub(crate) fn check(h: &mut Hit<'_, '_>, st: &ConsentState, now_ms: i64) {
    let c = &st.latest.value;
    let Some(life) = data_life_ms(&c.data_life) else {
        return;
    };
    if h.t.saturating_add(life) > now_ms {
        return;
    }
    let (value, unit) = (c.data_life.value, c.data_life.unit.into());
    h.found(
        Rule::DataLifeExceeded,
        NONE,
        None,
        Some(st),
        || vec![ev_consent(st.latest)],
        || {
            Box::new(move |sp| FindingFacts::DataLife {
                value,
                unit,
                ran_out_first: sp.first.saturating_add(life),
                ran_out_last: sp.last.saturating_add(life),
            })
        },
    );
}
