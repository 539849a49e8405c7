//! The reference strategy: the whole export as one `serde_json::Value`, every check in document
//! order, one signature at a time, so the first bad record is the one named. Slow on a million
//! records (the fast path exists for those), but the answer every other strategy must match.

use std::collections::HashMap;

use serde_json::Value;

use super::checks::{
    LEDGER_KEYS, LedgerRef, R, arr, bad, borrower_requests, disclosure_statement,
    disclosure_summary, h32, head, header, i, ledger_ref, phone_imports, s, statements, what_it_is,
};
use super::sequence::Sequences;
use super::trust::{LedgerPin, SuppliedKeys, resolve};
use super::{Document, LoggedHead, VerifyReport, coverage};
use crate::ledger::{GENESIS_PREV_HASH, entry_hash};

/// Verifies a parsed export, with lender keys from outside it where `supplied` has them.
/// `progress(done, total)` is called as records are checked.
pub fn verify_export_with(
    doc: &Value,
    supplied: &SuppliedKeys,
    progress: &mut dyn FnMut(u64, u64),
) -> R<VerifyReport> {
    verify_document(doc, 1, supplied, progress).map(|d| d.report)
}

/// The checks of a whole export document (`version` 1), or of the first line of a version 2
/// stream, where `disclosures` (those received through contract v1) may be absent.
pub(crate) fn verify_document(
    doc: &Value,
    version: u64,
    supplied: &SuppliedKeys,
    progress: &mut dyn FnMut(u64, u64),
) -> R<Document> {
    let version = what_it_is(doc, version)?;
    let listed = header(doc)?;
    let none = Vec::new();
    let disclosures = match doc.get("disclosures") {
        None if version == 2 => &none,
        _ => arr(doc, "disclosures")?,
    };

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
    let mut prev = GENESIS_PREV_HASH;
    let mut expected_seq = 1i64;
    let mut ledger_events: HashMap<i64, usize> = HashMap::new();
    let mut ledger_statements: Vec<(String, usize)> = Vec::new();
    let mut pins: HashMap<String, LedgerPin> = HashMap::new();
    let mut ledger_requests: HashMap<String, ([u8; 32], usize)> = HashMap::new();
    let mut log_heads: Vec<LoggedHead> = Vec::new();
    let mut ledger_phone: HashMap<String, ([u8; 32], usize)> = HashMap::new();
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
            LedgerRef::Pin => {
                pins.insert(record_id.to_string(), LedgerPin { seq, digest });
            }
            LedgerRef::Request => {
                ledger_requests.insert(record_id.to_string(), (digest, n));
            }
            LedgerRef::LogHead { conflict } => log_heads.push(LoggedHead {
                lender: record_id.to_string(),
                conflict,
                digest,
                entry: n,
            }),
            LedgerRef::PhoneImport => {
                if ledger_phone
                    .insert(record_id.to_string(), (digest, n))
                    .is_some()
                {
                    return Err(bad(
                        &at,
                        format!("phone source {record_id} is imported twice in the ledger"),
                    ));
                }
            }
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

    // --- whose keys: supplied, pinned (checked against the ledger) or the file's own
    let (rings, key_trust) = resolve(&listed, &pins, supplied)?;

    // --- signed statements, and which of them the export holds; then every array's order
    let (mut held, n) = statements(doc, &rings)?;
    signatures += n;
    coverage::order(doc)?;

    // --- the borrower's own requests, exactly as ledgered
    borrower_requests(doc, &mut ledger_requests)?;

    // --- the phone evidence, exactly as ledgered
    phone_imports(doc, &mut ledger_phone)?;

    // --- disclosures: in id order, each matching what the lender signed
    let mut last_id = i64::MIN;
    let mut sequences = Sequences::default();
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
        if let Some(lender) = d.get("lenderId").and_then(Value::as_str) {
            sequences.add(lender, st);
        }
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
    let report = VerifyReport {
        version,
        lenders: listed.len() as u64,
        signatures_checked: signatures,
        disclosures: disclosures.len() as u64,
        ledger_entries: entries.len() as u64,
        head_seq: expected_seq - 1,
        head_hash: want_hash,
        key_trust,
        sequence_gaps: sequences.gaps(),
        unverified: coverage::unverified(doc),
        withheld: coverage::withheld(doc),
        logs: None,
    };
    Ok(Document {
        report,
        rings,
        log_heads,
    })
}
