//! The signals timeline read model: disclosures newest first, keyset-paginated, with a cached
//! total, and beside them what the borrower's phone saw in each page's span. Offline, from the
//! vault only.

use crate::convert;
use crate::error::{EngineError, Result};
use crate::views::*;

use super::Engine;

impl Engine {
    /// Every connected lender's signals with their words per language: how the UI names a
    /// signal that a finding or a letter cites by id.
    pub async fn signal_catalog(&self) -> Result<Vec<LenderSignalView>> {
        self.with_vault(|v| {
            Ok(Self::catalog(v)?
                .all()
                .into_iter()
                .map(|(lender_id, signal)| LenderSignalView { lender_id, signal })
                .collect())
        })
        .await
    }

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
            // The page's span: from its oldest disclosure (inclusive; open on the last page)
            // to where the previous page ended (exclusive; open on the first), so every
            // observation lands on exactly one page.
            let lower = match (&next_cursor, rows.last()) {
                (Some(_), Some((e, _, _))) => {
                    Some(e.event.collected_at.max(q.from.unwrap_or(i64::MIN)))
                }
                _ => q.from,
            };
            let upper = match (after, q.to) {
                (Some(c), Some(to)) => Some(c.collected_at.min(to)),
                (Some(c), None) => Some(c.collected_at),
                (None, to) => to,
            };
            let phone = phone_items(v, &cat, &q, lower, upper)?;
            Ok(TimelinePage {
                items: rows
                    .iter()
                    .map(|(e, _, _)| convert::disclosure_view(e, &cat))
                    .collect(),
                next_cursor,
                total,
                phone,
            })
        })
        .await
    }
}

/// The most observations one timeline page carries (they are aggregated per op, state and
/// day, so a page's span rarely holds more).
const PHONE_PER_PAGE: usize = 1000;

/// What the phone saw in `[lower, upper)` that the query's filters select: accesses, refusals
/// and network contacts (permission states are shown on the phone screen, not in time), of the
/// lender's app when a lender is asked for, of a resource the asked signal or category maps to.
fn phone_items(
    v: &khata_vault::Vault,
    cat: &crate::convert::Catalog,
    q: &TimelineQuery,
    lower: Option<i64>,
    upper: Option<i64>,
) -> Result<Vec<PhoneTimelineItem>> {
    use khata_evidence::phone::{ObservationKind, mapping};
    let sources = v.phone_sources()?;
    if sources.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for o in v.phone_observations_between(lower, upper, PHONE_PER_PAGE)? {
        if matches!(
            o.kind,
            ObservationKind::Granted | ObservationKind::Requested
        ) {
            continue;
        }
        let Some(source) = sources.iter().find(|s| s.sha256 == o.source) else {
            continue;
        };
        if q.lender_id.is_some() && source.lender_id != q.lender_id {
            continue;
        }
        let m = mapping(o.resource);
        if let Some(signal) = &q.signal {
            let category = cat
                .info(source.lender_id.as_deref().unwrap_or(""), signal)
                .dpv_category;
            if !m.signals.contains(&signal.as_str())
                && !m.dpv_categories.contains(&category.as_str())
            {
                continue;
            }
        }
        if let Some(c) = &q.dpv_category
            && !m.dpv_categories.contains(&c.as_str())
        {
            continue;
        }
        out.push(PhoneTimelineItem {
            origin: TimelineOrigin::Phone,
            lender_id: source.lender_id.clone(),
            file_name: source.file_name.clone(),
            signals: m.signals.iter().map(|s| s.to_string()).collect(),
            dpv_categories: m.dpv_categories.iter().map(|s| s.to_string()).collect(),
            observation: o,
        });
    }
    Ok(out)
}

fn parse_cursor(c: &str) -> Result<khata_vault::EventCursor> {
    let bad = || EngineError::InvalidInput("the timeline cursor is not valid".into());
    let (a, b) = c.split_once(':').ok_or_else(bad)?;
    Ok(khata_vault::EventCursor {
        collected_at: a.parse().map_err(|_| bad())?,
        id: b.parse().map_err(|_| bad())?,
    })
}
