//! The printable HTML report: consents, revocations, offers with their explanations, rights
//! requests, what the borrower's phone recorded and every disclosure in one self-contained page,
//! ending with the ledger's head hash. Written in the reader's language ([`ReportLanguage`]):
//! the phrases from [`crate::report_words`], dates in words, numbers in Indian grouping, and
//! signal names, bins and reasons in the lender's own words for that language when its
//! catalogue gives them (`Signal.texts`).

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::AtomicBool;

use khata_evidence::phone::{Observation, PhoneSource};
use khata_lending::lender_text;
use khata_lending::types as wire;
use khata_vault::{Vault, now_ms};

use super::{Counter, PAGE, Shared, disclosure_pages, with};
use crate::engine::lender_names;
use crate::error::Result;
use crate::phone_words as phone;
use crate::report_words::{self as rw, Clock, ReportLanguage, Words, fill, indian, indian_signed};
use crate::views::Progress;

/// The report's font stack: the system's, then the Devanagari face the app bundles (a reader
/// with it installed sees Hindi in it; nothing is fetched: the page is offline and has no CSP
/// exception for remote fonts).
const FONTS: &str = "system-ui,\"Noto Sans Devanagari\",\"Noto Sans\",\"Mangal\",sans-serif";

/// A lender's words for its signals in the report's language: name, and per bin and reason
/// code the label and sentence. From its newest catalogue statement; checked like every lender
/// string (unsafe characters out, bounded).
#[derive(Default)]
struct SignalWords {
    names: HashMap<(String, String), String>,
    bins: HashMap<(String, String, String), String>,
    reasons: HashMap<(String, String), String>,
}

impl SignalWords {
    fn load(v: &Vault, language: ReportLanguage) -> Result<Self> {
        let mut words = SignalWords::default();
        // Names from the vault's signal rows (the lender's default words), then its texts in
        // this language from its catalogues, newest first (the first seen wins).
        for ls in v.lender_signals(None)? {
            words.names.insert(
                (ls.lender_id.clone(), ls.signal.id.clone()),
                lender_text::sanitize(&ls.signal.name),
            );
        }
        let mut seen = std::collections::HashSet::new();
        for st in v.statements_of_kind("catalog", None)? {
            let Ok(c) = serde_json::from_slice::<wire::SignalCatalog>(&st.json) else {
                continue;
            };
            for s in c.signals {
                if !seen.insert((st.lender_id.clone(), s.id.clone())) {
                    continue;
                }
                let Some(text) = s.texts.get(language.tag()) else {
                    continue;
                };
                let key = (st.lender_id.clone(), s.id.clone());
                if !text.name.trim().is_empty() {
                    words
                        .names
                        .insert(key.clone(), lender_text::sanitize(&text.name));
                }
                for (bin, label) in &text.bins {
                    words.bins.insert(
                        (key.0.clone(), key.1.clone(), bin.clone()),
                        lender_text::sanitize(label),
                    );
                }
                for (code, sentence) in &text.reasons {
                    words.reasons.insert(
                        (key.0.clone(), code.clone()),
                        lender_text::sanitize(sentence),
                    );
                }
            }
        }
        Ok(words)
    }

    fn name<'a>(&'a self, lender: &str, signal: &'a str) -> &'a str {
        self.names
            .get(&(lender.to_owned(), signal.to_owned()))
            .map_or(signal, String::as_str)
    }

