//! Checking a lender's disclosure log as it arrives, with no network: the tree head it offers
//! against the one the borrower holds (signature, lender, size, consistency proof), then each
//! page's leaves against the page's signed head by recomputing the root from a [`Frontier`].
//! Recomputing every root from leaves the client holds is what catches a dropped, reordered or
//! rewritten disclosure; the consistency proof is what catches a fork of what was held before.
//! Pure, so unit tests and the fuzz targets drive exactly what the sync runs.

use serde_json::Value;

use super::leaf::check_leaf;
use crate::client::response::parse;
use crate::error::{LendingError, Result};
use crate::lender_text::sanitize;
use crate::signing::KeyRing;
use khata_contract::log::{CheckedLeaf, ConsistencyProof, LOG_DISCLOSURES, TreeHead, decode_proof};
use khata_contract::merkle::{self, Frontier, Hash};

/// A statement whose signature was checked, with its JSON exactly as received (what the vault
/// keeps and an export shows, so anyone can check the signature again).
#[derive(Debug, Clone, PartialEq)]
pub struct Checked<T> {
    pub value: T,
    pub raw: Value,
}

/// What the borrower already holds of a lender's log: the compact range of the leaves stored
/// and the signed head at that size (raw JSON, as received). `None` in place of a `HeldLog`
/// means nothing is held yet.
#[derive(Debug, Clone)]
pub struct HeldLog {
    pub frontier: Frontier,
    pub head: Value,
}

/// One page of leaves that passed every check, ready to store in one transaction: its leaves
/// in index order from `start` (each with its salts, in the order of
/// [`khata_contract::log::LEAF_REDACTABLE`], enough to rebuild its bytes), the signed head at
/// `start + leaves.len()` and the frontier after them (what to persist so the next sync
/// resumes here).
#[derive(Debug, Clone)]
pub struct VerifiedPage {
    pub start: u64,
    pub leaves: Vec<CheckedLeaf>,
    pub head: Checked<TreeHead>,
    pub frontier: Frontier,
}

/// What the lender's log did wrong. Every kind is evidence of the lender's own signed words
/// except [`ViolationKind::HeadSignature`], which is a head that does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViolationKind {
    /// The offered head's signature does not verify against the pinned keys.
    HeadSignature { reason: String },
    /// A signed head of another log or another lender.
    ForeignHead,
    /// The offered head is smaller than the held one: leaves were taken back.
    Shrunk,
    /// The offered head does not extend the held one (the consistency proof fails, or two heads
    /// of one size have different roots): the lender shows two histories.
    Inconsistent,
    /// A page's leaves do not hash to the root its own signed head gives.
    PageRootMismatch,
    /// A leaf carries another index than its place in the log (dropped or reordered leaves).
    BadIndex { expected: u64, found: Option<u64> },
    /// A leaf that is not a disclosure statement of the contract.
    BadLeaf { index: u64, reason: String },
}

impl std::fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::HeadSignature { reason } => write!(f, "a tree head's signature fails ({reason})"),
            Self::ForeignHead => f.write_str("a tree head names another log or lender"),
            Self::Shrunk => f.write_str("the log is smaller than a head it signed before"),
            Self::Inconsistent => f.write_str("the log does not extend a head it signed before"),
            Self::PageRootMismatch => f.write_str("a page's leaves do not give its signed root"),
            Self::BadIndex { expected, found } => match found {
                Some(i) => write!(f, "leaf {expected} carries index {i}"),
                None => write!(f, "leaf {expected} carries no index"),
            },
            Self::BadLeaf { index, reason } => write!(f, "leaf {index} is malformed ({reason})"),
        }
    }
}

/// A violation with the signed heads it involves, as received, so a finding can name them:
/// `held` is the head the offered one was checked against — the borrower's held head while
/// the latest head is checked, the latest head (fetched at the start of this sync) while pages
/// are checked — and `offered` the head that contradicts it.
#[derive(Debug, Clone, PartialEq)]
pub struct LogViolation {
    pub kind: ViolationKind,
    pub held: Option<Value>,
    pub offered: Value,
}

impl std::fmt::Display for LogViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.kind.fmt(f)
    }
}

