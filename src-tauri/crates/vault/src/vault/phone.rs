//! What the borrower's own phone recorded: imported sources (one per file or capture, keyed by
//! the file's SHA-256), the raw files kept as evidence, and the observations read from them.
//! An import is one transaction with one `phone.import` ledger entry whose payload
//! (`khata_evidence::ledger::phone_import_payload`) an export's verifier recomputes.

use std::io::{Read, Write};

use khata_evidence::ledger::{PHONE_IMPORT_KIND, phone_import_payload};
use khata_evidence::phone::{Device, NetworkFacts, Observation, PhoneSource};
use rusqlite::{MAIN_DB, OptionalExtension, Row};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::{Vault, from_json, json_str};
use crate::error::{Result, VaultError};

/// The largest part of a raw file in one `phone_files` row, and what is in memory at once
/// while it is copied in: each part is inserted from a buffer, so every page of the file is
/// written (and encrypted) once. A zeroed placeholder filled in place (incremental blob I/O)
/// wrote each page twice and measured at a third of this speed.
pub const PHONE_PART_BYTES: u64 = 1024 * 1024;

/// The page cache of an import's transaction, in KiB (see [`Vault::import_phone`]).
const IMPORT_CACHE_KIB: u32 = 2 * 1024;

/// How much of a raw file is in memory at once while it is copied out.
const COPY_CHUNK: usize = 64 * 1024;

/// What [`Vault::import_phone`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhoneImported {
    /// False when a source with the same SHA-256 was already held: nothing was written.
    pub new: bool,
}

/// An enumeration's export spelling (`"ios-app-privacy-report"`), the form stored.
fn spelling<T: Serialize>(v: &T) -> Result<String> {
    match serde_json::to_value(v)? {
        serde_json::Value::String(s) => Ok(s),
        other => Err(VaultError::Invalid(format!(
            "{other} is not an enumeration's name"
        ))),
    }
}

fn parse_spelling<T: DeserializeOwned>(r: &Row<'_>, col: usize) -> rusqlite::Result<T> {
    let s: String = r.get(col)?;
    serde_json::from_value(serde_json::Value::String(s)).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, Box::new(e))
    })
}

const SOURCE_COLS: &str = "sha256, format, platform, file_name, bytes, captured_at, imported_at, \
    device_serial, device_model, device_os, utc_offset_min, offset_from, app, lender_id, \
    covers_from, covers_to, records, malformed_lines, limits";

fn source_from_row(r: &Row<'_>) -> rusqlite::Result<PhoneSource> {
    Ok(PhoneSource {
        sha256: r.get(0)?,
        format: parse_spelling(r, 1)?,
        platform: parse_spelling(r, 2)?,
        file_name: r.get(3)?,
        bytes: r.get::<_, i64>(4)? as u64,
        captured_at: r.get(5)?,
        imported_at: r.get(6)?,
        device: Device {
            serial: r.get(7)?,
            model: r.get(8)?,
            os_version: r.get(9)?,
        },
        utc_offset_min: r.get(10)?,
        offset_from: parse_spelling(r, 11)?,
        app: r.get(12)?,
        lender_id: r.get(13)?,
        covers_from: r.get(14)?,
        covers_to: r.get(15)?,
        records: r.get::<_, i64>(16)? as u64,
        malformed_lines: r.get::<_, i64>(17)? as u64,
        limits: from_json(&r.get::<_, String>(18)?, 18)?,
    })
}

const OBSERVATION_COLS: &str = "s.sha256, o.app, o.platform, o.resource, o.op, o.kind, o.state, \
    o.first_at, o.last_at, o.count, o.open_interval, o.network";

fn observation_from_row(r: &Row<'_>) -> rusqlite::Result<Observation> {
    let network: Option<String> = r.get(11)?;
    Ok(Observation {
        source: r.get(0)?,
        app: r.get(1)?,
        platform: parse_spelling(r, 2)?,
        resource: parse_spelling(r, 3)?,
        op: r.get(4)?,
        kind: parse_spelling(r, 5)?,
        state: parse_spelling(r, 6)?,
        first_at: r.get(7)?,
        last_at: r.get(8)?,
        count: r.get::<_, i64>(9)? as u64,
        open_interval: r.get::<_, i64>(10)? != 0,
        network: network
            .map(|n| from_json::<NetworkFacts>(&n, 11))
            .transpose()?,
    })
}

