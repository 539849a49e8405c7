//! What the rules look at: the lenders' signed statements parsed into their wire types, each
//! kept beside its JSON exactly as signed (the evidence a finding shows), and the signal
//! catalogue. Plain data, built from a vault, an export or by hand.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use khata_contract::types as wire;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::log_conflict::LogConflictIn;
use super::requests::BorrowerRequest;

/// A statement parsed into its wire type, with the JSON as signed.
#[derive(Debug, Clone)]
pub struct Stmt<T> {
    pub value: T,
    pub json: Arc<Value>,
}

/// A disclosure and the vault's id for it.
#[derive(Debug, Clone)]
pub struct DisclosureIn {
    pub local_id: Option<i64>,
    pub stmt: Stmt<wire::Disclosure>,
}

/// A signal in a lender's catalogue. The rules classify it with their own table
/// ([`super::regulatory`]) from its category and meaning; its regulatory flags are the lender's
/// word and only ever add to what the table finds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalMeta {
    /// The lender whose catalogue it is; `None` for a catalogue kept for every lender at once
    /// (exports made before catalogues were kept per lender).
    #[serde(default)]
    pub lender_id: Option<String>,
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// W3C DPV personal-data category, e.g. `pd:Contact`; empty when unknown.
    #[serde(default)]
    pub category: String,
    pub regulatory_flags: Vec<String>,
}

/// Everything the rules look at. Plain data: build it from a vault, an export or by hand.
#[derive(Debug, Clone, Default)]
pub struct AuditInput {
    /// "Now" for data-life checks (Unix ms).
    pub now_ms: i64,
    /// The lenders' signal catalogues (see [`SignalMeta`]).
    pub signals: Vec<SignalMeta>,
    /// Every version of every consent artefact seen.
    pub consents: Vec<Stmt<wire::Consent>>,
    pub receipts: Vec<Stmt<wire::Receipt>>,
    pub disclosures: Vec<DisclosureIn>,
    pub offers: Vec<Stmt<wire::Offer>>,
    pub quotes: Vec<Stmt<wire::Quote>>,
    /// What the borrower asked (decisions, revocations, pauses, resumes), from the borrower's
    /// own records: the measure every receipt and returned consent is checked against.
    pub requests: Vec<BorrowerRequest>,
    /// Where a lender's disclosure log contradicted itself at sync (see [`LogConflictIn`]).
    pub log_conflicts: Vec<LogConflictIn>,
    /// What the borrower's own phone recorded: one source per imported file or capture, and
    /// the observations kept from each (their `source` is the source's SHA-256). The lender of
    /// an observation is its source's `lender_id` (see [`super::rules::phone`]).
    pub phone_sources: Vec<crate::phone::PhoneSource>,
    pub observations: Vec<crate::phone::Observation>,
    /// Each lender's API base URL, as `(lender id, URL)`: a domain under its host is the
    /// lender's own for `observed-unnamed-recipient`.
    pub lender_api_bases: Vec<(String, String)>,
    /// Statements that did not parse, as "kind id: reason".
    pub unreadable: Vec<String>,
}

/// The typed reading of a statement, with its JSON kept as signed. A redactable (v2) statement is
/// read revealed: withheld members read as empty, and disclosures that do not match their
/// commitments make it unreadable (tampered).
fn parse<T: serde::de::DeserializeOwned>(json: Value) -> Result<Stmt<T>, String> {
    let read = if json.get(khata_contract::redact::SD).is_some() {
        let plain = khata_contract::redact::plain(json.clone()).map_err(|e| e.to_string())?;
        T::deserialize(&plain)
    } else {
        T::deserialize(&json)
    };
    match read {
        Ok(value) => Ok(Stmt {
            value,
            json: Arc::new(json),
        }),
        Err(e) => Err(e.to_string()),
    }
}

fn label(kind: &str, json: &Value) -> String {
    let id = [
        "disclosureId",
        "consentId",
        "receiptId",
        "offerId",
        "quoteId",
    ]
    .iter()
    .find_map(|k| json.get(k).and_then(Value::as_str))
    .unwrap_or("?");
    format!("{kind} {id}")
}

