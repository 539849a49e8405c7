//! Rights requests (access, correction, erasure, grievance, human review): filed by the
//! borrower, ticketed and signed by the lender, with a due date.

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
use super::{HandlerResult, Shared, now, sign, to_value};
use crate::store::{get_doc, list_docs, to_json};

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
    let key = idempotency_key(&headers, true)?;
    run_idempotent(
        &inner,
        key,
        (&Method::POST, "/rights-requests", &raw),
        |tx| {
            let t = now();
            let n: i64 = tx
                .query_row("SELECT COUNT(*) + 1 FROM rights_requests", [], |r| r.get(0))
                .map_err(internal)?;
            // DPDP rules expect grievances answered within 90 days at most; the sandbox promises 30
            // (7 for a human review of an automated decision).
            let due_days = match rb.kind {
                RightsKind::HumanReview => 7,
                _ => 30,
            };
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
