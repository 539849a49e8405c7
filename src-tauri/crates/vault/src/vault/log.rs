//! A lender's disclosures as a Merkle log (contract v2). Each verified sync page is stored in
//! one transaction: its leaves as `share_events` rows (so every screen, the timeline and the
//! audit keep reading one table), the signed tree head it came with, the log's frontier after
//! it, and one `log.page` ledger entry. A leaf keeps only what rebuilds its exact bytes (its
//! fields, index and salts), not a JSON statement or a signature: the signed heads cover it.
//!
//! The vault trusts the caller to have verified the page (signatures, the frontier's root
//! against the head); it guards what it holds: a page stored again changes nothing, and a
//! page that disagrees with a stored leaf, head or frontier is refused whole
//! ([`VaultError::LogConflict`]).

use std::collections::HashSet;

use rusqlite::{OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use super::{Vault, blob32};
use crate::error::{Result, VaultError};

/// One leaf of a lender's disclosure log, as stored: the revealed fields of the leaf, its index
/// and the salts of its revealed members. Times are Unix milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogLeafRow {
    pub signal_id: String,
    pub collected_at: i64,
    pub purpose: String,
    pub consent_id: Option<String>,
    pub data_from: i64,
    pub data_to: i64,
    /// Must be revealed to be stored (`Some`): the vault rebuilds the leaf from it, and a
    /// disclosure's digest is what the screens and the audit show.
    #[serde(with = "crate::model::opt_hex32")]
    pub value_digest: Option<[u8; 32]>,
    pub onward_recipient: Option<String>,
    /// The 0-based leaf index in the lender's log.
    pub log_index: u64,
    /// The 16-byte salts of the revealed members, in the order valueDigest, onwardRecipient.
    #[serde(with = "crate::model::hex_bytes")]
    pub salts: Vec<u8>,
}

/// A lender's signed tree head as received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TreeHeadRow {
    pub tree_size: u64,
    #[serde(with = "crate::model::hex32")]
    pub root: [u8; 32],
    /// The signed head exactly as received (the evidence an export carries).
    pub signed_json: String,
    pub received_at: i64,
}

/// Whether a stored head is one the vault's leaves agree with, or one that contradicted them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeadStatus {
    Held,
    Conflicting,
}

impl HeadStatus {
    fn as_str(self) -> &'static str {
        match self {
            HeadStatus::Held => "held",
            HeadStatus::Conflicting => "conflicting",
        }
    }
}

/// A stored tree head with its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredTreeHead {
    pub head: TreeHeadRow,
    pub status: HeadStatus,
    /// For a conflicting head that came with a page whose leaves gave another root.
    pub mismatch: Option<PageMismatch>,
}

/// A page whose leaves do not give the root of the head it came with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageMismatch {
    /// The root the held leaves and the page's leaves give at the head's size.
    #[serde(with = "crate::model::hex32")]
    pub computed_root: [u8; 32],
    /// The page's first leaf index.
    pub page_start: u64,
}

/// Where a lender's log stands: what the next sync resumes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogState {
    /// Number of leaves held (the next leaf's index).
    pub size: u64,
    /// The frontier: the concatenated 32-byte perfect-subtree hashes of [0, size), one per
    /// set bit of `size`, largest subtree first.
    pub hashes: Vec<u8>,
    /// The signed head held at the largest size.
    pub head_json: String,
}

const SALT_LEN: usize = 16;

/// A stored leaf, found again when its page is stored again: through the
/// `(lender_id, collected_at)` index, not a scan.
const FIND_LEAF: &str = "SELECT signal_id, collected_at, purpose, consent_id, data_from, \
    data_to, value_digest, onward_recipient, log_index, salts FROM share_events \
    WHERE lender_id = ?1 AND collected_at = ?2 AND log_index = ?3";

/// A lender's leaves in rowid (so index) order. `+lender_id` keeps SQLite off the lender
/// index, which would need a sort of every leaf; the table scan streams.
const STREAM_LEAVES: &str = "SELECT signal_id, collected_at, purpose, consent_id, data_from, \
    data_to, value_digest, onward_recipient, log_index, salts FROM share_events \
    WHERE +lender_id = ?1 AND log_index IS NOT NULL ORDER BY id";

