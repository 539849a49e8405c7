//! When the lender is away or a sync is cut short: reads keep working, sync reports the
//! outage, a real (non-sandbox) lender can go down, and a cancelled sync resumes.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use khata_engine::views::*;
use khata_engine::*;
use khata_vault::MemoryKeyStore;

use crate::{config, connect_through_browser, journey, noop, wait_confirmed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lender_down_reads_still_work_and_sync_reports_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = journey(dir.path(), &keys).await;
    let lender = engine.lenders().await.unwrap().remove(0);
    engine.sync(&lender.id, noop).await.unwrap();
    let before = engine.overview().await.unwrap();

    // Every request now fails with 503: the lender is down.
    engine
        .set_sandbox_faults(SandboxFaults {
            error_rate: 1.0,
            ..SandboxFaults::default()
        })
        .await
        .unwrap();
    let s = engine.sync(&lender.id, noop).await.unwrap();
    assert!(!s.reachable);
    let after = engine.overview().await.unwrap();
    assert_eq!(after.disclosures, before.disclosures, "vault untouched");
    assert!(!after.lenders[0].reachable);
    assert!(after.alerts.iter().any(|a| a.code == "lender_unreachable"));
    assert_eq!(engine.consents().await.unwrap().len(), 1);
    assert!(engine.latest_offer().await.unwrap().is_some());
    assert!(
        !engine
            .timeline(TimelineQuery {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap()
            .items
            .is_empty()
    );
    // A revocation made offline is kept and delivered when the lender is back.
    let consent = engine.consents().await.unwrap().remove(0);
    let r = engine.revoke(&consent.id, vec![]).await.unwrap();
    assert_ne!(r.state, DeliveryState::Confirmed);
    assert!(r.last_error.is_some());
    engine
        .set_sandbox_faults(SandboxFaults::default())
        .await
        .unwrap();
    wait_confirmed(&engine, &r.id).await;
    let s = engine.sync(&lender.id, noop).await.unwrap();
    assert!(s.reachable);
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_lender_connect_and_outage() {
    // A lender that is not the built-in sandbox: connected by URL with the loopback OAuth
    // flow (the "browser" follows the redirect), then shut down.
    let sb = khata_sandbox::start(khata_sandbox::SandboxConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let tokens: Arc<MemoryTokenStore> = Arc::new(MemoryTokenStore::default());
    let cfg = || {
        let mut c = config(dir.path(), &keys);
        c.token_store = Some(tokens.clone());
        c
    };
    let (engine, _) = Engine::open(cfg()).await.unwrap();
    let lender = connect_through_browser(&engine, sb.base_url(), None)
        .await
        .unwrap();
    assert!(!lender.is_sandbox);
    assert!(engine.sync(&lender.id, noop).await.unwrap().reachable);
    assert_eq!(engine.consent_requests().await.unwrap().len(), 1);
    let before = tokens.get(&lender.id).unwrap().unwrap();
    engine.close().await;
    // A new session reads the token pair from the token store and refreshes it (rotated).
    let (engine, _) = Engine::open(cfg()).await.unwrap();
    assert!(engine.sync(&lender.id, noop).await.unwrap().reachable);
    assert_ne!(tokens.get(&lender.id).unwrap().unwrap(), before);
    sb.shutdown().await.unwrap();
    let s = engine.sync(&lender.id, noop).await.unwrap();
    assert!(!s.reachable);
    assert_eq!(
        engine.consent_requests().await.unwrap().len(),
        1,
        "read from the vault"
    );
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_sync_stops_and_the_next_one_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _consent) = journey(dir.path(), &keys).await;
    let lender = SANDBOX_LENDER_ID;
    // Every response slow, so the sync is surely in flight when it is cancelled.
    engine
        .set_sandbox_faults(SandboxFaults {
            latency_ms: 1_500,
            ..SandboxFaults::default()
        })
        .await
        .unwrap();
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    let err = engine
        .sync_cancellable(lender, noop, cancel)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "cancelled", "{err}");

    engine
        .set_sandbox_faults(SandboxFaults::default())
        .await
        .unwrap();
    let done = engine
        .sync_cancellable(lender, noop, Arc::new(AtomicBool::new(false)))
        .await
        .unwrap();
    assert!(done.reachable);
    let (_, entries) = engine.verify_ledger().await.unwrap();
    assert!(entries > 0, "the vault is intact after the cut");
}
