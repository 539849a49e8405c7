//! Exports to share with an advocate: a lender's redactable (contract v2) statements lose the
//! values asked for and the file still verifies; v1 statements are kept whole and counted; the
//! vault's own copies of withheld fields and the borrower's own words are blanked.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use khata_contract::redact;
use khata_engine::audit::verify;
use khata_engine::views::*;
use khata_vault::MemoryKeyStore;
use serde_json::Value;

use crate::{config, journey};

async fn export(engine: &khata_engine::Engine, out: &Path, redact: Vec<String>) -> ExportSummary {
    engine
        .export(
            out,
            ExportFormat::Json,
            ExportOptions {
                redact,
                ..Default::default()
            },
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
        .await
        .unwrap()
}

/// Both verifier strategies accept `bytes`.
fn verifies(bytes: &[u8]) {
    verify::verify_export_bytes(bytes, &mut |_, _| {}).expect("fast path");
    let doc: Value = serde_json::from_slice(bytes).unwrap();
    verify::verify_export(&doc, &mut |_, _| {}).expect("reference");
}

fn count(list: &[PathCount], path: &str) -> u64 {
    list.iter()
        .find(|c| c.path == path)
        .map(|c| c.count)
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_advocate_export_withholds_what_it_can_and_still_verifies() {
    const OWN_WORDS: &str = "Erase everything about Priya at 12 Lake Road";
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, consent) = journey(dir.path(), &keys).await;
    let lender = engine.lenders().await.unwrap().remove(0);
    engine
        .request_right(
            &lender.id,
            RightsKindView::Erasure,
            OWN_WORDS.into(),
            Default::default(),
            None,
        )
        .await
        .unwrap();
    engine.close().await;

    // The sandbox speaks contract v2: the vault holds its consent artefact and its offer as
    // received, with their commitments and disclosed values.
    let (customer_id, offer_id, bins) = {
        let path = dir.path().join(khata_engine::VAULT_FILE);
        let v = khata_vault::Vault::open(&path, khata_vault::Unlock::Keychain(&*keys)).unwrap();
        let artefact = v.statements("consent", &consent.id).unwrap().pop().unwrap();
        let a: Value = serde_json::from_slice(&artefact.json).unwrap();
        assert!(a.get(redact::SD).is_some(), "a v2 artefact: {a}");
        let a = redact::plain(a).unwrap();
        let customer_id = a["customerId"].as_str().unwrap().to_owned();
        let offer = v.statements_of_kind("offer", None).unwrap().remove(0);
        let o: Value = serde_json::from_slice(&offer.json).unwrap();
        assert!(o.get(redact::SD).is_some(), "a v2 offer: {o}");
        let o = redact::plain(o).unwrap();
        let bins = o["explanation"]["contributions"].as_array().unwrap().len() as u64;
        (customer_id, offer.id, bins)
    };
    assert!(bins > 0);

    let (engine, _) = khata_engine::Engine::open(config(dir.path(), &keys))
        .await
        .unwrap();

    // A full export reads the v2 artefact's disclosed customer id and keeps every value.
    let full = dir.path().join("full.khata.json");
    let s = export(&engine, &full, vec![]).await;
    assert_eq!(s.redaction, None);
    let full_bytes = std::fs::read(&full).unwrap();
    verifies(&full_bytes);
    let doc: Value = serde_json::from_slice(&full_bytes).unwrap();
    assert_eq!(doc["consentRecords"][0]["pii_principal_id"], customer_id);
    assert!(String::from_utf8_lossy(&full_bytes).contains(OWN_WORDS));

    // The advocate's export.
    let shared = dir.path().join("advocate.khata.json");
    let s = export(
        &engine,
        &shared,
        khata_engine::redaction::advocate_patterns(),
    )
    .await;
    let bytes = std::fs::read(&shared).unwrap();
    verifies(&bytes);
    assert_eq!(bytes.len() as u64, s.bytes);
    let r = s.redaction.expect("a redaction summary");
    assert_eq!(r.patterns, ["customerId", "valueDigest", "bin", "text"]);
    assert_eq!(count(&r.withheld, "customerId"), 1);
    assert_eq!(count(&r.withheld, "purpose.text"), 1);
    assert_eq!(count(&r.withheld, "explanation.contributions.*.bin"), bins);
    assert!(count(&r.withheld, "explanation.reasonCodes.*.text") > 0);
    // The v1 disclosures hold such fields (value digests) and stay whole.
    assert!(r.not_redactable > 0, "{r:?}");
    assert_eq!(count(&r.blanked, "consentRecords.*.pii_principal_id"), 1);
    assert_eq!(
        count(&r.blanked, "consentRecords.*.processing.purposes.*.purpose"),
        1
    );
    assert_eq!(count(&r.blanked, "rightsRequests.*.details"), 1);
    assert_eq!(r.kept, ["borrowerRequests"]);

    let doc = crate::document(&bytes);
    let record = &doc["consentRecords"][0];
    assert_eq!(record["pii_principal_id"], Value::Null);
    assert_eq!(record["processing"]["purposes"][0]["purpose"], Value::Null);
    // The borrower's own words are left only where the lender signed them (its v1 answer to
    // the rights request, kept whole and counted above).
    let mut unsigned = doc.clone();
    let answers = unsigned["rightsStatements"].take();
    assert!(answers.to_string().contains(OWN_WORDS));
    assert!(!unsigned.to_string().contains(OWN_WORDS));
    // The v2 artefact: its commitments stand, its triples for the withheld fields are gone.
    let artefact = record["signed_artefacts"]
        .as_array()
        .unwrap()
        .last()
        .unwrap();
    let revealed = redact::reveal(artefact).unwrap();
    let mut withheld = revealed.withheld.clone();
    withheld.sort();
    assert_eq!(withheld, ["customerId", "purpose.text"]);
    assert!(revealed.value.get("customerId").is_none());
    assert_eq!(revealed.value["consentId"], consent.id.as_str());
    let offer = doc["offers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["offerId"] == offer_id.as_str())
        .unwrap();
    assert_eq!(offer[redact::DISCLOSED], Value::Array(vec![]));
    let revealed = redact::reveal(offer).unwrap();
    assert_eq!(
        revealed
            .withheld
            .iter()
            .filter(|p| p.ends_with(".bin"))
            .count() as u64,
        bins
    );
    // Same vault, same ledger: only what no signature or ledger entry covers changed.
    assert_eq!(
        doc["ledger"],
        serde_json::from_slice::<Value>(&full_bytes).unwrap()["ledger"]
    );

    // The CSV and HTML exports refuse to redact, and write nothing.
    for (name, format) in [("x.zip", ExportFormat::Csv), ("x.html", ExportFormat::Html)] {
        let out = dir.path().join(name);
        let err = engine
            .export(
                &out,
                format,
                ExportOptions {
                    redact: vec!["bin".into()],
                    ..Default::default()
                },
                |_| {},
                Arc::new(AtomicBool::new(false)),
            )
            .await
            .unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(!out.exists());
    }
    engine.close().await;
}
