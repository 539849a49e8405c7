//! What the borrower asked, in the borrower's own words: each consent decision and each
//! revoke, pause or resume, recorded in the borrower's vault (and its hash-chained ledger) at the
//! moment it was made, before anything was sent. A lender's answer is judged against these,
//! never the other way round: a receipt is a confirmation only when it says what was asked, and
//! a revocation counts from the borrower's request even if the lender never answers.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use khata_contract::types as wire;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::finding::Evidence;

/// How far a receipt's `effectiveAt` may sit outside the span from the borrower's request to
/// the receipt's arrival: five minutes. Two honest clocks (a phone's and a lender's server,
/// both NTP-synchronised in practice) disagree by seconds; five minutes also covers a phone
/// whose clock was set by hand. A receipt outside the span claims the action took effect before
/// the borrower asked for it, or at a time that has not come yet (`effectiveAt` in 2100).
pub const RECEIPT_CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;

/// How long a lender has to acknowledge a revocation with a valid receipt before
/// `revocation-unacknowledged` fires: 72 hours. The outbox retries with backoff capped at
/// minutes, so an honest lender that is reachable at all answers within minutes; three days
/// rides out a long weekend's outage. It is the same order as the 72-hour windows data
/// protection law sets for acting on personal-data incidents (GDPR Art. 33, CERT-In's
/// directions are shorter still); the lending contract itself states no deadline, so this is
/// Khata's, not a regulator's.
pub const REVOCATION_ACK_DEADLINE_MS: i64 = 72 * 60 * 60 * 1000;

/// One thing the borrower asked of a lender, as the borrower's vault recorded it. Serialised
/// (tagged by `type`, fields in camelCase) into the ledger entry `borrower.request` and into
/// the export's `borrowerRequests`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum BorrowerRequest {
    /// Revoke (the whole consent when `signals` is empty), pause or resume.
    ConsentAction {
        /// The vault's id for the action (its revocation record).
        id: String,
        lender_id: String,
        consent_id: String,
        action: wire::ConsentAction,
        signals: Vec<String>,
        /// When the borrower asked (Unix ms).
        requested_at: i64,
        /// The key every delivery of this request carries; the receipt must echo it.
        idempotency_key: String,
    },
    /// The borrower's answer to a consent request, with the terms the request showed.
    Decision {
        /// The consent request's id (a consent's `requestId` names it).
        id: String,
        lender_id: String,
        decided_at: i64,
        granted: Vec<String>,
        denied: Vec<String>,
        purpose_code: String,
        /// The expiry the request showed (Unix ms).
        consent_expiry: i64,
        fetch_type: wire::FetchType,
        frequency: wire::Frequency,
        data_life: wire::DataLife,
    },
}

impl BorrowerRequest {
    /// The record's id (ledger `record_id`).
    pub fn id(&self) -> &str {
        match self {
            BorrowerRequest::ConsentAction { id, .. } | BorrowerRequest::Decision { id, .. } => id,
        }
    }

    /// The canonical bytes kept in (and hashed into) the ledger: the JSON value with its
    /// members in sorted order, so a verifier re-encoding the exported value gets the same bytes.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let v = serde_json::to_value(self).expect("a request serialises");
        serde_json::to_vec(&v).expect("a value serialises")
    }

    /// This request as evidence beside a finding (the borrower's own record, not a lender's
    /// signed statement).
    pub fn evidence(&self) -> Evidence {
        Evidence {
            kind: "borrower-request".into(),
            id: self.id().into(),
            statement: Arc::new(serde_json::to_value(self).unwrap_or(Value::Null)),
        }
    }
}

/// Where a receipt contradicts the request it answers: the field and what was asked and
/// answered, as text for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contradiction {
    /// `consentId`, `action`, `signals`, `status`, `signalsRevoked` or `effectiveAt`.
    pub field: &'static str,
    pub asked: String,
    pub answered: String,
}

