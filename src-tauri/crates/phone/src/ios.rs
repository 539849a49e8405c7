//! The iOS App Privacy Report (iOS 15.2+, Settings › Privacy & Security › App Privacy Report ›
//! Save): newline-delimited JSON, one record a line, the last 7 days.
//!
//! `"type":"access"` records name the app (`accessor.identifier`), the `category` (camera,
//! contacts, location…) and a `kind`: `intervalBegin` and `intervalEnd` records are paired by
//! their `identifier` (a UUID) into one access from begin to end. A begin whose end the file
//! lacks (the app was still using it, or the report was cut) is kept as an open interval; an
//! end whose begin fell out of the window is kept as an access at its end time.
//! `"type":"networkActivity"` records name the app (`bundleID`), the `domain`, its owner,
//! whether Apple knows it as a cross-app profiler (`domainType` 1), who initiated it and the
//! `hits` between `firstTimeStamp` and `timeStamp`.
//!
//! Times carry their UTC offset and are kept exact. Unknown keys are ignored; records of
//! another `type` are skipped (not malformed). Tolerated from the 2021 betas' files: `timestamp`
//! for `timeStamp`, an `accessor` that is the bundle id itself, an access naming its app by
//! `bundleID`, an access without `kind` (one access, `accessCount` times), `bundleId` and
//! `firstTimestamp`, `"type":"network"`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;

use chrono::DateTime;
use khata_evidence::phone::{AppState, ObservationKind, Resource, ios_resource};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::PhoneError;
use crate::collect::{Collector, Net, Obs};
use crate::input::LineReader;

/// Begins waiting for their end, at most: past this, the waiting ones are kept as open
/// intervals, so a file of begins alone cannot grow memory without bound.
const MAX_PENDING: usize = 100_000;

#[derive(Deserialize)]
struct Record<'a> {
    #[serde(rename = "type", borrow)]
    ty: Option<Cow<'a, str>>,
    #[serde(borrow)]
    accessor: Option<&'a RawValue>,
    #[serde(borrow)]
    category: Option<Cow<'a, str>>,
    #[serde(borrow)]
    identifier: Option<Cow<'a, str>>,
    #[serde(borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(rename = "timeStamp", alias = "timestamp", borrow)]
    time_stamp: Option<Cow<'a, str>>,
    #[serde(rename = "firstTimeStamp", alias = "firstTimestamp", borrow)]
    first_time_stamp: Option<Cow<'a, str>>,
    #[serde(rename = "bundleID", alias = "bundleId", borrow)]
    bundle_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    domain: Option<Cow<'a, str>>,
    #[serde(rename = "domainOwner", borrow)]
    domain_owner: Option<Cow<'a, str>>,
    #[serde(rename = "domainType")]
    domain_type: Option<i64>,
    #[serde(rename = "initiatedType", borrow)]
    initiated_type: Option<Cow<'a, str>>,
    hits: Option<u64>,
    #[serde(rename = "accessCount")]
    access_count: Option<u64>,
}

#[derive(Deserialize)]
struct Accessor<'a> {
    #[serde(borrow)]
    identifier: Option<Cow<'a, str>>,
}

/// A begin waiting for its end.
struct Pending {
    app: String,
    category: String,
    resource: Resource,
    at: i64,
}

/// One pass over an App Privacy Report.
pub(crate) fn parse<R: Read>(
    lines: &mut LineReader<R>,
    c: &mut Collector,
) -> Result<(), PhoneError> {
    let mut pending: HashMap<String, Pending> = HashMap::new();
    while let Some(line) = lines.next_line()? {
        c.tally.lines += 1;
        if line.overlong {
            c.tally.malformed(line.no);
            continue;
        }
        let bytes = line.bytes.trim_ascii();
        if bytes.is_empty() {
            continue;
        }
        if bytes[0] != b'{' {
            c.tally.malformed(line.no);
            continue;
        }
        let Ok(rec) = serde_json::from_slice::<Record<'_>>(bytes) else {
            c.tally.malformed(line.no);
            continue;
        };
        let ok = match rec.ty.as_deref() {
            Some("access") => access(&rec, c, &mut pending),
            Some("networkActivity") | Some("network") => network(&rec, c),
            Some(_) => true,
            None => false,
        };
        if !ok {
            c.tally.malformed(line.no);
        }
    }
    for (_, p) in pending.drain() {
        c.observe(&p.app, &open(&p));
    }
    Ok(())
}