impl Vault {
    /// Keeps one imported phone source: its row, the raw file (`raw`, read once in chunks,
    /// exactly `source.bytes` long and hashing to `source.sha256`, else nothing is kept) and
    /// its observations, with one `phone.import` ledger entry (record id: the SHA-256), all in
    /// one transaction. A source already held (same SHA-256) is left as it is: `new: false`,
    /// nothing read from `raw`, nothing written.
    pub fn import_phone(
        &mut self,
        source: &PhoneSource,
        observations: &[Observation],
        raw: &mut dyn Read,
    ) -> Result<PhoneImported> {
        if let Some(o) = observations.iter().find(|o| o.source != source.sha256) {
            return Err(VaultError::Invalid(format!(
                "an observation of {} belongs to another source ({})",
                o.app, o.source
            )));
        }
        let payload = phone_import_payload(source, observations);
        // The raw file's pages are written once and not read again here: a small page cache
        // for this transaction keeps the import's memory flat in the file's size (the vault's
        // usual cache would fill with them), and is given back after, whatever happened.
        self.conn
            .execute_batch(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB};"))?;
        let done = self.import_phone_in(source, observations, raw, &payload);
        self.conn.execute_batch(&format!(
            "PRAGMA cache_size = -{};",
            super::open::PAGE_CACHE_KIB
        ))?;
        done
    }

