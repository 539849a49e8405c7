//! The CSV (one file per record kind, zipped) and printable HTML exports. Both stream page by
//! page like the JSON export; the JSON export stays the one an offline verifier reads.

use std::io::{Seek, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use khata_lending::types as wire;
use khata_vault::{Vault, now_ms};

use crate::engine::lender_names;
use crate::error::{EngineError, Result};
use crate::views::Progress;

type Shared = std::sync::Mutex<Option<Vault>>;
const PAGE: usize = 5_000;

fn with<T>(vault: &Shared, f: impl FnOnce(&Vault) -> Result<T>) -> Result<T> {
    let g = vault
        .lock()
        .map_err(|_| EngineError::Internal("the vault lock was poisoned".into()))?;
    let v = g
        .as_ref()
        .ok_or_else(|| EngineError::VaultLocked("the engine is closed".into()))?;
    f(v)
}

fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// Counts what goes through, for the summary.
pub(crate) struct Counter<W> {
    pub inner: W,
    pub bytes: u64,
}

impl<W: Write> Write for Counter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

// ---------------------------------------------------------------------------------------------
// A minimal streaming zip writer: deflated entries with data descriptors (sizes after the data),
// so nothing is buffered in memory. Entries over 4 GiB are refused (no ZIP64).

struct ZipEntry {
    name: String,
    offset: u64,
    crc: u32,
    compressed: u64,
    size: u64,
}

pub(crate) struct ZipWriter<W: Write + Seek> {
    out: Counter<W>,
    entries: Vec<ZipEntry>,
}

pub(crate) struct EntryWriter<'a, W: Write + Seek> {
    deflate: flate2::write::DeflateEncoder<&'a mut Counter<W>>,
    crc: crc32fast::Hasher,
    size: u64,
}

impl<W: Write + Seek> Write for EntryWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.deflate.write(buf)?;
        self.crc.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.deflate.flush()
    }
}

const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (2024 - 1980) << 9 | 1 << 5 | 1;

impl<W: Write + Seek> ZipWriter<W> {
    pub(crate) fn new(w: W) -> Self {
        Self {
            out: Counter { inner: w, bytes: 0 },
            entries: vec![],
        }
    }

