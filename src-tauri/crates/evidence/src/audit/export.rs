//! Reads an export (docs/export.md) for the rules: [`from_export`] from a parsed document, or
//! [`audit_export_bytes`] straight from its bytes, keeping a million disclosures as raw text.
//! [`from_export`] also reads a version 2 export's first line (the document before its
//! leaves): whatever else it holds, its `logs[].conflicts` are the log rules' input. Both
//! versions may carry the phone evidence (`phoneSources`, `phoneObservations`), which the
//! `observed-*` rules read.

use khata_contract::types as wire;
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{
    AuditInput, AuditReport, DisclosureRules, DisclosureSource, Evidence, RecordRef, SignalMeta,
    parse_disclosure, report,
};
use crate::members::{Members, deserialize_members};
use crate::parallel::on_every_core;

/// Reads an export document (see docs/export.md). Missing sections are treated as empty;
/// run [`crate::verify::verify_export`] first to know the document is intact.
pub fn from_export(doc: &Value, now_ms: i64) -> AuditInput {
    let mut input = AuditInput {
        now_ms,
        ..Default::default()
    };
    let arr = |k: &str| {
        doc.get(k)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    for s in arr("signals") {
        if let Some(id) = s.get("id").and_then(Value::as_str) {
            let text = |keys: &[&str]| {
                keys.iter()
                    .find_map(|k| s.get(*k).and_then(Value::as_str))
                    .map(str::to_string)
            };
            let flags = s
                .get("regulatory_flags")
                .or_else(|| s.get("regulatoryFlags"))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|f| f.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            input.signals.push(SignalMeta {
                lender_id: text(&["lender_id", "lenderId"]),
                id: id.into(),
                name: text(&["name"]).unwrap_or_default(),
                category: text(&["category", "dpvCategory"]).unwrap_or_default(),
                regulatory_flags: flags,
            });
        }
    }
    for c in arr("consentRecords") {
        for a in c
            .get("signed_artefacts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            input.add_statement("consent", a.clone(), None);
        }
    }
    for (key, kind) in [
        ("receipts", "receipt"),
        ("offers", "offer"),
        ("quotes", "quote"),
    ] {
        for s in arr(key) {
            input.add_statement(kind, s, None);
        }
    }
    // The borrower's own requests, as the exporting vault's ledger recorded them.
    for r in arr("borrowerRequests") {
        input.add_request(&r);
    }
    // A version 2 export's disclosure logs: the conflicts each lender's log showed at sync.
    for log in arr("logs") {
        for c in log
            .get("conflicts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            input.add_log_conflict(&conflict_record(&log, c));
        }
    }
    // What the borrower's phone saw, and whose API each lender's own domains are under.
    for (n, v) in arr("phoneSources").into_iter().enumerate() {
        match serde_json::from_value(v) {
            Ok(s) => input.phone_sources.push(s),
            Err(e) => input.unreadable.push(format!("phone source #{n}: {e}")),
        }
    }
    for (n, v) in arr("phoneObservations").into_iter().enumerate() {
        match serde_json::from_value(v) {
            Ok(o) => input.observations.push(o),
            Err(e) => input
                .unreadable
                .push(format!("phone observation #{n}: {e}")),
        }
    }
    for l in arr("lenders") {
        if let (Some(id), Some(base)) = (
            l.get("id").and_then(Value::as_str),
            l.get("apiBase").and_then(Value::as_str),
        ) {
            input.lender_api_bases.push((id.into(), base.into()));
        }
    }
    for d in arr("disclosures") {
        let local = d.get("id").and_then(Value::as_i64);
        match d.get("statement") {
            Some(s) if !s.is_null() => input.add_statement("disclosure", s.clone(), local),
            _ => input.unreadable.push(format!(
                "disclosure #{}: no signed lender statement",
                local.unwrap_or(-1)
            )),
        }
    }
    input
}

/// A conflict as the rules read it. An export keeps each conflicting head as the lender
/// signed it; beside it goes the held head of the same size (a fork proven by two signatures)
/// or else the largest held head below it, and its own signing time stands for when it was
/// found. A record already in the rules' shape (with `offered`) is read as it is.
fn conflict_record(log: &Value, conflict: &Value) -> Value {
    if conflict.get("offered").is_some() {
        return conflict.clone();
    }
    let size = |h: &Value| h.get("treeSize").and_then(Value::as_u64);
    let Some(n) = size(conflict) else {
        return conflict.clone();
    };
    let held: Vec<&Value> = log
        .get("treeHeads")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    let same = held.iter().find(|h| size(h) == Some(n));
    let below = held
        .iter()
        .filter(|h| size(h).is_some_and(|s| s < n))
        .max_by_key(|h| size(h));
    let detected = conflict
        .get("timestamp")
        .and_then(Value::as_str)
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map_or(0, |t| t.timestamp_millis());
    serde_json::json!({
        "kind": "fork",
        "held": same.or(below).map(|h| (*h).clone()),
        "offered": conflict,
        "detectedAt": detected,
    })
}

/// The export with its disclosures left as raw JSON text; the ledger is not looked at.
/// Members keep serde_json's rule for duplicates (the last one wins), as a `Value` does.
#[derive(Default)]
struct Top<'a> {
    disclosures: Option<Vec<&'a RawValue>>,
    rest: Vec<(String, &'a RawValue)>,
}

impl<'de> Members<'de> for Top<'de> {
    const EXPECTING: &'static str = "a Khata export";
    fn member<A: MapAccess<'de>>(&mut self, key: String, m: &mut A) -> Result<(), A::Error> {
        match key.as_str() {
            "disclosures" => {
                // Not an array: as absent, like `from_export`.
                let raw: &RawValue = m.next_value()?;
                self.disclosures = serde_json::from_str(raw.get()).ok();
            }
            // Never read by the audit: skipped without building anything.
            "ledger" => {
                m.next_value::<IgnoredAny>()?;
            }
            _ => self.rest.push((key, m.next_value()?)),
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Top<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_members(d)
    }
}

