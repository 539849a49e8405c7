//! Failures are typed: broken responses become the client's errors, and every error the
//! lender sends is a problem document.

use std::time::Duration;

use khata_lending::types::*;
use khata_lending::{ClientConfig, LendingClient, LendingError};
use khata_sandbox::{Faults, Scenario};

use crate::{CLIENT_ID, client_for, fast_config, start};

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
