//! What of an export is covered, and what the verifier names as not. Every part an auditor
//! reads is either covered (by a lender's signature, by the vault's ledger, or by a check
//! against one of those) or listed in [`UNVERIFIED`]; nothing else can change and still verify.
//!
//! Order is covered too: every array is written in one canonical order, which the verifier
//! checks, so swapping two consent events (given and withdrawn), two artefact versions, two
//! privacy rights or two catalogue entries is refused rather than passed. The exporter sorts
//! with the keys defined here ([`event_order`], [`statement_order`]), so writer and checker
//! cannot drift apart.

use std::cmp::Ordering;

use khata_contract::redact;
use serde_json::Value;

use super::checks::{R, arr, bad, i, s};

/// JSON pointer patterns (`*`: any array index) of the parts no signature or ledger entry
/// covers: shown for reading, checked only for shape and order. A member under one of them
/// may be edited without the verifier noticing; [`is_unverified`] matches a pointer.
///
/// `/rightsStatements/*`: each rights statement present is the lender's (signed), but one
/// dropped from the export is not noticed (the ledger records their versions by position).
pub const UNVERIFIED: &[&str] = &[
    "/exportedAt",
    "/lenders/*/name",
    "/lenders/*/apiBase",
    "/lenders/*/isSandbox",
    "/signals/*",
    "/consentRecords/*/schema_version",
    "/consentRecords/*/pii_principal_id",
    "/consentRecords/*/status",
    "/consentRecords/*/event_state",
    "/consentRecords/*/processing/purposes",
    "/consentRecords/*/processing/lawful_basis",
    "/consentRecords/*/processing/processing_method",
    "/consentRecords/*/processing/pii_controllers",
    "/consentRecords/*/processing/collection_method",
    "/consentRecords/*/processing/retention_period",
    "/consentRecords/*/processing/frequency",
    "/consentRecords/*/processing/fetch_type",
    "/consentRecords/*/processing/fi_data_range",
    "/consentRecords/*/processing/jurisdiction",
    "/consentRecords/*/processing/recipient_third_parties",
    "/consentRecords/*/processing/withdrawal_method",
    "/consentRecords/*/processing/privacy_rights/*",
    "/consentRecords/*/pii_information",
    "/consentRecords/*/events/*",
    "/rightsRequests",
    "/rightsStatements/*",
];

/// Whether `pointer` lies under one of the `patterns` (a pattern's `*` matches one array
/// index; a pattern matches the part it names and everything inside it).
pub fn is_unverified(patterns: &[String], pointer: &str) -> bool {
    let parts: Vec<&str> = pointer.split('/').collect();
    patterns.iter().any(|p| {
        let pat: Vec<&str> = p.split('/').collect();
        pat.len() <= parts.len()
            && pat
                .iter()
                .zip(&parts)
                .all(|(a, b)| a == b || (*a == "*" && b.parse::<usize>().is_ok()))
    })
}

/// The parts of this export no signature or ledger entry covers: [`UNVERIFIED`], and the start
/// and expiry of any consent record with no signed artefact to check them against.
pub(crate) fn unverified(doc: &Value) -> Vec<String> {
    let mut out: Vec<String> = UNVERIFIED.iter().map(|s| s.to_string()).collect();
    if let Some(records) = doc.get("consentRecords").and_then(Value::as_array) {
        for (n, c) in records.iter().enumerate() {
            let none = c
                .get("signed_artefacts")
                .and_then(Value::as_array)
                .is_none_or(Vec::is_empty);
            if none {
                out.push(format!("/consentRecords/{n}/consent_start"));
                out.push(format!("/consentRecords/{n}/consent_expiry"));
            }
        }
    }
    out
}

