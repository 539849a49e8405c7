//! The CSV export: one RFC 4180 file per record kind (consents, revocations, offers and their
//! contributions, rights requests, disclosures, what the borrower's phone recorded, ledger),
//! deflated into one zip.
//!
//! Borrowers open these files in a spreadsheet, and most of their text comes from lenders. A
//! spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (a hostile lender
//! could make one fetch a URL or run a command), so every text cell that starts like one is
//! written as text (OWASP, "CSV Injection"); numbers Khata formats itself stay numbers.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use khata_evidence::phone::{Observation, PhoneSource};
use khata_lending::types as wire;

use super::zip::ZipWriter;
use super::{PAGE, Shared, disclosure_pages, spelling, sync, time, with};
use crate::engine::lender_names;
use crate::error::{EngineError, Result};
use crate::views::Progress;

/// One cell of a row: text (any of it may be a lender's words) or an integer Khata formats
/// itself, which is kept as a number so amounts and points (-12) still add up in a spreadsheet.
enum Cell<'a> {
    Text(&'a str),
    Num(i64),
}
use Cell::{Num, Text};

/// First characters that make a spreadsheet read a cell as a formula: OWASP's list (`=`, `+`,
/// `-`, `@`, tab, carriage return), plus, as a precaution, the full-width forms of the first four.
const FORMULA_START: [char; 10] = [
    '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
];

/// RFC 4180 field. Text that would start a formula is prefixed with `'` (which spreadsheets
/// read as "this is text") and quoted, as OWASP recommends; the cell then reads `'=…`, and the
/// exact value stays in the JSON export.
fn csv(cell: &Cell<'_>) -> String {
    match cell {
        Num(n) => n.to_string(),
        Text(s) if s.starts_with(FORMULA_START) => format!("\"'{}\"", s.replace('"', "\"\"")),
        Text(s) if s.contains([',', '"', '\n', '\r']) => {
            format!("\"{}\"", s.replace('"', "\"\""))
        }
        Text(s) => s.to_string(),
    }
}

