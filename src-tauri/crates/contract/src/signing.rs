//! Ed25519 signatures of lender statements.
//!
//! **What is signed.** A signed object is a JSON object with a `signature` member
//! (`{keyId, alg: "Ed25519", value}`). The signed message is
//!
//! ```text
//! "khata-lending-v1\n" || canonical(object without its top-level "signature" member)
//! ```
//!
//! where `canonical` is the encoding described in the `canonical` module. A redactable object
//! (contract v2, with an `_sd` member) is signed under `"khata-lending-v2\n"` and without its
//! `_disclosed` member too (see `redact`), so values can be withheld and the signature holds. The context prefix stops
//! a signature over one protocol's bytes being replayed as another's. Signatures are checked on the
//! JSON exactly as received, before it is parsed into types, so a verifier never depends on how
//! this crate's structs re-serialise.
//!
//! **Strict verification.** The lender is the party Khata distrusts, so a signature counts only
//! under Ed25519's strict rules (`verify_strict`): the key and the signature's `R` must not be of
//! small order, `R` must be canonically encoded and `s` reduced. Under the lax rules a small-order
//! ("weak") key signs every message at once (`R` = identity, `s` = 0 verifies anything under the
//! identity key), so a lender could publish such a key and later disown any statement. Weak keys,
//! and keys with a small-order component, are refused when a ring is built, before anything is
//! checked against them.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use serde::Serialize;
use serde_json::Value;

pub use crate::canonical::canonical_json;
use crate::canonical::write_object_without;
use crate::types::{PublicKeyInfo, Signature};

/// Domain-separation prefix of every signed message.
pub const CONTEXT: &[u8] = b"khata-lending-v1\n";
/// Domain-separation prefix of a redactable (contract v2) object's signed message.
pub const CONTEXT_V2: &[u8] = b"khata-lending-v2\n";
/// The only algorithm in use.
pub const ALG: &str = "Ed25519";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignError {
    #[error("not canonicalisable: {0}")]
    NotCanonical(String),
    #[error("no signature member")]
    Missing,
    #[error("malformed signature member: {0}")]
    Malformed(String),
    #[error("unknown key id {0:?}")]
    UnknownKey(String),
    #[error("signature does not verify")]
    Invalid,
    /// A published key of small order, or with a small-order component: signatures under it
    /// prove nothing (see the module docs), so the lender's keys are refused as a whole.
    #[error("the lender's key {0:?} is weak: a signature under it would prove nothing")]
    WeakKey(String),
}

/// The exact bytes a signature covers for `object` (its `signature` member is ignored).
///
/// A redactable object (contract v2: it has an `_sd` member, see [`crate::redact`]) is signed
/// under [`CONTEXT_V2`] and its `_disclosed` member is left out too, so removing disclosed values
/// keeps the signature; the two contexts keep a v1 message from ever verifying as a v2 one.
pub fn signing_message(object: &Value) -> Result<Vec<u8>, SignError> {
    let Value::Object(map) = object else {
        return Err(SignError::NotCanonical(
            "signed value is not an object".into(),
        ));
    };
    let redactable = map.contains_key(crate::redact::SD);
    let mut msg = Vec::with_capacity(512);
    msg.extend_from_slice(if redactable { CONTEXT_V2 } else { CONTEXT });
    write_object_without(
        map,
        |k| k == "signature" || (redactable && k == crate::redact::DISCLOSED),
        &mut msg,
    )?;
    Ok(msg)
}

/// A lender's signing key with its published id.
pub struct LenderKey {
    pub key_id: String,
    key: SigningKey,
}

impl std::fmt::Debug for LenderKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LenderKey")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl LenderKey {
    /// Wraps a 32-byte Ed25519 seed. The key id is derived from the public key so that it
    /// changes whenever the key does.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let key = SigningKey::from_bytes(seed);
        let digest = sha2_digest(key.verifying_key().as_bytes());
        let key_id = format!("ed25519-{}", &hex::encode(digest)[..16]);
        Self { key_id, key }
    }

    /// A fresh random key.
    pub fn generate() -> Self {
        let mut seed = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut seed);
        Self::from_seed(&seed)
    }

    pub fn seed(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    pub fn public_info(&self) -> PublicKeyInfo {
        PublicKeyInfo {
            key_id: self.key_id.clone(),
            alg: ALG.into(),
            public_key: URL_SAFE_NO_PAD.encode(self.key.verifying_key().as_bytes()),
        }
    }

    /// Signs a JSON object, returning it with its `signature` member set.
    pub fn sign_value(&self, mut object: Value) -> Result<Value, SignError> {
        let msg = signing_message(&object)?;
        let sig = self.key.sign(&msg);
        let signature = Signature {
            key_id: self.key_id.clone(),
            alg: ALG.into(),
            value: URL_SAFE_NO_PAD.encode(sig.to_bytes()),
        };
        object
            .as_object_mut()
            .expect("signing_message checked it is an object")
            .insert(
                "signature".into(),
                serde_json::to_value(signature).expect("signature serialises"),
            );
        Ok(object)
    }

    /// Signs a typed object whose `signature` field is a placeholder; returns it signed.
    pub fn sign<T: Serialize + serde::de::DeserializeOwned>(
        &self,
        object: &T,
    ) -> Result<T, SignError> {
        let value =
            serde_json::to_value(object).map_err(|e| SignError::NotCanonical(e.to_string()))?;
        let signed = self.sign_value(value)?;
        serde_json::from_value(signed).map_err(|e| SignError::NotCanonical(e.to_string()))
    }
}

