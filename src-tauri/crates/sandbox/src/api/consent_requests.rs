//! Consent requests: the lender's ask, and the borrower's signal-by-signal decision on it,
//! which creates the signed consent and the first offer.

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use chrono::Duration as ChronoDuration;
use khata_lending::signing::unsigned;
use khata_lending::types::*;
use rusqlite::{Connection, params};
use serde_json::Value;

use super::collection::collect_round;
use super::consents::save_consent;
use super::idempotency::{idempotency_key, run_idempotent};
use super::offers::make_offer;
use super::problem::{conflict, internal, json_response, not_found, unprocessable};
use super::request::parse_json_body;
use super::{HandlerResult, Inner, Shared, now};
use crate::store::{self, get_doc, list_docs, to_json};

pub(super) async fn list(State(inner): State<Shared>) -> HandlerResult {
    let db = inner.db.lock().expect("db lock");
    let mut items: Vec<ConsentRequest> = list_docs(&db, "consent_requests").map_err(internal)?;
    // Pending first; within each group newest first (list_docs order, stable sort).
    items.sort_by_key(|r| r.status != ConsentRequestStatus::Pending);
    Ok(json_response(StatusCode::OK, &ConsentRequestList { items }))
}

pub(super) async fn get(State(inner): State<Shared>, Path(id): Path<String>) -> HandlerResult {
    let db = inner.db.lock().expect("db lock");
    let r: Option<ConsentRequest> =
        get_doc(&db, "consent_requests", "request_id", &id).map_err(internal)?;
    r.map(|r| json_response(StatusCode::OK, &r))
        .ok_or_else(|| not_found("consent request", &id))
}

/// Creates a consent request (at first start, and from the admin route to simulate the
/// lender asking again, possibly for more).
pub fn create_consent_request(
    inner: &Inner,
    conn: &Connection,
    signals: Vec<String>,
    previous_consent_id: Option<String>,
    consent_life: Option<ChronoDuration>,
) -> rusqlite::Result<ConsentRequest> {
    let t = now();
    let required_signals = inner
        .scenario
        .required_signals()
        .into_iter()
        .filter(|s| signals.contains(s))
        .collect();
    let req = ConsentRequest {
        required_signals,
        request_id: format!("creq-{}", uuid::Uuid::new_v4()),
        lender_id: inner.lender_id(),
        status: ConsentRequestStatus::Pending,
        created_at: t,
        purpose: Purpose {
            code: "credit-underwriting".into(),
            text: "Assess your loan application, set your credit limit and price, and monitor repayment.".into(),
        },
        signals,
        fetch_type: FetchType::Periodic,
        frequency: Frequency {
            unit: FrequencyUnit::Day,
            value: 1,
        },
        data_life: DataLife {
            unit: DataLifeUnit::Month,
            value: 6,
        },
        fi_data_range: DataRange {
            from: t - ChronoDuration::days(180),
            to: t + ChronoDuration::days(365),
        },
        consent_expiry: t + consent_life.unwrap_or_else(|| ChronoDuration::days(365)),
        onward_recipients: vec![Recipient {
            id: "cic-bureau".into(),
            name: "Credit information company".into(),
            role: "credit-bureau".into(),
        }],
        previous_consent_id,
    };
    conn.execute(
        "INSERT INTO consent_requests(request_id, created_at, json) VALUES (?1, ?2, ?3)",
        params![req.request_id, req.created_at.to_rfc3339(), to_json(&req)],
    )?;
    Ok(req)
}

pub(super) async fn decide(
    State(inner): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> HandlerResult {
    let (decision, raw): (ConsentDecisionBody, Value) = parse_json_body(&headers, &body)?;
    let key = idempotency_key(&headers, true)?;
    let path = format!("/consent-requests/{id}/decision");
    let resp = run_idempotent(&inner, key, (&Method::POST, &path, &raw), |tx| {
        let mut req: ConsentRequest = get_doc(tx, "consent_requests", "request_id", &id)
            .map_err(internal)?
            .ok_or_else(|| not_found("consent request", &id))?;
        if req.status != ConsentRequestStatus::Pending {
            return Err(conflict("this consent request was already decided"));
        }
        let requested: HashSet<&str> = req.signals.iter().map(String::as_str).collect();
        let mut seen = HashSet::new();
        for d in &decision.decisions {
            if !requested.contains(d.signal.as_str()) {
                return Err(unprocessable(format!(
                    "signal {:?} was not requested",
                    d.signal
                )));
            }
            if !seen.insert(d.signal.as_str()) {
                return Err(unprocessable(format!(
                    "signal {:?} decided twice",
                    d.signal
                )));
            }
        }
        if seen.len() != requested.len() {
            return Err(unprocessable(
                "decide every requested signal (GRANT or DENY)",
            ));
        }
        let pick = |want: Decision| -> Vec<String> {
            req.signals
                .iter()
                .filter(|s| {
                    decision
                        .decisions
                        .iter()
                        .any(|d| &d.signal == *s && d.decision == want)
                })
                .cloned()
                .collect()
        };
        let t = now();
        let consent = Consent {
            consent_id: inner
                .faults
                .read()
                .expect("faults lock")
                .reuse_consent_id
                .clone()
                .unwrap_or_else(|| format!("cons-{}", uuid::Uuid::new_v4())),
            request_id: req.request_id.clone(),
            lender_id: inner.lender_id(),
            customer_id: customer_id(tx)?,
            version: 1,
            status: ConsentStatus::Active,
            create_timestamp: t,
            updated_at: t,
            purpose: req.purpose.clone(),
            signals_granted: pick(Decision::Grant),
            signals_denied: pick(Decision::Deny),
            signals_revoked: vec![],
            consent_start: t,
            consent_expiry: req.consent_expiry,
            fetch_type: req.fetch_type,
            frequency: req.frequency,
            data_life: req.data_life,
            fi_data_range: req.fi_data_range,
            onward_recipients: req.onward_recipients.clone(),
            signature: unsigned(),
        };
        let mut consent = consent;
        if inner.faults.read().expect("faults lock").widen_consent {
            // It signs a consent granting everything it asked for, whatever was chosen.
            consent.signals_granted = req.signals.clone();
            consent.signals_denied.clear();
        }
        let served = save_consent(&inner, tx, &consent, true)?;
        req.status = ConsentRequestStatus::Decided;
        tx.execute(
            "UPDATE consent_requests SET json = ?2 WHERE request_id = ?1",
            params![req.request_id, to_json(&req)],
        )
        .map_err(internal)?;
        make_offer(&inner, tx, &consent)?;
        Ok((StatusCode::CREATED, served))
    })?;
    // The lender starts collecting what it was allowed to (and, if over-collecting, more).
    if let Err(r) = collect_round(&inner) {
        tracing::warn!(status = %r.status(), "collection round failed");
    }
    Ok(resp)
}

fn customer_id(conn: &Connection) -> Result<String, Response> {
    store::meta_get(conn, "customer_id")
        .map_err(internal)?
        .ok_or_else(|| internal("customer id missing"))
}
