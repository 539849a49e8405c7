//! The lender's disclosures as a contract v2 Merkle log (RFC 9162 hashing, the contract's
//! `merkle` and `redact` modules). Every disclosure the sandbox appends also becomes a leaf: a
//! redactable object whose `valueDigest` and `onwardRecipient` are salted commitments, stored
//! with its leaf hash so the in-memory [`Tree`] is rebuilt from the store at start without
//! re-encoding a single leaf. The tree answers heads at any size and inclusion and consistency
//! proofs in O(log n).
//!
//! The history faults (`forked-history`, `drop-leaf`, `reorder-leaves`) live here too: once a
//! client has been served a page, the lender rewrites its stored leaves and rebuilds the tree,
//! so every head it signs afterwards contradicts the ones it signed before.

use khata_contract::log::{DisclosureLeaf, LeafRange};
use khata_contract::merkle::{self, Hash, Tree};
use khata_contract::redact;
use khata_lending::types::Disclosure;
use rusqlite::{Connection, params};
use serde_json::Value;

use crate::faults::Faults;
use crate::store;

/// The `meta` key that says this state directory's disclosures are all in the log.
const LOG_META: &str = "disclosure_log";

/// The store's half of the log: one row per leaf, with the leaf hash that the tree is rebuilt
/// from and the leaf as served (the redactable object with its `_disclosed` triples).
pub const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS log_leaves(
  idx INTEGER PRIMARY KEY, hash BLOB NOT NULL, json TEXT NOT NULL);";

/// The log as the server holds it between requests.
#[derive(Debug, Default)]
pub struct Log {
    tree: Tree,
    /// The largest tree size a page of entries has been signed at: what a client has seen.
    served: u64,
    /// History rewrites already made in this run (each fault rewrites once).
    forked: bool,
    dropped: bool,
    reordered: bool,
}

impl Log {
    /// The tree of the stored leaves, in index order. A sandbox state from before the log
    /// gets a leaf per stored disclosure first, so its v1 and v2 views agree.
    pub fn load(db: &Connection) -> anyhow::Result<Log> {
        if store::meta_get(db, LOG_META)?.is_none() {
            backfill(db)?;
        }
        let mut log = Log::default();
        let mut stmt = db.prepare("SELECT hash FROM log_leaves ORDER BY idx")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            log.tree.push(hash_from_sql(row.get_ref(0)?.as_blob()?)?);
        }
        Ok(log)
    }

    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    pub fn size(&self) -> u64 {
        self.tree.size()
    }

    /// Appends leaf hashes whose rows are committed.
    pub fn extend(&mut self, hashes: impl IntoIterator<Item = Hash>) {
        for h in hashes {
            self.tree.push(h);
        }
    }

    /// Notes that a page signed at `size` went out.
    pub fn served(&mut self, size: u64) {
        self.served = self.served.max(size);
    }

    /// Applies a history fault that is on, has not run yet, and has something a client has
    /// seen to rewrite. Returns whether the history changed.
    pub fn apply_faults(&mut self, db: &Connection, faults: &Faults) -> anyhow::Result<bool> {
        let seen = self.served.min(self.size());
        let rewrite = if faults.forked_history && !self.forked && seen >= 1 {
            Rewrite::Fork
        } else if faults.drop_leaf && !self.dropped && seen >= 1 {
            Rewrite::Drop
        } else if faults.reorder_leaves && !self.reordered && seen >= 2 {
            Rewrite::Reorder
        } else {
            return Ok(false);
        };
        let mut leaves = Vec::new();
        {
            let mut stmt = db.prepare("SELECT json FROM log_leaves ORDER BY idx")?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                leaves.push(serde_json::from_str::<Value>(row.get_ref(0)?.as_str()?)?);
            }
        }
        match rewrite {
            Rewrite::Fork => {
                let signal = if leaves[0]["signal"] == "contacts_network" {
                    "kyc_verified"
                } else {
                    "contacts_network"
                };
                leaves[0]["signal"] = Value::from(signal);
            }
            Rewrite::Drop => {
                leaves.remove(0);
            }
            Rewrite::Reorder => leaves.swap(0, 1),
        }
        let tx = db.unchecked_transaction()?;
        tx.execute("DELETE FROM log_leaves", [])?;
        let mut tree = Tree::new();
        for (i, mut leaf) in leaves.into_iter().enumerate() {
            // A rewriting lender renumbers, so each leaf's index still matches its place.
            leaf["index"] = Value::from(i as u64);
            tree.push(insert_leaf(&tx, i as u64, &leaf)?);
        }
        tx.commit()?;
        self.tree = tree;
        match rewrite {
            Rewrite::Fork => self.forked = true,
            Rewrite::Drop => self.dropped = true,
            Rewrite::Reorder => self.reordered = true,
        }
        tracing::warn!(
            size = self.size(),
            ?rewrite,
            "injected fault: the disclosure log's history was rewritten"
        );
        Ok(true)
    }
}