/// One disclosure record of an export: the lender's signed statement (the vault's id is read
/// only for the few that are named in findings).
#[derive(Deserialize)]
struct RawDisclosure<'a> {
    #[serde(borrow)]
    statement: Option<&'a RawValue>,
}

/// The signed statement of one export disclosure, parsed into its wire type; or why not, as
/// [`from_export`] says it.
fn read_disclosure(raw: &RawValue) -> Result<wire::Disclosure, String> {
    if let Ok(RawDisclosure {
        statement: Some(s), ..
    }) = serde_json::from_str::<RawDisclosure>(raw.get())
        && let Ok(w) = serde_json::from_str::<wire::Disclosure>(s.get())
    {
        return Ok(w);
    }
    // Anything unusual (no statement, an unreadable one, duplicate members): the reference
    // reading, so the answer and the message are `from_export`'s.
    let d: Value = serde_json::from_str(raw.get()).map_err(|e| format!("disclosure: {e}"))?;
    let local = d.get("id").and_then(Value::as_i64);
    match d.get("statement") {
        Some(s) if !s.is_null() => parse_disclosure(s),
        _ => Err(format!(
            "disclosure #{}: no signed lender statement",
            local.unwrap_or(-1)
        )),
    }
}

/// The disclosures of an export, by index, for the findings' records and evidence.
struct RawDisclosures<'a>(&'a [&'a RawValue]);

impl RawDisclosures<'_> {
    fn parts(&self, i: usize) -> (Option<i64>, Value) {
        let d: Value = serde_json::from_str(self.0[i].get()).unwrap_or(Value::Null);
        let local = d.get("id").and_then(Value::as_i64);
        let statement = d.get("statement").cloned().unwrap_or(Value::Null);
        (local, statement)
    }
}

