//! The CSV (one file per record kind, zipped) and printable HTML exports. Both stream page by
//! page like the JSON export; the JSON export stays the one an offline verifier reads.
//!
//! One module per format ([`csv`], [`html`]) and the zip container ([`zip`], also used by the
//! grievance packet); this module holds what they share: reading the vault a page at a time,
//! timestamps, and counting the bytes written.

mod csv;
mod html;
mod zip;

use std::io::Write;

use khata_vault::Vault;

use crate::error::{EngineError, Result};

pub(crate) use csv::export_csv;
pub(crate) use html::export_html;
pub(crate) use zip::ZipWriter;

type Shared = std::sync::Mutex<Option<Vault>>;
const PAGE: usize = 5_000;

fn with<T>(vault: &Shared, f: impl FnOnce(&Vault) -> Result<T>) -> Result<T> {
    let g = vault
        .lock()
        .map_err(|_| EngineError::Internal("the vault lock was poisoned".into()))?;
    let v = g
        .as_ref()
        .ok_or_else(|| EngineError::VaultLocked("the engine is closed".into()))?;
    f(v)
}

fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// Counts what goes through, for the summary.
pub(crate) struct Counter<W> {
    pub inner: W,
    pub bytes: u64,
}

impl<W: Write> Write for Counter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
