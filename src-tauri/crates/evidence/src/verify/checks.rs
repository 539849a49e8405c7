//! The checks both strategies make, record by record: shapes of members, the lenders' key rings
//! and signatures, the ledger's references and head, the disclosures' summaries. The reference
//! and the fast path call the same functions, which is what keeps their answers equal.

use std::collections::{HashMap, HashSet};

use khata_contract::redact;
use khata_contract::signing::{KeyRing, Prepared};
use khata_contract::types::PublicKeyInfo;
use serde_json::Value;

use super::trust::ListedLender;
use super::{FORMAT, SUPPORTED_VERSIONS, VerifyError};

pub(crate) fn bad(record: impl Into<String>, reason: impl Into<String>) -> VerifyError {
    VerifyError::Invalid {
        record: record.into(),
        reason: reason.into(),
    }
}

pub(crate) type R<T> = Result<T, VerifyError>;

/// The members of a disclosure in the export, no more: a renamed member whose value is null
/// would otherwise compare equal to the absent one.
pub(crate) const DISCLOSURE_KEYS: [&str; 10] = [
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
pub(crate) const LEDGER_KEYS: [&str; 7] = [
    "seq",
    "at",
    "kind",
    "record_id",
    "payload_digest",
    "prev_hash",
    "hash",
];

pub(crate) fn arr<'a>(doc: &'a Value, key: &str) -> R<&'a Vec<Value>> {
    doc.get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| bad(format!("/{key}"), "missing or not an array"))
}

pub(crate) fn s<'a>(v: &'a Value, key: &str, at: &str) -> R<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| bad(format!("{at}/{key}"), "missing or not a string"))
}

pub(crate) fn i(v: &Value, key: &str, at: &str) -> R<i64> {
    v.get(key)
        .and_then(Value::as_i64)
        .ok_or_else(|| bad(format!("{at}/{key}"), "missing or not an integer"))
}

pub(crate) fn h32(v: &Value, key: &str, at: &str) -> R<[u8; 32]> {
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

pub(crate) fn rfc3339_ms(v: &Value) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(v.as_str()?)
        .ok()
        .map(|d| d.timestamp_millis())
}

pub(crate) struct Rings(HashMap<String, KeyRing>);

impl Rings {
    pub(crate) fn new(rings: HashMap<String, KeyRing>) -> Self {
        Self(rings)
    }

    /// Whether the export lists `lender` (with keys).
    pub(crate) fn has(&self, lender: &str) -> bool {
        self.0.contains_key(lender)
    }

    /// Checks one signed statement with the keys of the lender it names.
    pub(crate) fn check(&self, stmt: &Value, at: &str, lender_hint: Option<&str>) -> R<()> {
        self.prepare(stmt, at, lender_hint)?
            .verify()
            .map_err(|e| bad(at, format!("lender signature: {e}")))
    }

    /// [`Rings::check`] up to the signature check itself. A redactable (v2) statement's
    /// disclosures must match its commitments: the signature does not cover them, so a changed
    /// value would otherwise pass unseen.
    pub(crate) fn prepare(&self, stmt: &Value, at: &str, lender_hint: Option<&str>) -> R<Prepared> {
        if !stmt.is_object() {
            return Err(bad(at, "not a signed statement (not an object)"));
        }
        if stmt.get(redact::SD).is_some() {
            // One canonical order (by path), like every other array of the export.
            let paths: Vec<&str> = stmt
                .get(redact::DISCLOSED)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|t| t.get(1).and_then(Value::as_str).unwrap_or_default())
                .collect();
            if paths.windows(2).any(|w| w[0] >= w[1]) {
                return Err(bad(
                    format!("{at}/{}", redact::DISCLOSED),
                    "disclosures are not in path order",
                ));
            }
            redact::reveal(stmt).map_err(|e| {
                bad(
                    at,
                    format!("disclosed values do not match the lender's commitments: {e}"),
                )
            })?;
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
pub(crate) enum LedgerRef {
    /// `event.add`: a disclosure, by its local id.
    Event(i64),
    /// `statement.add` of a consent, offer, quote or receipt (`kind/id/version`).
    Statement,
    /// `lender.upsert`: the key pinned for a lender, by lender id.
    Pin,
    /// `borrower.request`: one of the borrower's own requests (`borrowerRequests`), by id.
    Request,
    /// `log.page` (`conflict` false) or `log.conflict`: a signed tree head the vault held, by
    /// lender (export version 2; a version 1 export has none to check them against).
    LogHead {
        conflict: bool,
    },
    /// `phone.import`: one import of phone evidence, by the source file's SHA-256.
    PhoneImport,
    Other,
}

pub(crate) fn ledger_ref(kind: &str, record_id: &str, at: &str) -> R<LedgerRef> {
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
        super::trust::PIN_KIND => LedgerRef::Pin,
        "borrower.request" => LedgerRef::Request,
        crate::ledger::LOG_PAGE_KIND | crate::ledger::LOG_CONFLICT_KIND => LedgerRef::LogHead {
            conflict: kind == crate::ledger::LOG_CONFLICT_KIND,
        },
        crate::ledger::PHONE_IMPORT_KIND => LedgerRef::PhoneImport,
        _ => LedgerRef::Other,
    })
}

