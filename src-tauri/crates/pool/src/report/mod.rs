//! The standard report (`khata-pool report`, `docs/pool.md` "The standard report"): the SQL
//! files in `sql/` run in order by an embedded DataFusion over the pool's Parquet dataset
//! ([`runner`]), their raw results (what the Spark check compares), and the published report
//! built from them with k-anonymity ([`published`]) as HTML, CSV or JSON. [`synth`] writes
//! synthetic pools of any size for the benchmarks.

pub mod cli;
pub mod csv;
pub mod html;
pub mod parquet_out;
pub mod published;
pub mod rejections;
pub mod runner;
pub mod synth;
pub mod time;

#[cfg(test)]
mod tests;

use std::path::Path;

use anyhow::Result;

/// Runs the standard files over `pool` and builds the published report.
pub async fn published_report(
    pool: &Path,
    files: &[runner::SqlFile],
    k: u64,
    date: String,
) -> Result<(runner::Results, published::Report)> {
    let results = runner::run(pool, files).await?;
    let rejections = rejections::count(pool)?;
    let report = published::build(&results, rejections, k, date)?;
    Ok((results, report))
}
