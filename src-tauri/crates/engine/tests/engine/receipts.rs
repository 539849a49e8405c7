//! A lender's answers judged against what the borrower asked, through the real engine, vault
//! and sandbox lender: receipts dated in the future or keeping the consent ACTIVE confirm
//! nothing, a consent wider than the decision does not widen it locally, and a lender that
//! never acknowledges a revocation is still held to it from the moment the borrower asked.

use std::sync::Arc;
use std::time::Duration;

use khata_engine::audit::{self, AuditReport, FindingFacts, Rule};
use khata_engine::views::*;
use khata_engine::*;
use khata_sandbox::Scenario;
use khata_sandbox::launcher::Launcher;
use khata_vault::MemoryKeyStore;

use crate::{DENY, config, decide_first_request, export_json, journey, noop};

/// A few delivery passes (each failure waits out a short backoff).
async fn try_delivering(engine: &Engine) {
    for _ in 0..8 {
        let _ = engine.deliver_outbox().await;
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
}

fn contradicted_fields(report: &AuditReport, rule: Rule) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .filter_map(|f| match &f.facts {
            FindingFacts::Contradicts { field, .. } => Some(field.clone()),
            _ => None,
        })
        .collect()
}

async fn local_consent(engine: &Engine, id: &str) -> ConsentView {
    engine.consent(id).await.unwrap()
}