/// How a history fault rewrites the stored leaves.
#[derive(Debug, Clone, Copy)]
enum Rewrite {
    /// `forked-history`: leaf 0 names another signal.
    Fork,
    /// `drop-leaf`: leaf 0 is gone.
    Drop,
    /// `reorder-leaves`: leaves 0 and 1 swap places.
    Reorder,
}

/// The v2 leaf for a disclosure at `index`: the disclosure's statement without its id, lender
/// and signature (the log and its signed heads stand for those), times in epoch milliseconds,
/// the value digest as 32 bytes in base64url, and the redactable members committed under
/// fresh salts (built by the contract's own [`DisclosureLeaf::to_redactable`], so a client
/// that keeps only the members and salts rebuilds the same bytes).
pub fn leaf_for(d: &Disclosure, index: u64) -> anyhow::Result<Value> {
    let digest: Hash = d
        .value_digest
        .strip_prefix("sha256:")
        .and_then(|h| hex::decode(h).ok())
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| anyhow::anyhow!("value digest {:?} is not sha256:<hex>", d.value_digest))?;
    let leaf = DisclosureLeaf {
        index,
        signal: d.signal.clone(),
        collected_at: d.collected_at.timestamp_millis(),
        purpose: d.purpose.clone(),
        consent_id: d.consent_id.clone(),
        data_range: LeafRange {
            from: d.data_range.from.timestamp_millis(),
            to: d.data_range.to.timestamp_millis(),
        },
        value_digest: Some(merkle::encode_hash(&digest)),
        onward_recipient: d.onward_recipient.clone(),
    };
    Ok(leaf.to_redactable([rand::random(), rand::random()])?)
}

/// Stores `leaf` at `index` and returns its leaf hash (for the tree, once committed).
pub fn insert_leaf(db: &Connection, index: u64, leaf: &Value) -> anyhow::Result<Hash> {
    let hash = merkle::leaf_hash(&redact::statement_bytes(leaf)?);
    db.prepare_cached("INSERT INTO log_leaves(idx, hash, json) VALUES (?1, ?2, ?3)")?
        .execute(params![index as i64, &hash[..], leaf.to_string()])?;
    Ok(hash)
}

/// The stored leaves `[start, start + limit)`, as served (JSON text).
pub fn entries(db: &Connection, start: u64, limit: u32) -> rusqlite::Result<Vec<String>> {
    let mut stmt =
        db.prepare_cached("SELECT json FROM log_leaves WHERE idx >= ?1 ORDER BY idx LIMIT ?2")?;
    let rows = stmt.query_map(params![start as i64, limit], |r| r.get::<_, String>(0))?;
    rows.collect()
}

fn hash_from_sql(b: &[u8]) -> anyhow::Result<Hash> {
    b.try_into()
        .map_err(|_| anyhow::anyhow!("a stored leaf hash is not 32 bytes"))
}

/// One leaf per stored v1 disclosure, in `seq` order (a new state directory, or one from
/// before v2), once.
fn backfill(db: &Connection) -> anyhow::Result<()> {
    let tx = db.unchecked_transaction()?;
    {
        let mut stmt = tx.prepare("SELECT json FROM disclosures ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        let mut index = 0u64;
        while let Some(row) = rows.next()? {
            let d: Disclosure = serde_json::from_str(row.get_ref(0)?.as_str()?)?;
            insert_leaf(&tx, index, &leaf_for(&d, index)?)?;
            index += 1;
        }
    }
    store::meta_set(&tx, LOG_META, "v2")?;
    tx.commit()?;
    Ok(())
}