/// A placeholder signature for objects about to be signed.
pub fn unsigned() -> Signature {
    Signature {
        key_id: String::new(),
        alg: ALG.into(),
        value: String::new(),
    }
}

fn sha2_digest(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).into()
}

/// A signed object ready to verify: its key and signature, checked for shape, and the exact
/// message signed ([`KeyRing::prepare`]).
#[derive(Debug, Clone)]
pub struct Prepared {
    key: VerifyingKey,
    sig: ed25519_dalek::Signature,
    msg: Vec<u8>,
}

impl Prepared {
    /// The signature check of [`KeyRing::verify_value`]: strict Ed25519 (module docs).
    pub fn verify(&self) -> Result<(), SignError> {
        self.key
            .verify_strict(&self.msg, &self.sig)
            .map_err(|_| SignError::Invalid)
    }

    /// The parts of [`Prepared::verify`]'s strictness that the batch equation does not hold by
    /// itself: `R` canonically encoded and not of small order. (`s` is checked reduced by the
    /// batch too, and the key was checked when the ring was built.)
    fn r_is_strict(&self) -> bool {
        let r = self.sig.r_bytes();
        // `R` is a curve point encoded as a public key is; decoding it as one gives the point.
        VerifyingKey::from_bytes(r)
            .is_ok_and(|point| !point.is_weak() && point.to_edwards().compress().as_bytes() == r)
    }
}

/// One Ed25519 batch verification of `items` (deterministic, no RNG): `true` when the batch
/// holds, about 2.5× faster than checking one by one; it is what lets `khata verify` check a
/// million disclosures in seconds (docs/BENCHMARKS.md). On `false`, check each with
/// [`Prepared::verify`] to learn which failed.
///
/// The batch equation is laxer than [`Prepared::verify`], so what it cannot hold is checked
/// first: weak keys never reach a [`KeyRing`], and a signature whose `R` is non-canonical or of
/// small order makes the batch answer `false` (the strict check one by one then names it).
/// One difference remains, and it cannot forge anything: a genuine signature whose `R` has had a
/// small-order point added fails alone but may pass the batch (probability 1/8 each). It is
/// still a signature by the key's owner over the same bytes, only re-encoded; ruling it out would
/// cost a full scalar multiplication per signature, more than the batch saves. So the batch
/// serves where "signed by this key" is the question (the offline verifier's fast path), and
/// statements received from a lender are checked one by one ([`KeyRing::verify_values`]).
pub fn verify_batch(items: &[Prepared]) -> bool {
    if !items.iter().all(Prepared::r_is_strict) {
        return false;
    }
    let messages: Vec<&[u8]> = items.iter().map(|p| p.msg.as_slice()).collect();
    let signatures: Vec<ed25519_dalek::Signature> = items.iter().map(|p| p.sig).collect();
    let keys: Vec<VerifyingKey> = items.iter().map(|p| p.key).collect();
    ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok()
}

/// The lender keys a client trusts, pinned from discovery at connect time.
#[derive(Debug, Clone, Default)]
pub struct KeyRing {
    keys: HashMap<String, VerifyingKey>,
}