/// The borrower's own requests (`borrowerRequests`) against the ledger's `borrower.request`
/// entries (`ledger`: the last entry's payload digest and index per record id): each request
/// must be exactly, byte for byte in its canonical JSON, what its last entry recorded, and every
/// ledgered request must be in the export — so no request can be edited, added or dropped (a
/// dropped revocation would silence the audit). Older exports have neither.
pub(crate) fn borrower_requests(
    doc: &Value,
    ledger: &mut std::collections::HashMap<String, ([u8; 32], usize)>,
) -> R<()> {
    let empty = Vec::new();
    let list = match doc.get("borrowerRequests") {
        None => &empty,
        Some(v) => v
            .as_array()
            .ok_or_else(|| bad("/borrowerRequests", "not an array"))?,
    };
    for (n, r) in list.iter().enumerate() {
        let at = format!("/borrowerRequests/{n}");
        let id = s(r, "id", &at)?;
        let Some((digest, _)) = ledger.remove(id) else {
            return Err(bad(&at, format!("request {id} has no ledger entry")));
        };
        let bytes = serde_json::to_vec(r).map_err(|e| bad(&at, e.to_string()))?;
        if crate::ledger::payload_digest(&bytes) != digest {
            return Err(bad(
                &at,
                format!("request {id} is not what the ledger recorded"),
            ));
        }
    }
    if let Some((id, (_, n))) = ledger.iter().min_by_key(|(_, (_, n))| *n) {
        return Err(bad(
            format!("/ledger/entries/{n}"),
            format!("request {id} is in the ledger but missing from the export"),
        ));
    }
    Ok(())
}

/// An optional array member: absent reads as empty.
fn optional_arr<'a>(doc: &'a Value, key: &str) -> R<&'a [Value]> {
    match doc.get(key) {
        None => Ok(&[]),
        Some(v) => v
            .as_array()
            .map(Vec::as_slice)
            .ok_or_else(|| bad(format!("/{key}"), "not an array")),
    }
}

/// `v` read as `T`, refused unless writing it back gives `v` exactly (no member added,
/// renamed or dropped): what the ledger's payload covers is the typed reading.
fn exact<T: serde::de::DeserializeOwned + serde::Serialize>(v: &Value, at: &str) -> R<T> {
    let typed: T = T::deserialize(v).map_err(|e| bad(at, e.to_string()))?;
    if serde_json::to_value(&typed).ok().as_ref() != Some(v) {
        return Err(bad(at, "not in the export's form"));
    }
    Ok(typed)
}

/// The phone evidence (`phoneSources`, `phoneObservations`) against the ledger's
/// `phone.import` entries (`ledger`: payload digest and index per source SHA-256): each source
/// with its observations must give, byte for byte, the payload its entry recorded
/// ([`crate::ledger::phone_import_payload`]), and every ledgered import must be in the export —
/// so no observation or source can be edited, added or dropped. Sources come in import order
/// (`importedAt`, then `sha256`), observations source by source in that order, each source's
/// in the order stored. Exports made before phone evidence have neither member.
pub(crate) fn phone_imports(doc: &Value, ledger: &mut HashMap<String, ([u8; 32], usize)>) -> R<()> {
    use crate::phone::{Observation, PhoneSource};
    let mut sources: Vec<(String, PhoneSource, Vec<Observation>)> = Vec::new();
    let mut place: HashMap<String, usize> = HashMap::new();
    for (n, v) in optional_arr(doc, "phoneSources")?.iter().enumerate() {
        let at = format!("/phoneSources/{n}");
        let src: PhoneSource = exact(v, &at)?;
        if let Some((_, prev, _)) = sources.last()
            && (prev.imported_at, &prev.sha256) >= (src.imported_at, &src.sha256)
        {
            return Err(bad(
                &at,
                "out of the export's canonical order (by importedAt, then sha256)",
            ));
        }
        if place.insert(src.sha256.clone(), n).is_some() {
            return Err(bad(
                &at,
                format!("phone source {} appears twice", src.sha256),
            ));
        }
        sources.push((at, src, Vec::new()));
    }
    let mut last = 0usize;
    for (n, v) in optional_arr(doc, "phoneObservations")?.iter().enumerate() {
        let at = format!("/phoneObservations/{n}");
        let obs: Observation = exact(v, &at)?;
        let Some(&k) = place.get(&obs.source) else {
            return Err(bad(
                &at,
                format!("names phone source {} not in phoneSources", obs.source),
            ));
        };
        if k < last {
            return Err(bad(
                &at,
                "out of the export's canonical order (source by source, as phoneSources)",
            ));
        }
        last = k;
        sources[k].2.push(obs);
    }
    for (at, src, observations) in &sources {
        let Some((digest, _)) = ledger.remove(&src.sha256) else {
            return Err(bad(
                at,
                format!("phone source {} has no ledger entry", src.sha256),
            ));
        };
        let payload = crate::ledger::phone_import_payload(src, observations);
        if crate::ledger::payload_digest(&payload) != digest {
            return Err(bad(
                at,
                format!(
                    "phone source {} or its observations are not what the ledger recorded",
                    src.sha256
                ),
            ));
        }
    }
    if let Some((sha, (_, n))) = ledger.iter().min_by_key(|(_, (_, n))| *n) {
        return Err(bad(
            format!("/ledger/entries/{n}"),
            format!("phone source {sha} is in the ledger but missing from the export"),
        ));
    }
    Ok(())
}

