//! Client ↔ sandbox contract tests over real HTTP on loopback: every endpoint, OAuth PKCE,
//! idempotency (including a response lost after commit), restarts, the scorecard's arithmetic,
//! the over-collector's behaviour, typed errors for broken responses, and the v2 Merkle log.
//!
//! One test binary (each extra one costs a link); its modules group the tests by concern and
//! share the set-up functions below.

mod consents;
mod disclosures;
mod errors;
mod idempotency;
mod local_access;
mod log;
mod log_sync;
mod phone_report;
mod rights;
mod scorecard;
mod security;
mod statements;

use std::time::Duration;

use khata_lending::types::*;
use khata_lending::{ClientConfig, LendingClient};
use khata_sandbox::{RunningSandbox, SandboxConfig, Scenario};

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
