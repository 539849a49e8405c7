//! The RBI's rules are Khata's own, not the lender's catalogue: a lender that publishes its
//! catalogue without regulatory flags (the sandbox's `hide-rbi-flags`) is still found
//! collecting contacts and call logs, in the app's audit, in its export and in an export whose
//! catalogue lost its flags; and two lenders' catalogues for the same signal id stay each its
//! own.

use std::sync::Arc;

use khata_engine::audit::regulatory::{RegulatedData, RuleSource};
use khata_engine::audit::{self, FindingFacts, Rule};
use khata_engine::views::*;
use khata_engine::*;
use khata_sandbox::Scenario;
use khata_sandbox::launcher::Launcher;
use khata_vault::MemoryKeyStore;
use serde_json::Value;

use crate::{config, export_json, noop};

fn hiding() -> SandboxFaults {
    SandboxFaults {
        hide_rbi_flags: true,
        ..SandboxFaults::default()
    }
}

/// The prohibited-signal findings as (signal, kind of data), sorted, each checked to name the
/// RBI's rules as its source.
fn prohibited(r: &audit::AuditReport) -> Vec<(String, Option<RegulatedData>)> {
    let mut out: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == Rule::ProhibitedSignal)
        .map(|f| {
            let FindingFacts::Prohibited { data, source, .. } = &f.facts else {
                panic!("{:?}", f.facts)
            };
            assert_eq!(*source, RuleSource::rbi());
            (f.signal.clone().unwrap_or_default(), *data)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hidden_rbi_flags_do_not_silence_prohibited_signal() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let mut cfg = config(dir.path(), &keys);
    // Contract 1.x: the test edits the version 1 export document.
    cfg.sandbox = Some(Arc::new(crate::contract_v1(Launcher::new(
        Scenario::OverCollector,
    ))));
    let (engine, _) = Engine::open(cfg).await.unwrap();
    let lender = engine.connect_sandbox(noop).await.unwrap();
    engine.set_sandbox_faults(hiding()).await.unwrap();
    engine.sync(&lender.id, noop).await.unwrap();
    let req = engine.consent_requests().await.unwrap().remove(0);
    assert!(
        req.signals
            .iter()
            .all(|s| s.signal.regulatory_flags.is_empty()),
        "the lender's catalogue carries no flags"
    );
    let choices = req
        .signals
        .iter()
        .map(|s| SignalChoice {
            signal: s.signal.id.clone(),
            grant: true,
        })
        .collect();
    engine.decide(&req.id, choices).await.unwrap();
    engine.sandbox_collect().await.unwrap();
    engine.sync(&lender.id, noop).await.unwrap();

    let want = vec![
        (
            "call_log_pattern".to_string(),
            Some(RegulatedData::CallLogs),
        ),
        (
            "contacts_network".to_string(),
            Some(RegulatedData::ContactList),
        ),
    ];
    // The app: its audit, and the signals as the timeline shows them.
    assert_eq!(prohibited(&engine.audit().await.unwrap()), want);
    let page = engine
        .timeline(TimelineQuery {
            signal: Some("contacts_network".into()),
            limit: 10,
            ..TimelineQuery::default()
        })
        .await
        .unwrap();
    assert!(!page.items.is_empty());

    // The export, as `khata audit FILE` reads it.
    let out = dir.path().join("export.json");
    let bytes = export_json(&engine, &out).await;
    let now = khata_vault::now_ms();
    let from_file = audit::load::audit_export_bytes(&bytes, now, |_| {}).unwrap();
    assert_eq!(prohibited(&from_file), want);

    // Someone strips the catalogue further: no flags, bland categories and names, or no
    // catalogue at all. The finding stays.
    let mut doc: Value = serde_json::from_slice(&bytes).unwrap();
    for s in doc["signals"].as_array_mut().unwrap() {
        s["regulatory_flags"] = Value::Array(vec![]);
        s["category"] = "pd:Behavioral".into();
        s["name"] = "Score input".into();
    }
    let edited = serde_json::to_vec(&doc).unwrap();
    let r = audit::load::audit_export_bytes(&edited, now, |_| {}).unwrap();
    assert_eq!(prohibited(&r), want);
    doc["signals"] = Value::Array(vec![]);
    let edited = serde_json::to_vec(&doc).unwrap();
    let r = audit::load::audit_export_bytes(&edited, now, |_| {}).unwrap();
    assert_eq!(prohibited(&r), want);
    engine.close().await;
}
