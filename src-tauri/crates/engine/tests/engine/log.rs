//! A contract-v2 lender's disclosure log, synced into the SQLCipher vault over loopback HTTP:
//! the leaves land as disclosures (timeline, audit and evidence read them), a second sync
//! stores nothing again, and a lender that rewrites its history (`forked-history`,
//! `drop-leaf`, `reorder-leaves`) is caught: the sync counts an anomaly and the audit shows a
//! fork proven by two of the lender's signed heads of one size.

use std::sync::Arc;

use khata_engine::audit::{FindingFacts, Rule};
use khata_engine::views::*;
use khata_engine::*;
use khata_vault::MemoryKeyStore;

use crate::{export_json, journey, noop};

async fn synced_log() -> (tempfile::TempDir, Engine, String) {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _consent) = journey(dir.path(), &keys).await;
    let lender = SANDBOX_LENDER_ID.to_string();
    engine.sandbox_collect().await.unwrap();
    let first = engine.sync(&lender, noop).await.unwrap();
    assert!(first.new_disclosures > 0, "the collection round was synced");
    assert_eq!(first.anomalies, 0);
    (dir, engine, lender)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaves_are_stored_once_and_read_as_disclosures() {
    let (_dir, engine, lender) = synced_log().await;
    let again = engine.sync(&lender, noop).await.unwrap();
    assert_eq!(
        again.new_disclosures, 0,
        "a second sync stores nothing again"
    );
    assert_eq!(again.anomalies, 0);

    // The audit reads every leaf as a disclosure and none as unreadable.
    let report = engine.audit().await.unwrap();
    let total = engine
        .timeline(TimelineQuery {
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .total;
    assert_eq!(report.summary.disclosures, total as u64);
    assert!(
        report.summary.unreadable.is_empty(),
        "{:?}",
        report.summary.unreadable
    );

    // A leaf's evidence is the leaf as committed and the signed head that covers it.
    let page = engine
        .timeline(TimelineQuery {
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    let id = page.items[0].id;
    let evidence = engine.evidence(id).await.unwrap();
    assert!(evidence.signature_verified, "the covering head verifies");
    let shown: serde_json::Value = serde_json::from_str(&evidence.statement_json).unwrap();
    assert!(shown["leaf"]["_sd"]["valueDigest"].is_string(), "{shown}");
    assert!(
        shown["treeHead"]["treeSize"].as_u64().unwrap() > shown["leaf"]["index"].as_u64().unwrap()
    );
}

/// The export is version 2: it verifies offline, `khata audit FILE` finds what the app's audit
/// finds, and an export for an advocate withholds every leaf's value digest and still verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_exports_as_version_2_verifies_audits_and_redacts() {
    let (dir, engine, _lender) = synced_log().await;
    let out = dir.path().join("export.json");
    let bytes = export_json(&engine, &out).await;
    assert!(khata_evidence::export_v2::is_v2(&bytes));
    let report = khata_engine::audit::verify::verify_export_bytes(&bytes, &mut |_, _| {})
        .expect("the export verifies");
    let logs = report.logs.expect("a version 2 report names the logs");
    assert_eq!(logs.len(), 1);
    assert!(logs[0].leaves > 0 && logs[0].heads_checked > 0);
    assert!(logs[0].withheld.is_empty() && logs[0].forks.is_empty());

    let in_app = engine.audit().await.unwrap();
    let from_file =
        khata_engine::audit::load::audit_export_bytes(&bytes, khata_vault::now_ms(), |_| {})
            .unwrap();
    let rules = |r: &khata_engine::audit::AuditReport| {
        let mut v: Vec<&str> = r.findings.iter().map(|f| f.rule.id()).collect();
        v.sort();
        v
    };
    assert_eq!(rules(&from_file), rules(&in_app));
    assert_eq!(from_file.summary.disclosures, in_app.summary.disclosures);

    let shared = dir.path().join("advocate.json");
    engine
        .export(
            &shared,
            ExportFormat::Json,
            ExportOptions {
                redact: vec!["valueDigest".into()],
                ..Default::default()
            },
            |_| {},
            Arc::new(std::sync::atomic::AtomicBool::new(false)),
        )
        .await
        .unwrap();
    let shared = std::fs::read(&shared).unwrap();
    let report = khata_engine::audit::verify::verify_export_bytes(&shared, &mut |_, _| {})
        .expect("a redacted export still verifies");
    let log = &report.logs.unwrap()[0];
    let withheld: Vec<(&str, u64)> = log
        .withheld
        .iter()
        .map(|w| (w.path.as_str(), w.count))
        .collect();
    assert_eq!(withheld, [("valueDigest", log.leaves)]);
    assert!(!String::from_utf8_lossy(&shared).contains("\"valueDigest\",\""));
}

async fn rewritten_history_is_a_fork(faults: SandboxFaults) {
    let (_dir, engine, lender) = synced_log().await;
    engine.set_sandbox_faults(faults).await.unwrap();
    engine.sandbox_collect().await.unwrap();
    let summary = engine.sync(&lender, noop).await.unwrap();
    assert_eq!(summary.anomalies, 1, "the contradiction is counted");
    let report = engine.audit().await.unwrap();
    let fork = report
        .findings
        .iter()
        .find(|f| f.rule == Rule::LogFork)
        .unwrap_or_else(|| panic!("no fork among {:?}", report.findings));
    let FindingFacts::LogFork { held, offered } = &fork.facts else {
        panic!("{:?}", fork.facts)
    };
    assert_eq!(held.tree_size, offered.tree_size);
    assert_ne!(held.root_hash, offered.root_hash);
    // The log stays where the borrower's leaves agree with the lender's signatures: a later
    // sync neither stores the rewritten leaves nor forgets the fork.
    let later = engine.sync(&lender, noop).await.unwrap();
    assert_eq!(later.new_disclosures, 0);
    // The export carries both heads: the verifier names the fork, `khata audit` finds it.
    let out = _dir.path().join("forked.json");
    let bytes = export_json(&engine, &out).await;
    let report = khata_engine::audit::verify::verify_export_bytes(&bytes, &mut |_, _| {})
        .expect("a fork is the lender's doing: the borrower's export still verifies");
    assert!(!report.logs.unwrap()[0].forks.is_empty());
    let from_file =
        khata_engine::audit::load::audit_export_bytes(&bytes, khata_vault::now_ms(), |_| {})
            .unwrap();
    assert!(from_file.findings.iter().any(|f| f.rule == Rule::LogFork));
    assert!(
        engine
            .audit()
            .await
            .unwrap()
            .findings
            .iter()
            .any(|f| f.rule == Rule::LogFork)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forked_history_is_a_fork_proven_by_two_heads() {
    rewritten_history_is_a_fork(SandboxFaults {
        forked_history: true,
        ..SandboxFaults::default()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reordered_leaves_are_a_fork_proven_by_two_heads() {
    rewritten_history_is_a_fork(SandboxFaults {
        reorder_leaves: true,
        ..SandboxFaults::default()
    })
    .await;
}
