//! Arbitrary bytes as an export: `khata verify` (khata-evidence's `verify_export_bytes`, which the
//! CLI's verify and audit commands and the app's Verify screen run) must answer valid / invalid
//! / unusable, never panic — and its fast path must give exactly the answer of the reference
//! verifier (`verify_export` on the whole parsed document).
//!
//! Whatever parses as JSON also goes through the audit's loader and rules, verified or not: a
//! lender holds its own key and can sign anything, so the rules see lender-chosen content.
#![no_main]

use khata_evidence::audit::{self, export};
use khata_evidence::verify;
use libfuzzer_sys::fuzz_target;

/// A fixed "now" (2025-11-29), so a crash reproduces whatever day it is replayed.
const NOW_MS: i64 = 1_764_393_600_000;

fuzz_target!(|data: &[u8]| {
    let answer = verify::verify_export_bytes(data, &mut |_, _| {});
    match serde_json::from_slice::<serde_json::Value>(data) {
        Ok(doc) => {
            // An error comes from the reference already (the fast path only ever says "valid");
            // a "valid" must be the reference's answer too.
            if answer.is_ok() {
                let reference = verify::verify_export(&doc, &mut |_, _| {});
                assert_eq!(answer, reference, "fast path and reference disagree");
            }
            let input = export::from_export(&doc, NOW_MS);
            let _ = audit::audit(&input);
        }
        Err(_) => assert!(
            matches!(answer, Err(verify::VerifyError::Unusable { .. })),
            "not JSON, yet {answer:?}"
        ),
    }
});