impl AuditInput {
    /// Adds one signed statement of `kind` (`consent`, `receipt`, `offer`, `quote`, or
    /// `disclosure` with `local_id`). Unparseable ones go to `unreadable`.
    pub fn add_statement(&mut self, kind: &str, json: Value, local_id: Option<i64>) {
        let l = label(kind, &json);
        let r = match kind {
            "consent" => parse(json).map(|s| self.consents.push(s)),
            "receipt" => parse(json).map(|s| self.receipts.push(s)),
            "offer" => parse(json).map(|s| self.offers.push(s)),
            "quote" => parse(json).map(|s| self.quotes.push(s)),
            "disclosure" => {
                parse(json).map(|stmt| self.disclosures.push(DisclosureIn { local_id, stmt }))
            }
            other => Err(format!("unknown statement kind {other:?}")),
        };
        if let Err(e) = r {
            self.unreadable.push(format!("{l}: {e}"));
        }
    }
}

impl AuditInput {
    /// Adds one of the borrower's own requests as recorded (see [`BorrowerRequest`]); one
    /// that does not parse goes to `unreadable`.
    pub fn add_request(&mut self, json: &Value) {
        match BorrowerRequest::deserialize(json) {
            Ok(r) => self.requests.push(r),
            Err(e) => {
                let id = json.get("id").and_then(Value::as_str).unwrap_or("?");
                self.unreadable.push(format!("borrower request {id}: {e}"));
            }
        }
    }

    /// The borrower's decision on consent request `request_id` of `lender_id`, if recorded.
    pub(crate) fn decision(&self, lender_id: &str, request_id: &str) -> Option<&BorrowerRequest> {
        self.requests.iter().find(|r| {
            matches!(r, BorrowerRequest::Decision { id, lender_id: l, .. }
                if id == request_id && l == lender_id)
        })
    }

    /// The consent action whose deliveries carried `key`, if recorded.
    pub(crate) fn action_by_key(&self, key: &str) -> Option<&BorrowerRequest> {
        self.requests.iter().find(|r| {
            matches!(r, BorrowerRequest::ConsentAction { idempotency_key, .. }
                if idempotency_key == key)
        })
    }
}

/// One disclosure statement read as [`AuditInput::add_statement`] reads it, without keeping it:
/// the typed statement, or the line it would file under `unreadable`. The streaming audits fall
/// back on it for the records their own typed parse refused, so answer and message stay the same.
pub fn parse_disclosure(json: &Value) -> Result<wire::Disclosure, String> {
    wire::Disclosure::deserialize(json).map_err(|e| format!("{}: {e}", label("disclosure", json)))
}

pub(crate) fn ms(t: &DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// A leaf of a lender's disclosure log (contract v2) in the shape the rules read a disclosure
/// in. A leaf has no id or signature of its own: its id is its place in the log (`leaf N`),
/// and the lender's signed tree heads cover it. A withheld value digest reads as `withheld`.
pub fn leaf_disclosure(
    lender_id: &str,
    leaf: &khata_contract::log::DisclosureLeaf,
) -> wire::Disclosure {
    let time = |ms: i64| DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
    let digest = leaf
        .value_digest
        .as_deref()
        .and_then(|d| khata_contract::merkle::decode_hash(d).ok())
        .map_or_else(
            || "withheld".to_owned(),
            |d| format!("sha256:{}", hex::encode(d)),
        );
    wire::Disclosure {
        disclosure_id: format!("leaf {}", leaf.index),
        seq: leaf.index + 1,
        lender_id: lender_id.to_owned(),
        signal: leaf.signal.clone(),
        collected_at: time(leaf.collected_at),
        purpose: leaf.purpose.clone(),
        consent_id: leaf.consent_id.clone(),
        data_range: wire::DataRange {
            from: time(leaf.data_range.from),
            to: time(leaf.data_range.to),
        },
        value_digest: digest,
        onward_recipient: leaf.onward_recipient.clone(),
        signature: khata_contract::signing::unsigned(),
    }
}