fn leaf_from_row(r: &Row<'_>) -> rusqlite::Result<LogLeafRow> {
    let index: i64 = r.get(8)?;
    Ok(LogLeafRow {
        signal_id: r.get(0)?,
        collected_at: r.get(1)?,
        purpose: r.get(2)?,
        consent_id: r.get(3)?,
        data_from: r.get(4)?,
        data_to: r.get(5)?,
        value_digest: Some(blob32(r, 6)?),
        onward_recipient: r.get(7)?,
        log_index: index as u64,
        salts: r.get(9)?,
    })
}

fn to_i64(v: u64, what: &str) -> Result<i64> {
    i64::try_from(v).map_err(|_| VaultError::Invalid(format!("{what} {v} is out of range")))
}

/// Checks one leaf's shape: a revealed value digest and one salt per revealed member.
fn check_leaf(leaf: &LogLeafRow) -> Result<[u8; 32]> {
    let digest = leaf.value_digest.ok_or_else(|| {
        VaultError::Invalid(format!(
            "leaf {} has its valueDigest withheld; the vault stores leaves as revealed to the \
             borrower",
            leaf.log_index
        ))
    })?;
    let members = 1 + leaf.onward_recipient.is_some() as usize;
    if leaf.salts.len() != members * SALT_LEN {
        return Err(VaultError::Invalid(format!(
            "leaf {} has {} bytes of salts for {members} revealed members",
            leaf.log_index,
            leaf.salts.len()
        )));
    }
    to_i64(leaf.log_index, "leaf index")?;
    Ok(digest)
}

/// The stored frontier of a lender's log: (size, hashes).
fn frontier(tx: &Transaction<'_>, lender_id: &str) -> Result<Option<(u64, Vec<u8>)>> {
    Ok(tx
        .prepare_cached("SELECT size, hashes FROM log_frontier WHERE lender_id = ?1")?
        .query_row([lender_id], |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)))
        .optional()?)
}

/// Inserts a head unless the same (lender, size, root) is stored; returns whether it was new.
fn insert_head(
    tx: &Transaction<'_>,
    lender_id: &str,
    head: &TreeHeadRow,
    status: HeadStatus,
    mismatch: Option<&PageMismatch>,
) -> Result<bool> {
    let n = tx
        .prepare_cached(
            "INSERT INTO tree_heads (lender_id, tree_size, root, signed_json, received_at, \
             status, computed_root, page_start) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
             ON CONFLICT DO NOTHING",
        )?
        .execute(rusqlite::params![
            lender_id,
            to_i64(head.tree_size, "tree size")?,
            &head.root[..],
            head.signed_json,
            head.received_at,
            status.as_str(),
            mismatch.map(|m| m.computed_root.to_vec()),
            mismatch
                .map(|m| to_i64(m.page_start, "page start"))
                .transpose()?,
        ])?;
    Ok(n == 1)
}

/// The payload of a head's `log.page` or `log.conflict` ledger entry, defined once beside the
/// ledger hash so the offline verifier of an export recomputes exactly these bytes.
pub use khata_evidence::ledger::log_head_payload;

fn head_payload(lender_id: &str, head: &TreeHeadRow) -> Vec<u8> {
    log_head_payload(lender_id, head.tree_size, &head.root)
}

