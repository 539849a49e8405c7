//! The published report, built in Rust from the SQL files' results with k-anonymity applied:
//! no published cell describes fewer than k donors. A lender with fewer than k donors is
//! withheld whole (only counted); a count of 1..k−1 donors is shown as "fewer than k", and a
//! count that leaves 1..k−1 of the lender's donors outside it as "all but fewer than k" (its
//! complement would describe them). Nothing here carries a donation id, a note or a consent
//! ref: the results it reads that hold donation ids are never copied.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use serde::Serialize;
use serde_json::Value;

use super::runner::{Results, json_rows};

/// The k of k-anonymity unless `--k` says otherwise.
pub const DEFAULT_K: u64 = 10;

/// The results the published report reads (none of them holds a donation id).
pub const PUBLISHED_RESULTS: [&str; 5] = [
    "lenders",
    "apr",
    "disclosures_by_signal",
    "split_views",
    "pool",
];

/// A count of donors as published.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Count {
    Value(u64),
    /// 1..k−1 donors: the value is never shown. JSON `{"fewerThan": k}`.
    FewerThan {
        #[serde(rename = "fewerThan")]
        k: u64,
    },
    /// All of a group but 1..k−1 donors. JSON `{"allButFewerThan": k}`.
    AllButFewerThan {
        #[serde(rename = "allButFewerThan")]
        k: u64,
    },
}

impl Count {
    /// `n` donors out of a group of `of` donors (`of` ≥ k, or the group would be withheld).
    pub fn of(n: u64, of: u64, k: u64) -> Count {
        if n > 0 && n < k {
            Count::FewerThan { k }
        } else if n < of && of - n < k {
            Count::AllButFewerThan { k }
        } else {
            Count::Value(n)
        }
    }

    /// `n` donors where no complement is published (a root's holders, a signal's donors).
    pub fn alone(n: u64, k: u64) -> Count {
        if n > 0 && n < k {
            Count::FewerThan { k }
        } else {
            Count::Value(n)
        }
    }

    pub fn value(self) -> Option<u64> {
        match self {
            Count::Value(n) => Some(n),
            _ => None,
        }
    }
}

/// How many of a lender's donors show one kind of collection, and their share.
#[derive(Debug, Clone, Serialize)]
pub struct Measure {
    pub donors: Count,
    /// `donors / lender's donors`, when `donors` is shown.
    pub share: Option<f64>,
}

impl Measure {
    fn new(n: u64, of: u64, k: u64) -> Measure {
        let donors = Count::of(n, of, k);
        let share = donors.value().map(|n| n as f64 / of as f64);
        Measure { donors, share }
    }
}

/// APR stated against APR computed, over a lender's offers that have both.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Apr {
    /// Donors with at least one such offer.
    pub donors: Count,
    /// The offers, when `donors` is shown.
    pub offers: Option<u64>,
    /// Donors with an offer whose stated APR differs from the computed by more than the
    /// tolerance, and the offers (when the donors are shown).
    pub donors_differing: Count,
    pub offers_differing: Option<u64>,
    /// Mean of stated − computed, and of its absolute value, in percentage points (when at
    /// least k donors have such offers, whether or not their number is shown).
    pub mean_difference: Option<f64>,
    pub mean_abs_difference: Option<f64>,
}

/// One lender published.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lender {
    pub lender: String,
    pub donors: u64,
    pub prohibited: Measure,
    pub after_revocation: Measure,
    pub observed_undeclared: Measure,
    pub above_frequency: Measure,
    /// `None` when no donor of this lender has an offer with both APRs.
    pub apr: Option<Apr>,
    /// Tree sizes at which this lender's heads show more than one root.
    pub split_view_sizes: u64,
}

/// Disclosures of one signal by one published lender.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Signal {
    pub lender: String,
    pub signal: String,
    pub donors: Count,
    /// The disclosures, when `donors` is shown.
    pub disclosures: Option<u64>,
    /// A signal the RBI's rules bar lenders from accessing.
    pub prohibited: bool,
}

