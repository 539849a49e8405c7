//! The built-in sandbox lender as other programs on this machine see it: a local process (or a
//! web page's simple cross-site request) cannot drive its admin routes without the admin token,
//! and a page that rebinds its DNS name to 127.0.0.1 gets no answer from the lender or its
//! auto-approving OAuth; the engine's own traffic goes on as before.

use std::sync::Arc;

use khata_vault::MemoryKeyStore;
use reqwest::header::HOST;

use crate::{SANDBOX_ADMIN_TOKEN, journey, noop};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_built_in_sandbox_answers_only_its_engine() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = journey(dir.path(), &keys).await;
    let url = engine.sandbox_url().await.unwrap();
    let port = url::Url::parse(&url).unwrap().port().unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // Another program makes the lender fail every request, and asks for the contacts list.
    let resp = http
        .put(format!("{url}/_sandbox/faults"))
        .json(&serde_json::json!({"errorRate": 1.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let resp = http
        .post(format!("{url}/_sandbox/consent-requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);

    // A page at attacker.example, its name now resolving to 127.0.0.1, reads the discovery
    // document and has the OAuth server approve a code for it.
    let authorize = "/oauth/authorize?response_type=code&client_id=page\
        &redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&state=s&code_challenge_method=S256\
        &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URW9y-Kp9Fh4Jk";
    for path in ["/.well-known/khata-lender.json", authorize] {
        let resp = http
            .get(format!("{url}{path}"))
            .header(HOST, format!("attacker.example:{port}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 421, "{path}");
    }

    // The engine syncs as before: no fault was set, no new request was made.
    let lender = engine.lenders().await.unwrap().remove(0);
    let s = engine.sync(&lender.id, noop).await.unwrap();
    assert!(s.reachable);
    assert!(engine.consent_requests().await.unwrap().is_empty());

    // Whoever holds the admin token (here the launcher's, as QA would set it) still drives it.
    let resp = http
        .post(format!("{url}/_sandbox/consent-requests"))
        .bearer_auth(SANDBOX_ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    engine.sync(&lender.id, noop).await.unwrap();
    assert_eq!(engine.consent_requests().await.unwrap().len(), 1);
    engine.close().await;
}
