//! The printable HTML report: consents, revocations, offers with their explanations, rights
//! requests, what the borrower's phone recorded and every disclosure in one self-contained page, ending with the ledger's head hash.

use std::io::Write;
use std::sync::atomic::AtomicBool;

use khata_evidence::phone::{Observation, PhoneSource};
use khata_lending::types as wire;
use khata_vault::now_ms;

use super::{Counter, PAGE, Shared, disclosure_pages, time, with};
use crate::engine::lender_names;
use crate::error::Result;
use crate::phone_words as words;
use crate::views::Progress;

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

/// What the borrower's phone recorded: each source (file, hash, device, time zone, what it
/// cannot show), then each observation. Returns how many observations were written.
fn write_phone(
    w: &mut impl Write,
    names: &std::collections::HashMap<String, String>,
    sources: &[PhoneSource],
    observations: &[Observation],
) -> Result<usize> {
    if sources.is_empty() {
        return Ok(0);
    }
    w.write_all(
        b"<h2>What your phone recorded</h2><p>Seen by your phone, not declared by the lender.</p>",
    )?;
    for s in sources {
        let lender = s
            .lender_id
            .as_deref()
            .map(|l| names.get(l).map(String::as_str).unwrap_or(l))
            .unwrap_or("no lender chosen");
        let device = [&s.device.model, &s.device.serial, &s.device.os_version]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        write!(
            w,
            "<h3>{}</h3><p>{} of {} ({}), imported {}{}. SHA-256 <code>{}</code>. Times: {}.</p><ul>",
            esc(&s.file_name),
            esc(words::format_en(s.format)),
            esc(&s.app),
            esc(lender),
            esc(&time(s.imported_at)),
            if device.is_empty() {
                String::new()
            } else {
                format!("; phone {}", esc(&device))
            },
            esc(&s.sha256),
            esc(&words::offset_en(s.offset_from, s.utc_offset_min)),
        )?;
        for l in &s.limits {
            write!(w, "<li>{}</li>", esc(words::limit_en(*l)))?;
        }
        w.write_all(b"</ul>")?;
    }
    w.write_all(b"<table><thead><tr><th>First</th><th>Last</th><th>App</th><th>What</th><th>Resource</th><th>Count</th><th>State</th><th>Source</th></tr></thead><tbody>")?;
    for o in observations {
        let what = match &o.network {
            Some(n) => format!(
                "{} {}{}",
                words::kind_en(o.kind),
                n.domain,
                if n.profiler { " (known profiler)" } else { "" }
            ),
            None => format!("{} ({})", words::kind_en(o.kind), o.op),
        };
        write!(
            w,
            "<tr><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            esc(&time(o.first_at)),
            esc(&time(o.last_at)),
            if o.open_interval { " (still open)" } else { "" },
            esc(&o.app),
            esc(&what),
            esc(words::resource_en(o.resource)),
            o.count,
            esc(words::state_en(o.state)),
            esc(o.source.get(..12).unwrap_or(&o.source)),
        )?;
    }
    w.write_all(b"</tbody></table>")?;
    Ok(observations.len())
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
    let (names, consents, actions, offers, rights, phone, total) = with(vault, |v| {
        Ok((
            lender_names(v)?,
            v.all_consents()?,
            v.consent_actions(None)?,
            v.statements_of_kind("offer", None)?,
            v.rights_requests(None)?,
            (v.phone_sources()?, v.phone_observations()?),
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
        let Ok(o) = crate::signed::read_statement::<wire::Offer>(&s.json) else {
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
    w.write_all(b"</tbody></table>")?;
    records += write_phone(&mut w, &names, &phone.0, &phone.1)? as u64;
    w.write_all(b"<h2>Disclosures</h2><table><thead><tr><th>#</th><th>When</th><th>Lender</th><th>Signal</th><th>Purpose</th><th>Consent</th><th>Onward recipient</th><th>Value digest</th></tr></thead><tbody>")?;
    records += (consents.len() + actions.len() + rights.len()) as u64;
    let n = disclosure_pages(vault, total, progress, cancel, |page| {
        for (e, _, _) in page {
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
        Ok(())
    })?;
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
    Ok((w.finish()?, records, head_hash))
}
