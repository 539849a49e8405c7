//! Consents after the decision: reading them, expiring them, and revoking, pausing or resuming
//! them, each change a new signed version with a signed receipt.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use khata_contract::redact;
use khata_lending::signing::unsigned;
use khata_lending::types::*;
use rusqlite::{Connection, params};
use serde_json::{Value, json};

use super::collection::collect_round;
use super::idempotency::{idempotency_key, run_idempotent};
use super::problem::{conflict, internal, json_response, not_found, unprocessable};
use super::request::{max_chars, parse_json_body};
use super::{HandlerResult, Inner, Shared, now, sign_redactable, to_value};
use crate::store::{get_doc, get_raw, list_docs, list_raw};

/// Signs a consent version as a redactable statement and stores it; returns it as served.
pub(super) fn save_consent(
    inner: &Inner,
    tx: &Connection,
    c: &Consent,
    new: bool,
) -> Result<Value, Response> {
    let signed = sign_redactable(inner, c, redact::CONSENT_PATHS)?;
    let json = signed.to_string();
    if new {
        tx.execute(
            "INSERT INTO consents(consent_id, created_at, json) VALUES (?1, ?2, ?3)",
            params![c.consent_id, c.create_timestamp.to_rfc3339(), json],
        )
    } else {
        tx.execute(
            "UPDATE consents SET json = ?2 WHERE consent_id = ?1",
            params![c.consent_id, json],
        )
    }
    .map_err(internal)?;
    tx.execute(
        "INSERT INTO consent_versions(consent_id, version, json) VALUES (?1, ?2, ?3)",
        params![c.consent_id, c.version, json],
    )
    .map_err(internal)?;
    Ok(signed)
}

/// Consents past `consentExpiry` become EXPIRED: a new version, signed again, so the borrower
/// holds the lender's statement of when it stopped relying on the consent. Done lazily whenever
/// consents are read or acted on.
pub(super) fn expire_due(inner: &Inner, conn: &Connection) -> Result<(), Response> {
    let t = now();
    let consents: Vec<Consent> = list_docs(conn, "consents").map_err(internal)?;
    for mut c in consents {
        if matches!(c.status, ConsentStatus::Active | ConsentStatus::Paused)
            && t >= c.consent_expiry
        {
            c.status = ConsentStatus::Expired;
            c.version += 1;
            c.updated_at = t;
            save_consent(inner, conn, &c, false)?;
        }
    }
    Ok(())
}

pub(super) async fn list(State(inner): State<Shared>) -> HandlerResult {
    let db = inner.db.lock().expect("db lock");
    expire_due(&inner, &db)?;
    let items = list_raw(&db, "consents").map_err(internal)?;
    Ok(json_response(StatusCode::OK, &json!({ "items": items })))
}

pub(super) async fn get(State(inner): State<Shared>, Path(id): Path<String>) -> HandlerResult {
    let db = inner.db.lock().expect("db lock");
    expire_due(&inner, &db)?;
    let c = get_raw(&db, "consents", "consent_id", &id).map_err(internal)?;
    c.map(|c| json_response(StatusCode::OK, &c))
        .ok_or_else(|| not_found("consent", &id))
}