impl KeyRing {
    /// Builds the ring from published keys; rejects unknown algorithms and bad key bytes.
    pub fn from_public(infos: &[PublicKeyInfo]) -> Result<Self, SignError> {
        let mut keys = HashMap::new();
        for info in infos {
            if info.alg != ALG {
                return Err(SignError::Malformed(format!(
                    "unsupported alg {}",
                    info.alg
                )));
            }
            let bytes = URL_SAFE_NO_PAD
                .decode(&info.public_key)
                .map_err(|e| SignError::Malformed(format!("public key: {e}")))?;
            let arr: [u8; 32] = bytes
                .try_into()
                .map_err(|_| SignError::Malformed("public key is not 32 bytes".into()))?;
            let vk = VerifyingKey::from_bytes(&arr)
                .map_err(|e| SignError::Malformed(format!("public key: {e}")))?;
            // An honest key is a multiple of the base point, so it is never weak and has no
            // small-order component; either one is a key made to sign too much (module docs).
            if vk.is_weak() || !vk.to_edwards().is_torsion_free() {
                return Err(SignError::WeakKey(info.key_id.clone()));
            }
            keys.insert(info.key_id.clone(), vk);
        }
        Ok(Self { keys })
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Checks the signature of one signed JSON object as received.
    pub fn verify_value(&self, object: &Value) -> Result<(), SignError> {
        self.prepare(object)?.verify()
    }

    /// Everything [`KeyRing::verify_value`] checks except the signature itself: the key and
    /// signature the object names, checked for shape, and the exact message signed. Check it
    /// with [`Prepared::verify`], or many at once with [`verify_batch`].
    pub fn prepare(&self, object: &Value) -> Result<Prepared, SignError> {
        let (key, sig) = self.parts(object)?;
        let msg = signing_message(object)?;
        Ok(Prepared { key, sig, msg })
    }

    /// Checks many signed objects (a page of disclosures), each exactly as
    /// [`KeyRing::verify_value`] does; every object is prepared first, so a shape error anywhere
    /// is reported before any signature is checked.
    ///
    /// One by one and strict, not in a batch: what a lender sends is stored and later checked
    /// strictly by the offline verifier, and the batch's one leniency ([`verify_batch`]) is
    /// something a lender can aim for (the batch's coefficients follow from the page it sends).
    /// Accepting such a page would let the lender plant a statement that makes the borrower's
    /// export fail verification later. Sync is bound by the network and the vault, not by this.
    pub fn verify_values<'a>(
        &self,
        objects: impl IntoIterator<Item = &'a Value>,
    ) -> Result<(), SignError> {
        let prepared = objects
            .into_iter()
            .map(|o| self.prepare(o))
            .collect::<Result<Vec<_>, _>>()?;
        prepared.iter().try_for_each(Prepared::verify)
    }

    /// The key and signature an object names, checked for shape.
    fn parts(&self, object: &Value) -> Result<(VerifyingKey, ed25519_dalek::Signature), SignError> {
        let sig = object.get("signature").ok_or(SignError::Missing)?;
        let sig: Signature =
            serde_json::from_value(sig.clone()).map_err(|e| SignError::Malformed(e.to_string()))?;
        if sig.alg != ALG {
            return Err(SignError::Malformed(format!("unsupported alg {}", sig.alg)));
        }
        let key = self
            .keys
            .get(&sig.key_id)
            .ok_or_else(|| SignError::UnknownKey(sig.key_id.clone()))?;
        let raw = URL_SAFE_NO_PAD
            .decode(&sig.value)
            .map_err(|e| SignError::Malformed(format!("signature: {e}")))?;
        let raw: [u8; 64] = raw
            .try_into()
            .map_err(|_| SignError::Malformed("signature is not 64 bytes".into()))?;
        Ok((*key, ed25519_dalek::Signature::from_bytes(&raw)))
    }

