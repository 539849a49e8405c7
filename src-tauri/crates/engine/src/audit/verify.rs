//! Offline verification of an export: no vault, no network. Checks the document's shape, every
//! lender signature (one at a time in the reference [`verify_export`], so the first bad one is
//! named), that each disclosure's summary fields agree with the statement the lender signed,
//! the ledger's hash chain (recomputed with [`khata_vault::entry_hash`]) and head, and that the
//! records the ledger says were stored are all in the export (nothing dropped, nothing added,
//! disclosures in order). Never panics on any input.
//!
//! [`verify_export_bytes`] gives the reference's answer faster: large exports are checked by
//! the fast path of `verify_fast` (records parsed one by one on every core, signatures
//! batch-verified), and anything it cannot show valid goes to the reference.

use std::collections::{HashMap, HashSet};

use khata_lending::signing::{KeyRing, Prepared};
use khata_lending::types::PublicKeyInfo;
use khata_vault::entry_hash;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// What a successful verification saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerifyReport {
    pub version: u64,
    pub lenders: u64,
    pub signatures_checked: u64,
    pub disclosures: u64,
    pub ledger_entries: u64,
    pub head_seq: i64,
    pub head_hash: String,
}

/// Why an export does not verify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum VerifyError {
    /// Not an export at all (not JSON, another format, unsupported version): exit code 2.
    #[error("unusable input: {reason}")]
    Unusable { reason: String },
    /// An export that was altered or is inconsistent: exit code 1. `record` names the first
    /// bad record as a JSON pointer into the document, e.g. `/disclosures/17/statement`.
    #[error("{record}: {reason}")]
    Invalid { record: String, reason: String },
}

impl VerifyError {
    /// The `khata verify` exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            VerifyError::Unusable { .. } => 2,
            VerifyError::Invalid { .. } => 1,
        }
    }
}

pub(super) fn bad(record: impl Into<String>, reason: impl Into<String>) -> VerifyError {
    VerifyError::Invalid {
        record: record.into(),
        reason: reason.into(),
    }
}

pub(super) type R<T> = Result<T, VerifyError>;

/// The members of a disclosure in the export, no more: a renamed member whose value is null
/// would otherwise compare equal to the absent one.
pub(super) const DISCLOSURE_KEYS: [&str; 10] = [
    "id",
    "lenderId",
    "lenderRef",
    "signal",
    "collectedAt",
    "purpose",
    "consentId",
    "valueDigest",
    "onwardRecipient",
    "statement",
];
pub(super) const LEDGER_KEYS: [&str; 7] = [
    "seq",
    "at",
    "kind",
    "record_id",
    "payload_digest",
    "prev_hash",
    "hash",
];

/// The export format this verifier understands.
pub const FORMAT: &str = "khata-export";
pub const SUPPORTED_VERSION: u64 = 1;

/// Parses and verifies an export's bytes.
///
/// Takes the fast path first ([`super::verify_fast`]: the disclosures and ledger entries are
/// parsed one record at a time on every core, never as one document, and the signatures are
/// batch-verified). Whenever the fast path cannot show the export valid, the reference
/// [`verify_export`] runs on the whole document, so an invalid export gets exactly the
/// reference's answer: the same first bad record, the same reason.
pub fn verify_export_bytes(bytes: &[u8], progress: &mut dyn FnMut(u64, u64)) -> R<VerifyReport> {
    if let Some(report) = super::verify_fast::verify(bytes, progress) {
        return Ok(report);
    }
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| VerifyError::Unusable {
        reason: format!("not JSON: {e}"),
    })?;
    verify_export(&doc, progress)
}

pub(super) fn arr<'a>(doc: &'a Value, key: &str) -> R<&'a Vec<Value>> {
    doc.get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| bad(format!("/{key}"), "missing or not an array"))
}

pub(super) fn s<'a>(v: &'a Value, key: &str, at: &str) -> R<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| bad(format!("{at}/{key}"), "missing or not a string"))
}

pub(super) fn i(v: &Value, key: &str, at: &str) -> R<i64> {
    v.get(key)
        .and_then(Value::as_i64)
        .ok_or_else(|| bad(format!("{at}/{key}"), "missing or not an integer"))
}

pub(super) fn h32(v: &Value, key: &str, at: &str) -> R<[u8; 32]> {
    let text = s(v, key, at)?;
    // Lower-case only: upper-case hex would decode to the same bytes.
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(bad(format!("{at}/{key}"), "not lower-case hex"));
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out)
        .map_err(|_| bad(format!("{at}/{key}"), "not 64 hex digits"))?;
    Ok(out)
}

pub(super) fn rfc3339_ms(v: &Value) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(v.as_str()?)
        .ok()
        .map(|d| d.timestamp_millis())
}

pub(super) struct Rings(HashMap<String, KeyRing>);

