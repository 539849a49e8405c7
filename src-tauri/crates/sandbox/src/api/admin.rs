//! The `/_sandbox/…` routes, outside the contract: set faults, run a collection round, move the
//! rights desk's clock, move a rights request along, seed disclosures in bulk, ask for consent again, and write the phone
//! report of what the lender's app did (`phone_report`).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use khata_lending::types::*;
use rusqlite::{OptionalExtension as _, params};
use serde_json::Value;

use super::collection::{collect_round, seed_disclosures};
use super::consent_requests::create_consent_request;
use super::problem::{internal, json_response, not_found, unprocessable};
use super::request::parse_json_body;
use super::{HandlerResult, Shared, sign};
use crate::faults::Faults;
use crate::scorecard;
use crate::store::{get_doc, to_json};

pub(super) async fn get_faults(State(inner): State<Shared>) -> Response {
    json_response(StatusCode::OK, &*inner.faults.read().expect("faults lock"))
}

pub(super) async fn put_faults(
    State(inner): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> HandlerResult {
    let (f, _): (Faults, Value) = parse_json_body(&headers, &body)?;
    f.validate().map_err(unprocessable)?;
    *inner.faults.write().expect("faults lock") = f.clone();
    Ok(json_response(StatusCode::OK, &f))
}

pub(super) async fn collect(State(inner): State<Shared>) -> HandlerResult {
    let n = collect_round(&inner)?;
    Ok(json_response(
        StatusCode::OK,
        &serde_json::json!({ "appended": n }),
    ))
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClockBody {
    offset_days: i64,
}

/// The most the rights desk's clock may be moved either way: ten years.
const CLOCK_OFFSET_MAX_DAYS: i64 = 3650;

/// `POST /_sandbox/clock {"offsetDays": -31}`: moves the rights desk's clock, so a rights
/// request filed afterwards is dated (`createdAt`, `dueBy`) that many days away from now, as if
/// it had been filed then; `0` puts it back. Answers with the offset now in force.
pub(super) async fn set_clock(
    State(inner): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> HandlerResult {
    let (c, _): (ClockBody, Value) = parse_json_body(&headers, &body)?;
    if c.offset_days.abs() > CLOCK_OFFSET_MAX_DAYS {
        return Err(unprocessable(format!(
            "offsetDays must be between -{CLOCK_OFFSET_MAX_DAYS} and {CLOCK_OFFSET_MAX_DAYS}"
        )));
    }
    inner.clock_offset_ms.store(
        c.offset_days * 86_400_000,
        std::sync::atomic::Ordering::Relaxed,
    );
    Ok(json_response(
        StatusCode::OK,
        &serde_json::json!({ "offsetDays": c.offset_days }),
    ))
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RightsUpdate {
    status: RightsStatus,
    resolution: Option<String>,
    due_by: Option<DateTime<Utc>>,
}

/// Moves a rights request along (as the lender's staff would), re-signed; `dueBy` may be set in
/// the past so the UI's overdue state can be tested.
pub(super) async fn update_rights(
    State(inner): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> HandlerResult {
    let (u, _): (RightsUpdate, Value) = parse_json_body(&headers, &body)?;
    let db = inner.db.lock().expect("db lock");
    let mut r: RightsRequest = get_doc(&db, "rights_requests", "request_id", &id)
        .map_err(internal)?
        .ok_or_else(|| not_found("rights request", &id))?;
    r.status = u.status;
    if u.resolution.is_some() {
        r.resolution = u.resolution;
    }
    if let Some(d) = u.due_by {
        r.due_by = d;
    }
    let r = sign(&inner, &r)?;
    db.execute(
        "UPDATE rights_requests SET json = ?2 WHERE request_id = ?1",
        params![r.request_id, to_json(&r)],
    )
    .map_err(internal)?;
    Ok(json_response(StatusCode::OK, &r))
}

pub(super) async fn seed(State(inner): State<Shared>, RawQuery(q): RawQuery) -> HandlerResult {
    let params: HashMap<String, String> =
        serde_urlencoded::from_str(q.as_deref().unwrap_or("")).unwrap_or_default();
    let count: u64 = params
        .get("count")
        .and_then(|c| c.parse().ok())
        .filter(|c| *c <= 10_000_000)
        .ok_or_else(|| unprocessable("count=N (at most 10,000,000) is required"))?;
    let inner2 = inner.clone();
    let n = tokio::task::spawn_blocking(move || seed_disclosures(&inner2, count))
        .await
        .map_err(internal)??;
    Ok(json_response(
        StatusCode::OK,
        &serde_json::json!({ "appended": n }),
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewRequestBody {
    signals: Option<Vec<String>>,
    previous_consent_id: Option<String>,
    /// Consent life in seconds (default a year), e.g. to test expiry.
    consent_expiry_seconds: Option<i64>,
}

/// Simulates the lender asking again; by default for everything it asked before plus the
/// contacts list (scope creep the UI should call out).
pub(super) async fn new_consent_request(
    State(inner): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> HandlerResult {
    let nb: NewRequestBody = if body.is_empty() {
        NewRequestBody::default()
    } else {
        parse_json_body::<NewRequestBody>(&headers, &body)?.0
    };
    let signals = match nb.signals {
        Some(s) => {
            if let Some(bad) = s.iter().find(|s| scorecard::find(s).is_none()) {
                return Err(unprocessable(format!("unknown signal {bad:?}")));
            }
            s
        }
        None => {
            let mut s = inner.scenario.requested_signals();
            s.push("contacts_network".into());
            s
        }
    };
    let db = inner.db.lock().expect("db lock");
    let previous = match nb.previous_consent_id {
        Some(p) => Some(p),
        None => db
            .query_row(
                "SELECT consent_id FROM consents ORDER BY created_at DESC, rowid DESC LIMIT 1",
                [],
                |r| r.get::<_, String>(0),
            )
            .optional()
            .map_err(internal)?,
    };
    let life = match nb.consent_expiry_seconds {
        Some(secs) if !(1..=10 * 365 * 24 * 3600).contains(&secs) => {
            return Err(unprocessable(
                "consentExpirySeconds must be between 1 and ten years",
            ));
        }
        Some(secs) => Some(ChronoDuration::seconds(secs)),
        None => None,
    };
    let r = create_consent_request(&inner, &db, signals, previous, life).map_err(internal)?;
    Ok(json_response(StatusCode::CREATED, &r))
}

/// `GET /_sandbox/phone-report?format=ios|android-appops|android-cmd|android-capture`: what the
/// borrower's phone would have recorded the lender's app doing, from this sandbox's state and
/// clock, as a file to save and import.
pub(super) async fn phone_report(
    State(inner): State<Shared>,
    RawQuery(q): RawQuery,
) -> HandlerResult {
    use crate::phone_report::{self, ReportFormat};
    let params: HashMap<String, String> =
        serde_urlencoded::from_str(q.as_deref().unwrap_or("")).unwrap_or_default();
    let format: ReportFormat = params
        .get("format")
        .ok_or_else(|| {
            unprocessable("format=ios|android-appops|android-cmd|android-capture is required")
        })?
        .parse()
        .map_err(unprocessable)?;
    let now = super::now();
    let input = phone_report::from_running(&inner, now).map_err(internal)?;
    let body = phone_report::render(&input, format);
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", format.file_name(now)),
            ),
        ],
        body,
    )
        .into_response())
}
