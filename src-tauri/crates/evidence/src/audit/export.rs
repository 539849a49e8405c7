//! Reads an export (docs/export.md) for the rules: [`from_export`] from a parsed document, or
//! [`audit_export_bytes`] straight from its bytes, keeping a million disclosures as raw text.
//! [`from_export`] also reads a version 2 export's first line (the document before its
//! leaves): whatever else it holds, its `logs[].conflicts` are the log rules' input.

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
            input.add_log_conflict(c);
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
    audit_in_rounds(bytes, now_ms, ROUND, on_disclosure)
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
