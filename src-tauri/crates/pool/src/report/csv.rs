//! The published report as CSV: a directory with one file per question (RFC 4180, UTF-8, CRLF
//! line ends). A banded count is the text `fewer than k` / `all but fewer than k`; a figure not
//! shown is empty. A field a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`,
//! tab or carriage return, and not a number such as `-4.95`) is prefixed with `'`.

use std::path::Path;

use anyhow::{Context, Result};

use super::html::count;
use super::published::{LIMITS, Measure, Report};

/// The files written, in the order a reader should open them.
pub const FILES: [&str; 7] = [
    "about.csv",
    "lenders.csv",
    "apr.csv",
    "split_views.csv",
    "disclosures_by_signal.csv",
    "rejections.csv",
    "limits.csv",
];

pub fn field(text: &str) -> String {
    let formula =
        text.starts_with(['=', '+', '-', '@', '\t', '\r']) && text.parse::<f64>().is_err();
    let text = if formula {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn line(out: &mut String, fields: &[String]) {
    let fields: Vec<String> = fields.iter().map(|f| field(f)).collect();
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn measure(m: &Measure) -> [String; 2] {
    [count(m.donors), opt(m.share)]
}

/// The CSV files' names and contents.
pub fn render(report: &Report) -> Vec<(&'static str, String)> {
    let s = |v: &str| v.to_owned();
    let mut about = String::new();
    line(&mut about, &[s("field"), s("value")]);
    for (name, value) in [
        ("format", report.format.to_string()),
        ("version", report.version.to_string()),
        ("date", report.date.clone()),
        ("k", report.k.to_string()),
        ("donations", report.pool.donations.to_string()),
        ("lenders", report.pool.lenders.to_string()),
        ("disclosures", report.pool.disclosures.to_string()),
        ("lenders_withheld", report.lenders_withheld.to_string()),
    ] {
        line(&mut about, &[s(name), value]);
    }

    let mut lenders = String::new();
    line(
        &mut lenders,
        &[
            "lender",
            "donors",
            "prohibited_donors",
            "prohibited_share",
            "after_revocation_donors",
            "after_revocation_share",
            "observed_undeclared_donors",
            "observed_undeclared_share",
            "above_frequency_donors",
            "above_frequency_share",
            "split_view_sizes",
        ]
        .map(s),
    );
    let mut apr = String::new();
    line(
        &mut apr,
        &[
            "lender",
            "donors",
            "offers",
            "donors_differing",
            "offers_differing",
            "mean_difference",
            "mean_abs_difference",
        ]
        .map(s),
    );
    for l in &report.lenders {
        let mut row = vec![l.lender.clone(), l.donors.to_string()];
        for m in [
            &l.prohibited,
            &l.after_revocation,
            &l.observed_undeclared,
            &l.above_frequency,
        ] {
            row.extend(measure(m));
        }
        row.push(l.split_view_sizes.to_string());
        line(&mut lenders, &row);
        if let Some(a) = &l.apr {
            line(
                &mut apr,
                &[
                    l.lender.clone(),
                    count(a.donors),
                    opt(a.offers),
                    count(a.donors_differing),
                    opt(a.offers_differing),
                    opt(a.mean_difference),
                    opt(a.mean_abs_difference),
                ],
            );
        }
    }

    let mut split = String::new();
    line(
        &mut split,
        &[
            "lender",
            "tree_size",
            "root_hash",
            "donors",
            "signed_heads",
            "first_timestamp_ms",
            "last_timestamp_ms",
            "first_key_id",
            "last_key_id",
        ]
        .map(s),
    );
    for r in &report.split_views {
        line(
            &mut split,
            &[
                r.lender.clone(),
                r.tree_size.to_string(),
                r.root_hash.clone(),
                count(r.donors),
                r.signed_heads.to_string(),
                opt(r.first_timestamp_ms),
                opt(r.last_timestamp_ms),
                r.first_key_id.clone().unwrap_or_default(),
                r.last_key_id.clone().unwrap_or_default(),
            ],
        );
    }

    let mut signals = String::new();
    line(
        &mut signals,
        &["lender", "signal", "donors", "disclosures", "prohibited"].map(s),
    );
    for x in &report.signals {
        line(
            &mut signals,
            &[
                x.lender.clone(),
                x.signal.clone(),
                count(x.donors),
                opt(x.disclosures),
                x.prohibited.to_string(),
            ],
        );
    }

    let mut rejections = String::new();
    line(&mut rejections, &[s("reason"), s("files")]);
    for (reason, n) in &report.rejections {
        line(&mut rejections, &[reason.clone(), n.to_string()]);
    }

    let mut limits = String::new();
    line(&mut limits, &[s("limit")]);
    for limit in LIMITS {
        line(&mut limits, &[s(limit)]);
    }

    FILES
        .into_iter()
        .zip([about, lenders, apr, split, signals, rejections, limits])
        .collect()
}

/// Writes the CSV files into `dir` (created if missing).
pub fn write(report: &Report, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, text) in render(report) {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
