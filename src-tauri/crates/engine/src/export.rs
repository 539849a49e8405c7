//! Export: one JSON document, written as a stream (page by page, flat memory) to a temporary
//! file renamed into place when complete. Consent records are shaped after ISO/IEC TS 27560
//! with W3C DPV terms; every lender statement is embedded exactly as signed, so an offline
//! verifier can re-check each Ed25519 signature and the vault ledger's hash chain. With
//! redaction patterns (an export for an advocate) the statements lose the values asked for as
//! `crate::redaction` describes, and every signature still holds.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use khata_evidence::export_v2::{LogSection, Redaction, Writer};
use khata_evidence::verify::coverage::{event_order, statement_id_field, statement_order};
use khata_lending::types as wire;
use khata_vault::{ConsentActionKind, HeadStatus, LedgerEntry, Vault, now_ms};
use serde_json::{Value, json};

use crate::engine::{Engine, lender_names};
use crate::error::{EngineError, Result};
use crate::export_other::{Counter, PAGE, Shared, disclosure_pages, with, write_replacing};
use crate::log_records;
use crate::redaction::{self, Redactor};
use crate::views::*;

/// Version of the export document.
pub const EXPORT_FORMAT_VERSION: u32 = 1;

fn stmt_value(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or(Value::Null)
}

fn dpv_state(status: &str) -> &'static str {
    match status {
        "ACTIVE" => "dpv:ConsentGiven",
        "PAUSED" => "dpv:ConsentGiven",
        "REVOKED" => "dpv:ConsentWithdrawn",
        "EXPIRED" => "dpv:ConsentExpired",
        _ => "dpv:ConsentInvalidated",
    }
}

/// One consent as an ISO/IEC TS 27560-shaped record, with the lender's signed artefacts.
fn consent_record(v: &Vault, c: &khata_vault::Consent, lender_name: &str) -> Result<Value> {
    let versions = v.statements("consent", &c.id)?;
    // Read with every disclosed value in place (a v2 artefact commits to its customer id).
    let latest: Option<wire::Consent> = versions
        .last()
        .and_then(|s| redaction::plain_statement(&s.json))
        .and_then(|plain| serde_json::from_value(plain).ok());
    let signals = v.lender_signals(Some(&c.lender_id))?;
    let info = |id: &str| signals.iter().map(|s| &s.signal).find(|s| s.id == id);
    let pii = |id: &String, granted: bool| {
        let s = info(id);
        json!({
            "pii_type": s.map(|s| s.category.clone()).unwrap_or_default(),
            "pii_attribute_id": id,
            "pii_optional": true,
            "sensitive_pii_category": s.map(|s| s.sensitivity.as_str()).unwrap_or("high"),
            "consented": granted,
        })
    };
    let mut events = vec![json!({
        "event_time": c.consent_start,
        "event_type": "dpv:ConsentGiven",
        "event_state": "dpv:ConsentGiven",
        "entity_id": "pii_principal",
        "validity_duration": c.consent_expiry - c.consent_start,
    })];
    for a in v.consent_actions(Some(&c.id))? {
        events.push(json!({
            "event_time": a.revocation.requested_at,
            "event_type": match a.action {
                ConsentActionKind::Revoke => "dpv:ConsentWithdrawn",
                ConsentActionKind::Pause => "khata:ConsentPaused",
                ConsentActionKind::Resume => "khata:ConsentResumed",
            },
            "event_state": a.outbox.as_ref().map(|o| o.state.as_str()).unwrap_or("pending"),
            "entity_id": "pii_principal",
            "signals": a.signals,
        }));
    }
    // The verifier's canonical order (by time), so no two events can be swapped unnoticed.
    events.sort_by_cached_key(event_order);
    Ok(json!({
        "schema_version": "ISO/IEC TS 27560:2023",
        "record_id": c.id,
        "pii_principal_id": latest.as_ref().map(|l| l.customer_id.clone()),
        "status": c.status.as_str(),
        "event_state": dpv_state(c.status.as_str()),
        "processing": {
            "purposes": [{
                "purpose": c.purpose_text,
                "code": c.purpose_code,
                "dpv": "sector-finance:CreditChecking",
            }],
            "lawful_basis": "dpv:Consent",
            "processing_method": ["dpv:AutomatedDecisionMaking"],
            "pii_controllers": [{
                "party_name": lender_name,
                "party_id": c.lender_id,
                "party_role": "dpv:DataController",
                "party_type": "dpv:Organisation",
            }],
            "collection_method": "dpv:CollectedFromDevice",
            "retention_period": { "unit": c.data_life.unit.as_str(), "value": c.data_life.value },
            "frequency": { "unit": c.frequency.unit.as_str(), "value": c.frequency.value },
            "fetch_type": c.fetch_type.as_str(),
            "fi_data_range": c.fi_data_range.map(|r| json!({"from": r.from, "to": r.to})),
            "jurisdiction": "IN",
            "recipient_third_parties": latest.as_ref().map(|l| l.onward_recipients.clone()).unwrap_or_default(),
            "withdrawal_method": "khata:RevokeThroughApp",
            "privacy_rights": ["dpdp:s11-access", "dpdp:s12-correction-erasure", "dpdp:s13-grievance", "gdpr:art22-human-review"],
        },
        "pii_information": c.signals_granted.iter().map(|s| pii(s, true))
            .chain(c.signals_denied.iter().map(|s| pii(s, false))).collect::<Vec<_>>(),
        "events": events,
        "consent_start": c.consent_start,
        "consent_expiry": c.consent_expiry,
        "signed_artefacts": versions.iter().map(|s| stmt_value(&s.json)).collect::<Vec<_>>(),
    }))
}

