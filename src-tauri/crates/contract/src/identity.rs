//! Who a lender is, as Khata pins it: the origin its discovery document came from and the
//! fingerprint of the keys it publishes. The `lenderId` a lender writes about itself is only a
//! claim; two documents name the same lender only when origin and fingerprint agree, or when the
//! new keys are endorsed by a statement signed with a key already pinned ([`KeyEndorsement`]).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::signing::{KeyRing, SignError};
use crate::types::{PublicKeyInfo, Signature};

/// A lender's statement, signed by a key the borrower already pinned, that the keys it lists
/// are its keys from now on. Carried in the discovery document during a key rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyEndorsement {
    pub lender_id: String,
    /// The complete new key set, exactly as the discovery document publishes it.
    pub keys: Vec<PublicKeyInfo>,
    pub issued_at: chrono::DateTime<chrono::Utc>,
    pub signature: Signature,
}

/// The SHA-256 fingerprint of a key set, as grouped upper-case hex (`AB12 CD34 …`, 16 groups).
///
/// Covers the raw public keys only, sorted, so neither the order in which a lender lists them
/// nor the ids it gives them changes the fingerprint; a key that does not decode is hashed as
/// the text it was published as (such a set is refused elsewhere before it is pinned).
pub fn key_fingerprint(keys: &[PublicKeyInfo]) -> String {
    use sha2::Digest as _;
    let mut raw: Vec<Vec<u8>> = keys
        .iter()
        .map(|k| {
            URL_SAFE_NO_PAD
                .decode(&k.public_key)
                .unwrap_or_else(|_| k.public_key.as_bytes().to_vec())
        })
        .collect();
    raw.sort();
    raw.dedup();
    let mut h = sha2::Sha256::new();
    h.update(b"khata-key-set-v1\n");
    for k in &raw {
        h.update((k.len() as u32).to_be_bytes());
        h.update(k);
    }
    group_hex(&h.finalize())
}

/// Two fingerprints as the same text, whatever spacing or case the borrower typed.
pub fn same_fingerprint(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != ':' && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect()
    };
    !norm(a).is_empty() && norm(a) == norm(b)
}

fn group_hex(bytes: &[u8]) -> String {
    let hex = hex::encode_upper(bytes);
    hex.as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).expect("hex is ASCII"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `endorsement` vouches for `new_keys` as `lender_id`'s keys, signed by a key in
/// `pinned`. The key sets must match exactly (as sets of raw keys).
pub fn check_endorsement(
    pinned: &KeyRing,
    lender_id: &str,
    new_keys: &[PublicKeyInfo],
    endorsement: &KeyEndorsement,
) -> Result<(), SignError> {
    if endorsement.lender_id != lender_id {
        return Err(SignError::Malformed(
            "the key endorsement names another lender".into(),
        ));
    }
    if key_fingerprint(&endorsement.keys) != key_fingerprint(new_keys) {
        return Err(SignError::Malformed(
            "the key endorsement lists other keys than the discovery document".into(),
        ));
    }
    pinned.verify(endorsement)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::{LenderKey, unsigned};

    #[test]
    fn fingerprint_ignores_order_and_ids_but_not_keys() {
        let a = LenderKey::from_seed(&[1; 32]).public_info();
        let b = LenderKey::from_seed(&[2; 32]).public_info();
        let fp = key_fingerprint(&[a.clone(), b.clone()]);
        assert_eq!(fp.len(), 16 * 4 + 15);
        assert_eq!(fp, key_fingerprint(&[b.clone(), a.clone()]));
        let renamed = PublicKeyInfo {
            key_id: "other".into(),
            ..a.clone()
        };
        assert_eq!(
            key_fingerprint(std::slice::from_ref(&a)),
            key_fingerprint(&[renamed])
        );
        assert_ne!(
            key_fingerprint(std::slice::from_ref(&a)),
            key_fingerprint(&[b])
        );
        assert!(same_fingerprint(&fp, &fp.replace(' ', "").to_lowercase()));
        assert!(!same_fingerprint("", ""));
    }

    #[test]
    fn only_an_endorsement_by_a_pinned_key_for_the_same_keys_counts() {
        let old = LenderKey::from_seed(&[3; 32]);
        let new = LenderKey::from_seed(&[4; 32]);
        let pinned = KeyRing::from_public(&[old.public_info()]).unwrap();
        let keys = vec![new.public_info()];
        let draft = KeyEndorsement {
            lender_id: "l-1".into(),
            keys: keys.clone(),
            issued_at: chrono::Utc::now(),
            signature: unsigned(),
        };
        let good = old.sign(&draft).unwrap();
        check_endorsement(&pinned, "l-1", &keys, &good).unwrap();
        // Signed by the new key itself: proves nothing about the old one.
        let self_signed = new.sign(&draft).unwrap();
        assert!(check_endorsement(&pinned, "l-1", &keys, &self_signed).is_err());
        // For another lender, or other keys than published.
        assert!(check_endorsement(&pinned, "l-2", &keys, &good).is_err());
        assert!(check_endorsement(&pinned, "l-1", &[old.public_info()], &good).is_err());
    }
}