/// The values the export's redactable statements carry only as commitments — withheld by
/// whoever shared it, or never disclosed (a receipt's embedded consent) — each as the statement's
/// JSON pointer and the member's dotted path: `/offers/0 explanation.contributions.3.bin`. Every
/// value still present was checked against its commitment; this names what a reader cannot see.
pub(crate) fn withheld(doc: &Value) -> Vec<String> {
    let mut statements: Vec<(String, &Value)> = Vec::new();
    for (n, c) in doc
        .get("consentRecords")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        for (k, a) in c
            .get("signed_artefacts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            statements.push((format!("/consentRecords/{n}/signed_artefacts/{k}"), a));
        }
    }
    for key in ["offers", "quotes", "receipts", "rightsStatements"] {
        for (n, st) in doc
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            statements.push((format!("/{key}/{n}"), st));
        }
    }
    let mut out = Vec::new();
    for (at, st) in statements {
        if st.get(redact::SD).is_some()
            && let Ok(r) = redact::reveal(st)
        {
            out.extend(r.withheld.into_iter().map(|p| format!("{at} {p}")));
        }
    }
    out
}

/// Where a consent event sorts: by time, then by its JSON text (so the order of two events
/// of the same millisecond is fixed too).
pub fn event_order(e: &Value) -> (i64, String) {
    (
        e.get("event_time")
            .and_then(Value::as_i64)
            .unwrap_or(i64::MIN),
        e.to_string(),
    )
}

/// The member naming a statement of each export array, for [`statement_order`].
pub fn statement_id_field(key: &str) -> Option<&'static str> {
    Some(match key {
        "offers" => "offerId",
        "quotes" => "quoteId",
        "receipts" => "receiptId",
        "rightsStatements" => "requestId",
        _ => return None,
    })
}

/// Where a signed statement of `offers`, `quotes`, `receipts` or `rightsStatements` sorts: by
/// its id, then by its JSON text.
pub fn statement_order(id_field: &str, st: &Value) -> (String, String) {
    (
        st.get(id_field)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        st.to_string(),
    )
}

/// Checks that `items` are in the order `key` gives (`strict`: and no two sort equal).
fn in_order<K: Ord>(
    items: &[Value],
    at: &str,
    strict: bool,
    key: impl Fn(&Value) -> R<K>,
) -> R<()> {
    let mut prev: Option<K> = None;
    for (n, item) in items.iter().enumerate() {
        let k = key(item)?;
        if let Some(p) = &prev {
            match p.cmp(&k) {
                Ordering::Less => {}
                Ordering::Equal if !strict => {}
                _ => {
                    return Err(bad(
                        format!("{at}/{n}"),
                        "out of the export's canonical order",
                    ));
                }
            }
        }
        prev = Some(k);
    }
    Ok(())
}