    pub(crate) fn entry(
        &mut self,
        name: &str,
        body: impl FnOnce(&mut EntryWriter<'_, W>) -> Result<()>,
    ) -> Result<()> {
        let offset = self.out.bytes;
        let o = &mut self.out;
        o.write_all(&0x0403_4b50u32.to_le_bytes())?;
        o.write_all(&20u16.to_le_bytes())?; // version needed
        o.write_all(&(0x0008u16 | 0x0800).to_le_bytes())?; // data descriptor, UTF-8 names
        o.write_all(&8u16.to_le_bytes())?; // deflate
        o.write_all(&DOS_TIME.to_le_bytes())?;
        o.write_all(&DOS_DATE.to_le_bytes())?;
        o.write_all(&[0u8; 12])?; // crc, sizes: in the descriptor
        o.write_all(&(name.len() as u16).to_le_bytes())?;
        o.write_all(&0u16.to_le_bytes())?;
        o.write_all(name.as_bytes())?;
        let start = o.bytes;
        let mut ew = EntryWriter {
            deflate: flate2::write::DeflateEncoder::new(o, flate2::Compression::fast()),
            crc: crc32fast::Hasher::new(),
            size: 0,
        };
        body(&mut ew)?;
        let EntryWriter { deflate, crc, size } = ew;
        let o = deflate.finish()?;
        let compressed = o.bytes - start;
        let crc = crc.finalize();
        if size > u32::MAX as u64 || compressed > u32::MAX as u64 || o.bytes > u32::MAX as u64 {
            return Err(EngineError::InvalidInput(
                "a zip entry is over 4 GiB (no ZIP64); use the JSON export".into(),
            ));
        }
        o.write_all(&0x0807_4b50u32.to_le_bytes())?;
        o.write_all(&crc.to_le_bytes())?;
        o.write_all(&(compressed as u32).to_le_bytes())?;
        o.write_all(&(size as u32).to_le_bytes())?;
        self.entries.push(ZipEntry {
            name: name.into(),
            offset,
            crc,
            compressed,
            size,
        });
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<(W, u64)> {
        let cd_start = self.out.bytes;
        for e in &self.entries {
            let o = &mut self.out;
            o.write_all(&0x0201_4b50u32.to_le_bytes())?;
            o.write_all(&20u16.to_le_bytes())?; // made by
            o.write_all(&20u16.to_le_bytes())?; // needed
            o.write_all(&(0x0008u16 | 0x0800).to_le_bytes())?;
            o.write_all(&8u16.to_le_bytes())?;
            o.write_all(&DOS_TIME.to_le_bytes())?;
            o.write_all(&DOS_DATE.to_le_bytes())?;
            o.write_all(&e.crc.to_le_bytes())?;
            o.write_all(&(e.compressed as u32).to_le_bytes())?;
            o.write_all(&(e.size as u32).to_le_bytes())?;
            o.write_all(&(e.name.len() as u16).to_le_bytes())?;
            o.write_all(&[0u8; 8])?; // extra, comment, disk, internal attrs
            o.write_all(&0u32.to_le_bytes())?; // external attrs
            o.write_all(&(e.offset as u32).to_le_bytes())?;
            o.write_all(e.name.as_bytes())?;
        }
        let cd_size = self.out.bytes - cd_start;
        let n = self.entries.len() as u16;
        let o = &mut self.out;
        o.write_all(&0x0605_4b50u32.to_le_bytes())?;
        o.write_all(&[0u8; 4])?;
        o.write_all(&n.to_le_bytes())?;
        o.write_all(&n.to_le_bytes())?;
        o.write_all(&(cd_size as u32).to_le_bytes())?;
        o.write_all(&(cd_start as u32).to_le_bytes())?;
        o.write_all(&0u16.to_le_bytes())?;
        o.flush()?;
        let bytes = self.out.bytes;
        Ok((self.out.inner, bytes))
    }
}

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
        let mut after = 0;
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Err(EngineError::Cancelled);
            }
            let page = with(vault, |v| Ok(v.events_by_id(after, PAGE)?))?;
            if page.is_empty() {
                return Ok(());
            }
            for (e, lref, _) in &page {
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
            n += page.len() as u64;
            after = page.last().map(|(e, _, _)| e.id).unwrap_or(after);
            progress(Progress {
                task: "export".into(),
                phase: "disclosures".into(),
                done: n,
                total: Some(total),
            });
        }
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
    let file = w.into_inner().map_err(|e| EngineError::Io(e.to_string()))?;
    file.sync_all()?;
    Ok((bytes, records, head))
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Writes the printable HTML report; returns (bytes, records, ledger head hex).
pub(crate) fn export_html(
    vault: &Shared,
    file: std::fs::File,
    progress: &dyn Fn(Progress),
    cancel: &AtomicBool,
) -> Result<(u64, u64, String)> {
    let mut w = Counter {
        inner: std::io::BufWriter::with_capacity(1 << 20, file),
        bytes: 0,
    };
    let mut records = 0u64;
    let (names, consents, actions, offers, rights, total) = with(vault, |v| {
        Ok((
            lender_names(v)?,
            v.all_consents()?,
            v.consent_actions(None)?,
            v.statements_of_kind("offer", None)?,
            v.rights_requests(None)?,
            v.event_count()? as u64,
        ))
    })?;
    write!(
        w,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Khata report</title>\
         <style>body{{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111}}\
         table{{border-collapse:collapse;width:100%;margin:1em 0}}\
         th,td{{border:1px solid #999;padding:4px 6px;text-align:left;vertical-align:top}}\
         th{{background:#eee}}code{{font-size:12px;word-break:break-all}}\
         @media print{{tr{{break-inside:avoid}}}}</style></head><body>\
         <h1>Khata report</h1><p>Exported {}. {} disclosures.</p>",
        esc(&time(now_ms())),
        total
    )?;
    w.write_all(b"<h2>Consents</h2><table><thead><tr><th>Consent</th><th>Lender</th><th>Status</th><th>Purpose</th><th>Granted</th><th>Denied</th><th>Expiry</th></tr></thead><tbody>")?;
    for c in &consents {
        write!(
            w,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&c.id),
            esc(names
                .get(&c.lender_id)
                .map(String::as_str)
                .unwrap_or(&c.lender_id)),
            esc(c.status.as_str()),
            esc(&c.purpose_text),
            esc(&c.signals_granted.join(", ")),
            esc(&c.signals_denied.join(", ")),
            esc(&time(c.consent_expiry))
        )?;
    }
    w.write_all(b"</tbody></table><h2>Revocations, pauses and resumes</h2><table><thead><tr><th>Consent</th><th>Action</th><th>Signals</th><th>Requested</th><th>Delivery</th></tr></thead><tbody>")?;
    for a in &actions {
        write!(
            w,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&a.revocation.consent_id),
            esc(a.action.as_str()),
            esc(&if a.signals.is_empty() {
                "whole consent".to_string()
            } else {
                a.signals.join(", ")
            }),
            esc(&time(a.revocation.requested_at)),
            esc(a
                .outbox
                .as_ref()
                .map(|o| o.state.as_str())
                .unwrap_or("pending"))
        )?;
    }
    w.write_all(b"</tbody></table><h2>Offers</h2>")?;
    for s in &offers {
        let Ok(o) = serde_json::from_slice::<wire::Offer>(&s.json) else {
            continue;
        };
        let d = serde_json::to_value(o.decision)?;
        write!(
            w,
            "<h3>{} &mdash; {} ({})</h3><p>&#8377;{} at {}.{:02}&nbsp;% a month for {} months. Score {} (baseline {}, declined below {}).</p>\
             <table><thead><tr><th>Signal</th><th>Bin</th><th>Points</th><th>If withheld</th></tr></thead><tbody>",
            esc(d.as_str().unwrap_or("")),
            esc(names
                .get(&o.lender_id)
                .map(String::as_str)
                .unwrap_or(&o.lender_id)),
            esc(&time(o.created_at.timestamp_millis())),
            o.amount_inr,
            o.apr_monthly_bps / 100,
            o.apr_monthly_bps % 100,
            o.tenure_months,
            o.explanation.score,
            o.explanation.baseline,
            o.explanation.cutoffs.decline_below
        )?;
        for c in &o.explanation.contributions {
            write!(
                w,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&c.signal),
                esc(&c.bin),
                c.points,
                c.missing_points
            )?;
        }
        w.write_all(b"</tbody></table><ol>")?;
        for r in &o.explanation.top_adverse {
            write!(w, "<li>{} ({} points)</li>", esc(&r.text), r.points)?;
        }
        w.write_all(b"</ol>")?;
        records += 1;
    }
    w.write_all(b"<h2>Rights requests</h2><table><thead><tr><th>Kind</th><th>Status</th><th>Ticket</th><th>Filed</th><th>Due</th></tr></thead><tbody>")?;
    for r in &rights {
        write!(
            w,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(r.kind.as_str()),
            esc(r.status.as_str()),
            esc(r.ticket.as_deref().unwrap_or("")),
            esc(&time(r.created_at)),
            esc(&r.due_at.map(time).unwrap_or_default())
        )?;
    }
    w.write_all(b"</tbody></table><h2>Disclosures</h2><table><thead><tr><th>#</th><th>When</th><th>Lender</th><th>Signal</th><th>Purpose</th><th>Consent</th><th>Onward recipient</th><th>Value digest</th></tr></thead><tbody>")?;
    records += (consents.len() + actions.len() + rights.len()) as u64;
    let mut after = 0;
    let mut n = 0u64;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(EngineError::Cancelled);
        }
        let page = with(vault, |v| Ok(v.events_by_id(after, PAGE)?))?;
        if page.is_empty() {
            break;
        }
        for (e, _, _) in &page {
            let ev = &e.event;
            write!(
                w,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td><code>sha256:{}</code></td></tr>",
                e.id,
                esc(&time(ev.collected_at)),
                esc(names
                    .get(&ev.lender_id)
                    .map(String::as_str)
                    .unwrap_or(&ev.lender_id)),
                esc(&ev.signal_id),
                esc(&ev.purpose),
                esc(ev.consent_id.as_deref().unwrap_or("none")),
                esc(ev.onward_recipient.as_deref().unwrap_or("")),
                hex::encode(ev.value_digest)
            )?;
        }
        n += page.len() as u64;
        after = page.last().map(|(e, _, _)| e.id).unwrap_or(after);
        progress(Progress {
            task: "export".into(),
            phase: "disclosures".into(),
            done: n,
            total: Some(total),
        });
    }
    records += n;
    let head = with(vault, |v| {
        // The head is the last entry; walk pages from the end of what the export saw.
        let mut seq = 0;
        let mut last = None;
        loop {
            let page = v.ledger_entries(seq, PAGE)?;
            match page.last() {
                Some(e) => {
                    seq = e.seq;
                    last = Some(e.clone());
                }
                None => return Ok(last),
            }
        }
    })?;
    let (head_seq, head_hash) = head
        .map(|h| (h.seq, hex::encode(h.hash)))
        .unwrap_or((0, String::new()));
    write!(
        w,
        "</tbody></table><h2>Ledger</h2><p>{head_seq} entries; head hash <code>{head_hash}</code>. \
         The JSON export carries every entry and the lender's signed statements for offline \
         verification.</p></body></html>"
    )?;
    w.flush()?;
    let bytes = w.bytes;
    let file = w
        .inner
        .into_inner()
        .map_err(|e| EngineError::Io(e.to_string()))?;
    file.sync_all()?;
    Ok((bytes, records, head_hash))
}
