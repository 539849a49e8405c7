//! The fast strategy of [`super::verify_export_bytes`], for exports of a million records.
//!
//! The reference verifier ([`super::reference`]) holds the whole document as a
//! `serde_json::Value` (about 5× the file's size in memory) and checks one Ed25519 signature at
//! a time on one core. Here the two big arrays — disclosures and ledger entries — are kept as
//! raw JSON text; each record is parsed on its own, in rounds spread over every core, checked
//! with the reference's own checks, and dropped; each core then verifies its disclosures'
//! signatures in one Ed25519 batch. The small sections (lenders, consent records, offers,
//! quotes, receipts, rights statements, the ledger head) go through the reference code as is.
//!
//! It answers only "valid" (`Some`) or "not shown valid" (`None`): on `None` the caller runs the
//! reference on the whole document, so what an invalid export is told — which record is the
//! first bad one, and why — is always the reference's answer. Every check of the reference is
//! made here too (same helpers where they exist), so `Some` is returned exactly when the
//! reference would return `Ok` with the same report. Two details keep that exact: each record
//! is parsed wrapped in as many `[`…`]` as it is nested deep in the document, so serde_json's
//! nesting limit applies to it as it does in the whole-document parse; and every member of the
//! document is parsed to a `Value` somewhere, so a number the reference's parser refuses is
//! refused here too. The one divergence is Ed25519 batch verification's, documented on
//! [`khata_contract::signing::verify_batch`]: a genuine signature whose `R` was re-encoded with a
//! small-order point added may pass here while the reference's strict check refuses it; it is
//! still the key owner's signature over the same bytes, and sync never stores one.

use std::collections::{HashMap, HashSet};

use khata_contract::signing::{Prepared, verify_batch};
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::checks::{
    LEDGER_KEYS, LedgerRef, Rings, borrower_requests, disclosure_statement, disclosure_summary,
    h32, head, header, i, ledger_ref, phone_imports, s, statements, what_it_is,
};
use super::sequence::Sequences;
use super::trust::{LedgerPin, SuppliedKeys, resolve};
use super::{Document, LoggedHead, VerifyReport, coverage};
use crate::ledger::{GENESIS_PREV_HASH, entry_hash};
use crate::members::{Members, deserialize_members};
use crate::parallel::on_every_core;

/// Records per round: parsed and checked on every core, then progress is reported. Bounds the
/// memory held for signed messages awaiting their batch (≈ 30 MB).
const ROUND: usize = 1 << 16;

/// The document with its two big arrays left as raw text. Members keep serde_json's rule for
/// duplicates (the last one wins), as the reference's `Value` does.
#[derive(Default)]
struct Top<'a> {
    disclosures: Option<Vec<&'a RawValue>>,
    ledger: Option<Ledger<'a>>,
    rest: HashMap<String, &'a RawValue>,
}

#[derive(Default)]
struct Ledger<'a> {
    entries: Option<Vec<&'a RawValue>>,
    rest: HashMap<String, &'a RawValue>,
}

impl<'de> Members<'de> for Top<'de> {
    const EXPECTING: &'static str = "a Khata export";
    fn member<A: MapAccess<'de>>(&mut self, key: String, m: &mut A) -> Result<(), A::Error> {
        match key.as_str() {
            "disclosures" => self.disclosures = Some(m.next_value()?),
            "ledger" => self.ledger = Some(m.next_value()?),
            _ => {
                self.rest.insert(key, m.next_value()?);
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Top<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_members(d)
    }
}

impl<'de> Members<'de> for Ledger<'de> {
    const EXPECTING: &'static str = "the ledger";
    fn member<A: MapAccess<'de>>(&mut self, key: String, m: &mut A) -> Result<(), A::Error> {
        if key == "entries" {
            self.entries = Some(m.next_value()?);
        } else {
            self.rest.insert(key, m.next_value()?);
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Ledger<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_members(d)
    }
}

