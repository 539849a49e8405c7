//! Staying informed against the real over-collecting sandbox lender: the settings kept in the
//! vault, the review after each sync (what is new, told once, kept until shown), Home's stored
//! findings, and revoking explained (what stops, what the lender keeps until when, erasure in
//! the same flow).

use std::sync::Arc;
use std::time::Duration;

use khata_engine::views::*;
use khata_engine::*;
use khata_sandbox::Scenario;
use khata_vault::MemoryKeyStore;

use crate::audit::config;
use crate::{decide_first_request, noop};

async fn confirm(engine: &Engine, id: &str) {
    for _ in 0..300 {
        if engine.revocation(id).await.unwrap().state == DeliveryState::Confirmed {
            return;
        }
        let _ = engine.deliver_outbox().await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("revocation {id} never confirmed");
}

fn kinds(notices: &[Notice]) -> Vec<NoticeKind> {
    notices.iter().map(|n| n.kind).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_are_kept_in_the_vault_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = Engine::open(config(dir.path(), &keys, Scenario::SalariedGood))
        .await
        .unwrap();
    assert_eq!(engine.app_settings().await.unwrap(), AppSettings::default());
    let paused = AppSettings {
        background_sync: false,
        sync_interval_min: 60,
        notifications: false,
    };
    engine.set_app_settings(paused).await.unwrap();
    let too_often = AppSettings {
        sync_interval_min: 1,
        ..paused
    };
    assert!(matches!(
        engine.set_app_settings(too_often).await,
        Err(EngineError::InvalidInput(_))
    ));
    engine.close().await;
    let (engine, _) = Engine::open(config(dir.path(), &keys, Scenario::SalariedGood))
        .await
        .unwrap();
    assert_eq!(engine.app_settings().await.unwrap(), paused);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collection_after_revocation_is_told_once_and_home_lists_it() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = Engine::open(config(dir.path(), &keys, Scenario::OverCollector))
        .await
        .unwrap();
    let lender = engine.connect_sandbox(noop).await.unwrap();
    // The first look only takes stock; Home has a summary from then on.
    assert!(engine.review().await.unwrap().is_empty());
    assert!(engine.overview().await.unwrap().findings.is_some());

    let consent = decide_first_request(&engine, &lender.id, |_| true).await;
    engine.sandbox_collect().await.unwrap();
    engine.sync(&lender.id, noop).await.unwrap();
    let first = engine.review().await.unwrap();
    engine
        .acknowledge_notices(first.iter().map(|n| n.id).collect())
        .await
        .unwrap();

    // Revoking explained: every granted signal stops; what was collected is kept for the
    // data life from its last collection.
    let preview = engine
        .revocation_preview(&consent.id, vec![])
        .await
        .unwrap();
    assert_eq!(preview.lender_name, lender.name);
    assert_eq!(preview.stops.len(), consent.granted.len());
    assert!(!preview.kept.is_empty());
    for k in &preview.kept {
        assert!(
            k.keep_until.is_none_or(|u| u > k.last_collected_at),
            "{k:?}"
        );
    }
    assert_eq!(
        preview.keep_until,
        preview.kept.iter().filter_map(|k| k.keep_until).max()
    );
    assert!(
        engine
            .revocation_preview(&consent.id, vec!["no-such-signal".into()])
            .await
            .is_err()
    );

    let r = engine.revoke(&consent.id, vec![]).await.unwrap();
    confirm(&engine, &r.id).await;
    let erasure = engine
        .request_consent_erasure(&consent.id, "Please erase what you hold.".into())
        .await
        .unwrap();
    assert_eq!(erasure.kind, RightsKindView::Erasure);
    assert_eq!(erasure.lender_id, lender.id);

    // The over-collector keeps collecting after the revocation.
    engine.sandbox_collect().await.unwrap();
    engine.sync(&lender.id, noop).await.unwrap();
    let notices = engine.review().await.unwrap();
    assert!(
        kinds(&notices).contains(&NoticeKind::ReceiptConfirmed),
        "{notices:?}"
    );
    let after = notices
        .iter()
        .find(|n| n.kind == NoticeKind::CollectionAfterRevocation)
        .unwrap_or_else(|| panic!("no collection-after-revocation notice in {notices:?}"));
    assert_eq!(after.params["lender"], lender.name);
    assert_eq!(after.params["rule"], "collected-after-revocation");

    // Not shown yet: handed out again, never twice as new; once shown, gone.
    let again = engine.review().await.unwrap();
    assert_eq!(again, notices);
    engine
        .acknowledge_notices(notices.iter().map(|n| n.id).collect())
        .await
        .unwrap();
    assert!(engine.review().await.unwrap().is_empty());

    let home = engine.overview().await.unwrap();
    let findings = home.findings.expect("a stored summary");
    assert!(
        findings
            .alerts
            .iter()
            .any(|a| a.rule == "collected-after-revocation"
                && a.severity == "critical"
                && a.lender_name == lender.name)
    );
    assert!(findings.by_severity.get("critical").copied().unwrap_or(0) > 0);
    // Critical first, and within it a collection after the revocation leads.
    assert_eq!(findings.alerts[0].rule, "collected-after-revocation");
    // The revoked consent no longer counts towards a closed loan's revocations.
    assert!(
        home.closed_loans
            .iter()
            .all(|l| !l.active_consent_ids.contains(&consent.id))
    );
}
