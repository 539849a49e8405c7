//! Offers and what-if quotes, both scored by the scorecard from the signals a consent grants
//! (a quote: minus the ones the borrower would withhold). An approved offer carries its Key Fact
//! Statement ([`crate::kfs`]); quotes do not.

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use khata_contract::redact;
use khata_lending::signing::unsigned;
use khata_lending::types::*;
use rusqlite::{Connection, params};
use serde_json::{Value, json};

use super::idempotency::{idempotency_key, run_idempotent};
use super::problem::{conflict, internal, json_response, not_found, unprocessable};
use super::request::parse_json_body;
use super::{HandlerResult, Inner, Shared, now, sign_redactable};
use crate::scorecard;
use crate::store::{get_doc, get_raw, list_docs, list_raw};

pub(super) fn make_offer(
    inner: &Inner,
    tx: &Connection,
    consent: &Consent,
) -> Result<Offer, Response> {
    let granted: HashSet<&str> = consent.signals_granted.iter().map(String::as_str).collect();
    let mut scored = scorecard::score(&inner.scenario.values(), &|s| granted.contains(s));
    if inner.faults.read().expect("faults lock").offer_off_quote
        && scored.decision == OfferDecision::Approved
    {
        scored.apr_monthly_bps += 50;
    }
    let created_at = now();
    let lender_id = inner.lender_id();
    // An approved offer carries its Key Fact Statement; a declined one has nothing to state.
    let kfs = match scored.decision {
        OfferDecision::Approved => crate::kfs::statement(
            scored.amount_inr,
            scored.apr_monthly_bps,
            scored.tenure_months,
            created_at,
            inner.scenario.apr_stated(),
            &crate::phone_report::app_ids(&lender_id).0,
        ),
        OfferDecision::Declined => None,
    };
    let offer = Offer {
        kfs,
        offer_id: format!("offer-{}", uuid::Uuid::new_v4()),
        consent_id: consent.consent_id.clone(),
        lender_id,
        created_at,
        decision: scored.decision,
        amount_inr: scored.amount_inr,
        apr_monthly_bps: scored.apr_monthly_bps,
        tenure_months: scored.tenure_months,
        explanation: scored.explanation,
        signature: unsigned(),
    };
    let signed = sign_redactable(inner, &offer, redact::EXPLANATION_PATHS)?;
    tx.execute(
        "INSERT INTO offers(offer_id, created_at, json) VALUES (?1, ?2, ?3)",
        params![
            offer.offer_id,
            offer.created_at.to_rfc3339(),
            signed.to_string()
        ],
    )
    .map_err(internal)?;
    Ok(offer)
}

pub(super) async fn list(State(inner): State<Shared>) -> HandlerResult {
    let db = inner.db.lock().expect("db lock");
    let items = list_raw(&db, "offers").map_err(internal)?;
    Ok(json_response(StatusCode::OK, &json!({ "items": items })))
}

pub(super) async fn get(State(inner): State<Shared>, Path(id): Path<String>) -> HandlerResult {
    let db = inner.db.lock().expect("db lock");
    let o = get_raw(&db, "offers", "offer_id", &id).map_err(internal)?;
    o.map(|o| json_response(StatusCode::OK, &o))
        .ok_or_else(|| not_found("offer", &id))
}

pub(super) async fn quote(
    State(inner): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> HandlerResult {
    let (qb, raw): (QuoteBody, Value) = parse_json_body(&headers, &body)?;
    let key = idempotency_key(&headers, false)?;
    run_idempotent(&inner, key, (&Method::POST, "/quotes", &raw), |tx| {
        let q = match &qb.request_id {
            Some(request_id) => {
                if qb.offer_id.is_some() {
                    return Err(unprocessable("give offerId or requestId, not both"));
                }
                request_quote(&inner, tx, request_id, &qb.withhold)?
            }
            None => offer_quote(&inner, tx, &qb)?,
        };
        Ok((
            StatusCode::OK,
            sign_redactable(&inner, &q, redact::EXPLANATION_PATHS)?,
        ))
    })
}

/// A what-if of an offer already made: re-scores exactly the signals the offer used, minus the
/// withheld ones.
fn offer_quote(inner: &Inner, tx: &Connection, qb: &QuoteBody) -> Result<Quote, Response> {
    let offer: Offer = match &qb.offer_id {
        Some(id) => get_doc(tx, "offers", "offer_id", id)
            .map_err(internal)?
            .ok_or_else(|| not_found("offer", id))?,
        None => list_docs::<Offer>(tx, "offers")
            .map_err(internal)?
            .into_iter()
            .next()
            .ok_or_else(|| conflict("there is no offer yet; decide a consent request first"))?,
    };
    for s in &qb.withhold {
        if scorecard::find(s).is_none() {
            return Err(unprocessable(format!("unknown signal {s:?}")));
        }
    }
    let used: HashSet<&str> = offer
        .explanation
        .contributions
        .iter()
        .filter(|c| c.bin != "missing")
        .map(|c| c.signal.as_str())
        .collect();
    let withheld: HashSet<&str> = qb.withhold.iter().map(String::as_str).collect();
    let scored = scorecard::score(&inner.scenario.values(), &|s| {
        used.contains(s) && !withheld.contains(s)
    });
    Ok(soft_quote(
        inner,
        offer.offer_id.clone(),
        None,
        &withheld,
        scored,
    ))
}

/// A quote of a pending consent request before any consent: the offer the borrower would get
/// granting every requested signal except the withheld ones, scored as the decision would be.
fn request_quote(
    inner: &Inner,
    tx: &Connection,
    request_id: &str,
    withhold: &[String],
) -> Result<Quote, Response> {
    let req: ConsentRequest = get_doc(tx, "consent_requests", "request_id", request_id)
        .map_err(internal)?
        .ok_or_else(|| not_found("consent request", request_id))?;
    if req.status != ConsentRequestStatus::Pending {
        return Err(conflict("this consent request was already decided"));
    }
    let requested: HashSet<&str> = req.signals.iter().map(String::as_str).collect();
    if let Some(s) = withhold.iter().find(|s| !requested.contains(s.as_str())) {
        return Err(unprocessable(format!("signal {s:?} was not requested")));
    }
    let withheld: HashSet<&str> = withhold.iter().map(String::as_str).collect();
    let scored = scorecard::score(&inner.scenario.values(), &|s| {
        requested.contains(s) && !withheld.contains(s)
    });
    Ok(soft_quote(
        inner,
        String::new(),
        Some(req.request_id),
        &withheld,
        scored,
    ))
}

fn soft_quote(
    inner: &Inner,
    offer_id: String,
    request_id: Option<String>,
    withheld: &HashSet<&str>,
    scored: scorecard::Scored,
) -> Quote {
    let mut w: Vec<String> = withheld.iter().map(|s| s.to_string()).collect();
    w.sort();
    Quote {
        request_id,
        quote_id: format!("quote-{}", uuid::Uuid::new_v4()),
        offer_id,
        lender_id: inner.lender_id(),
        created_at: now(),
        withheld: w,
        soft: true,
        decision: scored.decision,
        amount_inr: scored.amount_inr,
        apr_monthly_bps: scored.apr_monthly_bps,
        tenure_months: scored.tenure_months,
        explanation: scored.explanation,
        signature: unsigned(),
    }
}