/// One root of a split view.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SplitRoot {
    pub lender: String,
    pub tree_size: u64,
    pub root_hash: String,
    pub donors: Count,
    /// Heads of this root carrying the lender's signature (0: only recomputed from leaves).
    pub signed_heads: u64,
    pub first_timestamp_ms: Option<i64>,
    pub last_timestamp_ms: Option<i64>,
    pub first_key_id: Option<String>,
    pub last_key_id: Option<String>,
}

/// The pool at the time of the report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolSize {
    pub donations: u64,
    pub lenders: u64,
    pub disclosures: u64,
}

/// The whole published report (its JSON form is `--format json`, `docs/pool.md`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub format: &'static str,
    pub version: u32,
    /// The day the report was made, `YYYY-MM-DD` (UTC).
    pub date: String,
    pub k: u64,
    pub pool: PoolSize,
    /// Lenders with fewer than k donors: counted, never named.
    pub lenders_withheld: u64,
    pub lenders: Vec<Lender>,
    pub signals: Vec<Signal>,
    pub split_views: Vec<SplitRoot>,
    /// Refused inputs by reason (`_khata/rejections.jsonl`).
    pub rejections: BTreeMap<String, u64>,
}

pub const FORMAT: &str = "khata-pool-report";
pub const VERSION: u32 = 1;

/// A result's rows as maps from column name to value.
fn rows(results: &Results, name: &str) -> Result<Vec<BTreeMap<String, Value>>> {
    let (columns, rows) = json_rows(results.get(name)?).with_context(|| format!("`{name}`"))?;
    Ok(rows
        .into_iter()
        .map(|row| columns.iter().cloned().zip(row).collect())
        .collect())
}

fn int(row: &BTreeMap<String, Value>, column: &str) -> Result<u64> {
    match row.get(column) {
        Some(Value::Null) => Ok(0),
        Some(value) => value
            .as_u64()
            .with_context(|| format!("column `{column}` is {value}, not a count")),
        None => bail!("no column `{column}`"),
    }
}

fn text(row: &BTreeMap<String, Value>, column: &str) -> Result<String> {
    row.get(column)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .with_context(|| format!("column `{column}` is not text"))
}

fn float(row: &BTreeMap<String, Value>, column: &str) -> Option<f64> {
    row.get(column).and_then(Value::as_f64)
}

