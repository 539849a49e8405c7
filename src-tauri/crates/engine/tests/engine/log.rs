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

use crate::{journey, noop};

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