impl Rings {
    /// Checks one signed statement with the keys of the lender it names.
    fn check(&self, stmt: &Value, at: &str, lender_hint: Option<&str>) -> R<()> {
        self.prepare(stmt, at, lender_hint)?
            .verify()
            .map_err(|e| bad(at, format!("lender signature: {e}")))
    }

    /// [`Rings::check`] up to the signature check itself.
    pub(super) fn prepare(&self, stmt: &Value, at: &str, lender_hint: Option<&str>) -> R<Prepared> {
        if !stmt.is_object() {
            return Err(bad(at, "not a signed statement (not an object)"));
        }
        let lender = stmt
            .get("lenderId")
            .and_then(Value::as_str)
            .or_else(|| stmt.pointer("/consent/lenderId").and_then(Value::as_str))
            .or(lender_hint)
            .ok_or_else(|| bad(at, "names no lender"))?;
        let ring = self.0.get(lender).ok_or_else(|| {
            bad(
                at,
                format!("lender {lender:?} has no published keys in the export"),
            )
        })?;
        ring.prepare(stmt)
            .map_err(|e| bad(at, format!("lender signature: {e}")))
    }
}

/// What a ledger entry says was stored, as far as completeness is concerned.
pub(super) enum LedgerRef {
    /// `event.add`: a disclosure, by its local id.
    Event(i64),
    /// `statement.add` of a consent, offer, quote or receipt (`kind/id/version`).
    Statement,
    Other,
}

pub(super) fn ledger_ref(kind: &str, record_id: &str, at: &str) -> R<LedgerRef> {
    Ok(match kind {
        "event.add" => LedgerRef::Event(
            record_id
                .parse()
                .map_err(|_| bad(at, "event.add entry names no event id"))?,
        ),
        "statement.add" => {
            let mut parts = record_id.splitn(3, '/');
            if let (Some(k), Some(_), Some(_)) = (parts.next(), parts.next(), parts.next())
                && matches!(k, "consent" | "offer" | "quote" | "receipt")
            {
                LedgerRef::Statement
            } else {
                LedgerRef::Other
            }
        }
        _ => LedgerRef::Other,
    })
}

/// `ledger.head` names the last entry (`seq` 0 and an empty hash for an empty ledger).
pub(super) fn head(ledger: &Value, last_seq: i64, last_hash: &[u8; 32]) -> R<String> {
    let head = ledger
        .get("head")
        .filter(|h| h.is_object())
        .ok_or_else(|| bad("/ledger/head", "missing or not an object"))?;
    let head_seq = i(head, "seq", "/ledger/head")?;
    let head_hash = s(head, "hash", "/ledger/head")?;
    let want_hash = if last_seq == 0 {
        String::new()
    } else {
        hex::encode(last_hash)
    };
    if head_seq != last_seq || head_hash != want_hash {
        return Err(bad("/ledger/head", "does not match the last ledger entry"));
    }
    Ok(want_hash)
}

/// Every signed statement but the disclosures' (consent artefacts, offers, quotes, receipts,
/// rights statements), one at a time; returns the `kind/id/version` keys held and how many
/// signatures were checked.
pub(super) fn statements(doc: &Value, rings: &Rings) -> R<(HashSet<String>, u64)> {
    let mut signatures = 0u64;
    let mut held: HashSet<String> = HashSet::new();
    let mut hold = |key: String, at: &str| -> R<()> {
        if held.insert(key.clone()) {
            Ok(())
        } else {
            Err(bad(at, format!("statement {key} appears twice")))
        }
    };
    for (n, c) in arr(doc, "consentRecords")?.iter().enumerate() {
        let at = format!("/consentRecords/{n}");
        let record_id = s(c, "record_id", &at)?;
        let artefacts = c
            .get("signed_artefacts")
            .and_then(Value::as_array)
            .ok_or_else(|| bad(format!("{at}/signed_artefacts"), "missing or not an array"))?;
        for (k, a) in artefacts.iter().enumerate() {
            let at = format!("{at}/signed_artefacts/{k}");
            rings.check(a, &at, None)?;
            signatures += 1;
            let cid = s(a, "consentId", &at)?;
            if cid != record_id {
                return Err(bad(
                    &at,
                    format!("artefact of consent {cid:?} filed under {record_id:?}"),
                ));
            }
            hold(format!("consent/{cid}/{}", i(a, "version", &at)?), &at)?;
        }
        if let Some(last) = artefacts.last() {
            for (field, wire) in [
                ("consent_start", "consentStart"),
                ("consent_expiry", "consentExpiry"),
            ] {
                if c.get(field).and_then(Value::as_i64) != last.get(wire).and_then(rfc3339_ms) {
                    return Err(bad(
                        format!("{at}/{field}"),
                        format!("does not match the signed artefact's {wire}"),
                    ));
                }
            }
        }
    }
    for (key, kind, id_field) in [
        ("offers", "offer", "offerId"),
        ("quotes", "quote", "quoteId"),
        ("receipts", "receipt", "receiptId"),
    ] {
        for (n, st) in arr(doc, key)?.iter().enumerate() {
            let at = format!("/{key}/{n}");
            rings.check(st, &at, None)?;
            signatures += 1;
            hold(format!("{kind}/{}/0", s(st, id_field, &at)?), &at)?;
        }
    }
    for (n, st) in arr(doc, "rightsStatements")?.iter().enumerate() {
        rings.check(st, &format!("/rightsStatements/{n}"), None)?;
        signatures += 1;
    }
    Ok((held, signatures))
}