fn row(w: &mut impl Write, fields: &[Cell<'_>]) -> std::io::Result<()> {
    let line: Vec<String> = fields.iter().map(csv).collect();
    w.write_all(line.join(",").as_bytes())?;
    w.write_all(b"\r\n")
}

/// The header row: column names, all text.
fn header(w: &mut impl Write, names: &[&str]) -> std::io::Result<()> {
    let cells: Vec<Cell<'_>> = names.iter().map(|n| Text(n)).collect();
    row(w, &cells)
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
        let phone = (v.phone_sources()?, v.phone_observations()?);
        Ok((
            names,
            consents,
            actions,
            offers,
            rights,
            phone,
            v.event_count()? as u64,
        ))
    })?;
    let (names, consents, actions, offers, rights, (sources, observations), total) = small;
    zip.entry("consents.csv", |w| {
        header(
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
                    Text(&c.id),
                    Text(&c.lender_id),
                    Text(names.get(&c.lender_id).map(String::as_str).unwrap_or("")),
                    Text(c.status.as_str()),
                    Text(&c.purpose_code),
                    Text(&c.purpose_text),
                    Text(&c.signals_granted.join(" ")),
                    Text(&c.signals_denied.join(" ")),
                    Text(&time(c.consent_start)),
                    Text(&time(c.consent_expiry)),
                    Text(c.fetch_type.as_str()),
                    Text(&format!(
                        "{} per {}",
                        c.frequency.value,
                        c.frequency.unit.as_str()
                    )),
                    Text(&format!(
                        "{} {}",
                        c.data_life.value,
                        c.data_life.unit.as_str()
                    )),
                ],
            )?;
        }
        Ok(())
    })?;
    records += consents.len() as u64;
    zip.entry("revocations.csv", |w| {
        header(
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
                    Text(&a.revocation.id),
                    Text(&a.revocation.consent_id),
                    Text(&a.revocation.lender_id),
                    Text(a.action.as_str()),
                    Text(&a.signals.join(" ")),
                    Text(&time(a.revocation.requested_at)),
                    Text(ob.map(|o| o.state.as_str()).unwrap_or("")),
                    Num(ob.map(|o| o.attempts).unwrap_or(0)),
                    Text(&receipt_id),
                    Text(ob.map(|o| o.idempotency_key.as_str()).unwrap_or("")),
                ],
            )?;
        }
        Ok(())
    })?;
    records += actions.len() as u64;
    let parsed: Vec<wire::Offer> = offers
        .iter()
        .filter_map(|s| crate::signed::read_statement(&s.json).ok())
        .collect();
    zip.entry("offers.csv", |w| {
        header(
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
                    Text(&o.offer_id),
                    Text(&o.lender_id),
                    Text(&o.consent_id),
                    Text(&time(o.created_at.timestamp_millis())),
                    Text(d.as_str().unwrap_or("")),
                    Num(o.amount_inr.into()),
                    Num(o.apr_monthly_bps.into()),
                    Num(o.tenure_months.into()),
                    Num(o.explanation.baseline),
                    Num(o.explanation.score),
                    Num(o.explanation.cutoffs.decline_below),
                ],
            )?;
        }
        Ok(())
    })?;
    zip.entry("contributions.csv", |w| {
        header(
            w,
            &["offer_id", "signal", "bin", "points", "missing_points"],
        )?;
        for o in &parsed {
            for c in &o.explanation.contributions {
                row(
                    w,
                    &[
                        Text(&o.offer_id),
                        Text(&c.signal),
                        Text(&c.bin),
                        Num(c.points),
                        Num(c.missing_points),
                    ],
                )?;
            }
        }
        Ok(())
    })?;
    records += parsed.len() as u64;
    zip.entry("rights_requests.csv", |w| {
        header(
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
                    Text(&r.id),
                    Text(&r.lender_id),
                    Text(r.kind.as_str()),
                    Text(r.status.as_str()),
                    Text(r.ticket.as_deref().unwrap_or("")),
                    Text(r.details.as_deref().unwrap_or("")),
                    Text(&time(r.created_at)),
                    Text(&r.due_at.map(time).unwrap_or_default()),
                ],
            )?;
        }
        Ok(())
    })?;
    records += rights.len() as u64;
    let mut n = 0u64;
    zip.entry("disclosures.csv", |w| {
        header(
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
                        Num(e.id),
                        Text(&ev.lender_id),
                        Text(lref.as_deref().unwrap_or("")),
                        Text(&ev.signal_id),
                        Text(&time(ev.collected_at)),
                        Text(&ev.purpose),
                        Text(ev.consent_id.as_deref().unwrap_or("")),
                        Text(&format!("sha256:{}", hex::encode(ev.value_digest))),
                        Text(ev.onward_recipient.as_deref().unwrap_or("")),
                        Text(
                            &ev.lender_signature
                                .as_deref()
                                .map(hex::encode)
                                .unwrap_or_default(),
                        ),
                    ],
                )?;
            }
            Ok(())
        })?;
        Ok(())
    })?;
    records += n;
    zip.entry("phone_observations.csv", |w| {
        write_phone_observations(w, &sources, &observations)
    })?;
    records += observations.len() as u64;
    let mut head = String::new();
    let mut ledger_n = 0u64;
    zip.entry("ledger.csv", |w| {
        header(
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
                        Num(e.seq),
                        Num(e.at),
                        Text(&e.kind),
                        Text(&e.record_id),
                        Text(&hex::encode(e.payload_digest)),
                        Text(&hex::encode(e.prev_hash)),
                        Text(&head),
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

/// What the borrower's phone recorded, one observation a row, with its source's file name,
/// hash and the lender it was imported for (the hash names the raw file kept in the vault).
fn write_phone_observations(
    w: &mut impl Write,
    sources: &[PhoneSource],
    observations: &[Observation],
) -> Result<()> {
    header(
        w,
        &[
            "source_sha256",
            "file_name",
            "format",
            "lender_id",
            "app",
            "platform",
            "resource",
            "op",
            "kind",
            "state",
            "first_at",
            "last_at",
            "count",
            "open_interval",
            "domain",
            "domain_owner",
            "profiler",
            "utc_offset_min",
            "offset_from",
            "limits",
        ],
    )?;
    for o in observations {
        let source = sources.iter().find(|s| s.sha256 == o.source);
        let net = o.network.as_ref();
        let limits: Vec<String> = source
            .map(|s| s.limits.iter().map(spelling).collect())
            .unwrap_or_default();
        row(
            w,
            &[
                Text(&o.source),
                Text(source.map(|s| s.file_name.as_str()).unwrap_or("")),
                Text(&source.map(|s| spelling(&s.format)).unwrap_or_default()),
                Text(source.and_then(|s| s.lender_id.as_deref()).unwrap_or("")),
                Text(&o.app),
                Text(&spelling(&o.platform)),
                Text(&spelling(&o.resource)),
                Text(&o.op),
                Text(&spelling(&o.kind)),
                Text(&spelling(&o.state)),
                Text(&time(o.first_at)),
                Text(&time(o.last_at)),
                Num(o.count.min(i64::MAX as u64) as i64),
                Text(if o.open_interval { "yes" } else { "no" }),
                Text(net.map(|n| n.domain.as_str()).unwrap_or("")),
                Text(net.and_then(|n| n.domain_owner.as_deref()).unwrap_or("")),
                Text(match net {
                    Some(n) if n.profiler => "yes",
                    Some(_) => "no",
                    None => "",
                }),
                Text(
                    &source
                        .and_then(|s| s.utc_offset_min)
                        .map(|m| m.to_string())
                        .unwrap_or_default(),
                ),
                Text(&source.map(|s| spelling(&s.offset_from)).unwrap_or_default()),
                Text(&limits.join(" ")),
            ],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_would_start_a_formula_is_written_as_text() {
        for (raw, cell) in [
            ("=1+1", "\"'=1+1\""),
            ("+1", "\"'+1\""),
            ("-12", "\"'-12\""),
            ("@SUM(1)", "\"'@SUM(1)\""),
            ("\t=1", "\"'\t=1\""),
            ("\r=1", "\"'\r=1\""),
            ("\u{FF1D}1+1", "\"'\u{FF1D}1+1\""),
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
            ),
        ] {
            assert_eq!(csv(&Text(raw)), cell, "{raw:?}");
        }
    }

    #[test]
    fn plain_text_and_numbers_are_unchanged() {
        assert_eq!(csv(&Text("sms_income")), "sms_income");
        assert_eq!(csv(&Text("a, b")), "\"a, b\"");
        assert_eq!(csv(&Text("say \"hi\"")), "\"say \"\"hi\"\"\"");
        assert_eq!(csv(&Text("")), "");
        assert_eq!(csv(&Num(-12)), "-12");
        assert_eq!(csv(&Num(50_000)), "50000");
    }
}
