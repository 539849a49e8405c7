//! Each lender's signal catalogue is kept under that lender: two lenders describing the same
//! signal id differently each keep their own description and flags, in the app's views and
//! in the export, whichever synced last.

use std::collections::BTreeSet;
use std::sync::Arc;

use khata_engine::*;
use khata_vault::MemoryKeyStore;
use serde_json::Value;

use crate::{config, connect_through_browser, export_json, noop};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_lenders_keep_their_own_catalogues() {
    // A second lender on loopback with the same signal ids and its flags intact.
    let other = khata_sandbox::start(khata_sandbox::SandboxConfig {
        lender_id: Some("second-lender".into()),
        ..khata_sandbox::SandboxConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = Engine::open(config(dir.path(), &keys)).await.unwrap();
    // The built-in sandbox publishes its catalogue without regulatory flags.
    let hiding = engine.connect_sandbox(noop).await.unwrap();
    engine
        .set_sandbox_faults(SandboxFaults {
            hide_rbi_flags: true,
            ..SandboxFaults::default()
        })
        .await
        .unwrap();
    let flagged = connect_through_browser(&engine, other.base_url(), None)
        .await
        .unwrap();
    assert_ne!(hiding.id, flagged.id);
    // The flagged lender first: with one shared catalogue, the hiding lender's would then
    // describe both.
    engine.sync(&flagged.id, noop).await.unwrap();
    engine.sync(&hiding.id, noop).await.unwrap();

    let reqs = engine.consent_requests().await.unwrap();
    let flags_at = |lender: &str| -> Vec<String> {
        let req = reqs
            .iter()
            .find(|r| r.lender_id == lender)
            .expect("a request");
        let s = req
            .signals
            .iter()
            .find(|s| s.signal.id == "sms_income")
            .expect("sms_income requested");
        s.signal.regulatory_flags.clone()
    };
    assert_eq!(flags_at(&flagged.id), vec!["sms-derived".to_string()]);
    assert_eq!(flags_at(&hiding.id), Vec::<String>::new());

    // The export lists each lender's catalogue under that lender.
    let out = dir.path().join("export.json");
    let doc: Value = serde_json::from_slice(&export_json(&engine, &out).await).unwrap();
    let listed: BTreeSet<(String, String)> = doc["signals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["id"] == "sms_income")
        .map(|s| {
            (
                s["lender_id"].as_str().unwrap_or("?").to_string(),
                s["regulatory_flags"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        BTreeSet::from([
            (flagged.id.clone(), r#"["sms-derived"]"#.to_string()),
            (hiding.id.clone(), "[]".to_string()),
        ])
    );
    engine.close().await;
    other.shutdown().await.unwrap();
}