/// Builds the published report from the standard files' results.
pub fn build(
    results: &Results,
    rejections: BTreeMap<String, u64>,
    k: u64,
    date: String,
) -> Result<Report> {
    if k < 2 {
        bail!("k must be at least 2 (k = {k} would publish single donors)");
    }
    let pool_rows = rows(results, "pool")?;
    let pool_row = pool_rows.first().context("`pool` has no row")?;
    let pool = PoolSize {
        donations: int(pool_row, "donations")?,
        lenders: int(pool_row, "lenders")?,
        disclosures: int(pool_row, "disclosures")?,
    };

    let mut donors_of = BTreeMap::new();
    let mut withheld = 0;
    let mut lender_rows = Vec::new();
    for row in rows(results, "lenders")? {
        let lender = text(&row, "lender")?;
        let donors = int(&row, "donors")?;
        if donors < k {
            withheld += 1;
            continue;
        }
        donors_of.insert(lender.clone(), donors);
        lender_rows.push((lender, donors, row));
    }

    let mut apr_of = BTreeMap::new();
    for row in rows(results, "apr")? {
        let lender = text(&row, "lender")?;
        let Some(&lender_donors) = donors_of.get(&lender) else {
            continue;
        };
        let donors_with_both = int(&row, "donors")?;
        let donors = Count::of(donors_with_both, lender_donors, k);
        let shown = donors.value().is_some();
        // A mean over at least k donors describes no fewer than k, even when their number is
        // banded because it leaves fewer than k of the lender's donors outside it.
        let averaged = donors_with_both >= k;
        let donors_differing = Count::of(int(&row, "donors_differing")?, lender_donors, k);
        let apr = Apr {
            donors,
            offers: shown.then(|| int(&row, "offers")).transpose()?,
            donors_differing,
            offers_differing: donors_differing
                .value()
                .map(|_| int(&row, "offers_differing"))
                .transpose()?,
            mean_difference: averaged.then(|| float(&row, "mean_difference")).flatten(),
            mean_abs_difference: averaged
                .then(|| float(&row, "mean_abs_difference"))
                .flatten(),
        };
        apr_of.insert(lender, apr);
    }

    let mut split_views = Vec::new();
    let mut split_sizes: BTreeMap<String, std::collections::BTreeSet<u64>> = BTreeMap::new();
    for row in rows(results, "split_views")? {
        let lender = text(&row, "lender")?;
        if !donors_of.contains_key(&lender) {
            continue;
        }
        let tree_size = int(&row, "tree_size")?;
        split_sizes
            .entry(lender.clone())
            .or_default()
            .insert(tree_size);
        split_views.push(SplitRoot {
            lender,
            tree_size,
            root_hash: text(&row, "root_hash")?,
            donors: Count::alone(int(&row, "donors")?, k),
            signed_heads: int(&row, "signed_heads")?,
            first_timestamp_ms: row.get("first_timestamp_ms").and_then(Value::as_i64),
            last_timestamp_ms: row.get("last_timestamp_ms").and_then(Value::as_i64),
            first_key_id: row
                .get("first_key_id")
                .and_then(Value::as_str)
                .map(str::to_owned),
            last_key_id: row
                .get("last_key_id")
                .and_then(Value::as_str)
                .map(str::to_owned),
        });
    }
    split_views.sort_by(|a, b| {
        (&a.lender, a.tree_size, &a.root_hash).cmp(&(&b.lender, b.tree_size, &b.root_hash))
    });

    let mut lenders = Vec::new();
    for (lender, donors, row) in lender_rows {
        let measure =
            |column: &str| -> Result<Measure> { Ok(Measure::new(int(&row, column)?, donors, k)) };
        lenders.push(Lender {
            prohibited: measure("prohibited")?,
            after_revocation: measure("after_revocation")?,
            observed_undeclared: measure("observed_undeclared")?,
            above_frequency: measure("above_frequency")?,
            apr: apr_of.remove(&lender),
            split_view_sizes: split_sizes.get(&lender).map_or(0, |s| s.len() as u64),
            donors,
            lender,
        });
    }
    lenders.sort_by(|a, b| a.lender.cmp(&b.lender));

    let mut signals = Vec::new();
    for row in rows(results, "disclosures_by_signal")? {
        let lender = text(&row, "lender")?;
        if !donors_of.contains_key(&lender) {
            continue;
        }
        let donors = Count::alone(int(&row, "donors")?, k);
        signals.push(Signal {
            signal: text(&row, "signal")?,
            disclosures: donors
                .value()
                .map(|_| int(&row, "disclosures"))
                .transpose()?,
            prohibited: int(&row, "prohibited")? > 0,
            donors,
            lender,
        });
    }
    signals.sort_by(|a, b| (&a.lender, &a.signal).cmp(&(&b.lender, &b.signal)));

    Ok(Report {
        format: FORMAT,
        version: VERSION,
        date,
        k,
        pool,
        lenders_withheld: withheld,
        lenders,
        signals,
        split_views,
        rejections,
    })
}

/// What the figures cannot show; printed in every format.
pub const LIMITS: [&str; 8] = [
    "A donor is one donation. Borrowers who did not donate are not counted, and those who \
     donate are not a random sample: shares describe the donors, not every borrower of a lender.",
    "Disclosures are what the lender declared in its own signed log or statements; collection it \
     never declared appears only where a donor's phone recorded it (observed-undeclared).",
    "A phone observation shows that and when the lender's app used a resource, not what it read \
     or where the data went.",
    "'Above the consented frequency' and the revocation figures come from each donor's own audit; \
     a donor who never revoked cannot show collection after revocation.",
    "APR differences use the fixed 0.1 percentage-point tolerance; the audit's per-offer finding \
     (kfs-apr-mismatch) also allows each offer's rounding band. Offers without a Key Fact \
     Statement APR or a schedule to recompute one are not counted.",
    "A split view shows that donors were shown different signed histories at one size; it does \
     not show which history is the true one. A root recomputed from a donor's leaves (no signed \
     head) is weaker evidence than two signed heads.",
    "The lender knows which root it showed to whom: a root held by few donors tells the lender \
     that one of them donated.",
    "Lenders with fewer than k donors are withheld entirely; their absence says nothing about \
     their conduct.",
];
