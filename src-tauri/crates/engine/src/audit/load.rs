//! Builds an [`AuditInput`] from a vault (read-only queries) or from an export document, or
//! audits an export straight from its bytes ([`audit_export_bytes`], for a million disclosures).

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use khata_lending::types as wire;
use khata_vault::Vault;
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::verify_fast::on_every_core;
use super::{
    AuditInput, AuditReport, DisclosureRules, DisclosureSource, Evidence, RecordRef, SignalMeta,
    report,
};

const PAGE: usize = 5_000;

/// Reads the signed statements kept by sync. Read-only.
pub fn from_vault(v: &Vault, now_ms: i64) -> khata_vault::Result<AuditInput> {
    let mut input = from_vault_statements(v, now_ms)?;
    let mut after = 0i64;
    loop {
        let page = v.events_by_id(after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.0.id;
        for (e, _lender_ref, statement) in page {
            match statement.as_deref().map(serde_json::from_slice::<Value>) {
                Some(Ok(json)) => input.add_statement("disclosure", json, Some(e.id)),
                Some(Err(err)) => input
                    .unreadable
                    .push(format!("disclosure #{}: {err}", e.id)),
                None => input.unreadable.push(format!(
                    "disclosure #{}: no signed lender statement kept",
                    e.id
                )),
            }
        }
    }
    Ok(input)
}

/// The signal catalogue and every signed statement but the disclosures.
fn from_vault_statements(v: &Vault, now_ms: i64) -> khata_vault::Result<AuditInput> {
    let mut input = AuditInput {
        now_ms,
        signals: v
            .signals()?
            .into_iter()
            .map(|s| SignalMeta {
                id: s.id,
                regulatory_flags: s.regulatory_flags,
            })
            .collect(),
        ..Default::default()
    };
    for kind in ["consent", "receipt", "offer", "quote"] {
        for s in v.statements_of_kind(kind, None)? {
            match serde_json::from_slice::<Value>(&s.json) {
                Ok(json) => input.add_statement(kind, json, None),
                Err(e) => input.unreadable.push(format!("{kind} {}: {e}", s.id)),
            }
        }
    }
    Ok(input)
}

/// A vault's disclosures by index (their event ids), for the findings' records and evidence.
struct VaultDisclosures<'a> {
    vault: &'a Vault,
    ids: Vec<i64>,
}

impl VaultDisclosures<'_> {
    fn statement_json(&self, i: usize) -> Value {
        match self.vault.event_statement(self.ids[i]) {
            Ok(Some((_, Some(bytes)))) => serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }
}

impl DisclosureSource for VaultDisclosures<'_> {
    fn record(&self, i: usize) -> RecordRef {
        RecordRef {
            kind: "disclosure".into(),
            id: self
                .statement_json(i)
                .get("disclosureId")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .into(),
            local_id: Some(self.ids[i]),
        }
    }

    fn statement(&self, i: usize) -> Evidence {
        let st = self.statement_json(i);
        Evidence {
            kind: "disclosure".into(),
            id: st
                .get("disclosureId")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .into(),
            statement: Arc::new(st),
        }
    }
}

