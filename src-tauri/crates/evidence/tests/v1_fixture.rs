//! A real version 1 export, kept as a fixture (`tests/fixtures/export-v1.khata.json`: the
//! sandbox lender's salaried-good scenario synced into a real vault and exported by the engine,
//! 11 disclosures, 49 ledger entries), so the v1 path keeps verifying the files borrowers already
//! hold, whatever later versions of the format add.

use khata_evidence::verify::{self, KeyTrust, VerifyReport};
use serde_json::Value;

const FIXTURE: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../tests/fixtures/export-v1.khata.json"
));

fn report() -> VerifyReport {
    verify::verify_export_bytes(FIXTURE, &mut |_, _| {}).expect("the v1 fixture verifies")
}

#[test]
fn the_v1_fixture_verifies_on_both_strategies() {
    let r = report();
    assert_eq!(r.version, 1);
    assert_eq!(r.lenders, 1);
    assert_eq!(r.disclosures, 11);
    assert_eq!(r.ledger_entries, 49);
    assert_eq!(r.head_seq, 49);
    assert_eq!(
        r.head_hash,
        "ec65c964e2efac30165d5ddce0aeb5cfe283f51e76fd3fb449a9183b74c9f8d2"
    );
    assert_eq!(r.key_trust.len(), 1);
    assert_eq!(r.key_trust[0].lender_id, "khata-sandbox-lender");
    assert_eq!(r.key_trust[0].trust, KeyTrust::Pinned);
    assert!(r.sequence_gaps.is_empty());
    // The reference strategy on the parsed document gives the same report.
    let doc: Value = serde_json::from_slice(FIXTURE).unwrap();
    assert_eq!(verify::verify_export(&doc, &mut |_, _| {}).unwrap(), r);
}

#[test]
fn an_edit_of_the_v1_fixture_is_refused() {
    let mut doc: Value = serde_json::from_slice(FIXTURE).unwrap();
    let t = doc["disclosures"][3]["collectedAt"].as_i64().unwrap();
    doc["disclosures"][3]["collectedAt"] = Value::from(t + 1);
    let err = verify::verify_export_bytes(&serde_json::to_vec(&doc).unwrap(), &mut |_, _| {})
        .unwrap_err();
    assert_eq!(err.exit_code(), 1, "{err}");
    assert!(
        err.to_string().starts_with("/disclosures/3/collectedAt"),
        "{err}"
    );
}