pub(super) async fn revoke(
    State(inner): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> HandlerResult {
    let (rb, raw): (RevokeBody, Value) = parse_json_body(&headers, &body)?;
    max_chars("reason", rb.reason.as_deref().unwrap_or(""), 1000)?;
    let key = idempotency_key(&headers, true)?;
    let resp = consent_action(&inner, &id, key, &raw, ConsentAction::Revoke, |c| {
        if matches!(c.status, ConsentStatus::Revoked | ConsentStatus::Expired) {
            return Err(conflict(format!("the consent is already {:?}", c.status)));
        }
        let live = live_signals(c);
        let targets = match &rb.signals {
            None => live.clone(),
            Some(list) => {
                if list.is_empty() {
                    return Err(unprocessable(
                        "signals must not be empty; omit it to revoke the whole consent",
                    ));
                }
                for s in list {
                    if !live.contains(s) {
                        return Err(unprocessable(format!(
                            "signal {s:?} is not granted (or already revoked) in this consent"
                        )));
                    }
                }
                let mut l = list.clone();
                l.dedup();
                l
            }
        };
        for s in &targets {
            if !c.signals_revoked.contains(s) {
                c.signals_revoked.push(s.clone());
            }
        }
        if rb.signals.is_none() || c.signals_revoked.len() == c.signals_granted.len() {
            c.status = ConsentStatus::Revoked;
        }
        Ok(targets)
    })?;
    if inner.scenario.over_collects() {
        // It keeps collecting regardless.
        if let Err(r) = collect_round(&inner) {
            tracing::warn!(status = %r.status(), "collection round failed");
        }
    }
    Ok(resp)
}

pub(super) async fn pause(
    State(inner): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> HandlerResult {
    let change = [ConsentStatus::Active, ConsentStatus::Paused];
    let only = "an ACTIVE consent can be paused";
    switch_status(
        &inner,
        &id,
        &headers,
        &body,
        ConsentAction::Pause,
        change,
        only,
    )
}

pub(super) async fn resume(
    State(inner): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> HandlerResult {
    let change = [ConsentStatus::Paused, ConsentStatus::Active];
    let only = "a PAUSED consent can be resumed";
    switch_status(
        &inner,
        &id,
        &headers,
        &body,
        ConsentAction::Resume,
        change,
        only,
    )
}

/// Pause and resume: a consent in status `from` moves to `to`, every live signal affected;
/// in any other status the lender answers that `only` (e.g. "an ACTIVE consent can be paused").
fn switch_status(
    inner: &Inner,
    id: &str,
    headers: &HeaderMap,
    body: &Bytes,
    action: ConsentAction,
    [from, to]: [ConsentStatus; 2],
    only: &str,
) -> HandlerResult {
    let (sb, raw): (StatusChangeBody, Value) = parse_json_body(headers, body)?;
    max_chars("reason", sb.reason.as_deref().unwrap_or(""), 1000)?;
    let key = idempotency_key(headers, true)?;
    consent_action(inner, id, key, &raw, action, |c| {
        if c.status != from {
            return Err(conflict(format!("only {only} (it is {:?})", c.status)));
        }
        c.status = to;
        Ok(live_signals(c))
    })
}

pub(super) fn live_signals(c: &Consent) -> Vec<String> {
    c.signals_granted
        .iter()
        .filter(|s| !c.signals_revoked.contains(s))
        .cloned()
        .collect()
}

/// Loads the consent, applies `change` (which returns the signals affected), re-signs the new
/// version and issues a signed receipt — all inside the idempotent transaction.
fn consent_action(
    inner: &Inner,
    id: &str,
    key: Option<String>,
    raw: &Value,
    action: ConsentAction,
    change: impl FnOnce(&mut Consent) -> Result<Vec<String>, Response>,
) -> HandlerResult {
    let verb = match action {
        ConsentAction::Revoke => "revoke",
        ConsentAction::Pause => "pause",
        ConsentAction::Resume => "resume",
    };
    let path = format!("/consents/{id}/{verb}");
    let idem = key.clone().unwrap_or_default();
    expire_due(inner, &inner.db.lock().expect("db lock"))?;
    run_idempotent(inner, key, (&Method::POST, &path, raw), |tx| {
        let mut c: Consent = get_doc(tx, "consents", "consent_id", id)
            .map_err(internal)?
            .ok_or_else(|| not_found("consent", id))?;
        let signals = change(&mut c)?;
        let hostile = inner.faults.read().expect("faults lock").clone();
        if hostile.receipt_keeps_active && action == ConsentAction::Revoke {
            c.status = ConsentStatus::Active;
        }
        let t = now();
        c.version += 1;
        c.updated_at = t;
        let served = save_consent(inner, tx, &c, false)?;
        let receipt = Receipt {
            receipt_id: format!("rcpt-{}", uuid::Uuid::new_v4()),
            consent_id: c.consent_id.clone(),
            action,
            signals,
            effective_at: if hostile.future_receipts {
                t + chrono::Duration::days(75 * 365)
            } else {
                t
            },
            idempotency_key: idem,
            consent: c,
            signature: unsigned(),
        };
        // The receipt embeds the consent's commitments, not its values: those are in the
        // consent statement itself, so sharing a receipt never discloses the customer id.
        let mut value = to_value(&receipt);
        let mut embedded = served;
        if let Some(map) = embedded.as_object_mut() {
            map.remove(redact::DISCLOSED);
        }
        value["consent"] = embedded;
        let signed = sign_redactable(inner, &value, &[])?;
        tx.execute(
            "INSERT INTO receipts(receipt_id, consent_id, action, effective_at, json) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                receipt.receipt_id,
                receipt.consent_id,
                verb,
                receipt.effective_at.to_rfc3339(),
                signed.to_string()
            ],
        )
        .map_err(internal)?;
        Ok((StatusCode::OK, signed))
    })
}