/// `ledger.head` names the last entry (`seq` 0 and an empty hash for an empty ledger).
pub(crate) fn head(ledger: &Value, last_seq: i64, last_hash: &[u8; 32]) -> R<String> {
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
pub(crate) fn statements(doc: &Value, rings: &Rings) -> R<(HashSet<String>, u64)> {
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
pub(crate) fn disclosure_statement<'a>(
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
    // Every member is written, `null` included: one deleted is an edit, even where its value
    // was `null`, so the export has exactly one form.
    if let Some(k) = d
        .as_object()
        .and_then(|o| DISCLOSURE_KEYS.iter().find(|k| !o.contains_key(**k)))
    {
        return Err(bad(at, format!("missing member {k:?}")));
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
pub(crate) fn disclosure_summary(d: &Value, st: &Value, at: &str) -> R<()> {
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

/// A Khata export of the `version` this strategy reads (1: one document; 2: the first line of
/// a stream): returns the version.
pub(crate) fn what_it_is(doc: &Value, version: u64) -> R<u64> {
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
    let found = obj.get("version").and_then(Value::as_u64).unwrap_or(0);
    if found != version || !SUPPORTED_VERSIONS.contains(&found) {
        return Err(VerifyError::Unusable {
            reason: format!("unsupported export version {:?}", obj.get("version")),
        });
    }
    Ok(version)
}

/// After format and version: `exportedAt`, the lenders (by id, each with its keys, by key id,
/// and the vault's pin record if any) and the display-only arrays. Returns the lenders; whose
/// keys to trust is decided once the ledger is read ([`super::trust::resolve`]).
pub(crate) fn header(doc: &Value) -> R<Vec<ListedLender>> {
    i(doc, "exportedAt", "")?;

    // --- lenders and their keys
    let lenders = arr(doc, "lenders")?;
    let mut listed: Vec<ListedLender> = Vec::with_capacity(lenders.len());
    for (n, l) in lenders.iter().enumerate() {
        let at = format!("/lenders/{n}");
        let id = s(l, "id", &at)?;
        let keys: Vec<PublicKeyInfo> = l
            .get("keys")
            .cloned()
            .and_then(|k| serde_json::from_value(k).ok())
            .ok_or_else(|| bad(format!("{at}/keys"), "missing or not a list of public keys"))?;
        KeyRing::from_public(&keys).map_err(|e| bad(format!("{at}/keys"), e.to_string()))?;
        if keys.windows(2).any(|w| w[0].key_id >= w[1].key_id) {
            return Err(bad(
                format!("{at}/keys"),
                "out of the export's canonical order (by key id)",
            ));
        }
        if let Some(prev) = listed.last() {
            if prev.id.as_str() == id {
                return Err(bad(at, format!("lender {id:?} listed twice")));
            }
            if prev.id.as_str() > id {
                return Err(bad(
                    at,
                    "out of the export's canonical order (by lender id)",
                ));
            }
        }
        let pin_record = match l.get("pinRecord") {
            None => None,
            Some(v) => Some(
                v.as_str()
                    .ok_or_else(|| bad(format!("{at}/pinRecord"), "not a string"))?
                    .to_string(),
            ),
        };
        listed.push(ListedLender {
            id: id.to_string(),
            keys,
            pin_record,
        });
    }
    for key in ["signals", "rightsRequests"] {
        arr(doc, key)?;
    }
    Ok(listed)
}