impl Vault {
    /// Stores one verified page of `lender_id`'s disclosure log in one transaction: the
    /// leaves, the signed head the page came with (at size `frontier_size`), the frontier
    /// after the page and one `log.page` ledger entry. Returns how many leaves were new.
    ///
    /// The leaves must have consecutive indices, starting at or before the stored size (no
    /// gap). Leaves already stored must be byte-for-byte the same, as must a held head or the
    /// frontier at a size already held: storing a page again changes nothing (no ledger entry
    /// either), and any difference fails with [`VaultError::LogConflict`], storing nothing.
    pub fn append_log_page(
        &mut self,
        lender_id: &str,
        leaves: &[LogLeafRow],
        head: &TreeHeadRow,
        frontier_size: u64,
        frontier_hashes: &[u8],
    ) -> Result<usize> {
        if head.tree_size != frontier_size {
            return Err(VaultError::Invalid(format!(
                "the page's head is at size {} but its frontier at {frontier_size}",
                head.tree_size
            )));
        }
        if frontier_hashes.len() != 32 * frontier_size.count_ones() as usize {
            return Err(VaultError::Invalid(format!(
                "a frontier of size {frontier_size} has {} hashes, not {} bytes",
                frontier_size.count_ones(),
                frontier_hashes.len()
            )));
        }
        let first = leaves.first().map_or(frontier_size, |l| l.log_index);
        for (k, leaf) in leaves.iter().enumerate() {
            check_leaf(leaf)?;
            if leaf.log_index != first + k as u64 {
                return Err(VaultError::Invalid(format!(
                    "leaf {} follows leaf {} in the page",
                    leaf.log_index,
                    first + k as u64 - 1
                )));
            }
        }
        if first + leaves.len() as u64 != frontier_size {
            return Err(VaultError::Invalid(format!(
                "the page's leaves end at {} but its head is at size {frontier_size}",
                first + leaves.len() as u64
            )));
        }
        let conflict = |what, at| VaultError::LogConflict {
            lender_id: lender_id.to_owned(),
            what,
            at,
        };

        self.write(|tx, led| {
            let (held, held_hashes) = frontier(tx, lender_id)?.unwrap_or((0, Vec::new()));
            if first > held {
                return Err(VaultError::Invalid(format!(
                    "the page starts at leaf {first} but the vault holds {held} leaves of \
                     lender {lender_id}"
                )));
            }
            if frontier_size == held && frontier_hashes != held_hashes.as_slice() {
                return Err(conflict("frontier", held));
            }
            let other_root: Option<Vec<u8>> = tx
                .prepare_cached(
                    "SELECT root FROM tree_heads WHERE lender_id = ?1 AND tree_size = ?2 \
                     AND status = 'held' AND root <> ?3 LIMIT 1",
                )?
                .query_row(
                    rusqlite::params![
                        lender_id,
                        to_i64(frontier_size, "tree size")?,
                        &head.root[..]
                    ],
                    |r| r.get(0),
                )
                .optional()?;
            if other_root.is_some() {
                return Err(conflict("tree head", frontier_size));
            }

            // Leaves the vault holds already must be the same.
            let stored = (held - first).min(leaves.len() as u64) as usize;
            if stored > 0 {
                let mut find = tx.prepare_cached(FIND_LEAF)?;
                for leaf in &leaves[..stored] {
                    let same = find
                        .query_row(
                            rusqlite::params![lender_id, leaf.collected_at, leaf.log_index as i64],
                            leaf_from_row,
                        )
                        .optional()?
                        .is_some_and(|s| s == *leaf);
                    if !same {
                        return Err(conflict("leaf", leaf.log_index));
                    }
                }
            }

            let new = &leaves[stored..];
            if !new.is_empty() {
                // A lender may disclose a signal missing from its catalogue; keep the leaf.
                let mut ensure_signal = tx.prepare_cached(
                    "INSERT INTO signals (id, name, category, sensitivity) \
                     VALUES (?1, ?1, 'unknown', 'high') ON CONFLICT(id) DO NOTHING",
                )?;
                let mut seen = HashSet::new();
                for leaf in new {
                    if seen.insert(leaf.signal_id.as_str()) {
                        ensure_signal.execute([&leaf.signal_id])?;
                    }
                }
                let mut ins = tx.prepare_cached(
                    "INSERT INTO share_events (signal_id, lender_id, collected_at, purpose, \
                     consent_id, value_digest, onward_recipient, log_index, data_from, data_to, \
                     salts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )?;
                for leaf in new {
                    let digest = leaf.value_digest.unwrap_or_default();
                    ins.execute(rusqlite::params![
                        leaf.signal_id,
                        lender_id,
                        leaf.collected_at,
                        leaf.purpose,
                        leaf.consent_id,
                        &digest[..],
                        leaf.onward_recipient,
                        leaf.log_index as i64,
                        leaf.data_from,
                        leaf.data_to,
                        leaf.salts,
                    ])?;
                }
            }
            if frontier_size > held {
                tx.prepare_cached(
                    "INSERT INTO log_frontier (lender_id, size, hashes) VALUES (?1, ?2, ?3) \
                     ON CONFLICT(lender_id) DO UPDATE SET size = excluded.size, \
                     hashes = excluded.hashes",
                )?
                .execute(rusqlite::params![
                    lender_id,
                    frontier_size as i64,
                    frontier_hashes
                ])?;
            }
            let head_is_new = insert_head(tx, lender_id, head, HeadStatus::Held, None)?;
            if head_is_new || !new.is_empty() {
                led.append(
                    tx,
                    khata_evidence::ledger::LOG_PAGE_KIND,
                    lender_id,
                    &head_payload(lender_id, head),
                )?;
            }
            Ok(new.len())
        })
    }

    /// Keeps a signed head of `lender_id` that contradicts the heads held (a fork: the same
    /// size with another root, or no consistency with them) as evidence, with a `log.conflict`
    /// ledger entry. Returns false when that head was already stored.
    pub fn record_conflicting_head(
        &mut self,
        lender_id: &str,
        head: &TreeHeadRow,
        mismatch: Option<PageMismatch>,
    ) -> Result<bool> {
        self.write(|tx, led| {
            let new = insert_head(
                tx,
                lender_id,
                head,
                HeadStatus::Conflicting,
                mismatch.as_ref(),
            )?;
            if new {
                led.append(
                    tx,
                    khata_evidence::ledger::LOG_CONFLICT_KIND,
                    lender_id,
                    &head_payload(lender_id, head),
                )?;
            }
            Ok(new)
        })
    }

    /// Every stored head of `lender_id`, by size (held before conflicting at one size), then
    /// by when it was received.
    pub fn tree_heads(&self, lender_id: &str) -> Result<Vec<StoredTreeHead>> {
        let mut st = self.conn.prepare_cached(
            "SELECT tree_size, root, signed_json, received_at, status, computed_root, \
             page_start FROM tree_heads \
             WHERE lender_id = ?1 ORDER BY tree_size, status DESC, received_at",
        )?;
        let rows = st.query_map([lender_id], |r| {
            let status: String = r.get(4)?;
            let computed: Option<Vec<u8>> = r.get(5)?;
            let page_start: Option<i64> = r.get(6)?;
            let mismatch = match (computed, page_start) {
                (Some(root), Some(start)) => {
                    root.try_into().ok().map(|computed_root| PageMismatch {
                        computed_root,
                        page_start: start as u64,
                    })
                }
                _ => None,
            };
            Ok(StoredTreeHead {
                head: TreeHeadRow {
                    tree_size: r.get::<_, i64>(0)? as u64,
                    root: blob32(r, 1)?,
                    signed_json: r.get(2)?,
                    received_at: r.get(3)?,
                },
                status: if status == "held" {
                    HeadStatus::Held
                } else {
                    HeadStatus::Conflicting
                },
                mismatch,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Up to `limit` leaves of every lender with a `share_events` id above `after_id`, in id
    /// order, each with its id and lender: how the audit reads the log a page at a time.
    pub fn log_leaves_by_id(
        &self,
        after_id: i64,
        limit: usize,
    ) -> Result<Vec<(i64, String, LogLeafRow)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT signal_id, collected_at, purpose, consent_id, data_from, data_to, \
             value_digest, onward_recipient, log_index, salts, id, lender_id FROM share_events \
             WHERE id > ?1 AND log_index IS NOT NULL ORDER BY id LIMIT ?2",
        )?;
        let rows = st.query_map(rusqlite::params![after_id, limit as i64], |r| {
            Ok((r.get(10)?, r.get(11)?, leaf_from_row(r)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The leaf stored as disclosure `id` with its lender, if that disclosure is a leaf.
    pub fn log_leaf_of_event(&self, id: i64) -> Result<Option<(String, LogLeafRow)>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT signal_id, collected_at, purpose, consent_id, data_from, data_to, \
                 value_digest, onward_recipient, log_index, salts, lender_id FROM share_events \
                 WHERE id = ?1 AND log_index IS NOT NULL",
            )?
            .query_row([id], |r| Ok((r.get(10)?, leaf_from_row(r)?)))
            .optional()?)
    }

    /// The ledger entry that recorded `lender_id`'s held head of `tree_size` leaves with
    /// `root` (its `log.page` entry), if any.
    pub fn ledger_seq_for_head(
        &self,
        lender_id: &str,
        tree_size: u64,
        root: &[u8; 32],
    ) -> Result<Option<i64>> {
        let digest =
            khata_evidence::ledger::payload_digest(&log_head_payload(lender_id, tree_size, root));
        Ok(self
            .conn
            .prepare_cached(
                "SELECT min(seq) FROM ledger WHERE kind = 'log.page' AND record_id = ?1 \
                 AND payload_digest = ?2",
            )?
            .query_row(rusqlite::params![lender_id, &digest[..]], |r| r.get(0))?)
    }

    /// Where `lender_id`'s log stands (`None` before its first page).
    pub fn log_state(&self, lender_id: &str) -> Result<Option<LogState>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT f.size, f.hashes, (SELECT h.signed_json FROM tree_heads h \
                     WHERE h.lender_id = f.lender_id AND h.status = 'held' \
                     ORDER BY h.tree_size DESC, h.received_at DESC LIMIT 1) \
                 FROM log_frontier f WHERE f.lender_id = ?1",
            )?
            .query_row([lender_id], |r| {
                Ok(LogState {
                    size: r.get::<_, i64>(0)? as u64,
                    hashes: r.get(1)?,
                    head_json: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                })
            })
            .optional()?)
    }

    /// Streams `lender_id`'s leaves to `f` in index order, one row at a time (flat memory at
    /// any size); returns how many there were. Leaves are appended in index order, so this
    /// is a scan in rowid order; an index out of sequence is reported as corruption.
    pub fn for_each_log_leaf<E: From<VaultError>>(
        &self,
        lender_id: &str,
        mut f: impl FnMut(LogLeafRow) -> std::result::Result<(), E>,
    ) -> std::result::Result<u64, E> {
        let mut st = self
            .conn
            .prepare_cached(STREAM_LEAVES)
            .map_err(VaultError::from)?;
        let mut rows = st.query([lender_id]).map_err(VaultError::from)?;
        let mut next = 0u64;
        while let Some(row) = rows.next().map_err(VaultError::from)? {
            let leaf = leaf_from_row(row).map_err(VaultError::from)?;
            if leaf.log_index != next {
                return Err(VaultError::Corrupt {
                    details: format!(
                        "lender {lender_id}'s leaf {next} is missing (next stored is {})",
                        leaf.log_index
                    ),
                }
                .into());
            }
            f(leaf)?;
            next += 1;
        }
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    fn plan(sql: &str) -> String {
        let mut c = Connection::open_in_memory().unwrap();
        crate::schema::migrations().to_latest(&mut c).unwrap();
        let mut st = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let nulls = std::iter::repeat_n(rusqlite::types::Null, st.parameter_count());
        let rows: Vec<String> = st
            .query_map(rusqlite::params_from_iter(nulls), |r| r.get(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.join(" | ")
    }

    /// Streaming a million leaves must not sort them in memory.
    #[test]
    fn leaves_stream_without_a_sort() {
        let p = plan(super::STREAM_LEAVES);
        assert!(p.starts_with("SCAN share_events"), "{p}");
        assert!(!p.contains("TEMP B-TREE"), "{p}");
    }

    /// A re-stored leaf is found through an index.
    #[test]
    fn stored_leaves_are_found_through_the_lender_index() {
        let p = plan(super::FIND_LEAF);
        assert!(p.contains("USING INDEX share_events_by_lender"), "{p}");
    }
}
