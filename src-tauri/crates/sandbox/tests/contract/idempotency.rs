//! Retried writes land once: replays under the same key, a response lost after commit, a
//! flaky lender, and a restart that must keep revocations, keys and stored replies.

use khata_lending::types::*;
use khata_lending::{LendingClient, LendingError};
use khata_sandbox::{Faults, SandboxConfig, Scenario};

use crate::{CLIENT_ID, client_for, decide, fast_config, key, start};

#[tokio::test]
async fn idempotency_replays_and_refuses_reuse() {
    let sb = start(Scenario::SalariedGood).await;
    let c = client_for(&sb).await;
    let consent = decide(&c, &[]).await;
    let k = key();
    let body = RevokeBody {
        signals: Some(vec!["wallet_txns".into()]),
        reason: None,
    };
    let first = c.revoke(&consent.consent_id, &body, &k).await.unwrap();
    let second = c.revoke(&consent.consent_id, &body, &k).await.unwrap();
    assert_eq!(
        first, second,
        "the same key replays the same signed receipt"
    );
    assert_eq!(
        c.consent(&consent.consent_id).await.unwrap().version,
        2,
        "one effect"
    );

    // Same key, other body: 422 problem.
    let other = RevokeBody {
        signals: Some(vec!["sim_age".into()]),
        reason: None,
    };
    match c.revoke(&consent.consent_id, &other, &k).await {
        Err(LendingError::Http {
            status: 422,
            problem,
        }) => {
            assert!(problem.type_uri.ends_with("idempotency-key-reused"))
        }
        r => panic!("expected 422, got {r:?}"),
    }

    // No key at all: 400 problem (raw HTTP, since the client always sends one).
    let tok = c.authorize_headless(CLIENT_ID).await.unwrap();
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/consents/{}/pause",
            sb.base_url(),
            consent.consent_id
        ))
        .bearer_auth(&tok.access_token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(resp.headers()["content-type"], PROBLEM_JSON);
    let p: Problem = resp.json().await.unwrap();
    assert!(p.type_uri.ends_with("idempotency-key-missing"));
}

#[tokio::test]
async fn a_response_lost_after_commit_is_replayed_on_retry() {
    let sb = start(Scenario::SalariedGood).await;
    let c = client_for(&sb).await;
    let consent = decide(&c, &[]).await;
    // The next POST commits, then the connection breaks mid-body.
    sb.set_faults(Faults {
        drop_next: 1,
        ..Faults::default()
    });
    let k = key();
    let receipt = c
        .revoke(&consent.consent_id, &RevokeBody::default(), &k)
        .await
        .expect("the client retries with the same key and gets the original receipt");
    assert_eq!(sb.faults().drop_next, 0, "the first attempt was dropped");
    assert_eq!(receipt.consent.version, 2);
    let now = c.consent(&consent.consent_id).await.unwrap();
    assert_eq!(now.version, 2, "exactly one effect");
    assert_eq!(now.status, ConsentStatus::Revoked);
    let replay = c
        .revoke(&consent.consent_id, &RevokeBody::default(), &k)
        .await
        .unwrap();
    assert_eq!(replay, receipt);

    // Without a key a POST is never retried: a dropped quote surfaces as a network error.
    sb.set_faults(Faults {
        drop_next: 1,
        ..Faults::default()
    });
    let q = c.quote(&QuoteBody::default(), None).await;
    assert!(matches!(q, Err(LendingError::Network(_))), "{q:?}");
}

#[tokio::test]
async fn flaky_scenario_still_lands_every_revocation_once() {
    let sb = khata_sandbox::start(SandboxConfig {
        scenario: Scenario::Flaky,
        seed: 7,
        faults: Some(Faults {
            latency_ms: 1,
            ..Faults::default()
        }),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    // Connect without faults, then let the scenario's defaults bite.
    let defaults = sb.faults();
    assert!(defaults.error_rate > 0.0 && defaults.drop_after_commit > 0.0);
    sb.set_faults(Faults::default());
    let c = client_for(&sb).await;
    let consent = decide(&c, &[]).await;
    let token = c.authorize_headless(CLIENT_ID).await.unwrap().access_token;
    let mut cfg = fast_config();
    cfg.max_retries = 12;
    let c = LendingClient::from_discovery(c.discovery().clone(), cfg)
        .unwrap()
        .with_access_token(token);
    sb.set_faults(defaults);
    let signals = consent.signals_granted.clone();
    for s in signals.iter().take(4) {
        let k = key();
        let body = RevokeBody {
            signals: Some(vec![s.clone()]),
            reason: None,
        };
        let r1 = c.revoke(&consent.consent_id, &body, &k).await.unwrap();
        let r2 = c.revoke(&consent.consent_id, &body, &k).await.unwrap();
        assert_eq!(r1, r2);
    }
    sb.set_faults(Faults::default());
    let final_state = c.consent(&consent.consent_id).await.unwrap();
    assert_eq!(
        final_state.version, 5,
        "four revocations, each applied once"
    );
    assert_eq!(final_state.signals_revoked.len(), 4);
}

#[tokio::test]
async fn restart_keeps_revocations_keys_and_idempotent_replies() {
    let dir = tempfile::tempdir().unwrap();
    let config = SandboxConfig {
        state_dir: Some(dir.path().to_path_buf()),
        ..SandboxConfig::default()
    };
    let sb = khata_sandbox::start(config.clone()).await.unwrap();
    let c = client_for(&sb).await;
    let consent = decide(&c, &[]).await;
    let k = key();
    let receipt = c
        .revoke(&consent.consent_id, &RevokeBody::default(), &k)
        .await
        .unwrap();
    let key_id = sb.key_id().to_string();
    let old_keys = c.keys().clone();
    sb.shutdown().await.unwrap();

    let sb2 = khata_sandbox::start(config).await.unwrap();
    assert_eq!(sb2.key_id(), key_id, "the signing key persists");
    let c2 = client_for(&sb2).await;
    let after = c2.consent_signed(&consent.consent_id).await.unwrap();
    assert_eq!(after.value.status, ConsentStatus::Revoked);
    // A v2 artefact is signed with its commitments: checked as served, not as read.
    old_keys.verify_value(&after.raw).unwrap();
    let replay = c2
        .revoke(&consent.consent_id, &RevokeBody::default(), &k)
        .await
        .unwrap();
    assert_eq!(replay, receipt, "the idempotency table survives a restart");
    // No second pending request was created by the restart.
    assert!(
        c2.consent_requests()
            .await
            .unwrap()
            .items
            .iter()
            .all(|r| r.status == ConsentRequestStatus::Decided)
    );
}