impl Engine {
    /// Writes an export to `path`: JSON (for verifiers), CSV (one file per record kind,
    /// zipped) or a printable HTML report. Streams page by page with `progress`; setting `cancel` stops it and removes the partial
    /// file. `options.redact` withholds fields (JSON only: the CSV and HTML exports are for
    /// reading, not for sharing, and refuse it).
    pub async fn export(
        &self,
        path: impl AsRef<Path>,
        format: ExportFormat,
        options: ExportOptions,
        progress: impl Fn(Progress) + Send + Sync + 'static,
        cancel: Arc<AtomicBool>,
    ) -> Result<ExportSummary> {
        let redactor = Redactor::new(&options.redact);
        let language = options.language;
        if redactor.is_some() && format != ExportFormat::Json {
            return Err(EngineError::InvalidInput(
                "Only the JSON export can withhold fields; choose JSON to share with an advocate."
                    .into(),
            ));
        }
        let path = path.as_ref().to_path_buf();
        let vault = self.vault.clone();
        let path2 = path.clone();
        let result = tokio::task::spawn_blocking(move || {
            let mut redactor = redactor;
            let written = write_replacing(&path2, |file| match format {
                ExportFormat::Json => {
                    let mut w = Counter::file(file);
                    let (records, head) =
                        export_json(&vault, &mut w, redactor.as_mut(), &progress, &cancel)?;
                    Ok((w.finish()?, records, head))
                }
                ExportFormat::Csv => {
                    crate::export_other::export_csv(&vault, file, &progress, &cancel)
                }
                ExportFormat::Html => {
                    crate::export_other::export_html(&vault, file, language, &progress, &cancel)
                }
            })?;
            Ok::<_, EngineError>((written, redactor.map(Redactor::summary)))
        })
        .await?;
        let ((bytes, records, head), redaction) = result?;
        Ok(ExportSummary {
            path: path.display().to_string(),
            format,
            bytes,
            records,
            ledger_head: head,
            redaction,
        })
    }
}

/// Every lender with a disclosure log (contract v2): how many leaves the vault holds, its held
/// signed heads and the conflicting ones it kept.
fn log_sections(v: &Vault) -> Result<Vec<LogSection>> {
    let mut out = Vec::new();
    for link in v.lender_links()? {
        let Some(state) = v.log_state(&link.lender_id)? else {
            continue;
        };
        let (mut tree_heads, mut conflicts) = (Vec::new(), Vec::new());
        for h in v.tree_heads(&link.lender_id)? {
            let json: Value = serde_json::from_str(&h.head.signed_json)?;
            match h.status {
                HeadStatus::Held => tree_heads.push(json),
                HeadStatus::Conflicting => conflicts.push(json),
            }
        }
        out.push(LogSection {
            lender_id: link.lender_id,
            leaf_count: state.size,
            tree_heads,
            conflicts,
        });
    }
    Ok(out)
}

