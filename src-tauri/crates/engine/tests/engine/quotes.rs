//! The cost of each choice before consent: a pending request quoted by the lender for the
//! borrower's current choices, each quote kept as evidence, and the offer then held to it.

use std::sync::Arc;

use khata_engine::views::*;
use khata_engine::*;
use khata_vault::MemoryKeyStore;

use crate::{config, noop};

/// An engine connected to the sandbox and synced, with its pending request.
async fn pending(dir: &std::path::Path) -> (Engine, ConsentRequestView) {
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = Engine::open(config(dir, &keys)).await.unwrap();
    let lender = engine.connect_sandbox(noop).await.unwrap();
    engine.sync(&lender.id, noop).await.unwrap();
    let req = engine.consent_requests().await.unwrap().remove(0);
    (engine, req)
}

fn choices(req: &ConsentRequestView, shared: &[String]) -> Vec<SignalChoice> {
    req.signals
        .iter()
        .map(|s| SignalChoice {
            signal: s.signal.id.clone(),
            grant: shared.contains(&s.signal.id),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_quoted_per_choice_and_the_offer_matches_its_quote() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, req) = pending(dir.path()).await;
    let required: Vec<&str> = req
        .signals
        .iter()
        .filter(|s| s.required)
        .map(|s| s.signal.id.as_str())
        .collect();
    assert_eq!(required, ["kyc_verified", "sms_income"]);

    // Everything shared but income.
    let shared: Vec<String> = req
        .signals
        .iter()
        .map(|s| s.signal.id.clone())
        .filter(|s| s != "sms_income")
        .collect();
    let q = engine.quote_request(&req.id, shared.clone()).await.unwrap();
    assert_eq!(q.request_id, req.id);
    assert!(!q.refuses);
    assert_eq!(q.signals.len(), req.signals.len());
    let income = q.signals.iter().find(|s| s.signal == "sms_income").unwrap();
    assert!(!income.shared);
    // Salaried-good: income in the 25k–50k bin (+25) against its missing −15.
    assert_eq!((income.points_if_shared, income.points_if_not), (25, -15));
    assert_eq!(income.adds, 40);
    for s in &q.signals {
        assert_eq!(s.adds, s.points_if_shared - s.points_if_not, "{}", s.signal);
    }
    // Sharing income too scores exactly what it adds.
    let mut all = shared.clone();
    all.push("sms_income".into());
    let q_all = engine.quote_request(&req.id, all).await.unwrap();
    assert_eq!(q_all.score - q.score, income.adds);
    // Asked again, the same choice is answered from the session, no new quote.
    let again = engine.quote_request(&req.id, shared.clone()).await.unwrap();
    assert_eq!(again.quote_id, q.quote_id);
    // The two quotes (nothing withheld, income withheld) are kept as evidence.
    assert_eq!(engine.audit().await.unwrap().summary.quotes, 2);
    // Not asked for: refused before the lender is asked.
    let err = engine
        .quote_request(&req.id, vec!["contacts_network".into()])
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");

    let consent = engine
        .decide(&req.id, choices(&req, &shared))
        .await
        .unwrap();
    assert!(!consent.refused);
    let report = engine.audit().await.unwrap();
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.rule.id() != "quote-offer-mismatch"),
        "the offer is the one quoted"
    );
    // Decided: no more quotes.
    assert!(engine.quote_request(&req.id, shared).await.is_err());
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sharing_nothing_is_a_refusal_and_an_offer_off_its_quote_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, req) = pending(dir.path()).await;
    let q = engine.quote_request(&req.id, vec![]).await.unwrap();
    assert!(q.refuses);
    assert!(q.signals.iter().all(|s| !s.shared));
    // The lender then makes an offer other than it quoted for the same choice.
    let url = engine.sandbox_url().await.unwrap();
    let resp = reqwest::Client::new()
        .put(format!("{url}/_sandbox/faults"))
        .bearer_auth(crate::SANDBOX_ADMIN_TOKEN)
        .json(&serde_json::json!({"offerOffQuote": true}))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    // Share only what is needed: quoted, then decided as quoted.
    let needed: Vec<String> = req
        .signals
        .iter()
        .filter(|s| s.required)
        .map(|s| s.signal.id.clone())
        .collect();
    let quoted = engine.quote_request(&req.id, needed.clone()).await.unwrap();
    assert_eq!(quoted.decision, DecisionView::Approved);
    engine
        .decide(&req.id, choices(&req, &needed))
        .await
        .unwrap();
    let report = engine.audit().await.unwrap();
    let f = report
        .findings
        .iter()
        .find(|f| f.rule.id() == "quote-offer-mismatch")
        .expect("the offer differs from its quote");
    let v = serde_json::to_value(&f.facts).unwrap();
    assert_eq!(v["quoteId"], quoted.quote_id.as_str());
    assert_eq!(v["differences"][0]["field"], "aprMonthlyBps");
    assert_eq!(
        v["differences"][0]["quote"],
        quoted.apr_monthly_bps.to_string()
    );
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deciding_with_nothing_shared_is_a_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, req) = pending(dir.path()).await;
    let consent = engine.decide(&req.id, choices(&req, &[])).await.unwrap();
    assert!(consent.refused);
    assert!(consent.granted.is_empty());
    engine.close().await;
}
