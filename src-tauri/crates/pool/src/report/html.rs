//! The published report as one self-contained HTML file: inline CSS and SVG bar charts, no
//! script, no external asset, printable. Every string from the pool (lender ids, signals, key
//! ids, reasons) is hostile input and goes through [`escape`].

use std::fmt::Write;

use super::published::{Count, LIMITS, Lender, Measure, Report};
use super::time;

/// Escapes text for HTML element content and quoted attribute values alike.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

pub fn count(count: Count) -> String {
    match count {
        Count::Value(n) => n.to_string(),
        Count::FewerThan { k } => format!("fewer than {k}"),
        Count::AllButFewerThan { k } => format!("all but fewer than {k}"),
    }
}

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "—".into(), |s| format!("{:.1} %", s * 100.0))
}

fn measure(m: &Measure) -> String {
    match m.share {
        Some(_) => format!("{} ({})", count(m.donors), percent(m.share)),
        None => count(m.donors),
    }
}

fn float(value: Option<f64>) -> String {
    value.map_or_else(|| "—".into(), |v| format!("{v:+.2}"))
}

const STYLE: &str = "
body{font:15px/1.45 system-ui,sans-serif;color:#1a1a1a;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
code{font-size:.85em;word-break:break-all}
.rule{background:#f4f4f0;border-left:4px solid #555;padding:.5rem 1rem}
svg{display:block;margin:.5rem 0}svg text{font:12px system-ui,sans-serif}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,svg{break-inside:avoid}}
";

/// A horizontal bar chart of one measure's share per lender; a withheld value is drawn as no
/// bar with its banded words.
/// Which measure of a lender a chart draws.
type Pick = fn(&Lender) -> &Measure;

fn chart(title: &str, lenders: &[Lender], pick: Pick) -> String {
    const LABEL: usize = 180;
    const WIDTH: usize = 360;
    const ROW: usize = 22;
    let height = ROW * lenders.len() + 8;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg role=\"img\" width=\"{}\" height=\"{height}\" \
         aria-label=\"{}\"><title>{}</title>",
        LABEL + WIDTH + 140,
        escape(title),
        escape(title)
    );
    for (i, lender) in lenders.iter().enumerate() {
        let y = i * ROW + 4;
        let m = pick(lender);
        let label: String = lender.lender.chars().take(26).collect();
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            LABEL - 6,
            y + 14,
            escape(&label)
        );
        let bar = m.share.map_or(0.0, |s| s.clamp(0.0, 1.0) * WIDTH as f64);
        let _ = write!(
            svg,
            "<rect x=\"{LABEL}\" y=\"{y}\" width=\"{WIDTH}\" height=\"16\" fill=\"#eee\"/>\
             <rect x=\"{LABEL}\" y=\"{y}\" width=\"{bar:.1}\" height=\"16\" fill=\"#8a2d1f\"/>\
             <text x=\"{}\" y=\"{}\">{}</text>",
            LABEL + WIDTH + 6,
            y + 14,
            escape(&measure(m))
        );
    }
    svg.push_str("</svg>");
    svg
}

