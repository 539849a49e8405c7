//! Arbitrary bytes as a lender's HTTP response: the client's handling of every call it makes
//! (status, content type, JSON, Ed25519 checks against pinned keys, typed parse) must return
//! an error or a value, never panic. Input: byte 0 picks the call, byte 1 the status, byte 2
//! the content type; the rest is the body.
//!
//! The keys are pinned from a fixed seed, the same one `seeds.rs` gives the sandbox lender, so
//! the seed corpus carries valid signatures and mutations reach past the signature check.
#![no_main]

use khata_lending::client::fuzzing::{ENDPOINTS, handle_response, parse_as};
use khata_lending::signing::{KeyRing, LenderKey, canonical_json};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

/// The sandbox lender's signing seed in `seeds.rs`.
pub const LENDER_SEED: [u8; 32] = [0x4b; 32];

pub const STATUSES: [u16; 12] = [200, 201, 204, 302, 400, 401, 404, 409, 422, 429, 500, 503];
pub const CONTENT_TYPES: [&str; 6] = [
    "application/json",
    "application/problem+json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "text/html",
    "",
];

static KEYS: LazyLock<KeyRing> = LazyLock::new(|| {
    KeyRing::from_public(&[LenderKey::from_seed(&LENDER_SEED).public_info()]).expect("key")
});

fuzz_target!(|data: &[u8]| {
    let [e, s, c, body @ ..] = data else {
        return;
    };
    let endpoint = ENDPOINTS[*e as usize % ENDPOINTS.len()];
    let status = STATUSES[*s as usize % STATUSES.len()];
    let content_type = CONTENT_TYPES[*c as usize % CONTENT_TYPES.len()];
    let _ = handle_response(&KEYS, endpoint, status, content_type, body);
    // What a lender could send with a valid signature: the typed parse and the canonical
    // encoding on any JSON.
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        let _ = canonical_json(&value);
        let _ = KEYS.verify_value(&value);
        let _ = parse_as(endpoint, value);
    }
});