/// Parses one record that sits `depth` arrays/objects deep in the document, wrapped in as many
/// arrays, so serde_json's nesting limit counts as in the whole-document parse.
fn parse_nested(buf: &mut Vec<u8>, raw: &RawValue, depth: usize) -> Option<Value> {
    buf.clear();
    buf.extend(std::iter::repeat_n(b'[', depth));
    buf.extend_from_slice(raw.get().as_bytes());
    buf.extend(std::iter::repeat_n(b']', depth));
    let mut v: Value = serde_json::from_slice(buf).ok()?;
    for _ in 0..depth {
        v = match v {
            Value::Array(mut a) if a.len() == 1 => a.pop()?,
            _ => return None,
        };
    }
    Some(v)
}

/// What the chain needs of a ledger entry whose own hash was found right.
struct Entry {
    seq: i64,
    prev_hash: [u8; 32],
    hash: [u8; 32],
    reference: Reference,
}

enum Reference {
    Event(i64),
    Statement(String),
    Pin(String, [u8; 32]),
    Request(String, [u8; 32]),
    LogHead(String, bool, [u8; 32]),
    PhoneImport(String, [u8; 32]),
    Other,
}

/// The reference's checks of one ledger entry that do not depend on the entries before it.
fn check_entry(buf: &mut Vec<u8>, raw: &RawValue) -> Option<Entry> {
    // document → ledger → entries → entry
    let e = parse_nested(buf, raw, 3)?;
    if e.as_object()
        .is_some_and(|o| o.keys().any(|k| !LEDGER_KEYS.contains(&k.as_str())))
    {
        return None;
    }
    let seq = i(&e, "seq", "").ok()?;
    let t = i(&e, "at", "").ok()?;
    let kind = s(&e, "kind", "").ok()?;
    let record_id = s(&e, "record_id", "").ok()?;
    let digest = h32(&e, "payload_digest", "").ok()?;
    let prev_hash = h32(&e, "prev_hash", "").ok()?;
    let hash = h32(&e, "hash", "").ok()?;
    // The reference hashes with the previous entry's hash; the caller checks that it equals
    // this entry's prev_hash.
    if entry_hash(seq, t, kind, record_id, &digest, &prev_hash) != hash {
        return None;
    }
    let reference = match ledger_ref(kind, record_id, "").ok()? {
        LedgerRef::Event(id) => Reference::Event(id),
        LedgerRef::Statement => Reference::Statement(record_id.to_string()),
        LedgerRef::Pin => Reference::Pin(record_id.to_string(), digest),
        LedgerRef::Request => Reference::Request(record_id.to_string(), digest),
        LedgerRef::LogHead { conflict } => {
            Reference::LogHead(record_id.to_string(), conflict, digest)
        }
        LedgerRef::PhoneImport => Reference::PhoneImport(record_id.to_string(), digest),
        LedgerRef::Other => Reference::Other,
    };
    Some(Entry {
        seq,
        prev_hash,
        hash,
        reference,
    })
}

/// One core's piece of disclosures: each checked as the reference does, then all signatures
/// in one batch. Returns their ids in order and the lenders' sequence numbers.
fn check_disclosures(raws: &[&RawValue], rings: &Rings) -> Option<(Vec<i64>, Sequences)> {
    let mut buf = Vec::new();
    let mut ids = Vec::with_capacity(raws.len());
    let mut sequences = Sequences::default();
    let mut signed: Vec<Prepared> = Vec::with_capacity(raws.len());
    for raw in raws {
        // document → disclosures → disclosure
        let d = parse_nested(&mut buf, raw, 2)?;
        ids.push(i(&d, "id", "").ok()?);
        let (st, _, prepared) = disclosure_statement(&d, "", rings).ok()?;
        disclosure_summary(&d, st, "").ok()?;
        if let Some(lender) = d.get("lenderId").and_then(Value::as_str) {
            sequences.add(lender, st);
        }
        signed.push(prepared);
    }
    verify_batch(&signed).then_some((ids, sequences))
}

