//! Contract v2's disclosure log on the wire: the lender's signed tree heads, its pages of
//! leaves, and the proofs between heads. A leaf is a disclosure statement that is a redactable
//! object ([`crate::redact`]) with no signature of its own: the tree head the lender signs
//! commits to it, so one signature covers a page instead of one per disclosure.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::merkle::{self, Hash, MerkleError};
use crate::redact::{self, RedactError};
use crate::types::Signature;

/// The `log` member of a disclosure log's tree heads.
pub const LOG_DISCLOSURES: &str = "disclosures";
/// The members of a leaf the lender commits to by salted hash, in the order the vault keeps
/// their salts.
pub const LEAF_REDACTABLE: [&str; 2] = ["valueDigest", "onwardRecipient"];
/// Most leaves one page may hold.
pub const MAX_PAGE_ENTRIES: u64 = 1000;

/// The lender's signed commitment to the first `treeSize` leaves of its log. Two heads of one
/// lender with the same size and different roots are, together, proof that it showed two
/// histories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TreeHead {
    /// Always [`LOG_DISCLOSURES`].
    pub log: String,
    pub lender_id: String,
    pub tree_size: u64,
    /// The RFC 9162 root, base64url without padding.
    pub root_hash: String,
    pub timestamp: DateTime<Utc>,
    pub signature: Signature,
}

impl TreeHead {
    pub fn root(&self) -> Result<Hash, MerkleError> {
        merkle::decode_hash(&self.root_hash)
    }
}

/// `GET /v2/log/entries`: leaves `[start, start + entries.len())` and a head signed at
/// exactly the size they end at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LogPage {
    /// Each leaf as a redactable object with its `_disclosed` values.
    pub entries: Vec<Value>,
    pub tree_head: TreeHead,
}

/// `GET /v2/log/consistency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConsistencyProof {
    pub first: u64,
    pub second: u64,
    /// Hashes, base64url without padding.
    pub proof: Vec<String>,
}

/// `GET /v2/log/inclusion`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InclusionProof {
    pub index: u64,
    pub size: u64,
    pub proof: Vec<String>,
}

/// Decodes a wire proof.
pub fn decode_proof(proof: &[String]) -> Result<Vec<Hash>, MerkleError> {
    proof.iter().map(|h| merkle::decode_hash(h)).collect()
}

/// The period a disclosure's data covers, in milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeafRange {
    pub from: i64,
    pub to: i64,
}

/// One leaf of the disclosure log, revealed. Times are integers (milliseconds since the Unix
/// epoch) so the bytes a leaf hash covers can be rebuilt from stored columns exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DisclosureLeaf {
    /// The leaf's 0-based position in the log: its identity.
    pub index: u64,
    pub signal: String,
    pub collected_at: i64,
    pub purpose: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_id: Option<String>,
    pub data_range: LeafRange,
    /// SHA-256 of the collected value, base64url; `None` when withheld.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_digest: Option<String>,
    /// `None` when there is none or it was withheld (the commitment says which).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onward_recipient: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LeafError {
    #[error(transparent)]
    Redact(#[from] RedactError),
    #[error("the leaf's members: {0}")]
    Shape(String),
}

/// A leaf as received, checked and hashed.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedLeaf {
    pub leaf: DisclosureLeaf,
    /// `SHA-256(0x00 ‖ statement bytes)`.
    pub leaf_hash: Hash,
    /// Paths whose values were withheld.
    pub withheld: Vec<String>,
    /// The salts of [`LEAF_REDACTABLE`] members that were disclosed, in that order (`None`
    /// where the member is absent or withheld).
    pub salts: [Option<[u8; redact::SALT_BYTES]>; 2],
}

impl DisclosureLeaf {
    /// Reads a leaf as received: its disclosures checked against its commitments, its members
    /// typed, its leaf hash computed.
    pub fn check(object: &Value) -> Result<CheckedLeaf, LeafError> {
        let bytes = redact::statement_bytes(object)?;
        let revealed = redact::reveal(object)?;
        let leaf: DisclosureLeaf =
            serde_json::from_value(revealed.value).map_err(|e| LeafError::Shape(e.to_string()))?;
        let salts = redact::salts(object);
        Ok(CheckedLeaf {
            leaf,
            leaf_hash: merkle::leaf_hash(&bytes),
            withheld: revealed.withheld,
            salts: LEAF_REDACTABLE.map(|name| salts.get(name).copied()),
        })
    }

