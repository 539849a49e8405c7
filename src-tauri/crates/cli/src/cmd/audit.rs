//! `khata audit FILE…`: what was collected, by whom and when, and every finding — for one
//! export or, given several files or a folder, aggregated across borrowers and lenders.
//! Each export is verified first (`khata verify`); one that does not verify is reported and
//! left out of the audit.
//!
//! A rule broken many times is one finding per lender, consent and signal, with the count, the
//! first and last time, a sample of the records and the signed statements that prove it (see
//! `khata_evidence::audit::Finding`). Exports are read from their bytes a disclosure at a time
//! (`audit::export::audit_export_bytes`), so memory stays near the file's size. Files are audited
//! by the pure evidence crate alone: no vault, no network.
//!
//! Exit codes: 0 audited (findings or not), 1 an export did not verify, 2 unusable input.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use khata_evidence::audit::{self, Finding};
use khata_evidence::verify::VerifyError;

use super::finding_text as text;
use khata_contract::lender_text::{clean as safe, is_unsafe};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Html,
}

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Export files, or folders of them (every *.json inside).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Collected {
    disclosures: u64,
    first: Option<i64>,
    last: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ExportResult {
    file: String,
    verified: bool,
    error: Option<String>,
    summary: Option<audit::AuditSummary>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SourcedFinding {
    file: String,
    /// The rule's title and the finding's sentence in English, worded here from the rule and
    /// its facts (`finding_text`), for the terminal, the HTML page and JSON readers.
    title: &'static str,
    detail: String,
    #[serde(flatten)]
    finding: Finding,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Aggregate {
    exports: Vec<ExportResult>,
    /// lender → signal → what was collected.
    collected: BTreeMap<String, BTreeMap<String, Collected>>,
    findings_by_rule: BTreeMap<String, u64>,
    /// Per rule, how many times it was broken (offending disclosures, offers, quotes).
    occurrences_by_rule: BTreeMap<String, u64>,
    findings_by_severity: BTreeMap<String, u64>,
    findings_by_lender: BTreeMap<String, u64>,
    findings: Vec<SourcedFinding>,
}

fn expand(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "json"))
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn fmt_ms(t: i64) -> String {
    chrono_like(t)
}

/// RFC 3339 in UTC without pulling chrono into the CLI.
fn chrono_like(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    // Civil from days (Howard Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// HTML-escaped, and without the characters [`safe`] drops but newlines (the signed statements
/// are shown pretty-printed): a bidi override would make a browser show text reversed too.
fn html_escape(s: &str) -> String {
    s.chars()
        .filter(|&c| c == '\n' || !is_unsafe(c))
        .collect::<String>()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn run(args: AuditArgs) -> anyhow::Result<ExitCode> {
    let files = expand(&args.files)?;
    if files.is_empty() {
        eprintln!("khata audit: no export files found");
        return Ok(ExitCode::from(2));
    }
    let mut agg = Aggregate::default();
    let mut worst = 0u8;
    let bar = super::progress_bar(files.len() > 1 && args.format == Format::Text, "auditing");
    bar.set_length(files.len() as u64);
    let now = chrono::Utc::now().timestamp_millis();
    for f in &files {
        let name = f.display().to_string();
        match super::verify::verify_file(f, files.len() == 1 && args.format == Format::Text) {
            Err(e) => {
                worst = worst.max(e.exit_code() as u8);
                agg.exports.push(ExportResult {
                    file: name,
                    verified: false,
                    error: Some(match e {
                        VerifyError::Invalid { record, reason } => format!("{record}: {reason}"),
                        VerifyError::Unusable { reason } => reason,
                    }),
                    summary: None,
                });
            }
            Ok((_, bytes)) => {
                let collected = &mut agg.collected;
                let report = audit::export::audit_export_bytes(&bytes, now, |w| {
                    let by_signal = match collected.get_mut(&w.lender_id) {
                        Some(m) => m,
                        None => collected.entry(w.lender_id.clone()).or_default(),
                    };
                    let c = match by_signal.get_mut(&w.signal) {
                        Some(c) => c,
                        None => by_signal.entry(w.signal.clone()).or_default(),
                    };
                    let t = w.collected_at.timestamp_millis();
                    c.disclosures += 1;
                    c.first = Some(c.first.map_or(t, |x| x.min(t)));
                    c.last = Some(c.last.map_or(t, |x| x.max(t)));
                })
                // It verified, so it is a JSON object.
                .map_err(anyhow::Error::msg)?;
                drop(bytes);
                for f in report.findings {
                    *agg.findings_by_rule.entry(f.rule.id().into()).or_default() += 1;
                    *agg.occurrences_by_rule
                        .entry(f.rule.id().into())
                        .or_default() += f.count;
                    *agg.findings_by_severity
                        .entry(severity(&f).into())
                        .or_default() += 1;
                    *agg.findings_by_lender
                        .entry(f.lender_id.clone())
                        .or_default() += 1;
                    agg.findings.push(SourcedFinding {
                        file: name.clone(),
                        title: text::title(f.rule),
                        detail: text::detail(&f),
                        finding: f,
                    });
                }
                agg.exports.push(ExportResult {
                    file: name,
                    verified: true,
                    error: None,
                    summary: Some(report.summary),
                });
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let out = match args.format {
        Format::Json => serde_json::to_string_pretty(&agg)?,
        Format::Text => text(&agg),
        Format::Html => html(&agg),
    };
    println!("{out}");
    Ok(ExitCode::from(worst))
}

fn severity(f: &Finding) -> &'static str {
    match f.severity {
        audit::Severity::Critical => "critical",
        audit::Severity::High => "high",
        audit::Severity::Medium => "medium",
        audit::Severity::Low => "low",
    }
}

fn text(a: &Aggregate) -> String {
    let mut s = String::new();
    for e in &a.exports {
        match &e.error {
            None => {
                let _ = writeln!(s, "export {}: verified", safe(&e.file));
            }
            Some(err) => {
                let _ = writeln!(
                    s,
                    "export {}: NOT VERIFIED ({}); left out",
                    safe(&e.file),
                    safe(err)
                );
            }
        }
    }
    let _ = writeln!(s, "\nWhat was collected");
    for (lender, signals) in &a.collected {
        let _ = writeln!(s, "  {}", safe(lender));
        for (signal, c) in signals {
            let _ = writeln!(
                s,
                "    {:<24} {:>7} times  {} … {}",
                safe(signal),
                c.disclosures,
                c.first.map(fmt_ms).unwrap_or_default(),
                c.last.map(fmt_ms).unwrap_or_default()
            );
        }
    }
    let _ = writeln!(s, "\nFindings: {}", a.findings.len());
    for (k, v) in &a.findings_by_severity {
        let _ = writeln!(s, "  {k:<10} {v}");
    }
    let _ = writeln!(s, "  {:<36} {:>8} {:>12}", "rule", "findings", "times");
    for (k, v) in &a.findings_by_rule {
        let times = a.occurrences_by_rule.get(k).copied().unwrap_or_default();
        let _ = writeln!(s, "  {k:<36} {v:>8} {times:>12}");
    }
    let _ = writeln!(s);
    for f in &a.findings {
        let x = &f.finding;
        let _ = writeln!(
            s,
            "[{}] {} — {} ({})\n    {} · lender {} · consent {} · signal {}\n    records {}\n    evidence {}\n    {}",
            severity(x).to_uppercase(),
            x.rule.id(),
            f.title,
            when(x),
            safe(&f.file),
            safe(&x.lender_id),
            safe(x.consent_id.as_deref().unwrap_or("none")),
            safe(x.signal.as_deref().unwrap_or("-")),
            records(x),
            x.evidence
                .iter()
                .map(|e| format!("{} {}", safe(&e.kind), safe(&e.id)))
                .collect::<Vec<_>>()
                .join(", "),
            f.detail
        );
    }
    s
}

/// "TIME", or "N times, FIRST … LAST".
fn when(f: &Finding) -> String {
    if f.count > 1 {
        format!(
            "{} times, {} … {}",
            f.count,
            fmt_ms(f.at),
            fmt_ms(f.last_at)
        )
    } else {
        fmt_ms(f.at)
    }
}

/// The records listed, and how many more there are.
fn records(f: &Finding) -> String {
    text::records(f)
}

fn html(a: &Aggregate) -> String {
    let mut s = String::from(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Khata audit</title>\
         <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}\
         td,th{border:1px solid #999;padding:4px 8px;text-align:left;vertical-align:top}\
         .critical{background:#fdd}.high{background:#fed}</style><h1>Khata audit</h1><h2>Exports</h2><ul>",
    );
    for e in &a.exports {
        let _ = write!(
            s,
            "<li>{} — {}</li>",
            html_escape(&e.file),
            e.error
                .as_deref()
                .map(|x| format!("NOT VERIFIED: {}", html_escape(x)))
                .unwrap_or_else(|| "verified".into())
        );
    }
    s.push_str("</ul><h2>What was collected</h2><table><tr><th>Lender</th><th>Signal</th><th>Times</th><th>First</th><th>Last</th></tr>");
    for (lender, signals) in &a.collected {
        for (signal, c) in signals {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                html_escape(lender),
                html_escape(signal),
                c.disclosures,
                c.first.map(fmt_ms).unwrap_or_default(),
                c.last.map(fmt_ms).unwrap_or_default()
            );
        }
    }
    let _ = write!(
        s,
        "</table><h2>Findings ({})</h2><table><tr><th>Severity</th><th>Rule</th><th>Times</th><th>When</th><th>Lender</th><th>Consent</th><th>Signal</th><th>Detail</th><th>Records</th><th>Evidence</th></tr>",
        a.findings.len()
    );
    for f in &a.findings {
        let x = &f.finding;
        let _ = write!(
            s,
            "<tr class=\"{sev}\"><td>{sev}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}<br>{}</td><td>{}</td><td>{}</td></tr>",
            x.rule.id(),
            x.count,
            html_escape(&when(x)),
            html_escape(&x.lender_id),
            html_escape(x.consent_id.as_deref().unwrap_or("none")),
            html_escape(x.signal.as_deref().unwrap_or("-")),
            html_escape(f.title),
            html_escape(&f.detail),
            html_escape(&records(x)),
            x.evidence
                .iter()
                .map(|e| format!(
                    "<details><summary>{}</summary><pre>{}</pre></details>",
                    html_escape(&format!("{} {}", e.kind, e.id)),
                    html_escape(
                        &serde_json::to_string_pretty(e.statement.as_ref()).unwrap_or_default()
                    )
                ))
                .collect::<String>(),
            sev = severity(x)
        );
    }
    s.push_str("</table></html>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use audit::{FindingFacts, Rule};

    #[test]
    fn lender_words_cannot_rewrite_the_report() {
        // A lender id that clears the screen, forges a report line and reverses text.
        let evil = "Evil\x1b[2J\x1b[H\nexport honest.json: verified\u{9b}0m\u{202E}cba";
        let mut a = Aggregate::default();
        a.collected
            .entry(evil.into())
            .or_default()
            .insert(format!("sms\x1b[8m{evil}"), Collected::default());
        a.exports.push(ExportResult {
            file: "x.json".into(),
            verified: false,
            error: Some(format!("consent {evil}: bad signature")),
            summary: None,
        });
        let finding = Finding {
            rule: Rule::NoConsent,
            severity: Rule::NoConsent.severity(),
            facts: FindingFacts::NoConsent,
            lender_id: evil.into(),
            consent_id: Some(evil.into()),
            signal: Some(evil.into()),
            at: 0,
            last_at: 0,
            count: 1,
            records: vec![audit::RecordRef {
                kind: "disclosure".into(),
                id: evil.into(),
                local_id: None,
            }],
            records_omitted: 0,
            evidence: vec![],
        };
        a.findings.push(SourcedFinding {
            file: "x.json".into(),
            title: text::title(finding.rule),
            detail: text::detail(&finding),
            finding,
        });
        let out = text(&a);
        for bad in ['\x1b', '\u{9b}', '\u{202E}', '\r'] {
            assert!(!out.contains(bad), "{bad:?} in {out:?}");
        }
        assert!(
            !out.lines().any(|l| l.starts_with("export honest.json")),
            "{out}"
        );
        assert!(
            out.contains("Evil[2J[H export honest.json: verified0mcba"),
            "{out}"
        );
        let page = html(&a);
        for bad in ['\x1b', '\u{9b}', '\u{202E}', '\r'] {
            assert!(!page.contains(bad), "{bad:?} in {page:?}");
        }
    }

    #[test]
    fn civil_time() {
        assert_eq!(super::chrono_like(0), "1970-01-01T00:00:00Z");
        assert_eq!(
            super::chrono_like(1_764_393_600_000),
            "2025-11-29T05:20:00Z"
        );
    }
}