/// The canonical order of the signal catalogue, the consent records and everything in them,
/// and the lenders' other statements. Runs after the signatures are checked, so a reordered
/// signed array is named as out of order, not as badly signed.
pub(crate) fn order(doc: &Value) -> R<()> {
    in_order(arr(doc, "signals")?, "/signals", true, |v| {
        let at = "/signals";
        if !v.is_object() {
            return Err(bad(at, "a signal is not an object"));
        }
        // Each lender's catalogue under that lender (`lender_id`, as the vault writes it).
        let lender = v
            .get("lender_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        Ok((lender.to_string(), s(v, "id", at)?.to_string()))
    })?;
    let records = arr(doc, "consentRecords")?;
    in_order(records, "/consentRecords", true, |c| {
        let at = "/consentRecords";
        Ok((
            std::cmp::Reverse(i(c, "consent_start", at)?),
            s(c, "record_id", at)?.to_string(),
        ))
    })?;
    for (n, c) in records.iter().enumerate() {
        let at = format!("/consentRecords/{n}");
        let artefacts = c.get("signed_artefacts").and_then(Value::as_array);
        in_order(
            artefacts.map_or(&[][..], Vec::as_slice),
            &format!("{at}/signed_artefacts"),
            true,
            |a| i(a, "version", &format!("{at}/signed_artefacts")),
        )?;
        let events = c
            .get("events")
            .and_then(Value::as_array)
            .ok_or_else(|| bad(format!("{at}/events"), "missing or not an array"))?;
        in_order(events, &format!("{at}/events"), false, |e| {
            i(e, "event_time", &format!("{at}/events"))?;
            Ok(event_order(e))
        })?;
        let rights = c
            .pointer("/processing/privacy_rights")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                bad(
                    format!("{at}/processing/privacy_rights"),
                    "missing or not an array",
                )
            })?;
        in_order(
            rights,
            &format!("{at}/processing/privacy_rights"),
            true,
            |r| {
                r.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad(format!("{at}/processing/privacy_rights"), "not a string"))
            },
        )?;
    }
    for key in ["offers", "quotes", "receipts", "rightsStatements"] {
        let field = statement_id_field(key).unwrap_or_default();
        in_order(arr(doc, key)?, &format!("/{key}"), false, |st| {
            Ok(statement_order(field, st))
        })?;
    }
    // The borrower's requests by their id (the section is absent from older exports).
    if let Some(requests) = doc.get("borrowerRequests").and_then(Value::as_array) {
        in_order(requests, "/borrowerRequests", true, |r| {
            Ok(s(r, "id", "/borrowerRequests")?.to_string())
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn patterns_match_the_part_and_what_is_inside() {
        let p: Vec<String> = ["/signals/*", "/consentRecords/*/events/*", "/exportedAt"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(is_unverified(&p, "/signals/3"));
        assert!(is_unverified(&p, "/signals/3/name"));
        assert!(!is_unverified(&p, "/signals"), "the order is covered");
        assert!(is_unverified(&p, "/consentRecords/0/events/1/event_time"));
        assert!(!is_unverified(&p, "/consentRecords/0/events"));
        assert!(!is_unverified(&p, "/consentRecords/x/events/1"));
        assert!(is_unverified(&p, "/exportedAt"));
        assert!(!is_unverified(&p, "/exportedAtX"));
    }

    /// The consent record, catalogue and statements of a small export, in canonical order.
    fn doc() -> Value {
        json!({
            "signals": [{"id": "a"}, {"id": "b"}],
            "consentRecords": [
                {"record_id": "c2", "consent_start": 20,
                 "signed_artefacts": [{"version": 1}, {"version": 2}],
                 "events": [{"event_time": 20, "event_type": "dpv:ConsentGiven"},
                            {"event_time": 30, "event_type": "dpv:ConsentWithdrawn"}],
                 "processing": {"privacy_rights": ["dpdp:s11-access", "gdpr:art22-human-review"]}},
                {"record_id": "c1", "consent_start": 10, "signed_artefacts": [], "events": [],
                 "processing": {"privacy_rights": []}}
            ],
            "offers": [{"offerId": "o1"}, {"offerId": "o2"}],
            "quotes": [], "receipts": [], "rightsStatements": [],
        })
    }

    #[test]
    fn every_array_is_in_its_canonical_order() {
        order(&doc()).expect("canonical");
        for (path, at) in [
            ("/signals", "/signals/1"),
            ("/consentRecords", "/consentRecords/1"),
            (
                "/consentRecords/0/signed_artefacts",
                "/consentRecords/0/signed_artefacts/1",
            ),
            ("/consentRecords/0/events", "/consentRecords/0/events/1"),
            (
                "/consentRecords/0/processing/privacy_rights",
                "/consentRecords/0/processing/privacy_rights/1",
            ),
            ("/offers", "/offers/1"),
        ] {
            let mut d = doc();
            d.pointer_mut(path)
                .unwrap()
                .as_array_mut()
                .unwrap()
                .swap(0, 1);
            let err = order(&d).expect_err(path);
            assert_eq!(
                err,
                bad(at, "out of the export's canonical order"),
                "{path}"
            );
        }
        // Events of the same millisecond have one order too.
        let mut d = doc();
        d["consentRecords"][0]["events"][1]["event_time"] = json!(20);
        let mut events = d["consentRecords"][0]["events"].as_array().unwrap().clone();
        events.sort_by_cached_key(event_order);
        d["consentRecords"][0]["events"] = json!(events.clone());
        order(&d).expect("sorted with event_order");
        events.swap(0, 1);
        d["consentRecords"][0]["events"] = json!(events);
        assert!(order(&d).is_err());
    }

    #[test]
    fn a_record_without_artefacts_names_its_dates_unverified() {
        let u = unverified(&doc());
        assert!(is_unverified(&u, "/consentRecords/1/consent_start"));
        assert!(!is_unverified(&u, "/consentRecords/0/consent_start"));
    }
}
