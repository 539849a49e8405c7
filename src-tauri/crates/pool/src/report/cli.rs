//! The `report` and `synth` subcommands of `khata-pool`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};

use super::{csv, html, published, runner, synth, time};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The standard report: the SQL files run over the pool, published with k-anonymity.
    Report(ReportArgs),
    /// Writes a synthetic pool (for benchmarks only: no donor behind any row).
    Synth(SynthArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// One self-contained HTML file.
    Html,
    /// A directory of CSV files, one per question.
    Csv,
    /// One JSON file (format `khata-pool-report`, version 1).
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The pool directory.
    #[arg(long)]
    pub pool: PathBuf,
    /// The published report's format.
    #[arg(long, value_enum, default_value = "html", requires = "out")]
    pub format: Format,
    /// Where to write the published report (a directory for `csv`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No published cell describes fewer than k donors.
    #[arg(long, default_value_t = published::DEFAULT_K)]
    pub k: u64,
    /// Also write every SQL file's raw result here (holds donation ids: not for publication).
    #[arg(long)]
    pub raw: Option<PathBuf>,
    /// Read the `NN_name.sql` files from this directory instead of the built-in ones.
    #[arg(long)]
    pub sql: Option<PathBuf>,
    /// Only run the benchmark's baseline: one full scan of `disclosures` grouped by lender and
    /// signal.
    #[arg(long, conflicts_with_all = ["out", "raw"])]
    pub baseline_scan: bool,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// How many disclosures to write.
    #[arg(long)]
    pub disclosures: u64,
    /// The pool directory to create (must not exist, or be empty).
    #[arg(long)]
    pub pool: PathBuf,
    #[arg(long, default_value_t = 17)]
    pub seed: u64,
}

pub fn run(command: Command) -> ExitCode {
    let outcome = match command {
        Command::Report(args) => report(&args),
        Command::Synth(args) => synth::write(&args.pool, args.disclosures, args.seed)
            .map(|summary| println!("{summary}")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("khata-pool: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting tokio")
}

fn report(args: &ReportArgs) -> Result<()> {
    let rt = runtime()?;
    if args.baseline_scan {
        let groups = rt.block_on(runner::baseline_scan(&args.pool))?;
        println!("{groups} lender and signal groups");
        return Ok(());
    }
    if args.out.is_none() && args.raw.is_none() {
        bail!("nothing to write: give --out (with --format) or --raw");
    }
    let files = match &args.sql {
        Some(dir) => runner::sql_from_dir(dir)?,
        None => runner::embedded_sql(),
    };
    let (results, report) = rt.block_on(super::published_report(
        &args.pool,
        &files,
        args.k,
        time::today(),
    ))?;
    if let Some(path) = &args.raw {
        let raw = runner::raw_json(&results, None)?;
        write_file(path, serde_json::to_string_pretty(&raw)?.as_bytes())?;
    }
    if let Some(out) = &args.out {
        match args.format {
            Format::Html => write_file(out, html::render(&report).as_bytes())?,
            Format::Csv => csv::write(&report, out)?,
            Format::Json => write_file(out, serde_json::to_string_pretty(&report)?.as_bytes())?,
        }
    }
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}
