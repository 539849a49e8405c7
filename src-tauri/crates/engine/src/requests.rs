//! The borrower's requests as the engine records them before anything is sent (a decision with
//! the terms its request showed; a revoke, pause or resume with its idempotency key), and how
//! they bound what a lender's answer may change locally: a receipt that contradicts its request
//! confirms nothing, and a consent never grants locally what the borrower did not.

use khata_evidence::audit::BorrowerRequest;
use khata_lending::types as wire;
use khata_vault::{
    BorrowerRequestRow, ConsentAction, ConsentActionKind, OutboxItem, OutboxMessage, Vault,
};

use crate::error::Result;

/// The record of a consent action, in the shape the audit reads.
pub(crate) fn action_record(a: &ConsentAction) -> String {
    let req = BorrowerRequest::ConsentAction {
        id: a.revocation.id.clone(),
        lender_id: a.revocation.lender_id.clone(),
        consent_id: a.revocation.consent_id.clone(),
        action: wire_action(a.action),
        signals: a.signals.clone(),
        requested_at: a.revocation.requested_at,
        idempotency_key: a
            .outbox
            .as_ref()
            .map(|o| o.idempotency_key.clone())
            .unwrap_or_default(),
    };
    String::from_utf8(req.canonical_bytes()).expect("JSON is UTF-8")
}

fn wire_action(a: ConsentActionKind) -> wire::ConsentAction {
    match a {
        ConsentActionKind::Revoke => wire::ConsentAction::Revoke,
        ConsentActionKind::Pause => wire::ConsentAction::Pause,
        ConsentActionKind::Resume => wire::ConsentAction::Resume,
    }
}

/// The row recording the borrower's decision on `req` (`granted`; every other requested signal
/// denied) at `now`.
pub(crate) fn decision_row(
    req: &wire::ConsentRequest,
    lender_id: &str,
    granted: Vec<String>,
    now: i64,
) -> BorrowerRequestRow {
    let denied = req
        .signals
        .iter()
        .filter(|s| !granted.contains(s))
        .cloned()
        .collect();
    let record = BorrowerRequest::Decision {
        id: req.request_id.clone(),
        lender_id: lender_id.into(),
        decided_at: now,
        granted,
        denied,
        purpose_code: req.purpose.code.clone(),
        consent_expiry: req.consent_expiry.timestamp_millis(),
        fetch_type: req.fetch_type,
        frequency: req.frequency,
        data_life: req.data_life,
    };
    BorrowerRequestRow {
        id: req.request_id.clone(),
        lender_id: lender_id.into(),
        kind: "decision".into(),
        requested_at: now,
        record: String::from_utf8(record.canonical_bytes()).expect("JSON is UTF-8"),
    }
}

/// A recorded request, parsed; `None` when there is none (or it no longer parses).
pub(crate) fn recorded(v: &Vault, id: &str) -> Result<Option<BorrowerRequest>> {
    Ok(v.borrower_request(id)?
        .and_then(|row| serde_json::from_str(&row.record).ok()))
}

/// The borrower's recorded decision on consent request `request_id` of `lender_id`.
pub(crate) fn decision(
    v: &Vault,
    request_id: &str,
    lender_id: &str,
) -> Result<Option<BorrowerRequest>> {
    Ok(recorded(v, request_id)?
        .filter(|d| matches!(d, BorrowerRequest::Decision { lender_id: l, .. } if l == lender_id)))
}

/// The request an outbox message carries, for a consent action queued before requests were
/// recorded (the message and its key say what was asked; its queueing time is when).
pub(crate) fn from_outbox(item: &OutboxItem) -> Option<BorrowerRequest> {
    let (consent_id, action, signals) = match &item.message {
        OutboxMessage::Revoke {
            consent_id,
            signals,
        } => (consent_id, wire::ConsentAction::Revoke, signals.clone()),
        OutboxMessage::Pause { consent_id } => (consent_id, wire::ConsentAction::Pause, vec![]),
        OutboxMessage::Resume { consent_id } => (consent_id, wire::ConsentAction::Resume, vec![]),
        _ => return None,
    };
    Some(BorrowerRequest::ConsentAction {
        id: item.record_id.clone(),
        lender_id: item.lender_id.clone(),
        consent_id: consent_id.clone(),
        action,
        signals,
        requested_at: item.created_at,
        idempotency_key: item.idempotency_key.clone(),
    })
}

/// Every recorded request as JSON, for the audit and the export.
pub(crate) fn all_records(v: &Vault) -> Result<Vec<serde_json::Value>> {
    let mut records: Vec<serde_json::Value> = v
        .borrower_requests()?
        .into_iter()
        .filter_map(|row| serde_json::from_str(&row.record).ok())
        .collect();
    // The export's canonical order, which the verifier checks.
    records.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    Ok(records)
}

/// Keeps the borrower's decision as the local truth: a signal is granted locally only if the
/// borrower granted it, and every signal the borrower denied stays denied, whatever the
/// lender's artefact says (the artefact itself is kept as signed, as evidence).
pub(crate) fn hold_borrower_choice(rec: &mut khata_vault::Consent, decision: &BorrowerRequest) {
    let BorrowerRequest::Decision {
        granted, denied, ..
    } = decision
    else {
        return;
    };
    rec.signals_granted.retain(|s| granted.contains(s));
    for s in denied {
        if !rec.signals_denied.contains(s) {
            rec.signals_denied.push(s.clone());
        }
    }
}