impl DisclosureSource for RawDisclosures<'_> {
    fn record(&self, i: usize) -> RecordRef {
        let (local_id, st) = self.parts(i);
        RecordRef::disclosure(&st, local_id)
    }

    fn statement(&self, i: usize) -> Evidence {
        Evidence::disclosure(self.parts(i).1)
    }
}

/// Disclosures parsed per round, on every core, before the rules see them in order.
const ROUND: usize = 1 << 16;

/// Audits an export from its bytes, as `audit(&from_export(&doc, now_ms))` would, without
/// building the document: the disclosures stay raw JSON text, are parsed a round at a time on
/// every core, checked in order and dropped; only the few that end up as evidence or in a
/// finding's records are read again. Memory beyond `bytes` is a few dozen bytes per disclosure
/// (its time for the frequency rule, its place in the text). `on_disclosure` sees every
/// readable disclosure, in order. Run [`crate::verify::verify_export_bytes`] first to know the
/// export is intact. Errors: not a JSON object.
pub fn audit_export_bytes(
    bytes: &[u8],
    now_ms: i64,
    on_disclosure: impl FnMut(&wire::Disclosure),
) -> Result<AuditReport, String> {
    if crate::export_v2::is_v2(bytes) {
        return audit_v2(bytes, now_ms, on_disclosure);
    }
    audit_in_rounds(bytes, now_ms, ROUND, on_disclosure)
}

/// A version 2 export: line 1 read as a document (its contract-v1 disclosures too), then each
/// lender's leaves, a line at a time, in `logs` order; only each leaf's place in the bytes is
/// kept, for the few that end up as evidence.
fn audit_v2(
    bytes: &[u8],
    now_ms: i64,
    mut on_disclosure: impl FnMut(&wire::Disclosure),
) -> Result<AuditReport, String> {
    let end = memchr::memchr(b'\n', bytes).unwrap_or(bytes.len());
    let doc: Value =
        serde_json::from_slice(&bytes[..end]).map_err(|e| format!("not an export: {e}"))?;
    let mut input = from_export(&doc, now_ms);
    // Contract-v1 disclosures are in `input` already; the rules see them first.
    let mut sources: Vec<Source> = std::mem::take(&mut input.disclosures)
        .into_iter()
        .map(|d| Source::Read(Box::new(d)))
        .collect();
    let mut lenders: Vec<(String, u64)> = doc
        .get("logs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| {
            Some((
                l.get("lenderId")?.as_str()?.to_owned(),
                l.get("leafCount")?.as_u64()?,
            ))
        })
        .collect();
    lenders.sort();
    // Each lender's held heads by size: a leaf's evidence is the leaf with the first head that
    // covers it (the signature that commits to it).
    let heads: Vec<Vec<Value>> = lenders
        .iter()
        .map(|(id, _)| {
            let mut list: Vec<Value> = doc
                .get("logs")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|l| l.get("lenderId").and_then(Value::as_str) == Some(id.as_str()))
                .flat_map(|l| l.get("treeHeads").and_then(Value::as_array).cloned())
                .flatten()
                .collect();
            list.sort_by_key(|h| h.get("treeSize").and_then(Value::as_u64));
            list
        })
        .collect();
    let mut unreadable = Vec::new();
    let mut at = (end + 1).min(bytes.len());
    let mut read_leaf = |lender: &str| -> Option<Result<(wire::Disclosure, Span), String>> {
        if at >= bytes.len() {
            return None;
        }
        let stop = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
        let span = (at, stop);
        at = stop + 1;
        let read = serde_json::from_slice::<Value>(&bytes[span.0..span.1])
            .map_err(|e| e.to_string())
            .and_then(|v| khata_contract::log::DisclosureLeaf::check(&v).map_err(|e| e.to_string()))
            .map(|c| (super::leaf_disclosure(lender, &c.leaf), span))
            .map_err(|e| format!("a leaf of {lender}: {e}"));
        Some(read)
    };
    let checked;
    let findings = {
        let mut rules = DisclosureRules::new(&input);
        for (i, s) in sources.iter().enumerate() {
            if let Source::Read(d) = s {
                on_disclosure(&d.stmt.value);
                rules.check(i, &d.stmt.value);
            }
        }
        for (k, (lender, count)) in lenders.iter().enumerate() {
            for _ in 0..*count {
                match read_leaf(lender) {
                    Some(Ok((d, span))) => {
                        on_disclosure(&d);
                        rules.check(sources.len(), &d);
                        sources.push(Source::Leaf(span, k));
                    }
                    Some(Err(e)) => unreadable.push(e),
                    None => break,
                }
            }
        }
        checked = sources.len() as u64;
        rules.finish(&V2Disclosures {
            bytes,
            sources: &sources,
            heads: &heads,
        })
    };
    input.unreadable.extend(unreadable);
    Ok(report(&input, checked, findings))
}

