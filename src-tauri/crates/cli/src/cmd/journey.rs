//! The borrower's journey from the terminal, for QA runs and headless use: the consent
//! requests waiting (`khata requests`), the answer to one (`khata decide`), and what lenders
//! say they collected (`khata timeline`). Each goes through the engine the app uses and prints
//! its view types with `--format json`, or sentences a person reads otherwise. Every string a
//! lender wrote is cleaned and bounded before it reaches the terminal.

use std::collections::HashSet;
use std::io::Write as _;
use std::process::ExitCode;

use khata_contract::lender_text::sanitize_to;
use khata_engine::Engine;
use khata_engine::views::{
    ConsentRequestView, ConsentView, PeriodView, SignalChoice, SignalInfo, TimelinePage,
    TimelineQuery,
};

use super::Format;

/// The most characters of one lender string shown on a line (names, purposes, ids).
const SHORT: usize = 120;

/// A lender's string, safe for the terminal and at most `SHORT` characters.
pub(super) fn lender(s: &str) -> String {
    sanitize_to(s, SHORT)
}

#[derive(Debug, clap::Args)]
pub struct RequestsArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct DecideArgs {
    /// The consent request's id (from `khata requests`).
    pub request: String,
    /// Share these signals (repeatable, or several after one flag). Every signal not named is
    /// refused.
    #[arg(long, num_args = 1.., value_name = "SIGNAL")]
    pub share: Vec<String>,
    /// Refuse these signals: the default already, named to be explicit.
    #[arg(long, num_args = 1.., value_name = "SIGNAL")]
    pub refuse: Vec<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct TimelineArgs {
    /// Only what this lender disclosed (its id, as `khata requests` or `khata consents` show).
    #[arg(long, value_name = "ID")]
    pub lender: Option<String>,
    /// The most disclosures on this page (1 to 1000).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub limit: u32,
    /// The next page: the cursor a previous page printed.
    #[arg(long)]
    pub cursor: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// The choices sent for a request: each signal named with `--share` granted, each named with
/// `--refuse` denied, every other signal denied by the engine. A signal named twice is a
/// mistake to point out, not to guess at.
pub fn choices(share: &[String], refuse: &[String]) -> anyhow::Result<Vec<SignalChoice>> {
    let shared: HashSet<&str> = share.iter().map(String::as_str).collect();
    if let Some(both) = refuse.iter().find(|s| shared.contains(s.as_str())) {
        anyhow::bail!("{both} is named with both --share and --refuse");
    }
    let mut seen = HashSet::new();
    Ok(share
        .iter()
        .map(|s| (s, true))
        .chain(refuse.iter().map(|s| (s, false)))
        .filter(|(s, _)| seen.insert(s.as_str()))
        .map(|(s, grant)| SignalChoice {
            signal: s.clone(),
            grant,
        })
        .collect())
}

pub async fn requests(engine: &Engine, a: RequestsArgs) -> anyhow::Result<ExitCode> {
    let list = engine.consent_requests().await?;
    if a.format == Format::Json {
        return super::engine::print(&list);
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(requests_text(&list).as_bytes());
    Ok(ExitCode::SUCCESS)
}

fn period(p: &PeriodView) -> String {
    let unit = p.unit.to_ascii_lowercase();
    if p.value == 1 {
        format!("1 {unit}")
    } else {
        format!("{} {unit}s", p.value)
    }
}

/// The marks after a signal's name: what the lender needs, what the law bars, what is new.
fn marks(signal: &SignalInfo, required: bool, new: bool) -> String {
    let mut m = vec![];
    if required {
        m.push("required for a decision");
    }
    if signal.prohibited {
        m.push("PROHIBITED: lenders may not collect it");
    }
    if new {
        m.push("new since your last consent");
    }
    if m.is_empty() {
        String::new()
    } else {
        format!("  [{}]", m.join("; "))
    }
}

/// `khata requests` in words.
pub fn requests_text(list: &[ConsentRequestView]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    if list.is_empty() {
        s.push_str("No consent request is waiting. `khata sync` fetches new ones.\n");
        return s;
    }
    for r in list {
        let _ = writeln!(
            s,
            "Request {} from {} ({})",
            lender(&r.id),
            lender(&r.lender_name),
            lender(&r.lender_id)
        );
        let _ = writeln!(
            s,
            "  Purpose: {} ({})",
            lender(&r.purpose_text),
            lender(&r.purpose_code)
        );
        let _ = writeln!(
            s,
            "  Until {}, {}; keeps the data {}{}",
            super::finding_text::time(r.consent_expiry),
            if r.fetch_type == "PERIODIC" {
                format!("every {}", period(&r.frequency))
            } else {
                "once".into()
            },
            period(&r.data_life),
            if r.high_frequency {
                " (more often than daily)"
            } else {
                ""
            }
        );
        for o in &r.onward_recipients {
            let _ = writeln!(s, "  Passed on to: {}", lender(o));
        }
        let _ = writeln!(s, "  Signals (nothing is shared unless you name it):");
        for rs in &r.signals {
            let _ = writeln!(
                s,
                "    {:<22} {}{}",
                lender(&rs.signal.id),
                lender(&rs.signal.name),
                marks(&rs.signal, rs.required, rs.new_since_last)
            );
        }
        for d in &r.dropped_since_last {
            let _ = writeln!(
                s,
                "    no longer asked: {} ({})",
                lender(&d.name),
                lender(&d.id)
            );
        }
        let _ = writeln!(
            s,
            "  Answer: khata decide {} --share SIGNAL…\n",
            lender(&r.id)
        );
    }
    s
}

pub async fn decide(engine: &Engine, a: DecideArgs) -> anyhow::Result<ExitCode> {
    let choices = choices(&a.share, &a.refuse)?;
    let consent = engine.decide(&a.request, choices).await?;
    // Revocations and deliveries queued before go out while the lender is reachable.
    let _ = engine.deliver_outbox().await;
    if a.format == Format::Json {
        return super::engine::print(&consent);
    }
    let _ = std::io::stdout()
        .lock()
        .write_all(decided_text(&consent).as_bytes());
    Ok(ExitCode::SUCCESS)
}

/// What `khata decide` did, in words: a consent with what it shares, or a refusal.
pub fn decided_text(c: &ConsentView) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let who = lender(&c.lender_name);
    if c.granted.is_empty() {
        let _ = writeln!(
            s,
            "Refused: nothing is shared with {who}. The lender's record of your answer is \
             consent {} (signature {}).",
            lender(&c.id),
            if c.signature_verified {
                "verified"
            } else {
                "NOT verified"
            }
        );
    } else {
        let _ = writeln!(
            s,
            "Consent {} given to {who} until {} (signature {}).",
            lender(&c.id),
            super::finding_text::time(c.consent_expiry),
            if c.signature_verified {
                "verified"
            } else {
                "NOT verified"
            }
        );
        let _ = writeln!(s, "  Shared:");
        for g in &c.granted {
            let _ = writeln!(s, "    {:<22} {}", lender(&g.id), lender(&g.name));
        }
    }
    if !c.denied.is_empty() {
        let _ = writeln!(s, "  Refused:");
        for d in &c.denied {
            let _ = writeln!(s, "    {:<22} {}", lender(&d.id), lender(&d.name));
        }
    }
    s
}

pub async fn timeline(engine: &Engine, a: TimelineArgs) -> anyhow::Result<ExitCode> {
    let page = engine
        .timeline(TimelineQuery {
            lender_id: a.lender,
            cursor: a.cursor,
            limit: a.limit,
            ..TimelineQuery::default()
        })
        .await?;
    if a.format == Format::Json {
        return super::engine::print(&page);
    }
    let _ = std::io::stdout()
        .lock()
        .write_all(timeline_text(&page).as_bytes());
    Ok(ExitCode::SUCCESS)
}

/// `khata timeline` in words: one line per disclosure, newest first, then how to go on.
pub fn timeline_text(page: &TimelinePage) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    if page.items.is_empty() {
        s.push_str("No lender has disclosed collecting anything yet.\n");
    }
    for d in &page.items {
        let _ = writeln!(
            s,
            "{}  {}  {} ({}, {})  for {}{}{}",
            super::finding_text::time(d.collected_at),
            lender(&d.lender_id),
            lender(&d.signal_name),
            lender(&d.signal),
            lender(&d.dpv_category),
            lender(&d.purpose),
            d.consent_id
                .as_deref()
                .map(|c| format!("; consent {}", lender(c)))
                .unwrap_or_else(|| "; NO consent named".into()),
            d.onward_recipient
                .as_deref()
                .map(|r| format!("; passed on to {}", lender(r)))
                .unwrap_or_default(),
        );
    }
    if !page.phone.is_empty() {
        let _ = writeln!(
            s,
            "Your phone recorded {} access(es) by lenders' apps in this span (`khata phone list`).",
            page.phone.len()
        );
    }
    let _ = writeln!(s, "{} of {} disclosure(s).", page.items.len(), page.total);
    if let Some(c) = &page.next_cursor {
        let _ = writeln!(s, "More: khata timeline --cursor {c}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use khata_engine::views::{RequestedSignal, SensitivityView};

    fn info(id: &str, prohibited: bool) -> SignalInfo {
        SignalInfo {
            id: id.into(),
            name: format!("{id} name"),
            description: String::new(),
            dpv_category: "pd:Income".into(),
            sensitivity: SensitivityView::High,
            regulatory_flags: vec![],
            prohibited,
            texts: Default::default(),
        }
    }

    #[test]
    fn choices_share_what_is_named_and_refuse_the_rest() {
        let c = choices(&["a".into(), "b".into(), "a".into()], &["c".into()]).unwrap();
        let got: Vec<(&str, bool)> = c.iter().map(|c| (c.signal.as_str(), c.grant)).collect();
        assert_eq!(got, [("a", true), ("b", true), ("c", false)]);
        assert!(choices(&[], &[]).unwrap().is_empty());
        let err = choices(&["a".into()], &["a".into()]).unwrap_err();
        assert!(
            err.to_string().contains("both --share and --refuse"),
            "{err}"
        );
    }

    #[test]
    fn requests_mark_required_prohibited_and_new_signals_and_clean_lender_text() {
        let r = ConsentRequestView {
            id: "req-1".into(),
            lender_id: "l-1".into(),
            lender_name: "Bad\u{1b}[31m Lender\nINFO forged".into(),
            purpose_code: "CREDIT".into(),
            purpose_text: "x".repeat(10_000),
            signals: vec![
                RequestedSignal {
                    signal: info("sms_income", false),
                    new_since_last: false,
                    required: true,
                },
                RequestedSignal {
                    signal: info("contacts", true),
                    new_since_last: true,
                    required: false,
                },
            ],
            dropped_since_last: vec![info("location", false)],
            consent_start: 0,
            consent_expiry: 86_400_000,
            fetch_type: "PERIODIC".into(),
            frequency: PeriodView {
                unit: "DAY".into(),
                value: 1,
            },
            data_life: PeriodView {
                unit: "MONTH".into(),
                value: 6,
            },
            high_frequency: false,
            onward_recipients: vec![],
        };
        let t = requests_text(&[r]);
        assert!(
            t.contains("Request req-1 from Bad[31m Lender INFO forged (l-1)"),
            "{t}"
        );
        assert!(!t.contains('\u{1b}'));
        assert!(t.contains("every 1 day; keeps the data 6 months"), "{t}");
        assert!(
            t.lines()
                .any(|l| l.contains("sms_income") && l.contains("[required for a decision]"))
        );
        assert!(t.lines().any(|l| l.contains("contacts")
            && l.contains("PROHIBITED")
            && l.contains("new since your last consent")));
        assert!(
            t.contains("no longer asked: location name (location)"),
            "{t}"
        );
        assert!(t.contains("khata decide req-1 --share"));
        // The purpose is cut, not printed whole.
        assert!(t.lines().all(|l| l.chars().count() < 200), "{t}");
        assert!(requests_text(&[]).contains("No consent request is waiting"));
    }
}
