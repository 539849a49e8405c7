//! Each lender's signal catalogue is kept under that lender: two lenders describing the same
//! signal id differently each keep their own description and flags, in the app's views and
//! in the export, whichever synced last.

use std::collections::BTreeSet;
use std::sync::Arc;

use khata_engine::views::TimelineQuery;
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

/// The lender's words per language travel from its catalogue to every view that shows a
/// signal: the consent request's signals, the offer's contributions (bin labels) and reasons,
/// the timeline's rows and the catalogue list the UI names findings' signals from.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lenders_words_in_hindi_reach_every_view() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = Engine::open(config(dir.path(), &keys)).await.unwrap();
    let lender = engine.connect_sandbox(noop).await.unwrap();
    // Income withheld: its missing bin costs points, so the offer carries a reason for it.
    crate::decide_first_request(&engine, &lender.id, |s| s != "sms_income").await;
    engine.sandbox_collect().await.unwrap();
    engine.sync(&lender.id, noop).await.unwrap();

    let catalogue = engine.signal_catalog().await.unwrap();
    let income = catalogue
        .iter()
        .find(|e| e.lender_id == lender.id && e.signal.id == "sms_income")
        .expect("income in the catalogue");
    let hi = income.signal.texts.hi.as_ref().expect("Hindi words");
    assert_eq!(hi.name, "SMS से पता चली आमदनी");
    assert_eq!(hi.bins["missing"], "नहीं दी गई");
    assert_eq!(
        income.signal.texts.en.as_ref().expect("English words").name,
        income.signal.name
    );

    let offer = engine.latest_offer().await.unwrap().expect("an offer");
    let row = offer
        .contributions
        .iter()
        .find(|c| c.signal == "sms_income")
        .expect("an income row");
    assert_eq!(row.bin, "missing");
    assert_eq!(
        row.texts
            .hi
            .as_ref()
            .unwrap()
            .bins
            .get(&row.bin)
            .map(String::as_str),
        Some("नहीं दी गई")
    );
    // Every reason the offer gives has its sentence in both languages, by its very code.
    assert!(!offer.top_adverse.is_empty());
    for reason in &offer.top_adverse {
        let en = reason.texts.en.as_ref().expect("English words");
        assert_eq!(
            en.reasons.get(&reason.code),
            Some(&reason.text),
            "{}",
            reason.code
        );
        assert!(
            reason
                .texts
                .hi
                .as_ref()
                .unwrap()
                .reasons
                .contains_key(&reason.code),
            "{}",
            reason.code
        );
    }

    let page = engine
        .timeline(TimelineQuery {
            limit: 5,
            ..TimelineQuery::default()
        })
        .await
        .unwrap();
    let first = page.items.first().expect("a disclosure");
    let names = first.signal_texts.hi.as_ref().expect("a Hindi name");
    assert!(!names.name.is_empty());
    assert!(
        names.bins.is_empty() && names.reasons.is_empty(),
        "names only on a row"
    );
}
