//! Logging to a daily-rotated file in the app's log folder (a week kept). Log lines carry
//! event names, counts and error kinds only: never keys, tokens, signal values or personal data.

use std::path::Path;
use tracing_appender::{non_blocking::WorkerGuard, rolling};
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

const KEEP_LOG_FILES: usize = 7;

/// Installs the global subscriber. Keep the guard alive for the app's lifetime: dropping it
/// flushes and stops the background writer.
pub fn init(log_dir: &Path) -> Result<WorkerGuard, rolling::InitError> {
    let appender = rolling::Builder::new()
        .rotation(rolling::Rotation::DAILY)
        .filename_prefix("khata")
        .filename_suffix("log")
        .max_log_files(KEEP_LOG_FILES)
        .build(log_dir)?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("KHATA_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // A second call (e.g. in tests) keeps the first subscriber; that is fine.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(writer).with_ansi(false))
        .try_init();
    Ok(guard)
}
