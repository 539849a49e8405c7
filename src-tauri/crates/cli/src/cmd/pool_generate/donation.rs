//! A donor's donation, written by the engine.
//!
//! Until the engine's donation writer is in this tree, the donor's advocate export (the
//! engine's redaction defaults) is written in its place, named by a random id.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::Context as _;
use khata_engine::Engine;
use khata_engine::views::{ExportFormat, ExportOptions};

pub async fn write(
    engine: &Engine,
    _plan: &super::plan::DonorPlan,
    out: &Path,
) -> anyhow::Result<PathBuf> {
    let path = out.join(format!("{}.khata.json", uuid_v4()));
    engine
        .export(
            &path,
            ExportFormat::Json,
            ExportOptions {
                redact: khata_engine::redaction::advocate_patterns(),
                ..ExportOptions::default()
            },
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
        .await
        .context("writing the donation")?;
    Ok(path)
}

fn uuid_v4() -> String {
    use rand::Rng as _;
    let b: [u8; 16] = rand::rng().random();
    b.iter().map(|x| format!("{x:02x}")).collect()
}