/// Audits everything in the vault (read-only), as `audit(&from_vault(v, now_ms)?)` would, with
/// the disclosures read a page at a time and dropped once checked: only their ids are kept, and
/// the few that end up in findings are read again. What the app's Audit screen and grievances
/// use, so a million disclosures need not be in memory at once.
pub fn audit_vault(v: &Vault, now_ms: i64) -> khata_vault::Result<AuditReport> {
    let mut input = from_vault_statements(v, now_ms)?;
    let mut unreadable = Vec::new();
    let mut ids = Vec::new();
    let checked;
    let findings = {
        let mut rules = DisclosureRules::new(&input);
        let mut after = 0i64;
        loop {
            let page = v.events_by_id(after, PAGE)?;
            let Some(last) = page.last() else { break };
            after = last.0.id;
            for (e, _lender_ref, statement) in page {
                let Some(bytes) = statement else {
                    unreadable.push(format!(
                        "disclosure #{}: no signed lender statement kept",
                        e.id
                    ));
                    continue;
                };
                let read = serde_json::from_slice::<wire::Disclosure>(&bytes).or_else(|_| {
                    // The reference reading, for its message (or a value the typed parse
                    // refused, such as duplicate members).
                    let json = serde_json::from_slice::<Value>(&bytes)
                        .map_err(|err| format!("disclosure #{}: {err}", e.id))?;
                    let mut one = AuditInput::default();
                    one.add_statement("disclosure", json, Some(e.id));
                    match one.disclosures.pop() {
                        Some(d) => Ok(d.stmt.value),
                        None => Err(one.unreadable.pop().unwrap_or_default()),
                    }
                });
                match read {
                    Ok(w) => {
                        rules.check(ids.len(), &w);
                        ids.push(e.id);
                    }
                    Err(msg) => unreadable.push(msg),
                }
            }
        }
        checked = ids.len() as u64;
        rules.finish(&VaultDisclosures { vault: v, ids })
    };
    input.unreadable.extend(unreadable);
    Ok(report(&input, checked, findings))
}

/// Reads an export document (see docs/export.md). Missing sections are treated as empty;
/// run [`super::verify::verify_export`] first to know the document is intact.
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
                id: id.into(),
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
struct Top<'a> {
    disclosures: Option<Vec<&'a RawValue>>,
    rest: Vec<(String, &'a RawValue)>,
}

impl<'de> Deserialize<'de> for Top<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de> Visitor<'de> for V<'de> {
            type Value = Top<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a Khata export")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Top<'de>, A::Error> {
                let mut top = Top {
                    disclosures: None,
                    rest: Vec::new(),
                };
                while let Some(k) = m.next_key::<String>()? {
                    match k.as_str() {
                        "disclosures" => {
                            // Not an array: as absent, like `from_export`.
                            let raw: &RawValue = m.next_value()?;
                            top.disclosures = serde_json::from_str(raw.get()).ok();
                        }
                        // Never read by the audit: skipped without building anything.
                        "ledger" => {
                            m.next_value::<IgnoredAny>()?;
                        }
                        _ => top.rest.push((k, m.next_value()?)),
                    }
                }
                Ok(top)
            }
        }
        d.deserialize_map(V(PhantomData))
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
        Some(s) if !s.is_null() => {
            let mut one = AuditInput::default();
            one.add_statement("disclosure", s.clone(), local);
            match one.disclosures.pop() {
                Some(d) => Ok(d.stmt.value),
                None => Err(one.unreadable.pop().unwrap_or_default()),
            }
        }
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
        RecordRef {
            kind: "disclosure".into(),
            id: st
                .get("disclosureId")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .into(),
            local_id,
        }
    }

    fn statement(&self, i: usize) -> Evidence {
        let (_, st) = self.parts(i);
        Evidence {
            kind: "disclosure".into(),
            id: st
                .get("disclosureId")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .into(),
            statement: Arc::new(st),
        }
    }
}

/// Disclosures parsed per round, on every core, before the rules see them in order.
const ROUND: usize = 1 << 16;

/// Audits an export from its bytes, as `audit(&from_export(&doc, now_ms))` would, without
/// building the document: the disclosures stay raw JSON text, are parsed a round at a time on
/// every core, checked in order and dropped; only the few that end up as evidence or in a
/// finding's records are read again. Memory beyond `bytes` is a few dozen bytes per disclosure
/// (its time for the frequency rule, its place in the text). `on_disclosure` sees every
/// readable disclosure, in order. Run [`super::verify::verify_export_bytes`] first to know the
/// export is intact. Errors: not a JSON object.
pub fn audit_export_bytes(
    bytes: &[u8],
    now_ms: i64,
    on_disclosure: impl FnMut(&wire::Disclosure),
) -> Result<AuditReport, String> {
    audit_in_rounds(bytes, now_ms, ROUND, on_disclosure)
}

/// [`audit_export_bytes`] with `round` disclosures parsed at a time.
pub(super) fn audit_in_rounds(
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