/// Contract v2's export (docs/export.md, "Version 2"): line 1 is the document — every section
/// above, the disclosures received through contract v1 (if any), the ledger and each lender's
/// log — then each lender's leaves, one line each, streamed from the vault.
#[allow(clippy::too_many_arguments)]
fn export_v2<W: Write>(
    vault: &Shared,
    w: &mut W,
    header: Value,
    logs: Vec<LogSection>,
    total: u64,
    mut redactor: Option<&mut Redactor>,
    progress: &dyn Fn(Progress),
    cancel: &AtomicBool,
) -> Result<(u64, String)> {
    let Value::Object(mut doc) = header else {
        return Err(EngineError::Internal(
            "the export header is not an object".into(),
        ));
    };
    let mut records: u64 = doc
        .values()
        .filter_map(Value::as_array)
        .map(|a| a.len() as u64)
        .sum();
    let exported_at = redactor
        .as_deref()
        .and_then(Redactor::exported_at)
        .unwrap_or_else(now_ms);
    doc.insert("exportedAt".into(), exported_at.into());

    // Disclosures that came through contract v1, each with its own signed statement.
    let mut v1 = Vec::new();
    v1.push(b'[');
    records += disclosure_pages(vault, total, progress, cancel, |page| {
        for (e, lender_ref, statement) in page {
            if lender_ref.is_none() && statement.is_none() {
                continue; // a leaf of a log: written below
            }
            if v1.len() > 1 {
                v1.push(b',');
            }
            write_v1_disclosure(&mut v1, e, lender_ref, statement, redactor.as_deref_mut())?;
        }
        Ok(())
    })?;
    v1.push(b']');
    doc.insert("disclosures".into(), serde_json::from_slice(&v1)?);

    // The ledger: one entry per stored page of a log, not per leaf, so it fits in line 1.
    let mut entries = Vec::new();
    let mut seq = 0i64;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(EngineError::Cancelled);
        }
        let page = with(vault, |v| Ok(v.ledger_entries(seq, PAGE)?))?;
        let Some(last) = page.last() else { break };
        seq = last.seq;
        entries.extend(page);
    }
    records += entries.len() as u64;
    let head_hash = entries
        .last()
        .map(|h| hex::encode(h.hash))
        .unwrap_or_default();
    let head_seq = entries.last().map(|h| h.seq).unwrap_or(0);
    doc.insert(
        "ledger".into(),
        json!({"entries": entries, "head": {"seq": head_seq, "hash": head_hash}}),
    );

    let redaction = Redaction {
        patterns: redactor
            .as_deref()
            .map(|r| r.patterns().to_vec())
            .unwrap_or_default(),
    };
    let mut lenders: Vec<(String, u64)> = logs
        .iter()
        .map(|l| (l.lender_id.clone(), l.leaf_count))
        .collect();
    lenders.sort();
    let leaves_total: u64 = lenders.iter().map(|(_, n)| n).sum();
    let mut writer = Writer::start(&mut *w, &doc, logs, &redaction)?;
    let mut done = 0u64;
    for (lender, _) in &lenders {
        with(vault, |v| {
            v.for_each_log_leaf(lender, |row| -> Result<()> {
                let mut leaf = log_records::leaf_json(&row)?;
                if let Some(r) = redactor.as_deref_mut() {
                    r.statement(&mut leaf);
                }
                writer.leaf(lender, &leaf)?;
                done += 1;
                if done.is_multiple_of(10_000) {
                    if cancel.load(Ordering::Relaxed) {
                        return Err(EngineError::Cancelled);
                    }
                    progress(Progress {
                        task: "export".into(),
                        phase: "log".into(),
                        done,
                        total: Some(leaves_total),
                    });
                }
                Ok(())
            })
        })?;
    }
    writer.finish()?;
    records += done;
    Ok((records, head_hash))
}

