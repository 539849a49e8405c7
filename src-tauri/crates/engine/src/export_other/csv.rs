//! The CSV export: one RFC 4180 file per record kind (consents, revocations, offers and their
//! contributions, rights requests, disclosures, ledger), deflated into one zip.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use khata_lending::types as wire;

use super::zip::ZipWriter;
use super::{PAGE, Shared, disclosure_pages, sync, time, with};
use crate::engine::lender_names;
use crate::error::{EngineError, Result};
use crate::views::Progress;

/// RFC 4180 field.
fn csv(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn row(w: &mut impl Write, fields: &[&str]) -> std::io::Result<()> {
    let line: Vec<String> = fields.iter().map(|f| csv(f)).collect();
    w.write_all(line.join(",").as_bytes())?;
    w.write_all(b"\r\n")
}

/// Writes the CSV zip; returns (bytes, records, ledger head hex).
pub(crate) fn export_csv(
    vault: &Shared,
    file: std::fs::File,
    progress: &dyn Fn(Progress),
    cancel: &AtomicBool,
) -> Result<(u64, u64, String)> {
    let mut zip = ZipWriter::new(std::io::BufWriter::with_capacity(1 << 20, file));
    let mut records = 0u64;
    let small = with(vault, |v| {
        let names = lender_names(v)?;
        let consents = v.all_consents()?;
        let actions = v.consent_actions(None)?;
        let offers = v.statements_of_kind("offer", None)?;
        let rights = v.rights_requests(None)?;
        Ok((
            names,
            consents,
            actions,
            offers,
            rights,
            v.event_count()? as u64,
        ))
    })?;
    let (names, consents, actions, offers, rights, total) = small;
    zip.entry("consents.csv", |w| {
        row(
            w,
            &[
                "consent_id",
                "lender_id",
                "lender_name",
                "status",
                "purpose_code",
                "purpose_text",
                "signals_granted",
                "signals_denied",
                "consent_start",
                "consent_expiry",
                "fetch_type",
                "frequency",
                "data_life",
            ],
        )?;
        for c in &consents {
            row(
                w,
                &[
                    &c.id,
                    &c.lender_id,
                    names.get(&c.lender_id).map(String::as_str).unwrap_or(""),
                    c.status.as_str(),
                    &c.purpose_code,
                    &c.purpose_text,
                    &c.signals_granted.join(" "),
                    &c.signals_denied.join(" "),
                    &time(c.consent_start),
                    &time(c.consent_expiry),
                    c.fetch_type.as_str(),
                    &format!("{} per {}", c.frequency.value, c.frequency.unit.as_str()),
                    &format!("{} {}", c.data_life.value, c.data_life.unit.as_str()),
                ],
            )?;
        }
        Ok(())
    })?;
    records += consents.len() as u64;
    zip.entry("revocations.csv", |w| {
        row(
            w,
            &[
                "revocation_id",
                "consent_id",
                "lender_id",
                "action",
                "signals",
                "requested_at",
                "state",
                "attempts",
                "receipt_id",
                "idempotency_key",
            ],
        )?;
        for a in &actions {
            let ob = a.outbox.as_ref();
            let receipt_id = ob
                .and_then(|o| o.receipt.as_deref())
                .and_then(|r| serde_json::from_slice::<serde_json::Value>(r).ok())
                .and_then(|v| v["receiptId"].as_str().map(String::from))
                .unwrap_or_default();
            row(
                w,
                &[
                    &a.revocation.id,
                    &a.revocation.consent_id,
                    &a.revocation.lender_id,
                    a.action.as_str(),
                    &a.signals.join(" "),
                    &time(a.revocation.requested_at),
                    ob.map(|o| o.state.as_str()).unwrap_or(""),
                    &ob.map(|o| o.attempts).unwrap_or(0).to_string(),
                    &receipt_id,
                    ob.map(|o| o.idempotency_key.as_str()).unwrap_or(""),
                ],
            )?;
        }
        Ok(())
    })?;
    records += actions.len() as u64;
    let parsed: Vec<wire::Offer> = offers
        .iter()
        .filter_map(|s| serde_json::from_slice(&s.json).ok())
        .collect();
    zip.entry("offers.csv", |w| {
        row(
            w,
            &[
                "offer_id",
                "lender_id",
                "consent_id",
                "created_at",
                "decision",
                "amount_inr",
                "apr_monthly_bps",
                "tenure_months",
                "baseline",
                "score",
                "decline_below",
            ],
        )?;
        for o in &parsed {
            let d = serde_json::to_value(o.decision)?;
            row(
                w,
                &[
                    &o.offer_id,
                    &o.lender_id,
                    &o.consent_id,
                    &time(o.created_at.timestamp_millis()),
                    d.as_str().unwrap_or(""),
                    &o.amount_inr.to_string(),
                    &o.apr_monthly_bps.to_string(),
                    &o.tenure_months.to_string(),
                    &o.explanation.baseline.to_string(),
                    &o.explanation.score.to_string(),
                    &o.explanation.cutoffs.decline_below.to_string(),
                ],
            )?;
        }
        Ok(())
    })?;
    zip.entry("contributions.csv", |w| {
        row(
            w,
            &["offer_id", "signal", "bin", "points", "missing_points"],
        )?;
        for o in &parsed {
            for c in &o.explanation.contributions {
                row(
                    w,
                    &[
                        &o.offer_id,
                        &c.signal,
                        &c.bin,
                        &c.points.to_string(),
                        &c.missing_points.to_string(),
                    ],
                )?;
            }
        }
        Ok(())
    })?;
    records += parsed.len() as u64;
    zip.entry("rights_requests.csv", |w| {
        row(
            w,
            &[
                "id",
                "lender_id",
                "kind",
                "status",
                "ticket",
                "details",
                "created_at",
                "due_at",
            ],
        )?;
        for r in &rights {
            row(
                w,
                &[
                    &r.id,
                    &r.lender_id,
                    r.kind.as_str(),
                    r.status.as_str(),
                    r.ticket.as_deref().unwrap_or(""),
                    r.details.as_deref().unwrap_or(""),
                    &time(r.created_at),
                    &r.due_at.map(time).unwrap_or_default(),
                ],
            )?;
        }
        Ok(())
    })?;
    records += rights.len() as u64;
    let mut n = 0u64;
    zip.entry("disclosures.csv", |w| {
        row(
            w,
            &[
                "id",
                "lender_id",
                "lender_ref",
                "signal",
                "collected_at",
                "purpose",
                "consent_id",
                "value_digest",
                "onward_recipient",
                "signature",
            ],
        )?;
        n = disclosure_pages(vault, total, progress, cancel, |page| {
            for (e, lref, _) in page {
                let ev = &e.event;
                row(
                    w,
                    &[
                        &e.id.to_string(),
                        &ev.lender_id,
                        lref.as_deref().unwrap_or(""),
                        &ev.signal_id,
                        &time(ev.collected_at),
                        &ev.purpose,
                        ev.consent_id.as_deref().unwrap_or(""),
                        &format!("sha256:{}", hex::encode(ev.value_digest)),
                        ev.onward_recipient.as_deref().unwrap_or(""),
                        &ev.lender_signature
                            .as_deref()
                            .map(hex::encode)
                            .unwrap_or_default(),
                    ],
                )?;
            }
            Ok(())
        })?;
        Ok(())
    })?;
    records += n;
    let mut head = String::new();
    let mut ledger_n = 0u64;
    zip.entry("ledger.csv", |w| {
        row(
            w,
            &[
                "seq",
                "at",
                "kind",
                "record_id",
                "payload_digest",
                "prev_hash",
                "hash",
            ],
        )?;
        let mut seq = 0;
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Err(EngineError::Cancelled);
            }
            let page = with(vault, |v| Ok(v.ledger_entries(seq, PAGE)?))?;
            if page.is_empty() {
                return Ok(());
            }
            for e in &page {
                head = hex::encode(e.hash);
                row(
                    w,
                    &[
                        &e.seq.to_string(),
                        &e.at.to_string(),
                        &e.kind,
                        &e.record_id,
                        &hex::encode(e.payload_digest),
                        &hex::encode(e.prev_hash),
                        &head,
                    ],
                )?;
            }
            ledger_n += page.len() as u64;
            seq = page.last().map(|e| e.seq).unwrap_or(seq);
        }
    })?;
    records += ledger_n;
    let (w, bytes) = zip.finish()?;
    sync(w)?;
    Ok((bytes, records, head))
}