fn violation(kind: ViolationKind, held: Option<&Value>, offered: &Value) -> LendingError {
    LendingError::Log(Box::new(LogViolation {
        kind,
        held: held.cloned(),
        offered: offered.clone(),
    }))
}

fn malformed(detail: impl AsRef<str>) -> LendingError {
    LendingError::Malformed {
        detail: sanitize(detail.as_ref()),
    }
}

/// A tree head as the lender offered it: signed by a pinned key, of the disclosure log, of
/// `lender_id`; `held` only names the head it is checked against in a violation.
pub fn check_head(
    keys: &KeyRing,
    lender_id: &str,
    raw: &Value,
    held: Option<&Value>,
) -> Result<(Checked<TreeHead>, Hash)> {
    if let Err(e) = keys.verify_value(raw) {
        let reason = sanitize(&e.to_string());
        return Err(violation(
            ViolationKind::HeadSignature { reason },
            held,
            raw,
        ));
    }
    let head: TreeHead = parse(raw.clone())?;
    if head.log != LOG_DISCLOSURES || head.lender_id != lender_id {
        return Err(violation(ViolationKind::ForeignHead, held, raw));
    }
    let root = head
        .root()
        .map_err(|e| malformed(format!("tree head rootHash: {e}")))?;
    Ok((
        Checked {
            value: head,
            raw: raw.clone(),
        },
        root,
    ))
}

/// The checks of one sync, in the order the contract asks for them: [`LogChecker::begin`]
/// with the latest head, [`LogChecker::accept_consistency`] when
/// [`LogChecker::consistency_range`] asks for a proof, then [`LogChecker::accept_page`] for
/// each range [`LogChecker::next_range`] gives, until it gives none.
#[derive(Debug, Clone)]
pub struct LogChecker {
    keys: KeyRing,
    lender_id: String,
    held: Option<Value>,
    target: Checked<TreeHead>,
    target_root: Hash,
    frontier: Frontier,
    /// Whether the target is known to extend what is held (proof checked, or none needed).
    extends_held: bool,
}

impl LogChecker {
    /// Checks the latest head `offered` against what is held. A `held` whose head does not
    /// match its frontier is the caller's mistake ([`LendingError::Usage`]).
    pub fn begin(
        keys: &KeyRing,
        lender_id: &str,
        held: Option<HeldLog>,
        offered: &Value,
    ) -> Result<Self> {
        let (frontier, held_head) = match held {
            Some(h) => {
                let head: TreeHead = serde_json::from_value(h.head.clone())
                    .map_err(|e| LendingError::Usage(format!("held tree head: {e}")))?;
                let root = head
                    .root()
                    .map_err(|e| LendingError::Usage(format!("held tree head: {e}")))?;
                if head.tree_size != h.frontier.size() || root != h.frontier.root() {
                    return Err(LendingError::Usage(format!(
                        "the held tree head (size {}) does not match the held leaves (size {})",
                        head.tree_size,
                        h.frontier.size()
                    )));
                }
                (h.frontier, Some(h.head))
            }
            None => (Frontier::new(), None),
        };
        let (target, target_root) = check_head(keys, lender_id, offered, held_head.as_ref())?;
        let held_size = frontier.size();
        let size = target.value.tree_size;
        if size < held_size {
            return Err(violation(
                ViolationKind::Shrunk,
                held_head.as_ref(),
                offered,
            ));
        }
        if size == held_size && target_root != frontier.root() {
            return Err(violation(
                ViolationKind::Inconsistent,
                held_head.as_ref(),
                offered,
            ));
        }
        Ok(Self {
            keys: keys.clone(),
            lender_id: lender_id.to_string(),
            extends_held: held_size == 0 || held_size == size,
            held: held_head,
            target,
            target_root,
            frontier,
        })
    }

    /// The latest head, checked; the sync stops at its size.
    pub fn target(&self) -> &Checked<TreeHead> {
        &self.target
    }

    /// The leaves checked so far (those held before, then each accepted page's).
    pub fn frontier(&self) -> &Frontier {
        &self.frontier
    }

