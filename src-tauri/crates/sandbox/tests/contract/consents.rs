//! A consent's whole life over the wire: decided signal by signal, paused, resumed, revoked
//! in part and in full, and expired into a signed EXPIRED version.

use std::time::Duration;

use khata_lending::LendingError;
use khata_lending::types::*;
use khata_sandbox::Scenario;

use crate::{client_for, decide, key, start};

#[tokio::test]
async fn consent_lifecycle_decide_pause_resume_revoke() {
    let sb = start(Scenario::SalariedGood).await;
    let c = client_for(&sb).await;
    let consent = decide(&c, &["life_events", "location_stability"]).await;
    assert_eq!(consent.status, ConsentStatus::Active);
    assert_eq!(consent.version, 1);
    assert_eq!(
        consent.signals_denied,
        ["location_stability", "life_events"]
    );
    assert!(!consent.signals_granted.contains(&"life_events".to_string()));
    assert_eq!(consent.frequency.unit, FrequencyUnit::Day);
    assert!(consent.consent_expiry > consent.consent_start);

    // The request is now decided; deciding again conflicts.
    let req = c.consent_request(&consent.request_id).await.unwrap();
    assert_eq!(req.status, ConsentRequestStatus::Decided);
    let again = c
        .decide(
            &req.request_id,
            &ConsentDecisionBody {
                decisions: vec![SignalDecision {
                    signal: "kyc_verified".into(),
                    decision: Decision::Grant,
                }],
            },
            &key(),
        )
        .await;
    assert!(
        matches!(again, Err(LendingError::Http { status: 409, .. })),
        "{again:?}"
    );

    let listed = c.consents().await.unwrap();
    assert_eq!(
        listed.items,
        vec![c.consent(&consent.consent_id).await.unwrap()]
    );

    let paused = c.pause(&consent.consent_id, &key()).await.unwrap();
    assert_eq!(paused.action, ConsentAction::Pause);
    assert_eq!(paused.consent.status, ConsentStatus::Paused);
    assert_eq!(paused.consent.version, 2);
    let pause_again = c.pause(&consent.consent_id, &key()).await;
    assert!(matches!(
        pause_again,
        Err(LendingError::Http { status: 409, .. })
    ));
    let resumed = c.resume(&consent.consent_id, &key()).await.unwrap();
    assert_eq!(resumed.consent.status, ConsentStatus::Active);

    // Revoke one signal: the consent stays active for the rest.
    let one = c
        .revoke(
            &consent.consent_id,
            &RevokeBody {
                signals: Some(vec!["sms_income".into()]),
                reason: Some("I changed my mind".into()),
            },
            &key(),
        )
        .await
        .unwrap();
    assert_eq!(one.signals, ["sms_income"]);
    assert_eq!(one.consent.status, ConsentStatus::Active);
    assert_eq!(one.consent.signals_revoked, ["sms_income"]);
    // Revoking a signal that is not live is refused.
    let bad = c
        .revoke(
            &consent.consent_id,
            &RevokeBody {
                signals: Some(vec!["life_events".into()]),
                reason: None,
            },
            &key(),
        )
        .await;
    assert!(
        matches!(bad, Err(LendingError::Http { status: 422, .. })),
        "{bad:?}"
    );

    let all = c
        .revoke(&consent.consent_id, &RevokeBody::default(), &key())
        .await
        .unwrap();
    assert_eq!(all.consent.status, ConsentStatus::Revoked);
    assert!(all.effective_at >= one.effective_at);
    assert!(!all.signals.contains(&"sms_income".to_string()));
    let after = c.consent(&consent.consent_id).await.unwrap();
    assert_eq!(after.status, ConsentStatus::Revoked);
    assert_eq!(after.version, 5);
    let resume_revoked = c.resume(&consent.consent_id, &key()).await;
    assert!(matches!(
        resume_revoked,
        Err(LendingError::Http { status: 409, .. })
    ));
    let missing = c.consent("cons-nope").await;
    assert!(matches!(
        missing,
        Err(LendingError::Http { status: 404, .. })
    ));
}

#[tokio::test]
async fn consents_expire_into_a_signed_expired_version() {
    let sb = start(Scenario::SalariedGood).await;
    let c = client_for(&sb).await;
    decide(&c, &[]).await; // the scenario's own request
    // The lender asks again, for a consent that lives one second (admin route).
    let resp = reqwest::Client::new()
        .post(format!("{}/_sandbox/consent-requests", sb.base_url()))
        .bearer_auth(sb.admin_token())
        .json(&serde_json::json!({"consentExpirySeconds": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let asked: ConsentRequest = resp.json().await.unwrap();
    assert!(asked.previous_consent_id.is_some());
    assert!(
        asked.signals.iter().any(|s| s == "contacts_network"),
        "scope creep"
    );
    let consent = decide(&c, &[]).await;
    assert_eq!(consent.request_id, asked.request_id);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let expired = c.consent(&consent.consent_id).await.unwrap();
    assert_eq!(expired.status, ConsentStatus::Expired);
    assert_eq!(expired.version, 2);
    let late = c
        .revoke(&consent.consent_id, &RevokeBody::default(), &key())
        .await;
    assert!(
        matches!(late, Err(LendingError::Http { status: 409, .. })),
        "{late:?}"
    );
}

#[tokio::test]
async fn the_next_borrower_starts_afresh_on_the_same_log() {
    let sb = start(Scenario::SalariedGood).await;
    let first = client_for(&sb).await;
    let consent = decide(&first, &[]).await;
    let head = first.log_head().await.unwrap().value;
    assert!(head.tree_size > 0, "deciding starts a collection round");

    let customer = sb.next_borrower().unwrap();
    assert_ne!(customer, consent.customer_id);
    // The previous borrower's token is gone with their records.
    assert!(first.consents().await.is_err());
    let next = client_for(&sb).await;
    assert!(next.consents().await.unwrap().items.is_empty());
    let reqs = next.consent_requests().await.unwrap().items;
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].status, ConsentRequestStatus::Pending);
    // The lender's log is one history: the next borrower sees it whole, then grows it.
    let same = next.log_head().await.unwrap().value;
    assert_eq!(
        (same.tree_size, &same.root_hash),
        (head.tree_size, &head.root_hash)
    );
    let theirs = decide(&next, &[]).await;
    assert_eq!(theirs.customer_id, customer);
    assert!(next.log_head().await.unwrap().value.tree_size > head.tree_size);
}
