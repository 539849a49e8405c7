//! Exports: JSON that round-trips and ends with the ledger head, CSV, ZIP and HTML.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use khata_engine::views::*;
use khata_lending::KeyRing;
use khata_lending::types as wire;
use khata_vault::MemoryKeyStore;

use crate::{journey, noop, wait_confirmed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_json_round_trips_and_ends_with_the_ledger_head() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, consent) = journey(dir.path(), &keys).await;
    let lender = engine.lenders().await.unwrap().remove(0);
    engine.sync(&lender.id, noop).await.unwrap();
    let r = engine
        .revoke(&consent.id, vec!["sms_income".into()])
        .await
        .unwrap();
    wait_confirmed(&engine, &r.id).await;

    let out = dir.path().join("export.json");
    let summary = engine
        .export(
            &out,
            ExportFormat::Json,
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
        .await
        .unwrap();
    let (head, entries) = engine.verify_ledger().await.unwrap();
    assert_eq!(summary.ledger_head, head);
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(bytes.len() as u64, summary.bytes);
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(doc["format"], "khata-export");
    assert_eq!(doc["ledger"]["head"]["hash"], head);

    // The chain recomputes from the export alone.
    let ledger = doc["ledger"]["entries"].as_array().unwrap();
    assert_eq!(ledger.len() as u64, entries);
    let mut prev = [0u8; 32];
    for e in ledger {
        let e: khata_vault::LedgerEntry = serde_json::from_value(e.clone()).unwrap();
        assert_eq!(e.prev_hash, prev);
        let h = khata_vault::entry_hash(
            e.seq,
            e.at,
            &e.kind,
            &e.record_id,
            &e.payload_digest,
            &e.prev_hash,
        );
        assert_eq!(h, e.hash);
        prev = h;
    }
    assert_eq!(hex::encode(prev), head);

    // Every lender statement verifies offline against the keys in the export.
    let keys_json = doc["lenders"][0]["keys"].clone();
    let infos: Vec<wire::PublicKeyInfo> = serde_json::from_value(keys_json).unwrap();
    let ring = KeyRing::from_public(&infos).unwrap();
    let disclosures = doc["disclosures"].as_array().unwrap();
    assert!(!disclosures.is_empty());
    for d in disclosures {
        ring.verify_value(&d["statement"]).unwrap();
    }
    let records = doc["consentRecords"].as_array().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["schema_version"], "ISO/IEC TS 27560:2023");
    let artefacts = records[0]["signed_artefacts"].as_array().unwrap();
    assert_eq!(artefacts.len(), 2);
    for a in artefacts {
        ring.verify_value(a).unwrap();
    }
    for kind in ["offers", "receipts"] {
        let list = doc[kind].as_array().unwrap();
        assert!(!list.is_empty(), "{kind}");
        for s in list {
            ring.verify_value(s).unwrap();
        }
    }

    // Cancelled: an error, and no file left behind.
    let out2 = dir.path().join("cancelled.json");
    let err = engine
        .export(
            &out2,
            ExportFormat::Json,
            |_| {},
            Arc::new(AtomicBool::new(true)),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "cancelled");
    assert!(!out2.exists());
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_zip_and_html_exports() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = journey(dir.path(), &keys).await;
    let lender = engine.lenders().await.unwrap().remove(0);
    engine.sync(&lender.id, noop).await.unwrap();
    let (head, _) = engine.verify_ledger().await.unwrap();

    let zip = dir.path().join("export.zip");
    let s = engine
        .export(
            &zip,
            ExportFormat::Csv,
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
        .await
        .unwrap();
    assert_eq!(s.ledger_head, head);
    let bytes = std::fs::read(&zip).unwrap();
    assert_eq!(bytes.len() as u64, s.bytes);
    assert_eq!(&bytes[..4], b"PK\x03\x04");
    // The system unzip reads it back (skipped when it is not installed).
    if let Ok(out) = std::process::Command::new("unzip")
        .arg("-p")
        .arg(&zip)
        .arg("disclosures.csv")
        .output()
        && out.status.success()
    {
        {
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(text.starts_with("id,lender_id,lender_ref,signal"));
            let overview = engine.overview().await.unwrap();
            assert_eq!(text.lines().count() as i64, overview.disclosures + 1);
            let t = std::process::Command::new("unzip")
                .arg("-t")
                .arg(&zip)
                .output()
                .unwrap();
            assert!(t.status.success(), "{}", String::from_utf8_lossy(&t.stdout));
        }
    }

    let html = dir.path().join("report.html");
    let s = engine
        .export(
            &html,
            ExportFormat::Html,
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
        .await
        .unwrap();
    assert_eq!(s.ledger_head, head);
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.starts_with("<!doctype html>"));
    assert!(text.ends_with("</html>"));
    assert!(text.contains(&head));
    engine.close().await;
}
