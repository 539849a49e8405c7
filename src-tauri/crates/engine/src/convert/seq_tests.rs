//! A lender's sequence numbers at the end of their range: kept exactly up to `i64::MAX`, refused
//! past it (they would wrap negative in the vault's i64 column).

use serde_json::json;

use super::*;

fn disclosure(seq: u64) -> (wire::Disclosure, Value) {
    let raw = json!({
        "disclosureId": "d1",
        "seq": seq,
        "lenderId": "L",
        "signal": "sms_income",
        "collectedAt": "2026-01-20T00:00:00Z",
        "purpose": "underwriting",
        "dataRange": {"from": "2026-01-01T00:00:00Z", "to": "2026-01-20T00:00:00Z"},
        "valueDigest": "sha256:00",
        "signature": {"keyId": "k", "alg": "Ed25519", "value": "x"},
    });
    (serde_json::from_value(raw.clone()).unwrap(), raw)
}

#[test]
fn sequence_numbers_past_i64_are_refused_not_wrapped() {
    let (d, raw) = disclosure(i64::MAX as u64);
    assert_eq!(disclosure_record(&d, &raw).unwrap().lender_seq, i64::MAX);
    let (d, raw) = disclosure(u64::MAX);
    let err = disclosure_record(&d, &raw).unwrap_err();
    assert_eq!(err.code(), "lender_rejected");
    assert!(err.to_string().contains("18446744073709551615"), "{err}");
}
