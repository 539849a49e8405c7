//! Builds an [`AuditInput`] from a vault (read-only queries) or from an export document.

use khata_vault::Vault;
use serde_json::Value;

use super::{AuditInput, SignalMeta};

const PAGE: usize = 5_000;

/// Reads the signed statements kept by sync. Read-only.
pub fn from_vault(v: &Vault, now_ms: i64) -> khata_vault::Result<AuditInput> {
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