    fn names(&self, lender: &str, signals: &[String]) -> String {
        signals
            .iter()
            .map(|s| self.name(lender, s))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn bin<'a>(&'a self, lender: &str, signal: &str, bin: &'a str) -> &'a str {
        self.bins
            .get(&(lender.to_owned(), signal.to_owned(), bin.to_owned()))
            .map_or(bin, String::as_str)
    }

    fn reason<'a>(&'a self, lender: &str, code: &str, text: &'a str) -> &'a str {
        self.reasons
            .get(&(lender.to_owned(), code.to_owned()))
            .map_or(text, String::as_str)
    }
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

/// What the borrower's phone recorded: each source (file, hash, device, time zone, what it
/// cannot show), then each observation. Returns how many observations were written.
fn write_phone(
    w: &mut impl Write,
    page: &Page,
    names: &HashMap<String, String>,
    sources: &[PhoneSource],
    observations: &[Observation],
) -> Result<usize> {
    if sources.is_empty() {
        return Ok(0);
    }
    let (words, hindi) = (page.words, page.clock.language == ReportLanguage::Hi);
    write!(
        w,
        "<h2>{}</h2><p>{}</p>",
        esc(words.phone_heading),
        esc(words.phone_lead)
    )?;
    for s in sources {
        let lender = s
            .lender_id
            .as_deref()
            .map(|l| names.get(l).map(String::as_str).unwrap_or(l))
            .unwrap_or(words.no_lender_chosen);
        let device = [&s.device.model, &s.device.serial, &s.device.os_version]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let format = if hindi {
            phone::format_hi(s.format)
        } else {
            phone::format_en(s.format)
        };
        let offset = if hindi {
            phone::offset_hi(s.offset_from, s.utc_offset_min)
        } else {
            phone::offset_en(s.offset_from, s.utc_offset_min)
        };
        let imported = page.clock.date_time(s.imported_at);
        write!(
            w,
            "<h3>{}</h3><p>{}{}{}</p><ul>",
            esc(&s.file_name),
            esc(&fill(
                words.phone_source,
                &[
                    ("format", format),
                    ("app", &s.app),
                    ("lender", lender),
                    ("date", &imported),
                ],
            )),
            if device.is_empty() {
                String::new()
            } else {
                esc(&fill(words.phone_device, &[("device", &device)]))
            },
            esc(&fill(
                words.phone_hash_times,
                &[("sha", &s.sha256), ("times", &offset)]
            )),
        )?;
        for l in &s.limits {
            let limit = if hindi {
                phone::limit_hi(*l)
            } else {
                phone::limit_en(*l)
            };
            write!(w, "<li>{}</li>", esc(limit))?;
        }
        w.write_all(b"</ul>")?;
    }
    head_row(
        w,
        &[
            words.first,
            words.last,
            words.app,
            words.what,
            words.resource,
            words.count,
            words.state,
            words.source,
        ],
    )?;
    for o in observations {
        let kind = if hindi {
            phone::kind_hi(o.kind)
        } else {
            phone::kind_en(o.kind)
        };
        let what = match &o.network {
            Some(n) => format!(
                "{} {}{}",
                kind,
                n.domain,
                if n.profiler { words.known_profiler } else { "" }
            ),
            None => format!("{} ({})", kind, o.op),
        };
        let (resource, state) = if hindi {
            (phone::resource_hi(o.resource), phone::state_hi(o.state))
        } else {
            (phone::resource_en(o.resource), phone::state_en(o.state))
        };
        write!(
            w,
            "<tr><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            esc(&page.clock.date_time(o.first_at)),
            esc(&page.clock.date_time(o.last_at)),
            if o.open_interval {
                words.still_open
            } else {
                ""
            },
            esc(&o.app),
            esc(&what),
            esc(resource),
            indian(o.count),
            esc(state),
            esc(o.source.get(..12).unwrap_or(&o.source)),
        )?;
    }
    w.write_all(b"</tbody></table>")?;
    Ok(observations.len())
}

/// What every part of the page writes with: the language's phrases and its clock.
struct Page {
    words: &'static Words,
    clock: Clock,
}

/// A table's opening and its header row.
fn head_row(w: &mut impl Write, headers: &[&str]) -> Result<()> {
    w.write_all(b"<table><thead><tr>")?;
    for h in headers {
        write!(w, "<th>{}</th>", esc(h))?;
    }
    w.write_all(b"</tr></thead><tbody>")?;
    Ok(())
}

/// Writes the printable HTML report in `language`; returns (bytes, records, ledger head hex).
pub(crate) fn export_html(
    vault: &Shared,
    file: std::fs::File,
    language: ReportLanguage,
    progress: &dyn Fn(Progress),
    cancel: &AtomicBool,
) -> Result<(u64, u64, String)> {
    let offset = *chrono::Local::now().offset();
    export_html_at(vault, file, Clock { language, offset }, progress, cancel)
}

/// [`export_html`] with the clock given (tests fix the time zone).
pub(crate) fn export_html_at(
    vault: &Shared,
    file: std::fs::File,
    clock: Clock,
    progress: &dyn Fn(Progress),
    cancel: &AtomicBool,
) -> Result<(u64, u64, String)> {
    let language = clock.language;
    let page = Page {
        words: language.words(),
        clock,
    };
    let words = page.words;
    let mut w = Counter {
        inner: std::io::BufWriter::with_capacity(1 << 20, file),
        bytes: 0,
    };
    let mut records = 0u64;
    let (names, signals, consents, actions, offers, rights, phone, total) = with(vault, |v| {
        Ok((
            lender_names(v)?,
            SignalWords::load(v, language)?,
            v.all_consents()?,
            v.consent_actions(None)?,
            v.statements_of_kind("offer", None)?,
            v.rights_requests(None)?,
            (v.phone_sources()?, v.phone_observations()?),
            v.event_count()? as u64,
        ))
    })?;
    let lender =
        |id: &str| -> String { names.get(id).map(String::as_str).unwrap_or(id).to_owned() };
    write!(
        w,
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <style>body{{font:14px/1.5 {FONTS};margin:2em;color:#111}}\
         table{{border-collapse:collapse;width:100%;margin:1em 0}}\
         th,td{{border:1px solid #999;padding:4px 6px;text-align:left;vertical-align:top}}\
         th{{background:#eee}}code{{font-size:12px;word-break:break-all}}\
         @media print{{tr{{break-inside:avoid}}}}</style></head><body>\
         <h1>{}</h1><p>{} {}</p>",
        language.tag(),
        esc(words.report_title),
        esc(words.report_title),
        esc(&fill(
            words.exported,
            &[
                ("date", &page.clock.date_time(now_ms())),
                ("count", &indian(total)),
            ],
        )),
        esc(&fill(words.times_note, &[("zone", &page.clock.zone())])),
    )?;
    write!(w, "<h2>{}</h2>", esc(words.consents))?;
    head_row(
        &mut w,
        &[
            words.consent,
            words.lender,
            words.status,
            words.purpose,
            words.granted,
            words.denied,
            words.expiry,
        ],
    )?;
    for c in &consents {
        write!(
            w,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&c.id),
            esc(&lender(&c.lender_id)),
            esc(rw::consent_status(language, c.status)),
            esc(&c.purpose_text),
            esc(&signals.names(&c.lender_id, &c.signals_granted)),
            esc(&signals.names(&c.lender_id, &c.signals_denied)),
            esc(&page.clock.date(c.consent_expiry))
        )?;
    }
    write!(w, "</tbody></table><h2>{}</h2>", esc(words.actions))?;
    head_row(
        &mut w,
        &[
            words.consent,
            words.action,
            words.signals,
            words.requested,
            words.delivery,
        ],
    )?;
    // A consent's lender, for naming the signals its actions cover.
    let consent_lender: HashMap<&str, &str> = consents
        .iter()
        .map(|c| (c.id.as_str(), c.lender_id.as_str()))
        .collect();
    for a in &actions {
        let lender_id = consent_lender
            .get(a.revocation.consent_id.as_str())
            .copied()
            .unwrap_or("");
        write!(
            w,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&a.revocation.consent_id),
            esc(rw::consent_action(language, a.action)),
            esc(&if a.signals.is_empty() {
                words.whole_consent.to_string()
            } else {
                signals.names(lender_id, &a.signals)
            }),
            esc(&page.clock.date_time(a.revocation.requested_at)),
            esc(rw::delivery(language, a.outbox.as_ref().map(|o| o.state)))
        )?;
    }
    write!(w, "</tbody></table><h2>{}</h2>", esc(words.offers))?;
    for s in &offers {
        let Ok(o) = crate::signed::read_statement::<wire::Offer>(&s.json) else {
            continue;
        };
        let approved = matches!(o.decision, wire::OfferDecision::Approved);
        let rate = format!("{}.{:02}", o.apr_monthly_bps / 100, o.apr_monthly_bps % 100);
        write!(
            w,
            "<h3>{} &mdash; {} ({})</h3><p>{} {}</p>",
            esc(rw::decision(language, approved)),
            esc(&lender(&o.lender_id)),
            esc(&page.clock.date_time(o.created_at.timestamp_millis())),
            esc(&fill(
                words.offer_terms,
                &[
                    ("amount", &indian(u64::from(o.amount_inr))),
                    ("rate", &rate),
                    ("months", &o.tenure_months.to_string()),
                ],
            )),
            esc(&fill(
                words.offer_score,
                &[
                    ("score", &indian_signed(o.explanation.score)),
                    ("baseline", &indian_signed(o.explanation.baseline)),
                    (
                        "cutoff",
                        &indian_signed(o.explanation.cutoffs.decline_below)
                    ),
                ],
            )),
        )?;
        head_row(
            &mut w,
            &[words.signal, words.bin, words.points, words.if_withheld],
        )?;
        for c in &o.explanation.contributions {
            write!(
                w,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(signals.name(&o.lender_id, &c.signal)),
                esc(signals.bin(&o.lender_id, &c.signal, &c.bin)),
                indian_signed(c.points),
                indian_signed(c.missing_points)
            )?;
        }
        w.write_all(b"</tbody></table><ol>")?;
        for r in &o.explanation.top_adverse {
            write!(
                w,
                "<li>{} ({})</li>",
                esc(signals.reason(&o.lender_id, &r.code, &r.text)),
                esc(&fill(
                    words.reason_points,
                    &[("points", &indian_signed(r.points))]
                ))
            )?;
        }
        w.write_all(b"</ol>")?;
        records += 1;
    }
    write!(w, "<h2>{}</h2>", esc(words.rights))?;
    head_row(
        &mut w,
        &[
            words.kind,
            words.status,
            words.ticket,
            words.filed,
            words.due,
        ],
    )?;
    for r in &rights {
        write!(
            w,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(rw::rights_kind(language, r.kind)),
            esc(rw::rights_status(language, r.status)),
            esc(r.ticket.as_deref().unwrap_or("")),
            esc(&page.clock.date(r.created_at)),
            esc(&r.due_at.map(|d| page.clock.date(d)).unwrap_or_default())
        )?;
    }
    w.write_all(b"</tbody></table>")?;
    records += write_phone(&mut w, &page, &names, &phone.0, &phone.1)? as u64;
    write!(w, "<h2>{}</h2>", esc(words.disclosures))?;
    head_row(
        &mut w,
        &[
            words.number,
            words.when,
            words.lender,
            words.signal,
            words.purpose,
            words.consent,
            words.onward_recipient,
            words.value_digest,
        ],
    )?;
    records += (consents.len() + actions.len() + rights.len()) as u64;
    let n = disclosure_pages(vault, total, progress, cancel, |rows| {
        for (e, _, _) in rows {
            let ev = &e.event;
            write!(
                w,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td><code>sha256:{}</code></td></tr>",
                e.id,
                esc(&page.clock.date_time(ev.collected_at)),
                esc(&lender(&ev.lender_id)),
                esc(signals.name(&ev.lender_id, &ev.signal_id)),
                esc(&ev.purpose),
                esc(ev.consent_id.as_deref().unwrap_or(words.no_consent)),
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
        "</tbody></table><h2>{}</h2><p>{}</p></body></html>",
        esc(words.ledger),
        fill(
            &esc(words.ledger_head),
            &[
                ("count", &indian(head_seq as u64)),
                ("hash", &format!("<code>{head_hash}</code>")),
            ],
        )
    )?;
    Ok((w.finish()?, records, head_hash))
}
