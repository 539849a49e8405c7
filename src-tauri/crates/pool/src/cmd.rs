//! The `khata-pool` subcommands of the pool itself: `add`, `status` and `check`. Every one
//! opens the pool, which first recovers from any interrupted batch (`store`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use khata_contract::lender_text::clean;

use crate::store::{Pool, REJECTIONS};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// `add DIR|FILE… --pool POOL`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Donation files (`*.khata-donation.zip`), or directories of them.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The pool's directory (created if missing or empty).
    #[arg(long)]
    pub pool: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct PoolArgs {
    #[arg(long)]
    pub pool: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Adds donations; exit 0 all added, 2 some refused, 1 an error stopped the run.
pub fn add(args: AddArgs) -> anyhow::Result<ExitCode> {
    let pool = Pool::open_or_create(&args.pool)?;
    let text = args.format == Format::Text;
    let outcomes = crate::add::add(&pool, &args.inputs, |n, total, o| {
        if text {
            let mut out = std::io::stdout().lock();
            let _ = match &o.detail {
                None => writeln!(out, "{}: {}", clean(&o.file), o.result),
                Some(d) => writeln!(
                    out,
                    "{}: rejected {}: {}",
                    clean(&o.file),
                    o.result,
                    clean(d)
                ),
            };
        }
        if total >= 20 && (n % 100 == 0 || n == total) {
            eprintln!("khata-pool add: {n} of {total}");
        }
    })?;
    if !text {
        let mut by: BTreeMap<&str, u64> = BTreeMap::new();
        for o in &outcomes {
            *by.entry(o.result.as_str()).or_default() += 1;
        }
        println!(
            "{}",
            serde_json::json!({"inputs": outcomes.len(), "byResult": by, "outcomes": outcomes})
        );
    }
    Ok(ExitCode::from(crate::add::exit_code(&outcomes)))
}

/// The pool's contents: donations, rows per table, rejections by reason, the last commit.
pub fn status(args: PoolArgs) -> anyhow::Result<ExitCode> {
    let pool = Pool::open(&args.pool)?;
    let commits = pool.commits()?;
    let mut rows: BTreeMap<String, u64> = crate::schema::TABLES
        .iter()
        .map(|t| ((*t).to_owned(), 0))
        .collect();
    let mut donations = 0u64;
    for c in &commits {
        donations += c.donations.len() as u64;
        for f in &c.files {
            if let Some(t) = &f.table {
                *rows.entry(t.clone()).or_default() += f.rows;
            }
        }
    }
    let mut rejections: BTreeMap<String, u64> = BTreeMap::new();
    if let Ok(text) = std::fs::read_to_string(pool.root.join(REJECTIONS)) {
        for line in text.lines() {
            let reason = serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v.get("reason").and_then(|r| r.as_str()).map(str::to_owned))
                .unwrap_or_else(|| "unreadable-line".into());
            *rejections.entry(reason).or_default() += 1;
        }
    }
    let last = commits.last().map(|c| (c.batch.clone(), c.committed_at_ms));
    if args.format == Format::Json {
        println!(
            "{}",
            serde_json::json!({
                "donations": donations, "rows": rows, "rejections": rejections,
                "batches": commits.len(),
                "lastCommit": last.as_ref().map(|(b, t)| serde_json::json!({"batch": b, "at": t})),
            })
        );
    } else {
        println!("donations: {donations} in {} batches", commits.len());
        for (t, n) in &rows {
            println!("  {t:<20} {n:>12} rows");
        }
        println!("rejections: {}", rejections.values().sum::<u64>());
        for (r, n) in &rejections {
            println!("  {r:<24} {n:>8}");
        }
        match last {
            Some((b, t)) => println!(
                "last commit: {b} at {}",
                chrono::DateTime::from_timestamp_millis(t)
                    .unwrap_or_default()
                    .to_rfc3339()
            ),
            None => println!("last commit: none"),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Recovers, then confirms every committed file exists and (a table's) reads with its rows.
pub fn check(args: PoolArgs) -> anyhow::Result<ExitCode> {
    let pool = Pool::open(&args.pool)?;
    let problems = crate::store_check::check(&pool)?;
    if args.format == Format::Json {
        println!(
            "{}",
            serde_json::json!({"ok": problems.is_empty(), "problems": problems})
        );
    } else if problems.is_empty() {
        println!("ok: every committed file is in place and reads");
    } else {
        for p in &problems {
            println!("PROBLEM: {p}");
        }
    }
    Ok(ExitCode::from(if problems.is_empty() { 0 } else { 1 }))
}