    /// `(first, second)` of the consistency proof still needed, if any.
    pub fn consistency_range(&self) -> Option<(u64, u64)> {
        (!self.extends_held).then(|| (self.frontier.size(), self.target.value.tree_size))
    }

    /// Checks the lender's consistency proof (JSON as received) from the held head to the
    /// latest one.
    pub fn accept_consistency(&mut self, raw: Value) -> Result<()> {
        let Some((first, second)) = self.consistency_range() else {
            return Err(LendingError::Usage("no consistency proof is needed".into()));
        };
        let proof: ConsistencyProof = parse(raw)?;
        if (proof.first, proof.second) != (first, second) {
            return Err(malformed(format!(
                "asked for the consistency proof {first}..{second}, got {}..{}",
                proof.first, proof.second
            )));
        }
        let hashes =
            decode_proof(&proof.proof).map_err(|e| malformed(format!("consistency proof: {e}")))?;
        let held_root = self.frontier.root();
        if merkle::verify_consistency(first, second, &held_root, &self.target_root, &hashes)
            .is_err()
        {
            return Err(violation(
                ViolationKind::Inconsistent,
                self.held.as_ref(),
                &self.target.raw,
            ));
        }
        self.extends_held = true;
        Ok(())
    }

    /// `(start, limit)` of the next page to fetch, at most `page_limit` leaves and never past
    /// the latest head; `None` once every leaf up to it is checked.
    pub fn next_range(&self, page_limit: u32) -> Result<Option<(u64, u32)>> {
        if !self.extends_held {
            return Err(LendingError::Usage(
                "the consistency proof must be checked before any page".into(),
            ));
        }
        let start = self.frontier.size();
        let left = self.target.value.tree_size - start;
        if left == 0 {
            return Ok(None);
        }
        let limit = u64::from(page_limit.max(1)).min(left) as u32;
        Ok(Some((start, limit)))
    }

    /// Checks the page (JSON as received) that answered [`LogChecker::next_range`]'s `limit`
    /// from the current size; on success the frontier moves past it. On any error nothing
    /// moves, so a page that failed to arrive can be fetched again.
    pub fn accept_page(&mut self, limit: u32, raw: Value) -> Result<VerifiedPage> {
        let start = match self.next_range(limit)? {
            Some((start, _)) => start,
            None => return Err(LendingError::Usage("every leaf is already checked".into())),
        };
        let Value::Object(mut page) = raw else {
            return Err(malformed("a log page is not a JSON object"));
        };
        let (Some(Value::Array(entries)), Some(head_raw)) =
            (page.remove("entries"), page.remove("treeHead"))
        else {
            return Err(malformed("a log page needs entries and treeHead"));
        };
        if let Some(extra) = page.keys().next() {
            return Err(malformed(format!(
                "a log page has an unknown member {extra}"
            )));
        }
        let target = Some(&self.target.raw);
        let (head, root) = check_head(&self.keys, &self.lender_id, &head_raw, target)?;
        let n = entries.len() as u64;
        let size = head.value.tree_size;
        if n == 0 || n > u64::from(limit) {
            return Err(malformed(format!(
                "asked for up to {limit} leaves from {start}, got {n}"
            )));
        }
        // The leaves first: a dropped or reordered one is named by its index even when the
        // page's size no longer matches its head.
        let mut frontier = self.frontier.clone();
        let mut leaves = Vec::with_capacity(entries.len());
        for (entry, index) in entries.iter().zip(start..) {
            let leaf =
                check_leaf(entry, index).map_err(|kind| violation(kind, target, &head.raw))?;
            frontier.push(leaf.leaf_hash);
            leaves.push(leaf);
        }
        if size != start + n || size > self.target.value.tree_size {
            return Err(malformed(format!(
                "a page of {n} leaves from {start} came with a tree head of size {size}"
            )));
        }
        if frontier.root() != root {
            return Err(violation(
                ViolationKind::PageRootMismatch,
                target,
                &head.raw,
            ));
        }
        if size == self.target.value.tree_size && root != self.target_root {
            return Err(violation(ViolationKind::Inconsistent, target, &head.raw));
        }
        self.frontier = frontier.clone();
        Ok(VerifiedPage {
            start,
            leaves,
            head,
            frontier,
        })
    }
}
