//! Lender signatures on statements: check a typed statement's signature and keep the exact
//! canonical bytes it covers (so an offline verifier can check them again), and decode a
//! signature's value. Below both the engine and the mapping in `convert`, which use it.

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

pub(crate) fn sig_bytes(s: &wire::Signature) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&s.value)
        .ok()
}
