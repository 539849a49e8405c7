//! Who may talk to the lender and whose word counts: OAuth PKCE in front of the API, TLS
//! unless on loopback, and statements signed by a key other than the pinned one.

use khata_lending::{LendingClient, LendingError, SignError};
use khata_sandbox::Scenario;

use crate::{CLIENT_ID, client_for, decide, fast_config, start};

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