/// `Some` when the export is valid; `None` when it is not, or may not be. A whole export
/// (`version` 1) or the first line of a version 2 stream, where `disclosures` may be absent.
pub(crate) fn verify_document(
    bytes: &[u8],
    version: u64,
    supplied: &SuppliedKeys,
    progress: &mut dyn FnMut(u64, u64),
) -> Option<Document> {
    let top: Top = serde_json::from_slice(bytes).ok()?;
    let has_disclosures = top.disclosures.is_some();
    let disclosures = match top.disclosures {
        Some(d) => d,
        None if version == 2 => Vec::new(),
        None => return None,
    };
    let ledger = top.ledger?;
    let entries = ledger.entries?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());

    // Everything but the two arrays, as the reference sees it.
    let mut buf = Vec::new();
    let mut lite = Map::new();
    for (k, raw) in &top.rest {
        lite.insert(k.clone(), parse_nested(&mut buf, raw, 1)?);
    }
    if has_disclosures {
        lite.insert("disclosures".into(), Value::Array(vec![]));
    }
    let mut lite_ledger = Map::new();
    for (k, raw) in &ledger.rest {
        lite_ledger.insert(k.clone(), parse_nested(&mut buf, raw, 2)?);
    }
    lite_ledger.insert("entries".into(), Value::Array(vec![]));
    lite.insert("ledger".into(), Value::Object(lite_ledger));
    let lite = Value::Object(lite);

    let version = what_it_is(&lite, version).ok()?;
    let listed = header(&lite).ok()?;
    let total = disclosures.len() as u64 + entries.len() as u64;
    let mut done = 0u64;

    // --- the ledger chain: each entry's hash on every core, the links in order here
    let mut prev = GENESIS_PREV_HASH;
    let mut expected_seq = 1i64;
    let mut ledger_events: HashSet<i64> = HashSet::new();
    let mut ledger_statements: Vec<String> = Vec::new();
    let mut pins: HashMap<String, LedgerPin> = HashMap::new();
    let mut ledger_requests: HashMap<String, ([u8; 32], usize)> = HashMap::new();
    let mut log_heads: Vec<LoggedHead> = Vec::new();
    let mut ledger_phone: HashMap<String, ([u8; 32], usize)> = HashMap::new();
    for round in entries.chunks(ROUND) {
        let pieces = on_every_core(round, cores, |piece| {
            let mut buf = Vec::new();
            piece
                .iter()
                .map(|raw| check_entry(&mut buf, raw))
                .collect::<Option<Vec<Entry>>>()
        });
        for piece in pieces {
            for e in piece? {
                if e.seq != expected_seq || e.prev_hash != prev {
                    return None;
                }
                match e.reference {
                    Reference::Event(id) => {
                        ledger_events.insert(id);
                    }
                    Reference::Statement(key) => ledger_statements.push(key),
                    Reference::Pin(lender, digest) => {
                        pins.insert(lender, LedgerPin { seq: e.seq, digest });
                    }
                    Reference::Request(id, digest) => {
                        ledger_requests.insert(id, (digest, (e.seq - 1) as usize));
                    }
                    Reference::LogHead(lender, conflict, digest) => log_heads.push(LoggedHead {
                        lender,
                        conflict,
                        digest,
                        entry: (e.seq - 1) as usize,
                    }),
                    Reference::PhoneImport(sha, digest) => {
                        let n = (e.seq - 1) as usize;
                        if ledger_phone.insert(sha, (digest, n)).is_some() {
                            return None;
                        }
                    }
                    Reference::Other => {}
                }
                prev = e.hash;
                expected_seq += 1;
            }
        }
        done += round.len() as u64;
        progress(done, total);
    }
    let head_hash = head(&lite["ledger"], expected_seq - 1, &prev).ok()?;

    // --- whose keys, then signed statements other than disclosures: the reference, one at a
    // time; then every small array's order
    let (rings, key_trust) = resolve(&listed, &pins, supplied).ok()?;
    let (mut held, mut signatures) = statements(&lite, &rings).ok()?;
    coverage::order(&lite).ok()?;
    borrower_requests(&lite, &mut ledger_requests).ok()?;
    phone_imports(&lite, &mut ledger_phone).ok()?;

    // --- disclosures: in id order, each matching what the lender signed, batch-verified
    let mut last_id = i64::MIN;
    let mut sequences = Sequences::default();
    for round in disclosures.chunks(ROUND) {
        for piece in on_every_core(round, cores, |piece| check_disclosures(piece, &rings)) {
            let (ids, seqs) = piece?;
            sequences.merge(seqs);
            for id in ids {
                if id <= last_id || !ledger_events.remove(&id) {
                    return None;
                }
                last_id = id;
            }
        }
        signatures += round.len() as u64;
        done += round.len() as u64;
        progress(done, total);
    }

    // --- nothing dropped, nothing added
    for key in &ledger_statements {
        if !held.remove(key) {
            return None;
        }
    }
    if !held.is_empty() || !ledger_events.is_empty() {
        return None;
    }
    progress(total, total);
    let report = VerifyReport {
        version,
        lenders: listed.len() as u64,
        signatures_checked: signatures,
        disclosures: disclosures.len() as u64,
        ledger_entries: entries.len() as u64,
        head_seq: expected_seq - 1,
        head_hash,
        key_trust,
        sequence_gaps: sequences.gaps(),
        unverified: coverage::unverified(&lite),
        withheld: coverage::withheld(&lite),
        logs: None,
    };
    Some(Document {
        report,
        rings,
        log_heads,
    })
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::{VerifyError, verify_export, verify_export_bytes};
    use crate::ledger::{GENESIS_PREV_HASH, entry_hash};
    use khata_contract::signing::LenderKey;
    use serde_json::{Value, json};

    /// A small export built by hand with real signatures and a real ledger chain: `n`
    /// disclosures of lender "L", each signed statement carrying `extra` as a member.
    pub(in super::super) fn export(n: i64, extra: Value) -> Value {
        export_seq(n, extra, |id| id)
    }

    /// [`export`] with the lender's sequence number of disclosure `id` given by `seq`.
    pub(in super::super) fn export_seq(n: i64, extra: Value, seq: fn(i64) -> i64) -> Value {
        let key = LenderKey::from_seed(&[3u8; 32]);
        let mut prev = GENESIS_PREV_HASH;
        let mut entries = Vec::new();
        let mut disclosures = Vec::new();
        for id in 1..=n {
            let st = key
                .sign_value(json!({
                    "disclosureId": format!("d{id}"), "seq": seq(id), "lenderId": "L",
                    "signal": "sms_income", "collectedAt": "2026-01-01T00:00:00Z",
                    "purpose": "103", "consentId": "c1", "valueDigest": "sha256:00",
                    "extra": extra,
                }))
                .unwrap();
            disclosures.push(json!({
                "id": id, "lenderId": "L", "lenderRef": format!("d{id}"), "signal": "sms_income",
                "collectedAt": 1_767_225_600_000i64, "purpose": "103", "consentId": "c1",
                "valueDigest": "sha256:00", "onwardRecipient": null, "statement": st,
            }));
            let (record, digest) = (id.to_string(), [id as u8; 32]);
            let hash = entry_hash(id, 7, "event.add", &record, &digest, &prev);
            entries.push(json!({
                "seq": id, "at": 7, "kind": "event.add", "record_id": record,
                "payload_digest": hex::encode(digest), "prev_hash": hex::encode(prev),
                "hash": hex::encode(hash),
            }));
            prev = hash;
        }
        json!({
            "format": "khata-export", "version": 1, "exportedAt": 1,
            "lenders": [{"id": "L", "keys": [key.public_info()]}],
            "signals": [], "consentRecords": [], "offers": [], "quotes": [], "receipts": [],
            "rightsRequests": [], "rightsStatements": [], "disclosures": disclosures,
            "ledger": {"entries": entries, "head": {"seq": n, "hash": if n > 0 { hex::encode(prev) } else { String::new() }}},
        })
    }

    pub(in super::super) fn both(
        bytes: &[u8],
    ) -> (
        Option<super::VerifyReport>,
        Result<super::VerifyReport, VerifyError>,
    ) {
        let reference = serde_json::from_slice::<Value>(bytes)
            .map_err(|e| VerifyError::Unusable {
                reason: format!("not JSON: {e}"),
            })
            .and_then(|doc| verify_export(&doc, &mut |_, _| {}));
        (
            super::verify_document(bytes, 1, &Default::default(), &mut |_, _| {}).map(|d| d.report),
            reference,
        )
    }

    #[test]
    fn agrees_with_the_reference_on_valid_exports() {
        for n in [0, 1, 2, 5, 9] {
            let bytes = serde_json::to_vec(&export(n, json!(null))).unwrap();
            let (fast, reference) = both(&bytes);
            assert_eq!(
                fast.expect("fast path verifies"),
                reference.expect("reference verifies")
            );
            assert_eq!(
                verify_export_bytes(&bytes, &mut |_, _| {})
                    .unwrap()
                    .disclosures,
                n as u64
            );
        }
    }

    #[test]
    fn defers_to_the_reference_on_any_problem() {
        let good = export(5, json!(null));
        let cases: Vec<Vec<u8>> = vec![
            // Out of order (the pieces of different cores must still be in order).
            {
                let mut d = good.clone();
                d["disclosures"].as_array_mut().unwrap().swap(1, 3);
                serde_json::to_vec(&d).unwrap()
            },
            // A tampered signed statement.
            {
                let mut d = good.clone();
                d["disclosures"][4]["statement"]["seq"] = json!(50);
                serde_json::to_vec(&d).unwrap()
            },
            // A dropped ledger entry.
            {
                let mut d = good.clone();
                d["ledger"]["entries"].as_array_mut().unwrap().remove(2);
                serde_json::to_vec(&d).unwrap()
            },
            // A second `disclosures` member wins over the first, as in the reference.
            {
                let s = serde_json::to_string(&good).unwrap();
                s.replacen('{', "{\"disclosures\":[],", 1)
                    .into_bytes()
                    .into_iter()
                    .collect::<Vec<u8>>()
            },
            // A number the reference's parser refuses, in a member nobody checks.
            {
                let s = serde_json::to_string(&good).unwrap();
                s.replacen("\"signals\":[]", "\"signals\":[1e400]", 1)
                    .into_bytes()
            },
            // Trailing garbage.
            {
                let mut b = serde_json::to_vec(&good).unwrap();
                b.extend_from_slice(b" x");
                b
            },
        ];
        for (k, bytes) in cases.iter().enumerate() {
            let (fast, reference) = both(bytes);
            if reference.is_ok() {
                // Duplicate members: the last one wins in both (here the real disclosures).
                assert_eq!(fast.as_ref(), reference.as_ref().ok(), "case {k}");
                continue;
            }
            assert!(
                fast.is_none(),
                "case {k}: fast path accepted what the reference refuses"
            );
            assert_eq!(
                verify_export_bytes(bytes, &mut |_, _| {}),
                reference,
                "case {k}"
            );
        }
    }

    #[test]
    fn nesting_limit_counts_from_the_document_root() {
        // A lender may sign any JSON: 125 nested arrays inside a statement parse on their own
        // (127 levels from the disclosure) but exceed serde_json's limit of 128 levels from the
        // document's root (129).
        let mut deep = json!(0);
        for _ in 0..125 {
            deep = json!([deep]);
        }
        let bytes = serde_json::to_vec(&export(2, deep)).unwrap();
        let (fast, reference) = both(&bytes);
        let err = reference.expect_err("too deep for the reference");
        assert!(err.to_string().contains("recursion limit"), "{err}");
        assert!(fast.is_none());
        assert_eq!(verify_export_bytes(&bytes, &mut |_, _| {}), Err(err));
        // Shallower, it verifies on both paths.
        let mut ok = json!(0);
        for _ in 0..100 {
            ok = json!([ok]);
        }
        let bytes = serde_json::to_vec(&export(2, ok)).unwrap();
        let (fast, reference) = both(&bytes);
        assert_eq!(fast.unwrap(), reference.unwrap());
    }
}