/// A disclosure's members and its signed statement, ready for the signature check: returns
/// the statement, its JSON pointer and what to verify.
pub(super) fn disclosure_statement<'a>(
    d: &'a Value,
    at: &str,
    rings: &Rings,
) -> R<(&'a Value, String, Prepared)> {
    if let Some(k) = d
        .as_object()
        .and_then(|o| o.keys().find(|k| !DISCLOSURE_KEYS.contains(&k.as_str())))
    {
        return Err(bad(at, format!("unexpected member {k:?}")));
    }
    let st = d
        .get("statement")
        .filter(|v| !v.is_null())
        .ok_or_else(|| bad(format!("{at}/statement"), "no signed lender statement"))?;
    let sat = format!("{at}/statement");
    let signed = rings.prepare(st, &sat, d.get("lenderId").and_then(Value::as_str))?;
    Ok((st, sat, signed))
}

/// A disclosure's summary fields equal what the lender signed in its statement `st`.
pub(super) fn disclosure_summary(d: &Value, st: &Value, at: &str) -> R<()> {
    let same = |outer: &str, inner: &str| -> R<()> {
        let o = d.get(outer).filter(|v| !v.is_null());
        let w = st.get(inner).filter(|v| !v.is_null());
        let ok = match inner {
            "collectedAt" => o.and_then(Value::as_i64) == w.and_then(rfc3339_ms) && o.is_some(),
            _ => o == w,
        };
        if ok {
            Ok(())
        } else {
            Err(bad(
                format!("{at}/{outer}"),
                format!("does not match the lender's signed {inner}"),
            ))
        }
    };
    same("lenderId", "lenderId")?;
    same("lenderRef", "disclosureId")?;
    same("signal", "signal")?;
    same("collectedAt", "collectedAt")?;
    same("purpose", "purpose")?;
    same("consentId", "consentId")?;
    same("valueDigest", "valueDigest")?;
    same("onwardRecipient", "onwardRecipient")
}

/// A Khata export of a version this verifier understands: returns the version.
pub(super) fn what_it_is(doc: &Value) -> R<u64> {
    let Some(obj) = doc.as_object() else {
        return Err(VerifyError::Unusable {
            reason: "not a Khata export (the document is not a JSON object)".into(),
        });
    };
    if obj.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(VerifyError::Unusable {
            reason: format!("not a Khata export (\"format\" is not {FORMAT:?})"),
        });
    }
    let version = obj.get("version").and_then(Value::as_u64).unwrap_or(0);
    if version != SUPPORTED_VERSION {
        return Err(VerifyError::Unusable {
            reason: format!("unsupported export version {:?}", obj.get("version")),
        });
    }
    Ok(version)
}

/// After format and version: `exportedAt`, the lenders and their keys, and the display-only
/// arrays. Returns how many lenders there are and their key rings.
pub(super) fn header(doc: &Value) -> R<(usize, Rings)> {
    i(doc, "exportedAt", "")?;

    // --- lenders and their keys
    let lenders = arr(doc, "lenders")?;
    let mut rings = HashMap::new();
    for (n, l) in lenders.iter().enumerate() {
        let at = format!("/lenders/{n}");
        let id = s(l, "id", &at)?;
        let keys: Vec<PublicKeyInfo> = l
            .get("keys")
            .cloned()
            .and_then(|k| serde_json::from_value(k).ok())
            .ok_or_else(|| bad(format!("{at}/keys"), "missing or not a list of public keys"))?;
        let ring =
            KeyRing::from_public(&keys).map_err(|e| bad(format!("{at}/keys"), e.to_string()))?;
        if rings.insert(id.to_string(), ring).is_some() {
            return Err(bad(at, format!("lender {id:?} listed twice")));
        }
    }
    let rings = Rings(rings);
    for key in ["signals", "rightsRequests"] {
        arr(doc, key)?;
    }
    Ok((lenders.len(), rings))
}