pub fn render(report: &Report) -> String {
    let mut h = String::new();
    let k = report.k;
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>Khata advocates' pool: standard report, {date}</title><style>{STYLE}</style>\
         </head><body><h1>Khata advocates' pool: the standard report</h1>\
         <p>Made on {date} from a pool of <b>{donations}</b> donations naming <b>{lenders}</b> \
         lenders and holding <b>{disclosures}</b> disclosures.</p>\
         <p class=\"rule\"><b>k = {k}.</b> No figure here describes fewer than {k} donors. A \
         lender with fewer than {k} donors is left out ({withheld} left out); a number of donors \
         from 1 to {km1} is shown as “fewer than {k}”, and a number that leaves 1 to {km1} of a \
         lender's donors outside it as “all but fewer than {k}”.</p>",
        date = escape(&report.date),
        donations = report.pool.donations,
        lenders = report.pool.lenders,
        disclosures = report.pool.disclosures,
        withheld = report.lenders_withheld,
        km1 = k - 1,
    );

    h.push_str(
        "<h2>Donors per lender</h2><table><thead><tr><th>Lender</th><th>Donors</th>\
         <th>Prohibited collection</th><th>Collection after revocation</th>\
         <th>Undeclared access seen by the phone</th><th>Above the consented frequency</th>\
         <th>Split views (sizes)</th></tr></thead><tbody>",
    );
    for l in &report.lenders {
        let _ = write!(
            h,
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td></tr>",
            escape(&l.lender),
            l.donors,
            measure(&l.prohibited),
            measure(&l.after_revocation),
            measure(&l.observed_undeclared),
            measure(&l.above_frequency),
            l.split_view_sizes
        );
    }
    h.push_str("</tbody></table>");
    if report.lenders.is_empty() {
        let _ = write!(h, "<p>No lender has {k} or more donors yet.</p>");
    } else {
        let charts: [(&str, Pick); 4] = [
            ("Share of donors with prohibited collection", |l| {
                &l.prohibited
            }),
            ("Share of donors with collection after revocation", |l| {
                &l.after_revocation
            }),
            ("Share of donors whose phone saw undeclared access", |l| {
                &l.observed_undeclared
            }),
            (
                "Share of donors with collection above the consented frequency",
                |l| &l.above_frequency,
            ),
        ];
        for (title, pick) in charts {
            let _ = write!(
                h,
                "<h3>{}</h3>{}",
                escape(title),
                chart(title, &report.lenders, pick)
            );
        }
    }

    h.push_str(
        "<h2>APR stated and APR computed</h2><p>Offers whose Key Fact Statement states an APR \
         that Khata also recomputed from the schedule. A difference is stated minus computed, in \
         percentage points; one over 0.1 counts as differing.</p><table><thead><tr>\
         <th>Lender</th><th>Donors</th><th>Offers</th><th>Donors with a differing offer</th>\
         <th>Differing offers</th><th>Mean difference</th><th>Mean absolute difference</th>\
         </tr></thead><tbody>",
    );
    for l in &report.lenders {
        let Some(apr) = &l.apr else { continue };
        let _ = write!(
            h,
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td></tr>",
            escape(&l.lender),
            count(apr.donors),
            apr.offers.map_or_else(|| "—".into(), |n| n.to_string()),
            count(apr.donors_differing),
            apr.offers_differing
                .map_or_else(|| "—".into(), |n| n.to_string()),
            float(apr.mean_difference),
            float(apr.mean_abs_difference),
        );
    }
    h.push_str("</tbody></table>");

    h.push_str(
        "<h2>Split views</h2><p>Signed tree heads of one lender at the same size with different \
         roots: the lender showed donors different histories. Signed heads 0 means the root was \
         recomputed from a donor's own leaves.</p>",
    );
    if report.split_views.is_empty() {
        h.push_str("<p>None found: every published lender's heads agree at every size.</p>");
    } else {
        h.push_str(
            "<table><thead><tr><th>Lender</th><th>Size</th><th>Root</th><th>Donors</th>\
             <th>Signed heads</th><th>Timestamps</th><th>Key ids</th></tr></thead><tbody>",
        );
        for r in &report.split_views {
            let when = |ms: Option<i64>| ms.map_or_else(|| "—".into(), time::date_time);
            let keys = match (&r.first_key_id, &r.last_key_id) {
                (Some(a), Some(b)) if a == b => escape(a),
                (Some(a), Some(b)) => format!("{} … {}", escape(a), escape(b)),
                _ => "—".into(),
            };
            let _ = write!(
                h,
                "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td><code>{}</code></td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td>{} – {}</td><td><code>{}</code>\
                 </td></tr>",
                escape(&r.lender),
                r.tree_size,
                escape(&r.root_hash),
                count(r.donors),
                r.signed_heads,
                when(r.first_timestamp_ms),
                when(r.last_timestamp_ms),
                keys
            );
        }
        h.push_str("</tbody></table>");
    }

    h.push_str(
        "<h2>Disclosures by signal</h2><table><thead><tr><th>Lender</th><th>Signal</th>\
         <th>Donors</th><th>Disclosures</th><th>Prohibited</th></tr></thead><tbody>",
    );
    for s in &report.signals {
        let _ = write!(
            h,
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td>{}</td></tr>",
            escape(&s.lender),
            escape(&s.signal),
            count(s.donors),
            s.disclosures.map_or_else(|| "—".into(), |n| n.to_string()),
            if s.prohibited { "yes" } else { "no" }
        );
    }
    h.push_str("</tbody></table>");

    h.push_str("<h2>Rejected donations</h2>");
    if report.rejections.is_empty() {
        h.push_str("<p>None.</p>");
    } else {
        h.push_str("<table><thead><tr><th>Reason</th><th>Files</th></tr></thead><tbody>");
        for (reason, n) in &report.rejections {
            let _ = write!(
                h,
                "<tr><td><code>{}</code></td><td class=\"n\">{n}</td></tr>",
                escape(reason)
            );
        }
        h.push_str("</tbody></table>");
    }

    h.push_str("<h2>What these figures cannot show</h2><ul>");
    for limit in LIMITS {
        let _ = write!(h, "<li>{}</li>", escape(limit));
    }
    h.push_str("</ul></body></html>\n");
    h
}