fn access(rec: &Record<'_>, c: &mut Collector, pending: &mut HashMap<String, Pending>) -> bool {
    let Some(app) = access_app(rec) else {
        return false;
    };
    let (Some(category), Some(at)) = (rec.category.as_deref(), time(rec.time_stamp.as_deref()))
    else {
        return false;
    };
    if app.is_empty() || category.is_empty() {
        return false;
    }
    c.tally.record(&app);
    c.tally.at(at);
    if !c.wants(&app) {
        return true;
    }
    // A category Khata does not follow (bluetooth, …): a valid record, nothing to keep.
    let Some(resource) = ios_resource(category) else {
        return true;
    };
    let single = |first_at, last_at, count| Obs {
        resource,
        op: category,
        kind: ObservationKind::Access,
        state: AppState::Unknown,
        first_at,
        last_at,
        count,
        open_interval: false,
        network: None,
    };
    match (rec.kind.as_deref(), rec.identifier.as_deref()) {
        (Some("intervalBegin"), Some(id)) => {
            if pending.len() >= MAX_PENDING {
                for (_, p) in pending.drain() {
                    c.observe(&p.app, &open(&p));
                }
            }
            let p = Pending {
                app: app.to_string(),
                category: category.to_string(),
                resource,
                at,
            };
            if let Some(previous) = pending.insert(id.to_string(), p) {
                c.observe(&previous.app, &open(&previous));
            }
        }
        (Some("intervalEnd"), Some(id)) => {
            match pending.remove(id) {
                Some(p) if p.app == app && p.category == category => {
                    c.observe(&app, &single(p.at, at, 1));
                }
                other => {
                    // Not this interval's begin (an identifier reused across apps): both kept.
                    if let Some(p) = other {
                        c.observe(&p.app, &open(&p));
                    }
                    c.observe(&app, &single(at, at, 1));
                }
            }
        }
        (Some("intervalBegin"), None) => c.observe(
            &app,
            &Obs {
                open_interval: true,
                ..single(at, at, 1)
            },
        ),
        _ => c.observe(&app, &single(at, at, rec.access_count.unwrap_or(1).max(1))),
    }
    true
}

fn network(rec: &Record<'_>, c: &mut Collector) -> bool {
    let app = match rec.bundle_id.as_deref() {
        Some(a) => Cow::Borrowed(a),
        None => match access_app(rec) {
            Some(a) => a,
            None => return false,
        },
    };
    let (Some(domain), Some(last)) = (rec.domain.as_deref(), time(rec.time_stamp.as_deref()))
    else {
        return false;
    };
    if app.is_empty() || domain.is_empty() {
        return false;
    }
    let first = match rec.first_time_stamp.as_deref() {
        Some(s) => match time(Some(s)) {
            Some(t) => t,
            None => return false,
        },
        None => last,
    };
    c.tally.record(&app);
    c.tally.at(first);
    c.tally.at(last);
    if !c.wants(&app) {
        return true;
    }
    let obs = Obs {
        resource: Resource::Network,
        op: domain,
        kind: ObservationKind::Network,
        state: AppState::Unknown,
        first_at: first.min(last),
        last_at: first.max(last),
        count: rec.hits.unwrap_or(1),
        open_interval: false,
        network: Some(Net {
            domain,
            owner: rec.domain_owner.as_deref().filter(|o| !o.is_empty()),
            profiler: rec.domain_type == Some(1),
            app_initiated: match rec.initiated_type.as_deref() {
                Some("AppInitiated") => Some(true),
                Some("NonAppInitiated") => Some(false),
                _ => None,
            },
        }),
    };
    c.observe(&app, &obs);
    true
}

/// The app of an access record: `accessor.identifier`, a string `accessor`, or `bundleID`.
fn access_app<'a>(rec: &Record<'a>) -> Option<Cow<'a, str>> {
    if let Some(raw) = rec.accessor {
        let text: &'a str = raw.get();
        return if text.starts_with('{') {
            serde_json::from_str::<Accessor<'a>>(text).ok()?.identifier
        } else {
            serde_json::from_str::<Cow<'a, str>>(text).ok()
        };
    }
    rec.bundle_id.clone()
}

fn open(p: &Pending) -> Obs<'_> {
    Obs {
        resource: p.resource,
        op: &p.category,
        kind: ObservationKind::Access,
        state: AppState::Unknown,
        first_at: p.at,
        last_at: p.at,
        count: 1,
        open_interval: true,
        network: None,
    }
}

/// An ISO 8601 time with its offset (`2025-11-30T10:15:00.123+05:30`, `…Z`, `…+0530`) as Unix
/// ms. A time without an offset is not accepted: iOS always writes one.
pub(crate) fn time(s: Option<&str>) -> Option<i64> {
    let s = s?.trim();
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .ok()
        .map(|t| t.timestamp_millis())
}
