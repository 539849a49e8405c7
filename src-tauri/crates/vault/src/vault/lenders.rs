//! Lenders, the signal catalogue, and how to reach each lender (its link and sync position).

use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{Vault, from_json, json, json_str};
use crate::error::Result;
use crate::model::*;

/// How to reach a lender, and where syncing with it stands. No secrets: tokens live in the
/// OS keychain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LenderLink {
    pub lender_id: String,
    pub api_base: String,
    /// The discovery document (JSON) whose keys were pinned at connect time.
    pub discovery: String,
    pub is_sandbox: bool,
    /// The lender's opaque disclosure cursor after the last page stored.
    pub sync_cursor: Option<String>,
    pub last_sync_at: Option<i64>,
    pub reachable: bool,
}

fn link_from_row(r: &Row<'_>) -> rusqlite::Result<LenderLink> {
    Ok(LenderLink {
        lender_id: r.get(0)?,
        api_base: r.get(1)?,
        discovery: r.get(2)?,
        is_sandbox: r.get::<_, i64>(3)? != 0,
        sync_cursor: r.get(4)?,
        last_sync_at: r.get(5)?,
        reachable: r.get::<_, i64>(6)? != 0,
    })
}

/// A lender from a row of `id, name, registration, contact, public_key`.
fn lender_from_row(r: &Row<'_>) -> rusqlite::Result<Lender> {
    Ok(Lender {
        id: r.get(0)?,
        name: r.get(1)?,
        registration: r.get(2)?,
        contact: r.get(3)?,
        public_key: r.get(4)?,
    })
}

const LINK_COLS: &str =
    "lender_id, api_base, discovery, is_sandbox, sync_cursor, last_sync_at, reachable";

impl Vault {
    /// Inserts or replaces a lender.
    pub fn upsert_lender(&mut self, l: &Lender) -> Result<()> {
        self.write(|tx, led| {
            tx.prepare_cached(
                "INSERT INTO lenders (id, name, registration, contact, public_key) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET name = excluded.name, \
                 registration = excluded.registration, contact = excluded.contact, \
                 public_key = excluded.public_key",
            )?
            .execute(rusqlite::params![
                l.id,
                l.name,
                l.registration,
                l.contact,
                l.public_key
            ])?;
            led.append(tx, "lender.upsert", &l.id, &json(l)?)?;
            Ok(())
        })
    }

