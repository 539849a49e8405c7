//! Lender signatures on statements: check a statement's signature and keep the exact canonical
//! bytes it covers (so an offline verifier can check them again), read a stored statement back
//! (revealing a redactable one), and decode a signature's value. Below both the engine and the mapping in `convert`, which use it.

use khata_lending::KeyRing;
use khata_lending::types as wire;
use serde_json::Value;

use crate::error::{EngineError, Result};

/// Canonical bytes of a typed lender statement, after checking that its signature verifies on
/// exactly those bytes (so an offline verifier can check it again).
pub(crate) fn signed_bytes<T: serde::Serialize>(keys: &KeyRing, t: &T) -> Result<(Value, Vec<u8>)> {
    let v = serde_json::to_value(t)?;
    keys.verify_value(&v)
        .map_err(|e| EngineError::SignatureInvalid(e.to_string()))?;
    let bytes = khata_lending::signing::canonical_json(&v)
        .map_err(|e| EngineError::SignatureInvalid(e.to_string()))?;
    Ok((v, bytes))
}

/// Canonical bytes of a lender statement exactly as received — a redactable (v2) one with its
/// commitments and disclosures — after checking its signature on that JSON. What the vault keeps:
/// re-serialising the typed reading would drop the commitments and break the signature.
pub(crate) fn raw_bytes(keys: &KeyRing, raw: &Value) -> Result<Vec<u8>> {
    keys.verify_value(raw)
        .map_err(|e| EngineError::SignatureInvalid(e.to_string()))?;
    khata_lending::signing::canonical_json(raw)
        .map_err(|e| EngineError::SignatureInvalid(e.to_string()))
}

/// A stored lender statement read as its wire type: a redactable (v2) one revealed first, its
/// withheld members read as empty; a 1.x one as it is. Disclosures that do not match their
/// commitments are refused as a broken signature would be.
pub(crate) fn read_statement<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let value: Value = serde_json::from_slice(bytes)?;
    read_value(value)
}

/// [`read_statement`] of a statement already parsed as JSON.
pub(crate) fn read_value<T: serde::de::DeserializeOwned>(value: Value) -> Result<T> {
    let plain = khata_lending::redact::plain(value)
        .map_err(|e| EngineError::SignatureInvalid(e.to_string()))?;
    Ok(serde_json::from_value(plain)?)
}

/// The raw bytes of a signature (base64url on the wire), stored beside the record it signs;
/// `None` when the value does not decode.
pub(crate) fn sig_bytes(s: &wire::Signature) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&s.value)
        .ok()
}