/// Withholds from every lender statement of the document's sections and blanks the vault's
/// own copies of what is withheld (see `crate::redaction`).
fn redact_sections(doc: &mut Value, r: &mut Redactor) {
    for record in doc["consentRecords"].as_array_mut().into_iter().flatten() {
        r.blank(
            record.get_mut("pii_principal_id"),
            redaction::PII_PRINCIPAL_ID,
        );
        let purposes = record.pointer_mut("/processing/purposes");
        for p in purposes.and_then(Value::as_array_mut).into_iter().flatten() {
            r.blank(p.get_mut("purpose"), redaction::PURPOSE_TEXT);
        }
        let artefacts = record.get_mut("signed_artefacts");
        for a in artefacts
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            r.statement(a);
        }
    }
    for section in ["offers", "quotes", "receipts", "rightsStatements"] {
        for st in doc[section].as_array_mut().into_iter().flatten() {
            r.statement(st);
        }
    }
    for request in doc["rightsRequests"].as_array_mut().into_iter().flatten() {
        r.blank(request.get_mut("details"), redaction::RIGHTS_DETAILS);
        r.blank(
            request.pointer_mut("/about/nominee"),
            redaction::RIGHTS_NOMINEE,
        );
    }
    if doc[redaction::BORROWER_REQUESTS]
        .as_array()
        .is_some_and(|a| !a.is_empty())
    {
        r.keep(redaction::BORROWER_REQUESTS);
    }
}

/// The JSON export into `w` (version 2 when any lender has a disclosure log); returns the
/// records written and the ledger head. The caller flushes and syncs `w`.
pub(crate) fn export_json<W: Write>(
    vault: &Shared,
    mut w: &mut W,
    mut redactor: Option<&mut Redactor>,
    progress: &dyn Fn(Progress),
    cancel: &AtomicBool,
) -> Result<(u64, String)> {
    let mut records = 0u64;
    let (total, header) = with(vault, |v| {
        let names = lender_names(v)?;
        let lenders: Vec<Value> = v
            .lender_links()?
            .into_iter()
            .map(|l| {
                // Every key the lender has had, retired ones too: statements signed before a
                // rotation must still verify from the export alone. By key id: the verifier's
                // canonical order.
                let mut keys = Engine::key_history_of(v, &l.lender_id)?;
                keys.sort_by(|a, b| a.key_id.cmp(&b.key_id));
                let mut lender = json!({
                    "id": l.lender_id,
                    "name": names.get(&l.lender_id),
                    "apiBase": l.api_base,
                    "isSandbox": l.is_sandbox,
                    "keys": keys,
                });
                // The pinned key as the ledger recorded it: `khata verify` reports the lender's
                // keys as pinned rather than only the file's say-so.
                if let Some(pin) = v.lender_pin_record(&l.lender_id)? {
                    lender["pinRecord"] = Value::String(pin);
                }
                Ok(lender)
            })
            .collect::<Result<_>>()?;
        let consents: Vec<Value> = v
            .all_consents()?
            .iter()
            .map(|c| {
                consent_record(
                    v,
                    c,
                    names.get(&c.lender_id).map(String::as_str).unwrap_or(""),
                )
            })
            .collect::<Result<_>>()?;
        // In the verifier's canonical order (by id), so none can be swapped unnoticed.
        let stmts = |kind: &str, key: &str| -> Result<Vec<Value>> {
            let field = statement_id_field(key).unwrap_or_default();
            let mut out: Vec<Value> = v
                .statements_of_kind(kind, None)?
                .iter()
                .map(|s| stmt_value(&s.json))
                .collect();
            out.sort_by_cached_key(|st| statement_order(field, st));
            Ok(out)
        };
        let rights: Vec<Value> = v
            .rights_requests(None)?
            .into_iter()
            .map(|r| serde_json::to_value(r).unwrap_or(Value::Null))
            .collect();
        let mut header = json!({
            "lenders": lenders,
            "signals": v.lender_signals(None)?,
            "consentRecords": consents,
            "offers": stmts("offer", "offers")?,
            "quotes": stmts("quote", "quotes")?,
            "receipts": stmts("receipt", "receipts")?,
            // Each exactly as ledgered (`borrower.request`), so a verifier can match it.
            "borrowerRequests": crate::requests::all_records(v)?,
            "rightsRequests": rights,
            "rightsStatements": stmts("rights", "rightsStatements")?,
            // What the borrower's phone recorded, each source with the observations kept from
            // it in stored order: a verifier recomputes each `phone.import` entry from them.
            "phoneSources": v.phone_sources()?,
            "phoneObservations": v.phone_observations()?,
        });
        if let Some(r) = redactor.as_deref_mut() {
            if r.is_donation() {
                crate::donation::scrub(&mut header, r);
            }
            redact_sections(&mut header, r);
        }
        Ok((v.event_count()? as u64, header))
    })?;
    let logs = with(vault, log_sections)?;
    if !logs.is_empty() {
        return export_v2(vault, w, header, logs, total, redactor, progress, cancel);
    }
    let exported_at = redactor
        .as_deref()
        .and_then(Redactor::exported_at)
        .unwrap_or_else(now_ms);
    write!(
        w,
        "{{\"format\":\"khata-export\",\"version\":{EXPORT_FORMAT_VERSION},\"exportedAt\":{exported_at}"
    )?;
    if let Value::Object(map) = &header {
        for (k, val) in map {
            if let Value::Array(a) = val {
                records += a.len() as u64;
            }
            write!(w, ",{}:", serde_json::to_string(k)?)?;
            serde_json::to_writer(&mut w, val)?;
        }
    }

    // Disclosures, in id order, each with the lender's signed statement.
    w.write_all(b",\"disclosures\":[")?;
    let mut first = true;
    records += disclosure_pages(vault, total, progress, cancel, |page| {
        for (e, lender_ref, statement) in page {
            if !first {
                w.write_all(b",")?;
            }
            first = false;
            write_v1_disclosure(w, e, lender_ref, statement, redactor.as_deref_mut())?;
        }
        Ok(())
    })?;
    w.write_all(b"]")?;

    // The ledger, oldest first, and its head.
    w.write_all(b",\"ledger\":{\"entries\":[")?;
    let mut seq = 0i64;
    let mut head: Option<LedgerEntry> = None;
    let mut first = true;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(EngineError::Cancelled);
        }
        let page = with(vault, |v| Ok(v.ledger_entries(seq, PAGE)?))?;
        if page.is_empty() {
            break;
        }
        for e in &page {
            if !first {
                w.write_all(b",")?;
            }
            first = false;
            serde_json::to_writer(&mut w, e)?;
        }
        records += page.len() as u64;
        seq = page.last().map(|e| e.seq).unwrap_or(seq);
        head = page.last().cloned();
        progress(Progress {
            task: "export".into(),
            phase: "ledger".into(),
            done: seq as u64,
            total: None,
        });
    }
    let head_hash = head
        .as_ref()
        .map(|h| hex::encode(h.hash))
        .unwrap_or_default();
    write!(
        w,
        "],\"head\":{{\"seq\":{},\"hash\":\"{}\"}}}}}}",
        head.as_ref().map(|h| h.seq).unwrap_or(0),
        head_hash
    )?;
    Ok((records, head_hash))
}