/// Verifies a parsed export. `progress(done, total)` is called as records are checked.
pub fn verify_export(doc: &Value, progress: &mut dyn FnMut(u64, u64)) -> R<VerifyReport> {
    let version = what_it_is(doc)?;
    let (lenders, rings) = header(doc)?;
    let disclosures = arr(doc, "disclosures")?;

    let ledger = doc
        .get("ledger")
        .filter(|l| l.is_object())
        .ok_or_else(|| bad("/ledger", "missing or not an object"))?;
    let entries = ledger
        .get("entries")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("/ledger/entries", "missing or not an array"))?;
    let total = disclosures.len() as u64 + entries.len() as u64;
    let mut done = 0u64;
    let mut signatures = 0u64;

    // --- the ledger chain
    let mut prev = khata_vault::ledger::GENESIS_PREV_HASH;
    let mut expected_seq = 1i64;
    let mut ledger_events: HashMap<i64, usize> = HashMap::new();
    let mut ledger_statements: Vec<(String, usize)> = Vec::new();
    for (n, e) in entries.iter().enumerate() {
        let at = format!("/ledger/entries/{n}");
        if let Some(k) = e
            .as_object()
            .and_then(|o| o.keys().find(|k| !LEDGER_KEYS.contains(&k.as_str())))
        {
            return Err(bad(&at, format!("unexpected member {k:?}")));
        }
        let seq = i(e, "seq", &at)?;
        if seq != expected_seq {
            return Err(bad(
                &at,
                format!("ledger entry {seq} where {expected_seq} was expected"),
            ));
        }
        let t = i(e, "at", &at)?;
        let kind = s(e, "kind", &at)?;
        let record_id = s(e, "record_id", &at)?;
        let digest = h32(e, "payload_digest", &at)?;
        let prev_hash = h32(e, "prev_hash", &at)?;
        let hash = h32(e, "hash", &at)?;
        if prev_hash != prev {
            return Err(bad(
                &at,
                format!("ledger entry {seq}: prev_hash is not the previous entry's hash"),
            ));
        }
        if entry_hash(seq, t, kind, record_id, &digest, &prev) != hash {
            return Err(bad(
                &at,
                format!("ledger entry {seq}: hash does not match its contents"),
            ));
        }
        match ledger_ref(kind, record_id, &at)? {
            LedgerRef::Event(id) => {
                ledger_events.insert(id, n);
            }
            LedgerRef::Statement => ledger_statements.push((record_id.to_string(), n)),
            LedgerRef::Other => {}
        }
        prev = hash;
        expected_seq += 1;
        done += 1;
        if done.is_multiple_of(10_000) {
            progress(done, total);
        }
    }
    let want_hash = head(ledger, expected_seq - 1, &prev)?;

    // --- signed statements, and which of them the export holds
    let (mut held, n) = statements(doc, &rings)?;
    signatures += n;

    // --- disclosures: in id order, each matching what the lender signed
    let mut last_id = i64::MIN;
    for (n, d) in disclosures.iter().enumerate() {
        let at = format!("/disclosures/{n}");
        let id = i(d, "id", &at)?;
        if id <= last_id {
            return Err(bad(
                &at,
                format!("disclosure #{id} is out of order (after #{last_id})"),
            ));
        }
        last_id = id;
        let (st, sat, signed) = disclosure_statement(d, &at, &rings)?;
        signed
            .verify()
            .map_err(|e| bad(&sat, format!("lender signature: {e}")))?;
        signatures += 1;
        disclosure_summary(d, st, &at)?;
        done += 1;
        if done.is_multiple_of(10_000) {
            progress(done, total);
        }
    }

    // --- nothing dropped, nothing added
    for (key, n) in &ledger_statements {
        if !held.remove(key) {
            return Err(bad(
                format!("/ledger/entries/{n}"),
                format!("statement {key} is in the ledger but missing from the export"),
            ));
        }
    }
    if let Some(key) = held.iter().min() {
        return Err(bad("/", format!("statement {key} has no ledger entry")));
    }
    for (n, d) in disclosures.iter().enumerate() {
        if let Some(id) = d.get("id").and_then(Value::as_i64)
            && ledger_events.remove(&id).is_none()
        {
            return Err(bad(
                format!("/disclosures/{n}"),
                format!("disclosure #{id} has no ledger entry"),
            ));
        }
    }
    if let Some((id, n)) = ledger_events.iter().min_by_key(|(_, n)| **n) {
        return Err(bad(
            format!("/ledger/entries/{n}"),
            format!("disclosure #{id} is in the ledger but missing from the export"),
        ));
    }
    progress(total, total);
    Ok(VerifyReport {
        version,
        lenders: lenders as u64,
        signatures_checked: signatures,
        disclosures: disclosures.len() as u64,
        ledger_entries: entries.len() as u64,
        head_seq: expected_seq - 1,
        head_hash: want_hash,
    })
}