/// Where a leaf's line is in the export's bytes.
type Span = (usize, usize);

/// A disclosure of a version 2 export: one of line 1 (read), or a leaf by its place.
enum Source {
    Read(Box<super::DisclosureIn>),
    /// A leaf line and its lender's place in `logs` order.
    Leaf(Span, usize),
}

struct V2Disclosures<'a> {
    bytes: &'a [u8],
    sources: &'a [Source],
    heads: &'a [Vec<Value>],
}

impl V2Disclosures<'_> {
    fn parts(&self, i: usize) -> (Option<i64>, Value) {
        match &self.sources[i] {
            Source::Read(d) => (d.local_id, (*d.stmt.json).clone()),
            Source::Leaf((a, b), lender) => {
                let leaf: Value =
                    serde_json::from_slice(&self.bytes[*a..*b]).unwrap_or(Value::Null);
                let index = leaf.get("index").and_then(Value::as_u64).unwrap_or(0);
                let head = self.heads[*lender]
                    .iter()
                    .find(|h| h.get("treeSize").and_then(Value::as_u64) > Some(index))
                    .cloned();
                (None, serde_json::json!({"leaf": leaf, "treeHead": head}))
            }
        }
    }
}

impl DisclosureSource for V2Disclosures<'_> {
    fn record(&self, i: usize) -> RecordRef {
        let (local_id, st) = self.parts(i);
        RecordRef::disclosure(&st, local_id)
    }

    fn statement(&self, i: usize) -> Evidence {
        Evidence::disclosure(self.parts(i).1)
    }
}

/// [`audit_export_bytes`] with `round` disclosures parsed at a time.
pub(crate) fn audit_in_rounds(
    bytes: &[u8],
    now_ms: i64,
    round: usize,
    mut on_disclosure: impl FnMut(&wire::Disclosure),
) -> Result<AuditReport, String> {
    let top: Top = serde_json::from_slice(bytes).map_err(|e| format!("not an export: {e}"))?;
    let mut lite = Map::new();
    for (k, raw) in top.rest {
        let v: Value = serde_json::from_str(raw.get()).map_err(|e| format!("{k}: {e}"))?;
        lite.insert(k, v);
    }
    let mut input = from_export(&Value::Object(lite), now_ms);
    let raws = top.disclosures.unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut unreadable = Vec::new();
    let mut checked = 0u64;
    let findings = {
        let mut rules = DisclosureRules::new(&input);
        for (r, chunk) in raws.chunks(round.max(1)).enumerate() {
            let pieces = on_every_core(chunk, cores, |piece| {
                piece
                    .iter()
                    .map(|raw| read_disclosure(raw))
                    .collect::<Vec<_>>()
            });
            for (k, d) in pieces.into_iter().flatten().enumerate() {
                match d {
                    Ok(w) => {
                        on_disclosure(&w);
                        rules.check(r * round.max(1) + k, &w);
                        checked += 1;
                    }
                    Err(e) => unreadable.push(e),
                }
            }
        }
        rules.finish(&RawDisclosures(&raws))
    };
    input.unreadable.extend(unreadable);
    Ok(report(&input, checked, findings))
}
