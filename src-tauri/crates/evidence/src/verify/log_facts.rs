//! What the verifier says about each lender's disclosure log in a version 2 export: how many
//! leaves and signed tree heads it checked, which disclosed values the borrower withheld, and
//! the forks the vault kept proof of. Part of the report the UI renders (ts-rs), so only data:
//! the words are the reader's.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One lender's log, as checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LogFacts {
    pub lender_id: String,
    /// Leaves read, each hashed into the tree.
    #[ts(type = "number")]
    pub leaves: u64,
    /// Signed tree heads the vault held, each one's root recomputed from the leaves.
    #[ts(type = "number")]
    pub heads_checked: u64,
    /// The last held head: the size and root the whole log was checked against (absent for an
    /// empty log).
    pub last_head: Option<HeadFacts>,
    /// Paths of committed members whose values the export withholds, with how many leaves
    /// withhold each, by path.
    pub withheld: Vec<WithheldCount>,
    /// Signed heads of this lender that cannot all be true.
    pub forks: Vec<LogFork>,
}

/// How many leaves withhold the value at one path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WithheldCount {
    pub path: String,
    #[ts(type = "number")]
    pub count: u64,
}

/// A signed tree head, as a finding names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HeadFacts {
    #[ts(type = "number")]
    pub tree_size: u64,
    /// base64url, as signed.
    pub root_hash: String,
    /// RFC 3339, as signed.
    pub timestamp: String,
    pub key_id: String,
}

/// Why two signed heads of one lender cannot both be true.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ForkKind {
    /// Same size, different roots.
    SameSize,
    /// The conflicting head's root is not the root of the held log's first `treeSize` leaves
    /// (which a later held head signs): the lender rewrote its history.
    Rewritten,
    /// Larger than the held log, and the lender could not prove it extends it (the vault kept
    /// it when its consistency proof failed); the export cannot settle it either way.
    Unproven,
}

/// A conflicting head the vault kept, against the held head it contradicts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LogFork {
    pub kind: ForkKind,
    /// The head from the export's `conflicts`.
    pub conflicting: HeadFacts,
    /// The held head it contradicts: the one of the same size, else the smallest larger one
    /// (whose leaves give the root at the conflicting size), else the last one.
    pub held: HeadFacts,
    /// The root of the held log at the conflicting head's size, base64url (equal to
    /// `held.rootHash` when the sizes are equal; absent for `unproven`).
    pub held_root_at_size: Option<String>,
}
