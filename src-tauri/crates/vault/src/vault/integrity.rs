//! Reading the ledger back: the hash chain walk, the full integrity check, the entries an
//! export carries for offline verification, and where a record's last change sits in the chain.

use rusqlite::OptionalExtension;

use super::{Vault, blob32};
use crate::error::{Result, VaultError};
use crate::ledger::{self, ChainReport, LedgerEntry};

impl Vault {
    /// Walks the ledger's hash chain; [`VaultError::LedgerBroken`] names the first bad entry.
    pub fn verify(&self) -> Result<ChainReport> {
        ledger::verify_chain(&self.conn)
    }

    /// Full check: SQLCipher's per-page HMACs (`cipher_integrity_check`), SQLite's
    /// `integrity_check`, then the ledger chain. Reads the whole file.
    pub fn check_integrity(&self) -> Result<ChainReport> {
        let mut problems = Vec::new();
        {
            let mut st = self.conn.prepare("PRAGMA cipher_integrity_check")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                problems.push(r.get::<_, String>(0)?);
            }
        }
        // A page that fails its HMAC cannot be decrypted: SQLite's own check would stop on
        // it with a generic error instead of naming it, so report the damage found so far.
        if !problems.is_empty() {
            problems.truncate(5);
            return Err(VaultError::Corrupt {
                details: problems.join("; "),
            });
        }
        {
            let mut st = self.conn.prepare("PRAGMA integrity_check")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let line: String = r.get(0)?;
                if line != "ok" {
                    problems.push(line);
                }
            }
        }
        if !problems.is_empty() {
            problems.truncate(5);
            return Err(VaultError::Corrupt {
                details: problems.join("; "),
            });
        }
        self.verify()
    }

    /// The newest ledger entry's number (0 when empty): any record written moves it, so a
    /// value computed from the vault stays right while it is unchanged.
    pub fn ledger_head_seq(&self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT coalesce(max(seq), 0) FROM ledger")?
            .query_row([], |r| r.get(0))?)
    }

    /// Ledger entries after `after_seq`, oldest first, for export and offline verification;
    /// `prev_hash` is filled in from the preceding entry (zeros before the first).
    pub fn ledger_entries(&self, after_seq: i64, limit: usize) -> Result<Vec<LedgerEntry>> {
        let mut prev: [u8; 32] = if after_seq <= 0 {
            ledger::GENESIS_PREV_HASH
        } else {
            self.conn
                .prepare_cached("SELECT hash FROM ledger WHERE seq = ?1")?
                .query_row([after_seq], |r| blob32(r, 0))
                .optional()?
                .ok_or(VaultError::NotFound {
                    kind: "ledger entry",
                    id: after_seq.to_string(),
                })?
        };
        let mut st = self.conn.prepare_cached(
            "SELECT seq, at, kind, record_id, payload_digest, hash FROM ledger \
             WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let mut rows = st.query(rusqlite::params![after_seq, limit as i64])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let hash = blob32(r, 5)?;
            out.push(LedgerEntry {
                seq: r.get(0)?,
                at: r.get(1)?,
                kind: r.get(2)?,
                record_id: r.get(3)?,
                payload_digest: blob32(r, 4)?,
                prev_hash: prev,
                hash,
            });
            prev = hash;
        }
        Ok(out)
    }

    /// The newest ledger entry recording a change to `record_id` with `kind`.
    pub fn ledger_seq_for(&self, kind: &str, record_id: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT max(seq) FROM ledger WHERE kind = ?1 AND record_id = ?2")?
            .query_row([kind, record_id], |r| r.get(0))?)
    }
}