    fn import_phone_in(
        &mut self,
        source: &PhoneSource,
        observations: &[Observation],
        raw: &mut dyn Read,
        payload: &[u8],
    ) -> Result<PhoneImported> {
        let limits = json_str(&source.limits)?;
        let format = spelling(&source.format)?;
        let platform = spelling(&source.platform)?;
        let offset_from = spelling(&source.offset_from)?;
        self.write(|tx, led| {
            let held: Option<i64> = tx
                .prepare_cached("SELECT id FROM phone_sources WHERE sha256 = ?1")?
                .query_row([&source.sha256], |r| r.get(0))
                .optional()?;
            if held.is_some() {
                return Ok(PhoneImported { new: false });
            }
            tx.prepare_cached(&format!(
                "INSERT INTO phone_sources ({SOURCE_COLS}) VALUES \
                 (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)"
            ))?
            .execute(rusqlite::params![
                source.sha256,
                format,
                platform,
                source.file_name,
                source.bytes as i64,
                source.captured_at,
                source.imported_at,
                source.device.serial,
                source.device.model,
                source.device.os_version,
                source.utc_offset_min,
                offset_from,
                source.app,
                source.lender_id,
                source.covers_from,
                source.covers_to,
                source.records as i64,
                source.malformed_lines as i64,
                limits,
            ])?;
            let source_id = tx.last_insert_rowid();
            copy_raw_in(tx, source_id, source, raw)?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO phone_observations (source_id, app, platform, resource, op, kind, \
                 state, first_at, last_at, count, open_interval, network) \
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
            )?;
            for o in observations {
                let network = o.network.as_ref().map(json_str).transpose()?;
                insert.execute(rusqlite::params![
                    source_id,
                    o.app,
                    spelling(&o.platform)?,
                    spelling(&o.resource)?,
                    o.op,
                    spelling(&o.kind)?,
                    spelling(&o.state)?,
                    o.first_at,
                    o.last_at,
                    o.count as i64,
                    o.open_interval as i64,
                    network,
                ])?;
            }
            led.append(tx, PHONE_IMPORT_KIND, &source.sha256, payload)?;
            Ok(PhoneImported { new: true })
        })
    }

    /// Every phone source held, in the order imported.
    pub fn phone_sources(&self) -> Result<Vec<PhoneSource>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {SOURCE_COLS} FROM phone_sources ORDER BY id"
        ))?;
        let rows = st.query_map([], source_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One phone source, by its SHA-256.
    pub fn phone_source(&self, sha256: &str) -> Result<Option<PhoneSource>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {SOURCE_COLS} FROM phone_sources WHERE sha256 = ?1"
            ))?
            .query_row([sha256], source_from_row)
            .optional()?)
    }

    /// Every observation held, source by source in the order imported and, within a source,
    /// in the order its `phone.import` entry covers them.
    pub fn phone_observations(&self) -> Result<Vec<Observation>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {OBSERVATION_COLS} FROM phone_observations o \
             JOIN phone_sources s ON s.id = o.source_id ORDER BY o.source_id, o.id"
        ))?;
        let rows = st.query_map([], observation_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Observations whose first time is in `[from, to)` (either end open when `None`), newest
    /// first, at most `limit` (served by the index on `first_at`).
    pub fn phone_observations_between(
        &self,
        from: Option<i64>,
        to: Option<i64>,
        limit: usize,
    ) -> Result<Vec<Observation>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {OBSERVATION_COLS} FROM phone_observations o \
             JOIN phone_sources s ON s.id = o.source_id \
             WHERE o.first_at >= coalesce(?1, -9223372036854775808) \
               AND (?2 IS NULL OR o.first_at < ?2) \
             ORDER BY o.first_at DESC, o.id DESC LIMIT ?3"
        ))?;
        let rows = st.query_map(
            rusqlite::params![from, to, limit.min(i64::MAX as usize) as i64],
            observation_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Writes the raw file of the source `sha256` to `out`, part by part in chunks (flat
    /// memory), and returns its length. [`VaultError::NotFound`] when no such source is held.
    pub fn phone_raw(&self, sha256: &str, out: &mut dyn Write) -> Result<u64> {
        let source_id: i64 = self
            .conn
            .prepare_cached("SELECT id FROM phone_sources WHERE sha256 = ?1")?
            .query_row([sha256], |r| r.get(0))
            .optional()?
            .ok_or_else(|| VaultError::NotFound {
                kind: "phone source",
                id: sha256.to_owned(),
            })?;
        let parts: Vec<i64> = self
            .conn
            .prepare_cached("SELECT rowid FROM phone_files WHERE source_id = ?1 ORDER BY part")?
            .query_map([source_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut written = 0u64;
        let mut buf = vec![0u8; COPY_CHUNK];
        for rowid in parts {
            let mut blob = self
                .conn
                .blob_open(MAIN_DB, c"phone_files", c"raw", rowid, true)?;
            loop {
                let n = blob.read(&mut buf).map_err(|e| VaultError::io(sha256, e))?;
                if n == 0 {
                    break;
                }
                out.write_all(&buf[..n])
                    .map_err(|e| VaultError::io(sha256, e))?;
                written += n as u64;
            }
        }
        Ok(written)
    }
}

/// Copies `raw` into `phone_files` rows of at most [`PHONE_PART_BYTES`], hashing on the way:
/// a file that is not `source.bytes` long or does not hash to `source.sha256` (changed since it
/// was read) fails the import.
fn copy_raw_in(
    tx: &rusqlite::Transaction<'_>,
    source_id: i64,
    source: &PhoneSource,
    raw: &mut dyn Read,
) -> Result<()> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; PHONE_PART_BYTES as usize];
    let mut left = source.bytes;
    let mut part = 0i64;
    let mut insert =
        tx.prepare_cached("INSERT INTO phone_files (source_id, part, raw) VALUES (?1, ?2, ?3)")?;
    // An empty file is one empty part, so every source has its file.
    loop {
        let size = left.min(PHONE_PART_BYTES) as usize;
        let mut filled = 0usize;
        while filled < size {
            let n = raw
                .read(&mut buf[filled..size])
                .map_err(|e| VaultError::io(&source.file_name, e))?;
            if n == 0 {
                return Err(VaultError::Invalid(format!(
                    "the file {} ended after {} of its {} bytes; it changed since it was read",
                    source.file_name,
                    source.bytes - left + filled as u64,
                    source.bytes
                )));
            }
            filled += n;
        }
        hasher.update(&buf[..size]);
        insert.execute(rusqlite::params![source_id, part, &buf[..size]])?;
        left -= size as u64;
        part += 1;
        if left == 0 {
            break;
        }
    }
    if raw
        .read(&mut buf[..1])
        .map_err(|e| VaultError::io(&source.file_name, e))?
        != 0
    {
        return Err(VaultError::Invalid(format!(
            "the file {} is longer than the {} bytes read; it changed since it was read",
            source.file_name, source.bytes
        )));
    }
    let got = hex::encode(hasher.finalize());
    if got != source.sha256 {
        return Err(VaultError::Invalid(format!(
            "the file {} no longer has the SHA-256 it was read with; it changed since it was read",
            source.file_name
        )));
    }
    Ok(())
}
