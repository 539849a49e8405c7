//! A lender is its origin and its keys, not the id it claims: an impostor claiming a connected
//! lender's id is refused with nothing changed, a re-pin keeps the old keys for old statements,
//! a key rotation counts only when the old key endorses it, and a lender cannot take over
//! another lender's records by naming them or reusing their ids.

use std::sync::Arc;

use khata_engine::views::*;
use khata_engine::*;
use khata_lending::LendingClient;
use khata_lending::types as wire;
use khata_sandbox::faults::KeyRotation;
use khata_sandbox::{Faults, RunningSandbox, SandboxConfig};
use khata_vault::MemoryKeyStore;

use crate::{
    config, connect_through_browser, decide_first_request, fast_client, noop, wait_confirmed,
};

/// A lender on its own loopback port (not the built-in sandbox), with `faults` from the start.
async fn lender(faults: &[&str]) -> RunningSandbox {
    let mut f = Faults::default();
    for spec in faults {
        f.apply_spec(spec).unwrap();
    }
    khata_sandbox::start(SandboxConfig {
        faults: Some(f),
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

/// Connects a lender by URL (the "browser" follows the authorize redirect).
async fn connect(engine: &Engine, url: &str, repin: Option<String>) -> Result<LenderView> {
    connect_through_browser(engine, url, repin).await
}

/// Syncs `lender_id` and grants its pending request in full; returns the consent.
async fn grant(engine: &Engine, lender_id: &str) -> ConsentView {
    decide_first_request(engine, lender_id, |_| true).await
}

/// Revokes the consent's first granted signal and waits for the lender's verified receipt.
async fn revoke_first_granted(engine: &Engine, given: &ConsentView) {
    let r = engine
        .revoke(&given.id, vec![given.granted[0].id.clone()])
        .await
        .unwrap();
    wait_confirmed(engine, &r.id).await;
}

/// The lender's own view of a consent.
async fn consent_at(sb: &RunningSandbox, consent_id: &str) -> wire::Consent {
    let c = LendingClient::connect(sb.base_url(), fast_client())
        .await
        .unwrap();
    let tok = c.authorize_headless("khata-tests").await.unwrap();
    c.with_access_token(tok.access_token)
        .consent(consent_id)
        .await
        .unwrap()
}

async fn consent(engine: &Engine, id: &str) -> ConsentView {
    engine
        .consents()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.id == id)
        .expect("consent in the vault")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_impostor_claiming_a_connected_lenders_id_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let tokens = Arc::new(MemoryTokenStore::default());
    let mut cfg = config(dir.path(), &keys);
    cfg.token_store = Some(tokens.clone());
    let (engine, _) = Engine::open(cfg).await.unwrap();

    let first = lender(&[]).await;
    let a = connect(&engine, first.base_url(), None).await.unwrap();
    let given = grant(&engine, &a.id).await;
    let token_before = tokens.get(&a.id).unwrap().expect("token stored");
    let lenders_before = engine.lenders().await.unwrap();

    // Another lender, on another port with its own key, claims the first one's id.
    let impostor = lender(&[&format!("claim-lender-id={}", a.id)]).await;
    let err = connect(&engine, impostor.base_url(), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "lender_identity_conflict", "{err}");
    let EngineError::LenderIdentityConflict(conflict) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(conflict.lender_id, a.id);
    assert_eq!(conflict.pinned_origin, first.base_url());
    assert_eq!(conflict.offered_origin, impostor.base_url());
    assert_ne!(conflict.pinned_fingerprint, conflict.offered_fingerprint);
    // Nothing stored changed: token, link, keys.
    assert_eq!(tokens.get(&a.id).unwrap().unwrap(), token_before);
    assert_eq!(engine.lenders().await.unwrap(), lenders_before);

    // The first lender's revocations still go to it, and its statements still verify.
    revoke_first_granted(&engine, &given).await;
    let at_first = consent_at(&first, &given.id).await;
    assert_eq!(at_first.signals_revoked, vec![given.granted[0].id.clone()]);
    assert!(consent(&engine, &given.id).await.signature_verified);
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repin_needs_the_offered_fingerprint_and_keeps_the_old_keys() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = Engine::open(config(dir.path(), &keys)).await.unwrap();
    let first = lender(&[]).await;
    let a = connect(&engine, first.base_url(), None).await.unwrap();
    let given = grant(&engine, &a.id).await;

    let successor = lender(&[&format!("claim-lender-id={}", a.id)]).await;
    let EngineError::LenderIdentityConflict(conflict) =
        connect(&engine, successor.base_url(), None)
            .await
            .unwrap_err()
    else {
        panic!("refused as a conflict")
    };
    // Re-pinning to any other fingerprint (here the old one) is still refused.
    let wrong = connect(
        &engine,
        successor.base_url(),
        Some(conflict.pinned_fingerprint.clone()),
    )
    .await
    .unwrap_err();
    assert_eq!(wrong.code(), "lender_identity_conflict");
    // The borrower compared the fingerprints and re-pins, typed without spaces.
    let typed = conflict.offered_fingerprint.replace(' ', "").to_lowercase();
    let b = connect(&engine, successor.base_url(), Some(typed))
        .await
        .unwrap();
    assert_eq!(b.api_base, successor.base_url());
    // The consent signed with the first lender's (now retired) key still verifies.
    assert!(consent(&engine, &given.id).await.signature_verified);
    assert!(engine.sync(&b.id, noop).await.unwrap().reachable);
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_rotation_counts_only_when_the_old_key_endorses_it() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = Engine::open(config(dir.path(), &keys)).await.unwrap();
    let sb = lender(&[]).await;
    let a = connect(&engine, sb.base_url(), None).await.unwrap();
    let given = grant(&engine, &a.id).await;
    let old_key = sb.key_id().to_string();

    // A new key with no endorsement looks like any other lender's key: refused.
    sb.set_faults(Faults {
        rotate_key: KeyRotation::Unendorsed,
        ..Faults::default()
    });
    assert_ne!(sb.key_id(), old_key);
    let err = connect(&engine, sb.base_url(), None).await.unwrap_err();
    assert_eq!(err.code(), "lender_identity_conflict", "{err}");

    // The same new key endorsed by the old one: accepted without a re-pin.
    sb.set_faults(Faults {
        rotate_key: KeyRotation::Endorsed,
        ..Faults::default()
    });
    connect(&engine, sb.base_url(), None).await.unwrap();
    // Statements signed by the new key are accepted, the old key's still verify.
    let s = engine.sync(&a.id, noop).await.unwrap();
    assert!(s.reachable);
    revoke_first_granted(&engine, &given).await;
    assert!(consent(&engine, &given.id).await.signature_verified);
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_lender_cannot_take_over_the_first_ones_consent() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = Engine::open(config(dir.path(), &keys)).await.unwrap();
    let first = lender(&[]).await;
    let a = connect(&engine, first.base_url(), None).await.unwrap();
    let given = grant(&engine, &a.id).await;
    let before = consent(&engine, &given.id).await;

    // A second, honestly named lender grants a consent under the first one's consent id.
    let second = lender(&[
        "claim-lender-id=second-lender",
        &format!("reuse-consent-id={}", given.id),
    ])
    .await;
    let b = connect(&engine, second.base_url(), None).await.unwrap();
    assert_eq!(b.id, "second-lender");
    engine.sync(&b.id, noop).await.unwrap();
    let req = engine
        .consent_requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.lender_id == b.id)
        .expect("the second lender's request");
    let choices = req
        .signals
        .iter()
        .map(|s| SignalChoice {
            signal: s.signal.id.clone(),
            grant: true,
        })
        .collect();
    let err = engine.decide(&req.id, choices).await.unwrap_err();
    assert_eq!(err.code(), "lender_rejected", "{err}");
    // Syncing it again refuses the record (counted) and keeps the first lender's consent.
    let s = engine.sync(&b.id, noop).await.unwrap();
    assert_eq!(s.anomalies, 1);
    let after = consent(&engine, &given.id).await;
    assert_eq!(after.lender_id, a.id);
    assert_eq!(after, before);
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_naming_another_lender_are_refused_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = Engine::open(config(dir.path(), &keys)).await.unwrap();
    // Contract 1.x: each record names its lender (a 2.x log's heads do, and a head naming
    // another lender stops the log's sync: `log.rs`).
    let sb = lender(&["contract-v1=1"]).await;
    let a = connect(&engine, sb.base_url(), None).await.unwrap();
    let given = grant(&engine, &a.id).await;
    assert_eq!(engine.sync(&a.id, noop).await.unwrap().anomalies, 0);

    // The same lender (same origin, same key) now names another lender in what it sends.
    sb.set_faults(Faults {
        claim_lender_id: Some("someone-else".into()),
        ..Faults::default()
    });
    assert_eq!(sb.seed_disclosures(3).unwrap(), 3);
    let s = engine.sync(&a.id, noop).await.unwrap();
    assert!(s.reachable);
    assert_eq!((s.anomalies, s.new_disclosures), (3, 0), "{s:?}");
    let c = consent(&engine, &given.id).await;
    assert_eq!(c.lender_id, a.id);
    engine.close().await;
}
