//! A donor's donation, written by the engine's donation writer (`Engine::write_donation`):
//! the advocate export with the donation's required removals, checked and zipped with its
//! manifest under a random donation id. Some donors add a note, so the pool's handling of
//! notes is exercised too.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use khata_engine::Engine;
use khata_engine::views::DonationOptions;

use super::plan::DonorPlan;

pub async fn write(engine: &Engine, plan: &DonorPlan, out: &Path) -> anyhow::Result<PathBuf> {
    let note = plan.note.then(|| {
        format!(
            "Generated donor {}: sandbox data from khata pool generate, not a person.",
            plan.donor
        )
    });
    let written = engine
        .write_donation(
            out,
            DonationOptions {
                patterns: Vec::new(),
                note,
            },
        )
        .await
        .context("writing the donation")?;
    Ok(PathBuf::from(written.path))
}
