//! The lender's disclosure log as a Merkle tree in the manner of Certificate Transparency
//! (RFC 9162 §2.1): leaves and interior nodes are hashed with different prefixes, so no leaf can
//! pose as a node; a signed tree head commits to every leaf before it; an inclusion proof shows
//! one leaf is in a tree, a consistency proof that a later tree extends an earlier one.
//!
//! The borrower's client holds every leaf it was sent, so it keeps a [`Frontier`] (the compact
//! range of at most 64 hashes) and recomputes each signed root itself: that checks inclusion of
//! every new leaf and consistency with every head it held, without trusting a proof. The proof
//! verifiers are for what the client does not hold: the head a lender offers before the leaves
//! arrive, and heads other borrowers hold. [`Tree`] is what a log server keeps (the lender, and
//! the sandbox lender): every perfect subtree, so roots and proofs at any size cost O(log n).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// Why a proof, a root or a stored frontier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MerkleError {
    #[error("leaf index {index} is not below the tree size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("the first tree size {first} is larger than the second {second}")]
    SizesReversed { first: u64, second: u64 },
    #[error("the proof has the wrong number of hashes")]
    ProofLength,
    #[error("the proof does not lead to the signed root")]
    RootMismatch,
    #[error("a frontier of size {size} needs {expected} hashes, not {got}")]
    FrontierShape {
        size: u64,
        expected: usize,
        got: usize,
    },
    #[error("not a base64url SHA-256 hash")]
    BadHash,
}

/// `SHA-256(0x00 ‖ leaf)`.
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(leaf);
    h.finalize().into()
}

/// `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: `SHA-256("")`.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// A hash as the wire writes it: base64url without padding.
pub fn encode_hash(hash: &Hash) -> String {
    URL_SAFE_NO_PAD.encode(hash)
}

/// Reads a wire hash (base64url without padding, exactly 32 bytes).
pub fn decode_hash(text: &str) -> Result<Hash, MerkleError> {
    if text.len() != 43 {
        return Err(MerkleError::BadHash);
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| MerkleError::BadHash)?;
    bytes.try_into().map_err(|_| MerkleError::BadHash)
}

/// The largest power of two strictly below `n` (`n >= 2`): where RFC 9162 splits a tree.
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// The compact range `[0, size)`: one hash per perfect subtree of the size's binary
/// decomposition, largest first. Enough to append leaves and to compute the root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    hashes: Vec<Hash>,
}

impl Frontier {
    pub fn new() -> Self {
        Self::default()
    }

    /// Rebuilds a stored frontier; the number of hashes must match the size.
    pub fn from_parts(size: u64, hashes: Vec<Hash>) -> Result<Self, MerkleError> {
        let expected = size.count_ones() as usize;
        if hashes.len() != expected {
            return Err(MerkleError::FrontierShape {
                size,
                expected,
                got: hashes.len(),
            });
        }
        Ok(Self { size, hashes })
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The perfect subtrees' hashes, largest (leftmost) first.
    pub fn hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// Appends one leaf by its leaf hash.
    pub fn push(&mut self, leaf_hash: Hash) {
        let mut hash = leaf_hash;
        let mut size = self.size;
        // Each trailing one bit of the old size is a perfect subtree the new leaf completes.
        while size & 1 == 1 {
            let left = self.hashes.pop().expect("a one bit has its subtree");
            hash = node_hash(&left, &hash);
            size >>= 1;
        }
        self.hashes.push(hash);
        self.size += 1;
    }

    /// The tree head's root for the leaves so far.
    pub fn root(&self) -> Hash {
        let mut iter = self.hashes.iter().rev();
        let Some(last) = iter.next() else {
            return empty_root();
        };
        iter.fold(*last, |right, left| node_hash(left, &right))
    }
}

/// Every leaf hash and every perfect subtree above them: what a log server keeps to give the
/// root at any size and inclusion and consistency proofs in O(log n) hashes.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    /// `levels[h][i]` = hash of the perfect subtree of leaves `[i·2^h, (i+1)·2^h)`.
    levels: Vec<Vec<Hash>>,
}