fn action_name(a: wire::ConsentAction) -> String {
    serde_json::to_value(a)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn status_name(s: wire::ConsentStatus) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn sorted(v: &[String]) -> Vec<String> {
    let mut v = v.to_vec();
    v.sort();
    v.dedup();
    v
}

/// Checks a receipt against the consent action it answers (matched by idempotency key).
/// `arrived_at` is when it arrived (the engine knows; an audit of a file uses its own "now").
/// Empty when the receipt says what was asked: the consent, the action, the signals (for a
/// per-signal revocation), the consent's new status (REVOKED for a whole revocation, PAUSED
/// after a pause, ACTIVE after a resume; the revoked signals listed as revoked) and an
/// `effectiveAt` no earlier than the request and no later than its arrival, give or take
/// [`RECEIPT_CLOCK_SKEW_MS`]. A request that is not a consent action contradicts nothing.
pub fn check_receipt(
    request: &BorrowerRequest,
    receipt: &wire::Receipt,
    arrived_at: i64,
) -> Vec<Contradiction> {
    let BorrowerRequest::ConsentAction {
        consent_id,
        action,
        signals,
        requested_at,
        ..
    } = request
    else {
        return vec![];
    };
    let mut out = vec![];
    if receipt.consent_id != *consent_id || receipt.consent.consent_id != *consent_id {
        let answered = if receipt.consent_id != *consent_id {
            receipt.consent_id.clone()
        } else {
            receipt.consent.consent_id.clone()
        };
        out.push(Contradiction {
            field: "consentId",
            asked: consent_id.clone(),
            answered,
        });
    }
    if receipt.action != *action {
        out.push(Contradiction {
            field: "action",
            asked: action_name(*action),
            answered: action_name(receipt.action),
        });
    }
    let want_status = match action {
        wire::ConsentAction::Revoke if signals.is_empty() => Some(wire::ConsentStatus::Revoked),
        wire::ConsentAction::Revoke => None,
        wire::ConsentAction::Pause => Some(wire::ConsentStatus::Paused),
        wire::ConsentAction::Resume => Some(wire::ConsentStatus::Active),
    };
    if *action == wire::ConsentAction::Revoke && !signals.is_empty() {
        if sorted(&receipt.signals) != sorted(signals) {
            out.push(Contradiction {
                field: "signals",
                asked: sorted(signals).join(","),
                answered: sorted(&receipt.signals).join(","),
            });
        }
        let missing: Vec<String> = signals
            .iter()
            .filter(|s| !receipt.consent.signals_revoked.contains(s))
            .cloned()
            .collect();
        if !missing.is_empty() {
            out.push(Contradiction {
                field: "signalsRevoked",
                asked: sorted(signals).join(","),
                answered: sorted(&receipt.consent.signals_revoked).join(","),
            });
        }
    }
    if let Some(want) = want_status
        && receipt.consent.status != want
    {
        out.push(Contradiction {
            field: "status",
            asked: status_name(want),
            answered: status_name(receipt.consent.status),
        });
    }
    let eff = receipt.effective_at.timestamp_millis();
    let lo = requested_at.saturating_sub(RECEIPT_CLOCK_SKEW_MS);
    let hi = arrived_at.saturating_add(RECEIPT_CLOCK_SKEW_MS);
    if eff < lo || eff > hi {
        out.push(Contradiction {
            field: "effectiveAt",
            asked: format!("{} .. {}", iso(lo), iso(hi)),
            answered: iso(eff),
        });
    }
    out
}

fn iso(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| ms.to_string())
}

/// Where a consent returned for a decision departs from what the borrower chose and the
/// request showed (empty when it does not). Granting a signal the borrower denied or never
/// granted, dropping a denial, or another purpose, expiry, fetch type, frequency or data life.
pub fn check_consent(request: &BorrowerRequest, c: &wire::Consent) -> Vec<Contradiction> {
    let BorrowerRequest::Decision {
        granted,
        denied,
        purpose_code,
        consent_expiry,
        fetch_type,
        frequency,
        data_life,
        ..
    } = request
    else {
        return vec![];
    };
    let mut out = vec![];
    let extra: Vec<&String> = c
        .signals_granted
        .iter()
        .filter(|s| !granted.contains(s))
        .collect();
    if !extra.is_empty() {
        out.push(Contradiction {
            field: "signalsGranted",
            asked: sorted(granted).join(","),
            answered: sorted(&c.signals_granted).join(","),
        });
    }
    if denied.iter().any(|s| !c.signals_denied.contains(s)) {
        out.push(Contradiction {
            field: "signalsDenied",
            asked: sorted(denied).join(","),
            answered: sorted(&c.signals_denied).join(","),
        });
    }
    if c.purpose.code != *purpose_code {
        out.push(Contradiction {
            field: "purpose",
            asked: purpose_code.clone(),
            answered: c.purpose.code.clone(),
        });
    }
    if c.consent_expiry.timestamp_millis() != *consent_expiry {
        out.push(Contradiction {
            field: "consentExpiry",
            asked: iso(*consent_expiry),
            answered: iso(c.consent_expiry.timestamp_millis()),
        });
    }
    let text = |v: Value| match v {
        Value::String(s) => s,
        other => other.to_string(),
    };
    if c.fetch_type != *fetch_type {
        out.push(Contradiction {
            field: "fetchType",
            asked: text(serde_json::to_value(fetch_type).unwrap_or_default()),
            answered: text(serde_json::to_value(c.fetch_type).unwrap_or_default()),
        });
    }
    if c.frequency != *frequency {
        out.push(Contradiction {
            field: "frequency",
            asked: text(serde_json::to_value(frequency).unwrap_or_default()),
            answered: text(serde_json::to_value(c.frequency).unwrap_or_default()),
        });
    }
    if c.data_life != *data_life {
        out.push(Contradiction {
            field: "dataLife",
            asked: text(serde_json::to_value(data_life).unwrap_or_default()),
            answered: text(serde_json::to_value(c.data_life).unwrap_or_default()),
        });
    }
    out
}