    /// One lender, by id.
    pub fn lender(&self, id: &str) -> Result<Option<Lender>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, name, registration, contact, public_key FROM lenders WHERE id = ?1",
            )?
            .query_row([id], lender_from_row)
            .optional()?)
    }

    /// The lender record exactly as its last `lender.upsert` ledger entry hashed it (the key
    /// pinned at connect), so an export can carry it and a verifier can match it to the ledger.
    pub fn lender_pin_record(&self, id: &str) -> Result<Option<String>> {
        self.lender(id)?.map(|l| json_str(&l)).transpose()
    }

    /// Every lender, by name.
    pub fn lenders(&self) -> Result<Vec<Lender>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, name, registration, contact, public_key FROM lenders ORDER BY name, id",
        )?;
        let rows = st.query_map([], lender_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Inserts or replaces a signal in `lender_id`'s catalogue (and registers its id, which
    /// disclosures refer to). Another lender's signal of the same id is left as it is.
    pub fn upsert_lender_signal(&mut self, lender_id: &str, s: &Signal) -> Result<()> {
        let flags = json_str(&s.regulatory_flags)?;
        let entry = LenderSignal {
            lender_id: lender_id.to_owned(),
            signal: s.clone(),
        };
        self.write(|tx, led| {
            tx.prepare_cached(
                "INSERT INTO signals (id, name, category, sensitivity, regulatory_flags) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO NOTHING",
            )?
            .execute(rusqlite::params![
                s.id,
                s.name,
                s.category,
                s.sensitivity,
                flags
            ])?;
            tx.prepare_cached(
                "INSERT INTO lender_signals (lender_id, id, name, category, sensitivity, \
                 regulatory_flags) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                 ON CONFLICT(lender_id, id) DO UPDATE SET name = excluded.name, \
                 category = excluded.category, sensitivity = excluded.sensitivity, \
                 regulatory_flags = excluded.regulatory_flags",
            )?
            .execute(rusqlite::params![
                lender_id,
                s.id,
                s.name,
                s.category,
                s.sensitivity,
                flags
            ])?;
            led.append(
                tx,
                "signal.upsert",
                &format!("{lender_id}/{}", s.id),
                &json(&entry)?,
            )?;
            Ok(())
        })
    }

    /// The lenders' catalogues, by lender then signal id; one lender's only when given.
    pub fn lender_signals(&self, lender_id: Option<&str>) -> Result<Vec<LenderSignal>> {
        let mut st = self.conn.prepare_cached(
            "SELECT lender_id, id, name, category, sensitivity, regulatory_flags \
             FROM lender_signals WHERE ?1 IS NULL OR lender_id = ?1 ORDER BY lender_id, id",
        )?;
        let rows = st.query_map([lender_id], |r| {
            Ok(LenderSignal {
                lender_id: r.get(0)?,
                signal: signal_at(r, 1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Inserts or replaces a signal in the registry of signal ids. Descriptions are each
    /// lender's own: see [`Vault::upsert_lender_signal`].
    pub fn upsert_signal(&mut self, s: &Signal) -> Result<()> {
        let flags = json_str(&s.regulatory_flags)?;
        self.write(|tx, led| {
            tx.prepare_cached(
                "INSERT INTO signals (id, name, category, sensitivity, regulatory_flags) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET name = excluded.name, \
                 category = excluded.category, sensitivity = excluded.sensitivity, \
                 regulatory_flags = excluded.regulatory_flags",
            )?
            .execute(rusqlite::params![
                s.id,
                s.name,
                s.category,
                s.sensitivity,
                flags
            ])?;
            led.append(tx, "signal.upsert", &s.id, &json(s)?)?;
            Ok(())
        })
    }

    /// The registry of signal ids, by id, with the description first stored for each (before
    /// schema version 9, the last lender's). Views read [`Vault::lender_signals`].
    pub fn signals(&self) -> Result<Vec<Signal>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, name, category, sensitivity, regulatory_flags FROM signals ORDER BY id",
        )?;
        let rows = st.query_map([], |r| signal_at(r, 0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Inserts or replaces how to reach a lender (the lender itself must exist).
    pub fn upsert_lender_link(&mut self, l: &LenderLink) -> Result<()> {
        self.write(|tx, led| {
            tx.prepare_cached(&format!(
                "INSERT INTO lender_links ({LINK_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7) \
                 ON CONFLICT(lender_id) DO UPDATE SET api_base = excluded.api_base, \
                 discovery = excluded.discovery, is_sandbox = excluded.is_sandbox, \
                 sync_cursor = excluded.sync_cursor, last_sync_at = excluded.last_sync_at, \
                 reachable = excluded.reachable"
            ))?
            .execute(rusqlite::params![
                l.lender_id,
                l.api_base,
                l.discovery,
                l.is_sandbox as i64,
                l.sync_cursor,
                l.last_sync_at,
                l.reachable as i64
            ])?;
            led.append(tx, "lender.link", &l.lender_id, &json(l)?)?;
            Ok(())
        })
    }

    /// How to reach one lender, if it was ever connected.
    pub fn lender_link(&self, lender_id: &str) -> Result<Option<LenderLink>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {LINK_COLS} FROM lender_links WHERE lender_id = ?1"
            ))?
            .query_row([lender_id], link_from_row)
            .optional()?)
    }

    /// Every connected lender's link, by lender id.
    pub fn lender_links(&self) -> Result<Vec<LenderLink>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {LINK_COLS} FROM lender_links ORDER BY lender_id"
        ))?;
        let rows = st.query_map([], link_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records whether the lender answered. Not ledgered: it is an observation about the
    /// network, not a record.
    pub fn set_lender_reachable(&mut self, lender_id: &str, reachable: bool) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE lender_links SET reachable = ?2 WHERE lender_id = ?1")?
            .execute(rusqlite::params![lender_id, reachable as i64])?;
        Ok(())
    }

    /// Records that `lender_id` was synced at `at` (a v2 log sync has no cursor to move).
    pub fn set_lender_synced(&mut self, lender_id: &str, at: i64) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE lender_links SET last_sync_at = ?2, reachable = 1 WHERE lender_id = ?1",
            )?
            .execute(rusqlite::params![lender_id, at])?;
        Ok(())
    }
}

/// A signal's five columns (id, name, category, sensitivity, regulatory flags) from `at` on.
fn signal_at(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Signal> {
    Ok(Signal {
        id: r.get(at)?,
        name: r.get(at + 1)?,
        category: r.get(at + 2)?,
        sensitivity: r.get(at + 3)?,
        regulatory_flags: from_json(&r.get::<_, String>(at + 4)?, at + 4)?,
    })
}
