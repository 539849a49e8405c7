//! Rights requests (access, correction, erasure, grievance, nomination, human review): filed
//! by the borrower, ticketed and signed by the lender, with a due date of its own per kind.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use chrono::Duration as ChronoDuration;
use khata_lending::signing::unsigned;
use khata_lending::types::*;
use rusqlite::params;
use serde_json::Value;

use super::idempotency::{idempotency_key, run_idempotent};
use super::problem::{internal, json_response, not_found};
use super::request::{max_chars, parse_json_body};
use super::{HandlerResult, Shared, sign, to_value};
use crate::store::{get_doc, list_docs, to_json};

/// The days this lender promises to answer each kind in. Its own promise, not the law's: the
/// DPDP Rules, 2025 allow up to 90 days for a grievance and the RBI's scheme 30 before the
/// Ombudsman; the sandbox answers sooner, as a careful lender would.
fn due_days(kind: RightsKind) -> i64 {
    match kind {
        RightsKind::HumanReview => 7,
        RightsKind::Nomination => 15,
        RightsKind::Access
        | RightsKind::Correction
        | RightsKind::Erasure
        | RightsKind::Grievance => 30,
    }
}

pub(super) async fn list(State(inner): State<Shared>) -> HandlerResult {
    let db = inner.db.lock().expect("db lock");
    let items: Vec<RightsRequest> = list_docs(&db, "rights_requests").map_err(internal)?;
    Ok(json_response(StatusCode::OK, &RightsRequestList { items }))
}

pub(super) async fn get(State(inner): State<Shared>, Path(id): Path<String>) -> HandlerResult {
    let db = inner.db.lock().expect("db lock");
    let r: Option<RightsRequest> =
        get_doc(&db, "rights_requests", "request_id", &id).map_err(internal)?;
    r.map(|r| json_response(StatusCode::OK, &r))
        .ok_or_else(|| not_found("rights request", &id))
}

pub(super) async fn create(
    State(inner): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> HandlerResult {
    let (rb, raw): (RightsRequestBody, Value) = parse_json_body(&headers, &body)?;
    max_chars("detail", &rb.detail, 10_000)?;
    if let Some(n) = &rb.nominee {
        max_chars("nominee.name", &n.name, 200)?;
        max_chars("nominee.relationship", &n.relationship, 100)?;
        max_chars("nominee.contact", &n.contact, 200)?;
    }
    let key = idempotency_key(&headers, true)?;
    run_idempotent(
        &inner,
        key,
        (&Method::POST, "/rights-requests", &raw),
        |tx| {
            let t = inner.rights_clock();
            let n: i64 = tx
                .query_row("SELECT COUNT(*) + 1 FROM rights_requests", [], |r| r.get(0))
                .map_err(internal)?;
            let due_days = due_days(rb.kind);
            let r = RightsRequest {
                request_id: format!("rr-{}", uuid::Uuid::new_v4()),
                ticket: format!("KSL-{}-{n:05}", t.format("%Y%m%d")),
                lender_id: inner.lender_id(),
                kind: rb.kind,
                status: RightsStatus::Received,
                detail: rb.detail,
                signal: rb.signal,
                offer_id: rb.offer_id,
                consent_id: rb.consent_id,
                nominee: rb.nominee,
                created_at: t,
                due_by: t + ChronoDuration::days(due_days),
                resolution: None,
                signature: unsigned(),
            };
            let r = sign(&inner, &r)?;
            tx.execute(
                "INSERT INTO rights_requests(request_id, created_at, json) VALUES (?1, ?2, ?3)",
                params![r.request_id, r.created_at.to_rfc3339(), to_json(&r)],
            )
            .map_err(internal)?;
            Ok((StatusCode::CREATED, to_value(&r)))
        },
    )
}
