//! The append-only, hash-chained ledger. Every change of state writes one entry in the same
//! transaction as the record it describes, so the ledger and the records never disagree.
//!
//! Each entry's hash is `khata_evidence::ledger::entry_hash` (the canonical encoding is
//! documented there, beside the function an offline verifier uses without SQLite).
//!
//! `prev_hash` is not stored (it is the previous row's `hash`, 32 bytes a row saved);
//! [`LedgerEntry`] as exported carries it, filled in from the previous entry.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Result, VaultError};
// The hash itself is pure and shared with the offline verifier.
use crate::model::hex32;
use khata_evidence::ledger::feed;
pub use khata_evidence::ledger::{GENESIS_PREV_HASH, LEDGER_DOMAIN, entry_hash, payload_digest};

/// One ledger entry, with `prev_hash` filled in from the previous entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub seq: i64,
    /// Unix milliseconds when the change was committed.
    pub at: i64,
    /// What changed, e.g. `event.add`, `consent.status`, `outbox.ack`.
    pub kind: String,
    /// Id of the record the change applies to.
    pub record_id: String,
    #[serde(with = "hex32")]
    pub payload_digest: [u8; 32],
    #[serde(with = "hex32")]
    pub prev_hash: [u8; 32],
    #[serde(with = "hex32")]
    pub hash: [u8; 32],
}

/// What a successful [`verify`](crate::Vault::verify) saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainReport {
    pub entries: u64,
    pub head_seq: i64,
    #[serde(with = "hex32")]
    pub head_hash: [u8; 32],
}

/// Appends entries inside an open write transaction. Reads the head once, then chains in
/// memory, so a batch of N records costs N inserts and N hashes.
pub(crate) struct Appender {
    next_seq: i64,
    prev: [u8; 32],
    at: i64,
}

impl Appender {
    /// Must be called after `BEGIN IMMEDIATE`, so no other writer can move the head.
    pub(crate) fn begin(conn: &Connection, at: i64) -> Result<Self> {
        let head: Option<(i64, Vec<u8>)> = conn
            .prepare_cached("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        let (next_seq, prev) = match head {
            None => (1, GENESIS_PREV_HASH),
            Some((seq, hash)) => {
                let prev: [u8; 32] =
                    hash.as_slice()
                        .try_into()
                        .map_err(|_| VaultError::LedgerBroken {
                            seq,
                            reason: "stored hash is not 32 bytes".into(),
                        })?;
                (seq + 1, prev)
            }
        };
        Ok(Appender { next_seq, prev, at })
    }

    pub(crate) fn append(
        &mut self,
        conn: &Connection,
        kind: &str,
        record_id: &str,
        payload: &[u8],
    ) -> Result<i64> {
        let digest = payload_digest(payload);
        let seq = self.next_seq;
        let hash = entry_hash(seq, self.at, kind, record_id, &digest, &self.prev);
        conn.prepare_cached(
            "INSERT INTO ledger (seq, at, kind, record_id, payload_digest, hash) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(rusqlite::params![
            seq,
            self.at,
            kind,
            record_id,
            &digest[..],
            &hash[..]
        ])?;
        self.prev = hash;
        self.next_seq += 1;
        Ok(seq)
    }
}

/// Walks the whole chain in `seq` order, streaming rows and borrowing their bytes (no
/// per-row allocation), and names the first entry that does not check out. Each hash is
/// recomputed over the *running* previous hash, so any edit, insertion or deletion breaks
/// the first affected entry.
pub(crate) fn verify_chain(conn: &Connection) -> Result<ChainReport> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, kind, record_id, payload_digest, hash FROM ledger ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1i64;
    let mut prev = GENESIS_PREV_HASH;
    let mut h = Sha256::new();
    let mut count = 0u64;
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let broken = |reason: &str| VaultError::LedgerBroken {
            seq,
            reason: reason.to_owned(),
        };
        if seq != expected_seq {
            return Err(VaultError::LedgerBroken {
                seq: expected_seq,
                reason: format!("entry missing (next stored entry is {seq})"),
            });
        }
        let at: i64 = row.get(1)?;
        let kind = row
            .get_ref(2)?
            .as_bytes()
            .map_err(|_| broken("kind is not text"))?;
        let record_id = row
            .get_ref(3)?
            .as_bytes()
            .map_err(|_| broken("record_id is not text"))?;
        let digest = row
            .get_ref(4)?
            .as_blob()
            .map_err(|_| broken("payload digest is not a blob"))?;
        let hash = row
            .get_ref(5)?
            .as_blob()
            .map_err(|_| broken("hash is not a blob"))?;
        if digest.len() != 32 || hash.len() != 32 {
            return Err(broken("digest or hash is not 32 bytes"));
        }
        feed(&mut h, seq, at, kind, record_id, digest, &prev);
        let computed = h.finalize_reset();
        if computed.as_slice() != hash {
            return Err(broken(
                "hash does not match the entry's contents and the previous entry's hash",
            ));
        }
        prev.copy_from_slice(hash);
        expected_seq += 1;
        count += 1;
    }
    Ok(ChainReport {
        entries: count,
        head_seq: expected_seq - 1,
        head_hash: prev,
    })
}