    /// The leaf as the lender commits to it, with the given salts for its redactable members
    /// (the vault rebuilds a stored leaf this way; a lender passes fresh random salts). Only a
    /// leaf with nothing withheld can be rebuilt: a withheld value is not known.
    pub fn to_redactable(
        &self,
        salts: [[u8; redact::SALT_BYTES]; 2],
    ) -> Result<Value, RedactError> {
        let plain =
            serde_json::to_value(self).map_err(|e| RedactError::NotCanonical(e.to_string()))?;
        redact::commit_with(plain, &LEAF_REDACTABLE, |path| {
            if path == LEAF_REDACTABLE[0] {
                salts[0]
            } else {
                salts[1]
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    fn leaf(index: u64) -> DisclosureLeaf {
        DisclosureLeaf {
            index,
            signal: "sms-income".into(),
            collected_at: 1_764_400_000_000,
            purpose: "credit-underwriting".into(),
            consent_id: Some("c-1".into()),
            data_range: LeafRange {
                from: 1_761_800_000_000,
                to: 1_764_400_000_000,
            },
            value_digest: Some(merkle::encode_hash(&merkle::leaf_hash(b"42000"))),
            onward_recipient: None,
        }
    }

    #[test]
    fn a_leaf_checks_and_rebuilds_to_the_same_hash() {
        let wire = leaf(3).to_redactable([[1; 16], [2; 16]]).unwrap();
        let checked = DisclosureLeaf::check(&wire).unwrap();
        assert_eq!(checked.leaf, leaf(3));
        assert_eq!(checked.salts, [Some([1; 16]), None]);
        assert!(checked.withheld.is_empty());
        let rebuilt = checked.leaf.to_redactable([[1; 16], [0; 16]]).unwrap();
        assert_eq!(rebuilt, wire);
        assert_eq!(
            merkle::leaf_hash(&redact::statement_bytes(&rebuilt).unwrap()),
            checked.leaf_hash
        );
    }

    #[test]
    fn a_withheld_value_digest_keeps_the_leaf_hash() {
        let mut rng = StdRng::seed_from_u64(1);
        let plain = serde_json::to_value(leaf(0)).unwrap();
        let wire = redact::commit(plain, &LEAF_REDACTABLE, &mut rng).unwrap();
        let full = DisclosureLeaf::check(&wire).unwrap();
        let mut shared = wire.clone();
        redact::withhold(&mut shared, &["valueDigest"]);
        let part = DisclosureLeaf::check(&shared).unwrap();
        assert_eq!(part.leaf_hash, full.leaf_hash);
        assert_eq!(part.withheld, ["valueDigest"]);
        assert_eq!(part.leaf.value_digest, None);
    }

    #[test]
    fn a_signed_tree_head_verifies_and_a_changed_root_does_not() {
        use crate::signing::{KeyRing, LenderKey, unsigned};
        let key = LenderKey::from_seed(&[5; 32]);
        let ring = KeyRing::from_public(&[key.public_info()]).unwrap();
        let head = key
            .sign(&TreeHead {
                log: LOG_DISCLOSURES.into(),
                lender_id: "sandbox-lender".into(),
                tree_size: 1,
                root_hash: merkle::encode_hash(&merkle::leaf_hash(b"")),
                timestamp: chrono::DateTime::from_timestamp_millis(1_764_400_000_000).unwrap(),
                signature: unsigned(),
            })
            .unwrap();
        ring.verify(&head).unwrap();
        assert_eq!(head.root().unwrap(), merkle::leaf_hash(b""));
        let mut forked = head.clone();
        forked.root_hash = merkle::encode_hash(&merkle::leaf_hash(b"other"));
        assert!(ring.verify(&forked).is_err());
    }

    #[test]
    fn unknown_or_missing_members_are_refused() {
        let mut wire = leaf(0).to_redactable([[1; 16], [2; 16]]).unwrap();
        wire["extra"] = 1.into();
        assert!(DisclosureLeaf::check(&wire).is_err());
        let mut wire = leaf(0).to_redactable([[1; 16], [2; 16]]).unwrap();
        wire.as_object_mut().unwrap().remove("signal");
        assert!(DisclosureLeaf::check(&wire).is_err());
    }
}