impl Tree {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// The leaf hash at `index`.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        self.levels.first()?.get(index as usize).copied()
    }

    /// Appends one leaf by its leaf hash.
    pub fn push(&mut self, leaf_hash: Hash) {
        let mut hash = leaf_hash;
        let mut level = 0;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            let row = &mut self.levels[level];
            row.push(hash);
            if !row.len().is_multiple_of(2) {
                return;
            }
            hash = node_hash(&row[row.len() - 2], &row[row.len() - 1]);
            level += 1;
        }
    }

    /// The root of the first `size` leaves.
    pub fn root_at(&self, size: u64) -> Result<Hash, MerkleError> {
        if size > self.size() {
            return Err(MerkleError::IndexOutOfRange {
                index: size,
                size: self.size(),
            });
        }
        Ok(if size == 0 {
            empty_root()
        } else {
            self.range(0, size)
        })
    }

    /// MTH of leaves `[start, end)`, a range RFC 9162's recursion produces (`start` a multiple
    /// of the largest power of two below `end - start`, or the range perfect and aligned).
    fn range(&self, start: u64, end: u64) -> Hash {
        let n = end - start;
        if n.is_power_of_two() && start.is_multiple_of(n) {
            let h = n.trailing_zeros() as usize;
            return self.levels[h][(start >> h) as usize];
        }
        let k = split_point(n);
        node_hash(&self.range(start, start + k), &self.range(start + k, end))
    }

    /// RFC 9162 `PATH(index, D[0:size])`, the sibling nearest the leaf first.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, MerkleError> {
        if index >= size || size > self.size() {
            return Err(MerkleError::IndexOutOfRange { index, size });
        }
        let mut proof = Vec::new();
        self.path(index, 0, size, &mut proof);
        Ok(proof)
    }

    fn path(&self, m: u64, start: u64, end: u64, out: &mut Vec<Hash>) {
        let n = end - start;
        if n <= 1 {
            return;
        }
        let k = split_point(n);
        if m < k {
            self.path(m, start, start + k, out);
            out.push(self.range(start + k, end));
        } else {
            self.path(m - k, start + k, end, out);
            out.push(self.range(start, start + k));
        }
    }

    /// RFC 9162 `PROOF(first, D[0:second])`.
    pub fn consistency_proof(&self, first: u64, second: u64) -> Result<Vec<Hash>, MerkleError> {
        if first > second {
            return Err(MerkleError::SizesReversed { first, second });
        }
        if second > self.size() {
            return Err(MerkleError::IndexOutOfRange {
                index: second,
                size: self.size(),
            });
        }
        let mut proof = Vec::new();
        if first > 0 && first < second {
            self.subproof(first, 0, second, true, &mut proof);
        }
        Ok(proof)
    }

    fn subproof(&self, m: u64, start: u64, end: u64, complete: bool, out: &mut Vec<Hash>) {
        let n = end - start;
        if m == n {
            if !complete {
                out.push(self.range(start, end));
            }
            return;
        }
        let k = split_point(n);
        if m <= k {
            self.subproof(m, start, start + k, complete, out);
            out.push(self.range(start + k, end));
        } else {
            self.subproof(m - k, start + k, end, false, out);
            out.push(self.range(start, start + k));
        }
    }
}

/// RFC 9162 §2.1.3.2: that `leaf_hash` is leaf `index` of the tree of `size` with `root`.
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), MerkleError> {
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index, size });
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf_hash;
    for p in proof {
        if snode == 0 {
            return Err(MerkleError::ProofLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(MerkleError::ProofLength);
    }
    if &r != root {
        return Err(MerkleError::RootMismatch);
    }
    Ok(())
}

/// RFC 9162 §2.1.4.2: that the tree of `second` leaves with `second_root` extends the tree of
/// `first` leaves with `first_root`. Equal sizes need an empty proof and equal roots; an empty
/// first tree is extended by every tree.
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    proof: &[Hash],
) -> Result<(), MerkleError> {
    if first > second {
        return Err(MerkleError::SizesReversed { first, second });
    }
    if first == second {
        if !proof.is_empty() {
            return Err(MerkleError::ProofLength);
        }
        return if first_root == second_root {
            Ok(())
        } else {
            Err(MerkleError::RootMismatch)
        };
    }
    if first == 0 {
        return if proof.is_empty() {
            Ok(())
        } else {
            Err(MerkleError::ProofLength)
        };
    }
    if proof.is_empty() {
        return Err(MerkleError::ProofLength);
    }
    let mut path: Vec<&Hash> = Vec::with_capacity(proof.len() + 1);
    if first.is_power_of_two() {
        path.push(first_root);
    }
    path.extend(proof.iter());
    let (mut fnode, mut snode) = (first - 1, second - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (*path[0], *path[0]);
    for c in &path[1..] {
        if snode == 0 {
            return Err(MerkleError::ProofLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(MerkleError::ProofLength);
    }
    if &fr != first_root || &sr != second_root {
        return Err(MerkleError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
#[path = "merkle_tests.rs"]
mod tests;
