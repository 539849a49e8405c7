//! Client ↔ sandbox contract tests over real HTTP on loopback: every endpoint, OAuth PKCE,
//! idempotency (including a response lost after commit), restarts, the scorecard's arithmetic,
//! the over-collector's behaviour, and typed errors for broken responses.

use std::collections::HashSet;
use std::time::Duration;

use khata_lending::types::*;
use khata_lending::{ClientConfig, LendingClient, LendingError, SignError};
use khata_sandbox::{Faults, RunningSandbox, SandboxConfig, Scenario};

const CLIENT_ID: &str = "khata-tests";

fn fast_config() -> ClientConfig {
    ClientConfig {
        timeout: Duration::from_secs(10),
        max_retries: 4,
        backoff_base: Duration::from_millis(5),
        backoff_cap: Duration::from_millis(50),
        ..ClientConfig::default()
    }
}

async fn start(scenario: Scenario) -> RunningSandbox {
    khata_sandbox::start(SandboxConfig {
        scenario,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

/// Connects and completes the OAuth flow headlessly, as the CLI's `connect` will.
async fn client_for(sb: &RunningSandbox) -> LendingClient {
    let client = LendingClient::connect(sb.base_url(), fast_config())
        .await
        .expect("discovery");
    let tok = client.authorize_headless(CLIENT_ID).await.expect("oauth");
    client.with_access_token(tok.access_token)
}

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Decides the scenario's pending request, denying `deny` and granting the rest.
async fn decide(client: &LendingClient, deny: &[&str]) -> Consent {
    let reqs = client.consent_requests().await.unwrap();
    let req = reqs
        .items
        .iter()
        .find(|r| r.status == ConsentRequestStatus::Pending)
        .expect("a pending request");
    let decisions = req
        .signals
        .iter()
        .map(|s| SignalDecision {
            signal: s.clone(),
            decision: if deny.contains(&s.as_str()) {
                Decision::Deny
            } else {
                Decision::Grant
            },
        })
        .collect();
    client
        .decide(&req.request_id, &ConsentDecisionBody { decisions }, &key())
        .await
        .unwrap()
}

async fn all_disclosures(client: &LendingClient, page: u32) -> Vec<Disclosure> {
    let mut out = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let p = client.disclosures(cursor.as_deref(), page).await.unwrap();
        assert!(p.items.len() <= page as usize);
        out.extend(p.items);
        match p.next_cursor {
            Some(c) => cursor = Some(c),
            None => return out,
        }
    }
}

#[tokio::test]
async fn oauth_pkce_flow_guards_the_api() {
    let sb = start(Scenario::SalariedGood).await;
    let anon = LendingClient::connect(sb.base_url(), fast_config())
        .await
        .unwrap();
    let d = anon.discovery();
    assert_eq!(d.keys.len(), 1);
    assert_eq!(d.keys[0].key_id, sb.key_id());

    // Without a token: 401 problem.
    match anon.catalog().await {
        Err(LendingError::Http {
            status: 401,
            problem,
        }) => {
            assert_eq!(problem.status, 401);
            assert!(problem.type_uri.contains("unauthorized"));
        }
        other => panic!("expected 401, got {other:?}"),
    }

    let tok = anon.authorize_headless(CLIENT_ID).await.unwrap();
    assert_eq!(tok.token_type, "Bearer");
    assert!(
        !format!("{tok:?}").contains(&tok.access_token),
        "Debug must not print tokens"
    );
    let authed = anon.clone().with_access_token(&tok.access_token);
    assert!(!authed.catalog().await.unwrap().signals.is_empty());

    // Refresh rotates: the new pair works, the old refresh token does not.
    let refresh = tok.refresh_token.clone().unwrap();
    let tok2 = anon.refresh_token(CLIENT_ID, &refresh).await.unwrap();
    let again = anon.clone().with_access_token(&tok2.access_token);
    assert!(again.consents().await.is_ok());
    match anon.refresh_token(CLIENT_ID, &refresh).await {
        Err(LendingError::Http {
            status: 400,
            problem,
        }) => {
            assert_eq!(problem.error.as_deref(), Some("invalid_grant"))
        }
        other => panic!("reused refresh token: {other:?}"),
    }

    // A code exchanged with the wrong verifier is refused (PKCE).
    match anon
        .exchange_code(CLIENT_ID, "not-a-code", "http://127.0.0.1:9/callback", "v")
        .await
    {
        Err(LendingError::Http {
            status: 400,
            problem,
        }) => {
            assert_eq!(problem.error.as_deref(), Some("invalid_grant"))
        }
        other => panic!("bogus code: {other:?}"),
    }
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn catalog_flags_prohibited_signals_with_dpv_categories() {
    let sb = start(Scenario::SalariedGood).await;
    let c = client_for(&sb).await;
    let cat = c.catalog().await.unwrap();
    assert!(cat.signals.len() >= 12);
    for s in &cat.signals {
        assert!(s.dpv_category.starts_with("pd:"), "{}", s.id);
        assert!(!s.description.is_empty());
    }
    let prohibited: HashSet<&str> = cat
        .signals
        .iter()
        .filter(|s| {
            s.regulatory_flags
                .iter()
                .any(|f| f == "rbi-2022-prohibited")
        })
        .map(|s| s.dpv_category.as_str())
        .collect();
    assert_eq!(prohibited, HashSet::from(["pd:Contact", "pd:CallLog"]));
    // A well-behaved lender does not ask for them.
    let req = &c.consent_requests().await.unwrap().items[0];
    assert!(
        !req.signals
            .iter()
            .any(|s| s == "contacts_network" || s == "call_log_pattern")
    );
    assert_eq!(
        c.consent_request(&req.request_id).await.unwrap().request_id,
        req.request_id
    );
}

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
    let after = c2.consent(&consent.consent_id).await.unwrap();
    assert_eq!(after.status, ConsentStatus::Revoked);
    old_keys.verify(&after).unwrap();
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

#[tokio::test]
async fn scorecard_adds_up_and_quotes_move_by_the_claimed_points() {
    for scenario in khata_sandbox::scenario::ALL {
        if scenario == Scenario::Flaky {
            continue; // same data as salaried-good; faults are tested elsewhere
        }
        let sb = start(scenario).await;
        let c = client_for(&sb).await;
        decide(&c, &["device_purchases"]).await;
        let offers = c.offers().await.unwrap().items;
        assert_eq!(offers.len(), 1);
        let offer = c.offer(&offers[0].offer_id).await.unwrap();
        let e = &offer.explanation;
        assert_eq!(e.method, ExplanationMethod::ScorecardPoints);
        let sum: i64 = e.contributions.iter().map(|c| c.points).sum();
        assert_eq!(
            e.baseline + sum,
            e.score,
            "{scenario}: contributions add up"
        );
        let denied = e
            .contributions
            .iter()
            .find(|c| c.signal == "device_purchases")
            .unwrap();
        assert_eq!(denied.bin, "missing");
        assert_eq!(denied.points, denied.missing_points);

        // Reason codes: every negative contribution, most adverse first; top 4 are the head.
        let negatives = e.contributions.iter().filter(|c| c.points < 0).count();
        assert_eq!(e.reason_codes.len(), negatives);
        assert!(
            e.reason_codes
                .windows(2)
                .all(|w| w[0].points <= w[1].points)
        );
        assert_eq!(
            e.top_adverse,
            e.reason_codes.iter().take(4).cloned().collect::<Vec<_>>()
        );

        match offer.decision {
            OfferDecision::Approved => {
                assert!(offer.amount_inr > 0 && offer.amount_inr <= MAX_AMOUNT_INR);
                assert!(offer.apr_monthly_bps >= MIN_APR_MONTHLY_BPS);
                assert!(e.score >= e.cutoffs.decline_below);
            }
            OfferDecision::Declined => {
                assert_eq!(offer.amount_inr, 0);
                assert!(e.score < e.cutoffs.decline_below);
            }
        }
        let expected = match scenario {
            Scenario::SalariedGood | Scenario::OverCollector => OfferDecision::Approved,
            Scenario::ThinFile => OfferDecision::Approved,
            Scenario::Declined => OfferDecision::Declined,
            Scenario::Flaky => unreachable!(),
        };
        assert_eq!(offer.decision, expected, "{scenario}");
        if scenario == Scenario::SalariedGood {
            assert_eq!(offer.amount_inr, 100_000);
            assert_eq!(offer.apr_monthly_bps, 180);
        }

        // Each withheld signal moves the score by exactly its contribution − missing points.
        for contrib in &e.contributions {
            let q = c
                .quote(
                    &QuoteBody {
                        offer_id: Some(offer.offer_id.clone()),
                        withhold: vec![contrib.signal.clone()],
                    },
                    Some(&key()),
                )
                .await
                .unwrap();
            assert!(q.soft);
            let qe = &q.explanation;
            assert_eq!(
                qe.baseline + qe.contributions.iter().map(|c| c.points).sum::<i64>(),
                qe.score
            );
            assert_eq!(
                e.score - qe.score,
                contrib.points - contrib.missing_points,
                "{scenario}: withholding {}",
                contrib.signal
            );
        }
        // Quotes are soft: the record is unchanged.
        assert_eq!(c.offers().await.unwrap().items, offers);
        let unknown = c
            .quote(
                &QuoteBody {
                    offer_id: None,
                    withhold: vec!["horoscope".into()],
                },
                None,
            )
            .await;
        assert!(matches!(
            unknown,
            Err(LendingError::Http { status: 422, .. })
        ));
        sb.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn a_well_behaved_lender_discloses_only_what_was_consented() {
    let sb = start(Scenario::SalariedGood).await;
    let c = client_for(&sb).await;
    let consent = decide(&c, &["sms_income"]).await;
    // A second round the same day adds nothing: frequency is once a day.
    assert_eq!(sb.collect().unwrap(), 0);
    let ds = all_disclosures(&c, 3).await;
    assert_eq!(ds.len(), consent.signals_granted.len());
    let named: HashSet<&str> = consent
        .onward_recipients
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    for (i, d) in ds.iter().enumerate() {
        assert_eq!(d.seq, i as u64 + 1, "append-only, gap-free");
        assert_eq!(d.consent_id.as_deref(), Some(consent.consent_id.as_str()));
        assert!(consent.signals_granted.contains(&d.signal));
        assert!(d.data_range.from >= consent.fi_data_range.from);
        assert!(d.data_range.to <= consent.fi_data_range.to);
        assert!(d.value_digest.starts_with("sha256:") && d.value_digest.len() == 71);
        if let Some(r) = &d.onward_recipient {
            assert!(named.contains(r.as_str()));
        }
    }
    // Bulk seeding (for benchmarks) pages through intact, in order.
    sb.seed_disclosures(250).unwrap();
    let all = all_disclosures(&c, 100).await;
    assert_eq!(all.len(), ds.len() + 250);
    assert!(all.windows(2).all(|w| w[1].seq == w[0].seq + 1));
    // After revocation nothing more is collected.
    c.revoke(&consent.consent_id, &RevokeBody::default(), &key())
        .await
        .unwrap();
    assert_eq!(sb.collect().unwrap(), 0);
}

#[tokio::test]
async fn the_over_collector_collects_beyond_consent() {
    let sb = start(Scenario::OverCollector).await;
    let c = client_for(&sb).await;
    let consent = decide(&c, &["location_stability"]).await;
    let receipt = c
        .revoke(&consent.consent_id, &RevokeBody::default(), &key())
        .await
        .unwrap();
    let ds = all_disclosures(&c, 7).await;
    let named: HashSet<&str> = consent
        .onward_recipients
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        ds.iter().any(|d| d.collected_at > receipt.effective_at),
        "after revocation"
    );
    assert!(
        ds.iter()
            .any(|d| consent.signals_denied.contains(&d.signal)),
        "denied signal"
    );
    assert!(
        ds.iter().any(|d| d.signal == "contacts_network"),
        "prohibited contacts"
    );
    assert!(
        ds.iter().any(|d| d.signal == "call_log_pattern"),
        "prohibited call log"
    );
    assert!(ds.iter().any(|d| d.consent_id.is_none()), "without consent");
    assert!(
        ds.iter()
            .any(|d| d.data_range.from < consent.fi_data_range.from),
        "outside range"
    );
    assert!(
        ds.iter().any(|d| d
            .onward_recipient
            .as_deref()
            .is_some_and(|r| !named.contains(r))),
        "unnamed recipient"
    );
    let first_round: Vec<&Disclosure> = ds
        .iter()
        .filter(|d| d.signal == "kyc_verified" && d.collected_at <= receipt.effective_at)
        .collect();
    assert!(
        first_round.len() > consent.frequency.value as usize,
        "above frequency"
    );
}

#[tokio::test]
async fn rights_requests_are_tracked_with_ticket_and_due_date() {
    let sb = start(Scenario::Declined).await;
    let c = client_for(&sb).await;
    decide(&c, &[]).await;
    let offer = c.offers().await.unwrap().items.remove(0);
    assert_eq!(offer.decision, OfferDecision::Declined);
    let k = key();
    let body = RightsRequestBody {
        kind: RightsKind::HumanReview,
        detail: "Please have a person review the decline.".into(),
        signal: None,
        offer_id: Some(offer.offer_id.clone()),
        consent_id: None,
    };
    let r = c.create_rights_request(&body, &k).await.unwrap();
    assert_eq!(r.status, RightsStatus::Received);
    assert!(r.ticket.starts_with("KSL-"));
    assert!(r.due_by > r.created_at);
    assert_eq!(c.create_rights_request(&body, &k).await.unwrap(), r);
    let g = c
        .create_rights_request(
            &RightsRequestBody {
                kind: RightsKind::Grievance,
                detail: "You read my contacts.".into(),
                signal: Some("contacts_network".into()),
                offer_id: None,
                consent_id: None,
            },
            &key(),
        )
        .await
        .unwrap();
    assert_eq!(c.rights_request(&g.request_id).await.unwrap(), g);
    let list = c.rights_requests().await.unwrap().items;
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].request_id, g.request_id, "newest first");

    // The lender resolves one (admin route); the new state is signed again.
    let resp = reqwest::Client::new()
        .post(format!("{}/_sandbox/rights-requests/{}", sb.base_url(), r.request_id))
        .json(&serde_json::json!({"status": "RESOLVED", "resolution": "A credit officer confirmed the decline."}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resolved = c.rights_request(&r.request_id).await.unwrap();
    assert_eq!(resolved.status, RightsStatus::Resolved);
    assert!(resolved.resolution.is_some());
    assert_ne!(resolved.signature, r.signature);
}

#[tokio::test]
async fn broken_responses_become_typed_errors() {
    let sb = start(Scenario::SalariedGood).await;
    let c = client_for(&sb).await;
    let cfg = ClientConfig {
        max_retries: 1,
        timeout: Duration::from_millis(300),
        ..fast_config()
    };
    let c = LendingClient::from_discovery(c.discovery().clone(), cfg)
        .unwrap()
        .with_access_token(c.authorize_headless(CLIENT_ID).await.unwrap().access_token);

    sb.set_faults(Faults {
        malformed_json: 1.0,
        ..Faults::default()
    });
    assert!(matches!(
        c.catalog().await,
        Err(LendingError::Malformed { .. })
    ));

    sb.set_faults(Faults {
        oversize_body: 1.0,
        ..Faults::default()
    });
    assert!(matches!(
        c.consents().await,
        Err(LendingError::TooLarge { .. })
    ));

    sb.set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    match c.offers().await {
        Err(e @ LendingError::Http { status: 503, .. }) => assert!(e.is_transient()),
        other => panic!("expected 503, got {other:?}"),
    }

    sb.set_faults(Faults {
        latency_ms: 1000,
        ..Faults::default()
    });
    assert!(matches!(c.catalog().await, Err(LendingError::Timeout)));
    sb.set_faults(Faults::default());
    assert!(c.catalog().await.is_ok());
}

#[tokio::test]
async fn statements_signed_by_an_unpinned_key_are_rejected() {
    let a = start(Scenario::SalariedGood).await;
    let b = start(Scenario::SalariedGood).await;
    let cb = client_for(&b).await;
    decide(&cb, &[]).await;
    // A client for lender B that pinned lender A's keys (e.g. a swapped key) must refuse.
    let ca = LendingClient::connect(a.base_url(), fast_config())
        .await
        .unwrap();
    let mut d = cb.discovery().clone();
    d.keys = ca.discovery().keys.clone();
    let tok = cb.authorize_headless(CLIENT_ID).await.unwrap();
    let wrong = LendingClient::from_discovery(d, fast_config())
        .unwrap()
        .with_access_token(tok.access_token);
    match wrong.consents().await {
        Err(LendingError::BadSignature(SignError::UnknownKey(_))) => {}
        other => panic!("expected BadSignature, got {other:?}"),
    }
    // Unsigned data (the catalog) still reads fine.
    assert!(wrong.catalog().await.is_ok());
}

#[tokio::test]
async fn insecure_lender_urls_are_refused() {
    for url in ["http://lender.example.com", "ftp://127.0.0.1/", "not a url"] {
        let r = LendingClient::connect(url, fast_config()).await;
        assert!(
            matches!(r, Err(LendingError::InsecureUrl { .. })),
            "{url}: {r:?}"
        );
    }
}

#[tokio::test]
async fn errors_are_problem_json_everywhere() {
    let sb = start(Scenario::SalariedGood).await;
    let http = reqwest::Client::new();
    for (method, path) in [
        (reqwest::Method::GET, "/no/such/route"),
        (reqwest::Method::DELETE, "/.well-known/khata-lender.json"),
        (reqwest::Method::GET, "/consents"),
        (reqwest::Method::GET, "/oauth/authorize?response_type=token"),
    ] {
        let resp = http
            .request(method.clone(), format!("{}{path}", sb.base_url()))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_client_error(), "{method} {path}");
        assert_eq!(
            resp.headers()["content-type"],
            PROBLEM_JSON,
            "{method} {path}"
        );
        let p: Problem = resp.json().await.unwrap();
        assert!(!p.title.is_empty());
    }
}

#[tokio::test]
async fn consents_expire_into_a_signed_expired_version() {
    let sb = start(Scenario::SalariedGood).await;
    let c = client_for(&sb).await;
    decide(&c, &[]).await; // the scenario's own request
    // The lender asks again, for a consent that lives one second (admin route).
    let resp = reqwest::Client::new()
        .post(format!("{}/_sandbox/consent-requests", sb.base_url()))
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
