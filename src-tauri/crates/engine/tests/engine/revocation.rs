//! Revocations reach the lender exactly once: confirmed with a verified receipt, under
//! injected faults, across an engine dropped between send and acknowledgement, and from the
//! background outbox worker.

use std::sync::Arc;
use std::time::Duration;

use khata_engine::views::*;
use khata_engine::*;
use khata_lending::types as wire;
use khata_vault::MemoryKeyStore;

use crate::{config, journey, lender_consent, noop, wait_confirmed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoke_one_signal_is_confirmed_with_a_verified_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, consent) = journey(dir.path(), &keys).await;
    let r = engine
        .revoke(&consent.id, vec!["sms_income".into()])
        .await
        .unwrap();
    assert_eq!(r.signals, vec!["sms_income".to_string()]);
    let r = wait_confirmed(&engine, &r.id).await;
    assert!(r.receipt_id.is_some());
    let c = engine
        .consents()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.id == consent.id)
        .unwrap();
    assert_eq!(c.status, ConsentStatusView::Active);
    assert!(c.granted.iter().all(|s| s.id != "sms_income"));
    assert!(
        c.signature_verified,
        "the new artefact from the receipt verifies"
    );
    let lc = lender_consent(&engine, &consent.id).await;
    assert_eq!(lc.version, 2);
    assert_eq!(lc.signals_revoked, vec!["sms_income".to_string()]);
    // Revoking a signal twice is refused locally.
    assert_eq!(
        engine
            .revoke(&consent.id, vec!["sms_income".into()])
            .await
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    // Pause and resume go the same way.
    let p = engine.pause(&consent.id).await.unwrap();
    wait_confirmed(&engine, &p.id).await;
    assert_eq!(
        lender_consent(&engine, &consent.id).await.status,
        wire::ConsentStatus::Paused
    );
    let q = engine.resume(&consent.id).await.unwrap();
    wait_confirmed(&engine, &q.id).await;
    assert_eq!(
        lender_consent(&engine, &consent.id).await.status,
        wire::ConsentStatus::Active
    );
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocation_under_faults_lands_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, consent) = journey(dir.path(), &keys).await;
    // Every POST commits and then loses its response; half of all requests fail with 503.
    engine
        .set_sandbox_faults(SandboxFaults {
            drop_after_commit: 1.0,
            error_rate: 0.5,
            ..SandboxFaults::default()
        })
        .await
        .unwrap();
    let r = engine
        .revoke(&consent.id, vec!["wallet_txns".into()])
        .await
        .unwrap();
    for _ in 0..20 {
        let _ = engine.deliver_outbox().await;
    }
    engine
        .set_sandbox_faults(SandboxFaults::default())
        .await
        .unwrap();
    let r = wait_confirmed(&engine, &r.id).await;
    assert!(r.receipt_id.is_some());
    let lc = lender_consent(&engine, &consent.id).await;
    assert_eq!(lc.version, 2, "exactly one effect at the lender");
    assert_eq!(lc.signals_revoked, vec!["wallet_txns".to_string()]);
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_dropped_between_send_and_ack_delivers_once_after_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, consent) = journey(dir.path(), &keys).await;
    let cid = consent.id.clone();
    engine.close().await;

    // A client that never retries, and a lender that commits the revoke but loses the answer.
    let mut cfg = config(dir.path(), &keys);
    cfg.client.max_retries = 0;
    let (engine, _) = Engine::open(cfg).await.unwrap();
    // Sign in first, so the one dropped POST is the revoke (the token exchange is a POST too).
    let lender = engine.lenders().await.unwrap().remove(0);
    assert!(engine.sync(&lender.id, noop).await.unwrap().reachable);
    engine
        .set_sandbox_faults(SandboxFaults {
            drop_next: 1,
            ..SandboxFaults::default()
        })
        .await
        .unwrap();
    let r = engine.revoke(&cid, vec![]).await.unwrap();
    assert_ne!(r.state, DeliveryState::Confirmed);
    assert_eq!(r.attempts, 1);
    assert_eq!(
        lender_consent(&engine, &cid).await.status,
        wire::ConsentStatus::Revoked
    );
    drop(engine); // as if the app were killed: no close()

    let (engine, _) = Engine::open(config(dir.path(), &keys)).await.unwrap();
    let views = engine.consents().await.unwrap();
    assert_eq!(
        views[0].status,
        ConsentStatusView::Revoked,
        "recorded locally at once"
    );
    let r = wait_confirmed(&engine, &r.id).await;
    assert!(r.receipt_id.is_some());
    let lc = lender_consent(&engine, &cid).await;
    assert_eq!(lc.version, 2, "the retry replayed the first answer");
    assert_eq!(lc.status, wire::ConsentStatus::Revoked);
    assert_eq!(
        engine.deliver_outbox().await.unwrap(),
        0,
        "nothing left to send"
    );
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_worker_delivers_in_the_background_and_stops() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, consent) = journey(dir.path(), &keys).await;
    engine
        .set_sandbox_faults(SandboxFaults {
            error_rate: 1.0,
            ..SandboxFaults::default()
        })
        .await
        .unwrap();
    let r = engine.revoke(&consent.id, vec![]).await.unwrap();
    assert_ne!(r.state, DeliveryState::Confirmed);
    engine
        .set_sandbox_faults(SandboxFaults::default())
        .await
        .unwrap();
    let engine = Arc::new(engine);
    let worker = spawn_outbox_worker(engine.clone(), Duration::from_millis(20));
    let mut confirmed = false;
    for _ in 0..200 {
        if engine.revocation(&r.id).await.unwrap().state == DeliveryState::Confirmed {
            confirmed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    worker.stop().await;
    assert!(confirmed);
    Arc::try_unwrap(engine).unwrap().close().await;
}
