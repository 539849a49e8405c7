//! The signals timeline read model: disclosures newest first, keyset-paginated, with a cached
//! total. Offline, from the vault only.

use crate::convert;
use crate::error::{EngineError, Result};
use crate::views::*;

use super::Engine;

impl Engine {
    /// The signals timeline: keyset pagination from the vault, newest first.
    pub async fn timeline(&self, q: TimelineQuery) -> Result<TimelinePage> {
        let cache = self.count_cache.clone();
        self.with_vault(move |v| {
            let cat = Self::catalog(v)?;
            let limit = match q.limit {
                0 => 100,
                n => n.min(1000) as usize,
            };
            let filter = khata_vault::EventFilter {
                lender_id: q.lender_id.clone(),
                signal_id: q.signal.clone(),
                from: q.from,
                to: q.to,
            };
            let by_cat: Option<Vec<String>> = q.dpv_category.as_ref().map(|c| cat.signals_in(c));
            let after = match &q.cursor {
                Some(c) => Some(parse_cursor(c)?),
                None => None,
            };
            let rows = v.events_with_statements(&filter, by_cat.as_deref(), after, limit)?;
            let key = format!(
                "{:?}|{:?}|{:?}|{:?}|{:?}",
                filter.lender_id, filter.signal_id, filter.from, filter.to, by_cat
            );
            let max_id = v.max_event_id()?;
            let cached = cache
                .lock()
                .ok()
                .and_then(|g| g.clone())
                .filter(|(k, m, _)| *k == key && *m == max_id)
                .map(|(_, _, t)| t);
            let total = match cached {
                Some(t) => t,
                None => {
                    let t = v.count_events(&filter, by_cat.as_deref())?;
                    if let Ok(mut g) = cache.lock() {
                        *g = Some((key, max_id, t));
                    }
                    t
                }
            };
            let next_cursor = (rows.len() == limit)
                .then(|| {
                    rows.last()
                        .map(|(e, _, _)| format!("{}:{}", e.event.collected_at, e.id))
                })
                .flatten();
            Ok(TimelinePage {
                items: rows
                    .iter()
                    .map(|(e, _, _)| convert::disclosure_view(e, &cat))
                    .collect(),
                next_cursor,
                total,
            })
        })
        .await
    }
}

fn parse_cursor(c: &str) -> Result<khata_vault::EventCursor> {
    let bad = || EngineError::InvalidInput("the timeline cursor is not valid".into());
    let (a, b) = c.split_once(':').ok_or_else(bad)?;
    Ok(khata_vault::EventCursor {
        collected_at: a.parse().map_err(|_| bad())?,
        id: b.parse().map_err(|_| bad())?,
    })
}