/// One disclosure received through contract v1, with the lender's signed statement of it.
fn write_v1_disclosure(
    w: &mut dyn Write,
    e: &khata_vault::ShareEvent,
    lender_ref: &Option<String>,
    statement: &Option<Vec<u8>>,
    redactor: Option<&mut Redactor>,
) -> Result<()> {
    let ev = &e.event;
    let mut digest = [0u8; 64];
    hex::encode_to_slice(ev.value_digest, &mut digest).expect("64 hex digits");
    let digest = std::str::from_utf8(&digest).expect("hex is ASCII");
    write!(w, "{{\"id\":{},\"lenderId\":", e.id)?;
    serde_json::to_writer(&mut *w, &ev.lender_id)?;
    w.write_all(b",\"lenderRef\":")?;
    serde_json::to_writer(&mut *w, lender_ref)?;
    w.write_all(b",\"signal\":")?;
    serde_json::to_writer(&mut *w, &ev.signal_id)?;
    write!(w, ",\"collectedAt\":{},\"purpose\":", ev.collected_at)?;
    serde_json::to_writer(&mut *w, &ev.purpose)?;
    w.write_all(b",\"consentId\":")?;
    serde_json::to_writer(&mut *w, &ev.consent_id)?;
    write!(
        w,
        ",\"valueDigest\":\"sha256:{digest}\",\"onwardRecipient\":"
    )?;
    serde_json::to_writer(&mut *w, &ev.onward_recipient)?;
    w.write_all(b",\"statement\":")?;
    // Stored canonical JSON, written as is (valid JSON; no parse and re-encode).
    match statement.as_deref() {
        Some(b) if serde_json::from_slice::<serde::de::IgnoredAny>(b).is_ok() => {
            // A disclosure statement here is v1 (v2 disclosures are log leaves), so a
            // redacted export can only say it kept one whole.
            if let Some(r) = redactor {
                r.kept_whole(b);
            }
            w.write_all(b)?
        }
        _ => w.write_all(b"null")?,
    }
    w.write_all(b"}")?;
    Ok(())
}