    /// Checks a typed object (e.g. one read back from the vault) by re-serialising it.
    pub fn verify<T: Serialize>(&self, object: &T) -> Result<(), SignError> {
        let value =
            serde_json::to_value(object).map_err(|e| SignError::NotCanonical(e.to_string()))?;
        self.verify_value(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn batch_verification_agrees_and_names_the_bad_one() {
        let key = LenderKey::from_seed(&[9u8; 32]);
        let ring = KeyRing::from_public(&[key.public_info()]).unwrap();
        let mut items: Vec<Value> = (0..20)
            .map(|i| {
                key.sign_value(json!({"seq": i, "signal": "sms_income"}))
                    .unwrap()
            })
            .collect();
        ring.verify_values(&items).unwrap();
        items[13]["seq"] = json!(99);
        assert_eq!(ring.verify_values(&items), Err(SignError::Invalid));
        items[13]["signature"]["keyId"] = json!("other");
        assert!(matches!(
            ring.verify_values(&items),
            Err(SignError::UnknownKey(_))
        ));
        assert_eq!(ring.verify_values(&[]), Ok(()));
    }

    /// The published form of a raw 32-byte key.
    fn info(key_id: &str, bytes: &[u8; 32]) -> PublicKeyInfo {
        PublicKeyInfo {
            key_id: key_id.into(),
            alg: ALG.into(),
            public_key: URL_SAFE_NO_PAD.encode(bytes),
        }
    }

    /// Encodes the identity point.
    const IDENTITY: [u8; 32] = {
        let mut b = [0u8; 32];
        b[0] = 1;
        b
    };

    #[test]
    fn weak_keys_are_refused() {
        use curve25519_dalek::constants::EIGHT_TORSION;
        let honest = LenderKey::from_seed(&[5u8; 32]);
        // The identity, and a point of order 8: small order, each signs too much.
        for weak in [IDENTITY, EIGHT_TORSION[1].compress().to_bytes()] {
            assert_eq!(
                KeyRing::from_public(&[honest.public_info(), info("weak", &weak)]).unwrap_err(),
                SignError::WeakKey("weak".into())
            );
        }
        // An honest key plus a small-order point: not small order itself, but not honest.
        let point = VerifyingKey::from(&SigningKey::from_bytes(&[5u8; 32])).to_edwards();
        let mixed = (point + EIGHT_TORSION[1]).compress().to_bytes();
        assert_eq!(
            KeyRing::from_public(&[info("mixed", &mixed)]).unwrap_err(),
            SignError::WeakKey("mixed".into())
        );
        KeyRing::from_public(&[honest.public_info()]).unwrap();
    }

    #[test]
    fn weak_key_forgery_does_not_verify() {
        // Under the identity key, R = identity and s = 0 satisfy the lax equation for every
        // message: the classic weak-key forgery. The ring refuses the key (above); the check
        // itself refuses the signature too.
        let key = VerifyingKey::from_bytes(&IDENTITY).unwrap();
        let mut raw = [0u8; 64];
        raw[..32].copy_from_slice(&IDENTITY);
        let sig = ed25519_dalek::Signature::from_bytes(&raw);
        let msg = b"khata-lending-v1\n{\"approved\":true}".to_vec();
        assert!(ed25519_dalek::Verifier::verify(&key, &msg, &sig).is_ok());
        let forged = Prepared { key, sig, msg };
        assert_eq!(forged.verify(), Err(SignError::Invalid));
        assert!(!verify_batch(&[forged]));
    }

    #[test]
    fn owner_made_small_order_r_does_not_verify() {
        use curve25519_dalek::scalar::Scalar;
        use sha2::Digest as _;
        // A lender can sign with R = identity (s = H(R‖A‖M)·a): the lax check and the batch
        // accept it, strict Ed25519 does not, so a lender could disown it later.
        let lender = LenderKey::from_seed(&[6u8; 32]);
        let ring = KeyRing::from_public(&[lender.public_info()]).unwrap();
        let genuine = lender.sign_value(json!({"seq": 1})).unwrap();
        let mut object = json!({"seq": 1});
        let msg = signing_message(&object).unwrap();
        let public = lender.key.verifying_key();
        let k = Scalar::from_bytes_mod_order_wide(
            &sha2::Sha512::new()
                .chain_update(IDENTITY)
                .chain_update(public.as_bytes())
                .chain_update(&msg)
                .finalize()
                .into(),
        );
        let mut raw = [0u8; 64];
        raw[..32].copy_from_slice(&IDENTITY);
        raw[32..].copy_from_slice((k * lender.key.to_scalar()).as_bytes());
        let sig = ed25519_dalek::Signature::from_bytes(&raw);
        assert!(ed25519_dalek::Verifier::verify(&public, &msg, &sig).is_ok());
        let mut signature = genuine["signature"].clone();
        signature["value"] = json!(URL_SAFE_NO_PAD.encode(raw));
        object["signature"] = signature;
        assert_eq!(ring.verify_value(&object), Err(SignError::Invalid));
        assert_eq!(
            ring.verify_values([&genuine, &object]),
            Err(SignError::Invalid)
        );
        let prepared = [&genuine, &object].map(|o| ring.prepare(o).unwrap());
        assert!(!verify_batch(&prepared));
        assert!(verify_batch(&prepared[..1]));
    }

    #[test]
    fn sign_then_verify_and_detect_tamper() {
        let key = LenderKey::from_seed(&[7u8; 32]);
        let ring = KeyRing::from_public(&[key.public_info()]).unwrap();
        let signed = key.sign_value(json!({"consentId": "c1", "n": 3})).unwrap();
        ring.verify_value(&signed).unwrap();
        // Member order on the wire does not matter: the encoding is canonical.
        let reordered: Value = serde_json::from_str(
            &serde_json::to_string(
                &json!({"n": 3, "consentId": "c1", "signature": signed["signature"]}),
            )
            .unwrap(),
        )
        .unwrap();
        ring.verify_value(&reordered).unwrap();
        let mut tampered = signed.clone();
        tampered["n"] = json!(4);
        assert_eq!(ring.verify_value(&tampered), Err(SignError::Invalid));
        let other =
            KeyRing::from_public(&[LenderKey::from_seed(&[8u8; 32]).public_info()]).unwrap();
        assert!(matches!(
            other.verify_value(&signed),
            Err(SignError::UnknownKey(_))
        ));
    }
}
