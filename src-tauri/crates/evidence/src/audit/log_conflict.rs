//! What the `log` rules look at: the conflict records kept when a lender's disclosure log
//! contradicted itself at sync — a head at the size the borrower held with another root
//! (`fork`), or a page whose leaves did not give the root of the head it came with
//! (`page-mismatch`). One record shape serves the vault and the export's `logs[].conflicts`
//! (docs/export.md):
//!
//! `{"kind", "held": <signed head or null>, "offered": <signed head>, "computedRoot": <b64url
//! or null>, "pageStart": <u64 or null>, "detectedAt": <ms>}`
//!
//! The heads are kept as signed, for evidence. The record's `kind` is the syncing client's
//! word: the rules re-derive what the heads prove and do not read it.

use std::sync::Arc;

use khata_contract::log::TreeHead;
use khata_contract::merkle;
use serde::Deserialize;
use serde_json::Value;

use super::input::{AuditInput, Stmt};

/// What the syncing client took a conflict for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogConflictKind {
    Fork,
    PageMismatch,
    /// A kind this version does not know; its heads are still looked at.
    #[serde(other)]
    Other,
}

/// One conflict record, its heads parsed and kept as signed.
#[derive(Debug, Clone)]
pub struct LogConflictIn {
    pub kind: LogConflictKind,
    /// The head the borrower held before, if there was one.
    pub held: Option<Stmt<TreeHead>>,
    /// The head the lender showed that did not fit.
    pub offered: Stmt<TreeHead>,
    /// For a page: the root its leaves (after the held ones) give, base64url.
    pub computed_root: Option<String>,
    /// For a page: the index of its first leaf.
    pub page_start: Option<u64>,
    /// When the client found it (Unix ms, the borrower's clock).
    pub detected_at: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    kind: LogConflictKind,
    #[serde(default)]
    held: Option<Value>,
    offered: Value,
    #[serde(default)]
    computed_root: Option<String>,
    #[serde(default)]
    page_start: Option<u64>,
    detected_at: i64,
}

fn head(json: Value, which: &str) -> Result<Stmt<TreeHead>, String> {
    let value = TreeHead::deserialize(&json).map_err(|e| format!("{which} head: {e}"))?;
    value
        .root()
        .map_err(|e| format!("{which} head: rootHash: {e}"))?;
    Ok(Stmt {
        value,
        json: Arc::new(json),
    })
}

impl LogConflictIn {
    /// Reads a conflict record (the shape in this module's comment). Errors: a member missing
    /// or mistyped, a head that is not a tree head, a root that is not a 32-byte base64url hash.
    pub fn from_record(record: &Value) -> Result<Self, String> {
        let r = Record::deserialize(record).map_err(|e| e.to_string())?;
        if let Some(root) = &r.computed_root {
            merkle::decode_hash(root).map_err(|e| format!("computedRoot: {e}"))?;
        }
        Ok(LogConflictIn {
            kind: r.kind,
            held: r.held.map(|h| head(h, "held")).transpose()?,
            offered: head(r.offered, "offered")?,
            computed_root: r.computed_root,
            page_start: r.page_start,
            detected_at: r.detected_at,
        })
    }
}

impl AuditInput {
    /// Adds one conflict record (see [`LogConflictIn::from_record`]); one that does not read
    /// goes to `unreadable`, named by the lender and size of its offered head where known.
    pub fn add_log_conflict(&mut self, record: &Value) {
        match LogConflictIn::from_record(record) {
            Ok(c) => self.log_conflicts.push(c),
            Err(e) => {
                let offered = record.get("offered");
                let text = |k: &str| offered.and_then(|o| o.get(k)).map(Value::to_string);
                self.unreadable.push(format!(
                    "log conflict of {} at size {}: {e}",
                    text("lenderId").unwrap_or_else(|| "?".into()),
                    text("treeSize").unwrap_or_else(|| "?".into()),
                ));
            }
        }
    }
}
