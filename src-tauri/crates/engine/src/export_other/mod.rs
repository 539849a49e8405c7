//! The CSV (one file per record kind, zipped) and printable HTML exports. Both stream page by
//! page like the JSON export; the JSON export stays the one an offline verifier reads.
//!
//! One module per format ([`csv`], [`html`]) and the zip container ([`zip`], also used by the
//! grievance packet), and [`replace`], how every export and packet reaches its name; this module holds what they and the JSON export share: reading the vault
//! a page at a time, timestamps, and counting and syncing the bytes written.

mod csv;
mod html;
mod replace;
mod zip;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use khata_vault::{EventWithStatement, Vault};

use crate::error::{EngineError, Result};
use crate::views::Progress;

pub(crate) use csv::export_csv;
pub(crate) use html::export_html;
pub(crate) use replace::write_replacing;
pub(crate) use zip::ZipWriter;

/// The engine's vault slot, locked a page at a time so the app stays usable during an export.
pub(crate) type Shared = std::sync::Mutex<Option<Vault>>;
/// Records read from the vault per lock.
pub(crate) const PAGE: usize = 5_000;

pub(crate) fn with<T>(vault: &Shared, f: impl FnOnce(&Vault) -> Result<T>) -> Result<T> {
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

/// An enumeration's stable export spelling (`ios-app-privacy-report`, `callLog`), as the JSON
/// export writes it.
pub(crate) fn spelling<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
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

impl Counter<BufWriter<File>> {
    /// A counted writer into `file`, buffered by the megabyte.
    pub(crate) fn file(file: File) -> Self {
        Counter {
            inner: BufWriter::with_capacity(1 << 20, file),
            bytes: 0,
        }
    }

    /// Flushes and syncs the file to disk; returns the bytes written.
    pub(crate) fn finish(mut self) -> Result<u64> {
        self.flush()?;
        sync(self.inner)?;
        Ok(self.bytes)
    }
}

/// Flushes `w` and syncs its file to disk, so a renamed export is complete.
pub(crate) fn sync(w: BufWriter<File>) -> Result<()> {
    let file = w.into_inner().map_err(|e| EngineError::Io(e.to_string()))?;
    file.sync_all()?;
    Ok(())
}

/// Every disclosure in id order, a page at a time (the vault locked only while a page is
/// read): `each` writes a page, then progress is reported. Stops with `Cancelled` as soon as
/// `cancel` is set. Returns how many disclosures were written.
pub(crate) fn disclosure_pages(
    vault: &Shared,
    total: u64,
    progress: &dyn Fn(Progress),
    cancel: &AtomicBool,
    mut each: impl FnMut(&[EventWithStatement]) -> Result<()>,
) -> Result<u64> {
    let mut after = 0;
    let mut done = 0u64;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(EngineError::Cancelled);
        }
        let page = with(vault, |v| Ok(v.events_by_id(after, PAGE)?))?;
        if page.is_empty() {
            return Ok(done);
        }
        each(&page)?;
        done += page.len() as u64;
        after = page.last().map(|(e, _, _)| e.id).unwrap_or(after);
        progress(Progress {
            task: "export".into(),
            phase: "disclosures".into(),
            done,
            total: Some(total),
        });
    }
}