/// Revokes the whole consent under `faults` and checks that the receipt confirmed nothing,
/// the consent stayed revoked locally (also after a sync), and the audit names `field`.
async fn revoke_against(faults: SandboxFaults, field: &str) {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, consent) = journey(dir.path(), &keys).await;
    engine.set_sandbox_faults(faults).await.unwrap();
    let r = engine.revoke(&consent.id, vec![]).await.unwrap();
    try_delivering(&engine).await;
    let r = engine.revocation(&r.id).await.unwrap();
    assert_ne!(r.state, DeliveryState::Confirmed, "{field}: {r:?}");
    assert!(r.receipt_id.is_none(), "{field}");
    assert_eq!(
        local_consent(&engine, &consent.id).await.status,
        ConsentStatusView::Revoked,
        "{field}"
    );
    // The lender's consent list does not set it back either.
    engine.sync(&consent.lender_id, noop).await.unwrap();
    assert_eq!(
        local_consent(&engine, &consent.id).await.status,
        ConsentStatusView::Revoked,
        "{field} after sync"
    );
    let report = engine.audit().await.unwrap();
    let fields = contradicted_fields(&report, Rule::ReceiptContradictsRequest);
    assert!(fields.iter().any(|f| f == field), "{field}: {fields:?}");
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_dated_years_ahead_confirms_nothing() {
    revoke_against(
        SandboxFaults {
            future_receipts: true,
            ..SandboxFaults::default()
        },
        "effectiveAt",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_keeping_the_consent_active_confirms_nothing() {
    revoke_against(
        SandboxFaults {
            receipt_keeps_active: true,
            ..SandboxFaults::default()
        },
        "status",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consent_wider_than_the_decision_is_altered_and_denials_hold() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = Engine::open(config(dir.path(), &keys)).await.unwrap();
    let lender = engine.connect_sandbox(noop).await.unwrap();
    engine
        .set_sandbox_faults(SandboxFaults {
            widen_consent: true,
            ..SandboxFaults::default()
        })
        .await
        .unwrap();
    let consent = decide_first_request(&engine, &lender.id, |signal| !DENY.contains(&signal)).await;
    // Locally, the borrower's choice holds, whatever the lender signed (also after a sync).
    engine.sync(&lender.id, noop).await.unwrap();
    let local = local_consent(&engine, &consent.id).await;
    for d in DENY {
        assert!(
            local.granted.iter().all(|s| s.id != d),
            "{d} granted locally"
        );
        assert!(
            local.denied.iter().any(|s| s.id == d),
            "{d} not denied locally"
        );
    }
    // The lender collects what it signed for itself; the denials are what count.
    engine.sandbox_collect().await.unwrap();
    engine.sync(&lender.id, noop).await.unwrap();
    let report = engine.audit().await.unwrap();
    let fields = contradicted_fields(&report, Rule::ConsentAltered);
    assert!(
        fields.iter().any(|f| f == "signalsGranted"),
        "{:?}",
        report.summary
    );
    let denied: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == Rule::SignalDenied)
        .filter_map(|f| f.signal.clone())
        .collect();
    assert!(
        DENY.iter().any(|d| denied.iter().any(|s| s == d)),
        "no signal-denied for {DENY:?}: {:?}",
        report.summary
    );
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lender_that_never_acknowledges_is_held_to_the_request() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    // A lender that collects whatever it is told (an honest one waits out the consent's
    // frequency, so it would collect nothing new within the test).
    let mut cfg = config(dir.path(), &keys);
    // Contract 1.x: the test edits the version 1 export document.
    cfg.sandbox = Some(Arc::new(crate::contract_v1(Launcher::new(
        Scenario::OverCollector,
    ))));
    let (engine, _) = Engine::open(cfg).await.unwrap();
    let lender = engine.connect_sandbox(noop).await.unwrap();
    let consent = decide_first_request(&engine, &lender.id, |_| true).await;
    engine
        .set_sandbox_faults(SandboxFaults {
            never_acknowledge: true,
            ..SandboxFaults::default()
        })
        .await
        .unwrap();
    let r = engine.revoke(&consent.id, vec![]).await.unwrap();
    try_delivering(&engine).await;
    assert_ne!(
        engine.revocation(&r.id).await.unwrap().state,
        DeliveryState::Confirmed
    );
    // The lender, never told, keeps collecting.
    engine.sandbox_collect().await.unwrap();
    engine.sync(&consent.lender_id, noop).await.unwrap();
    let report = engine.audit().await.unwrap();
    let after = report
        .findings
        .iter()
        .find(|f| f.rule == Rule::CollectedAfterRevocation)
        .unwrap_or_else(|| panic!("no collected-after-revocation: {:?}", report.summary));
    assert_eq!(
        after.facts,
        FindingFacts::Revoked {
            revoked_at: r.requested_at
        }
    );
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.rule != Rule::RevocationUnacknowledged),
        "not yet: the deadline has not passed"
    );
    // The export carries the request: `khata audit FILE` three days on finds both.
    let out = dir.path().join("export.json");
    let bytes = export_json(&engine, &out).await;
    audit::verify::verify_export_bytes(&bytes, &mut |_, _| {}).expect("the export verifies");
    // The requests are covered by the borrower's ledger: edited or dropped, the export fails.
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert!(!doc["borrowerRequests"].as_array().unwrap().is_empty());
    let k = doc["borrowerRequests"]
        .as_array()
        .unwrap()
        .iter()
        .position(|r| r["type"] == "consentAction")
        .expect("the revocation is exported");
    assert_eq!(doc["borrowerRequests"][k]["requestedAt"], r.requested_at);
    let mut edited = doc.clone();
    // A day later: the lender's collections in between would no longer count against it.
    edited["borrowerRequests"][k]["requestedAt"] = (r.requested_at + 86_400_000).into();
    let mut dropped = doc.clone();
    dropped["borrowerRequests"] = serde_json::json!([]);
    for (what, d) in [("edited", edited), ("dropped", dropped)] {
        let b = serde_json::to_vec(&d).unwrap();
        let e = audit::verify::verify_export_bytes(&b, &mut |_, _| {}).unwrap_err();
        assert_eq!(e.exit_code(), 1, "{what}: {e}");
    }
    let later = r.requested_at + audit::REVOCATION_ACK_DEADLINE_MS + 60_000;
    let offline = audit::load::audit_export_bytes(&bytes, later, |_| {}).unwrap();
    for rule in [
        Rule::CollectedAfterRevocation,
        Rule::RevocationUnacknowledged,
    ] {
        assert!(
            offline.findings.iter().any(|f| f.rule == rule),
            "{} missing: {:?}",
            rule.id(),
            offline.summary
        );
    }
    engine.close().await;
}
