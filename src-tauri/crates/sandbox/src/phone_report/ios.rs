//! The plan as an iOS App Privacy Report (`App_Privacy_Report_v4_<time>.ndjson`): one JSON
//! object a line, `"type":"access"` records in `intervalBegin`/`intervalEnd` pairs joined by a
//! UUID `identifier`, `"type":"networkActivity"` records per domain, times in the phone's local
//! time with milliseconds and offset, keys in the order iOS writes them (sorted). The report
//! covers seven days; iOS apps cannot read SMS, call logs or the phone's state, so those uses
//! never appear, and iOS does not record refused attempts.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use sha2::Digest as _;

use super::ReportInput;
use super::plan::{Plan, Res};

/// What the report covers.
const WINDOW_DAYS: i64 = 7;

pub(super) fn render(input: &ReportInput, plan: &Plan) -> Vec<u8> {
    let (_, app) = input.app_ids();
    let from = input.now - Duration::days(WINDOW_DAYS);
    // (time, order within the same time, line)
    let mut lines: Vec<(DateTime<Utc>, u8, Value)> = Vec::new();
    for (i, a) in plan.accesses.iter().enumerate() {
        let Some(category) = category(a.res) else {
            continue;
        };
        if a.rejected || a.at < from {
            continue;
        }
        let id = uuid_for(input, i as u64);
        let record = |kind: &str, at: DateTime<Utc>| {
            json!({
                "accessor": {"identifier": app, "identifierType": "bundleID"},
                "category": category,
                "identifier": id,
                "kind": kind,
                "timeStamp": timestamp(at),
                "type": "access",
            })
        };
        lines.push((a.at, 0, record("intervalBegin", a.at)));
        if !a.open {
            let end = a.at + Duration::milliseconds(a.duration_ms);
            lines.push((end, 1, record("intervalEnd", end)));
        }
    }
    for n in &plan.network {
        if n.last < from {
            continue;
        }
        let first = n.first.max(from);
        lines.push((
            n.last,
            2,
            json!({
                "bundleID": app,
                "context": "",
                "domain": n.domain,
                "domainOwner": n.owner.unwrap_or(""),
                "domainType": if n.profiler { 1 } else { 2 },
                "firstTimeStamp": timestamp(first),
                "hits": n.hits,
                "initiatedType": "AppInitiated",
                "timeStamp": timestamp(n.last),
                "type": "networkActivity",
            }),
        ));
    }
    lines.sort_by_key(|l| (l.0, l.1));
    let mut out = Vec::new();
    for (_, _, v) in lines {
        // serde_json keeps an object's keys sorted, as iOS writes them.
        out.extend_from_slice(v.to_string().as_bytes());
        out.push(b'\n');
    }
    out
}

/// iOS's name for a resource's category; `None` for what iOS apps cannot touch.
fn category(res: Res) -> Option<&'static str> {
    Some(match res {
        Res::Contacts => "contacts",
        Res::Location => "location",
        Res::Camera => "camera",
        Res::Microphone => "microphone",
        Res::CallLog | Res::Sms | Res::PhoneState => return None,
    })
}

/// `2026-12-02T12:01:02.345+05:30`: local time, milliseconds, offset.
fn timestamp(at: DateTime<Utc>) -> String {
    at.with_timezone(&super::phone_offset())
        .format("%Y-%m-%dT%H:%M:%S%.3f%:z")
        .to_string()
}

/// An access interval's identifier: an upper-case UUID (version 4 layout) derived from the
/// seed, the lender and the access's place in the plan, so the same state gives the same ids.
fn uuid_for(input: &ReportInput, i: u64) -> String {
    let h = sha2::Sha256::new()
        .chain_update(b"khata-sandbox phone-report access\0")
        .chain_update(input.seed.to_be_bytes())
        .chain_update(input.lender_id.as_bytes())
        .chain_update(i.to_be_bytes())
        .finalize();
    let mut b: [u8; 16] = h[..16].try_into().expect("16 bytes");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(b)
        .hyphenated()
        .to_string()
        .to_uppercase()
}
