//! Redactable statements end to end: the vault keeps the lender's v2 consents, offers, quotes
//! and receipts as received, so an export with values withheld (customer id, bins) still
//! verifies and audits, and a changed disclosed value is caught.

use std::sync::Arc;

use khata_engine::audit::{self, verify};
use khata_lending::redact;
use khata_vault::MemoryKeyStore;
use serde_json::Value;

use crate::{export_json, journey, wait_confirmed};

/// Every signed statement of an export but the disclosures'.
fn statements_mut(doc: &mut Value) -> Vec<&mut Value> {
    let mut out = Vec::new();
    let Value::Object(map) = doc else {
        return out;
    };
    for (k, v) in map.iter_mut() {
        match (k.as_str(), v) {
            ("consentRecords", Value::Array(records)) => {
                for r in records {
                    if let Some(Value::Array(a)) = r.get_mut("signed_artefacts") {
                        out.extend(a.iter_mut());
                    }
                }
            }
            ("offers" | "quotes" | "receipts", Value::Array(list)) => out.extend(list.iter_mut()),
            _ => {}
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redacted_export_still_verifies_and_audits() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, consent) = journey(dir.path(), &keys).await;
    engine.what_if(vec!["sms_income".into()]).await.unwrap();
    let r = engine
        .revoke(&consent.id, vec!["sms_income".into()])
        .await
        .unwrap();
    wait_confirmed(&engine, &r.id).await;
    let bytes = export_json(&engine, &dir.path().join("export.json")).await;
    let now = khata_vault::now_ms();
    let whole = audit::load::audit_export_bytes(&bytes, now, |_| {}).unwrap();
    assert!(whole.summary.unreadable.is_empty(), "{:?}", whole.summary);
    assert_eq!(whole.summary.quotes, 1);
    let original = verify::verify_export_bytes(&bytes, &mut |_, _| {}).unwrap();

    // Stored as received: each is a v2 statement whose values are all disclosed.
    let mut doc: Value = serde_json::from_slice(&bytes).unwrap();
    let mut removed = Vec::new();
    for st in statements_mut(&mut doc) {
        assert!(st.get(redact::SD).is_some(), "a redactable statement: {st}");
        removed.extend(redact::withhold(st, &["customerId", "bin"]));
    }
    assert!(removed.iter().any(|p| p == "customerId"));
    assert!(removed.iter().any(|p| p.ends_with(".bin")));
    // The consent artefact still proves which member was withheld.
    let artefact = &doc["consentRecords"][0]["signed_artefacts"][0];
    assert_eq!(redact::reveal(artefact).unwrap().withheld, ["customerId"]);

    let redacted = serde_json::to_vec(&doc).unwrap();
    let v =
        verify::verify_export_bytes(&redacted, &mut |_, _| {}).expect("a redacted export verifies");
    assert_eq!(v.signatures_checked, original.signatures_checked);
    assert!(
        !original
            .withheld
            .contains(&"/consentRecords/0/signed_artefacts/0 customerId".into())
    );
    assert!(
        v.withheld
            .contains(&"/consentRecords/0/signed_artefacts/0 customerId".to_string())
    );
    assert!(
        v.withheld
            .iter()
            .any(|w| w.starts_with("/offers/0 ") && w.ends_with(".bin"))
    );
    let audited = audit::load::audit_export_bytes(&redacted, now, |_| {}).unwrap();
    assert!(
        audited.summary.unreadable.is_empty(),
        "{:?}",
        audited.summary
    );
    assert_eq!(audited.summary.by_rule, whole.summary.by_rule);
    assert_eq!(
        (
            audited.summary.consents,
            audited.summary.offers,
            audited.summary.quotes
        ),
        (
            whole.summary.consents,
            whole.summary.offers,
            whole.summary.quotes
        )
    );

    // A disclosed value changed: the signature still holds, the commitment does not.
    let mut tampered = doc.clone();
    let offer = &mut tampered["offers"][0];
    let triples = offer[redact::DISCLOSED].as_array_mut().unwrap();
    triples[0][2] = Value::String("changed".into());
    let tampered = serde_json::to_vec(&tampered).unwrap();
    let err = verify::verify_export_bytes(&tampered, &mut |_, _| {}).unwrap_err();
    assert!(
        err.to_string().contains("commitments"),
        "refused for the disclosure: {err}"
    );
    // Disclosures out of path order: refused, like any array out of its one order.
    let mut reordered: Value = serde_json::from_slice(&bytes).unwrap();
    let triples = reordered["consentRecords"][0]["signed_artefacts"][1][redact::DISCLOSED]
        .as_array_mut()
        .unwrap();
    assert_eq!(triples.len(), 2, "customerId and purpose.text");
    triples.swap(0, 1);
    let err = verify::verify_export_bytes(&serde_json::to_vec(&reordered).unwrap(), &mut |_, _| {})
        .unwrap_err();
    assert!(err.to_string().contains("path order"), "{err}");
    engine.close().await;
}
