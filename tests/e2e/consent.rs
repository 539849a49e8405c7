//! Consent by clear affirmative action, in the real app against the built-in sandbox lender:
//! a new request starts with nothing shared, choosing "Share" for a signal shows what it adds
//! from the lender's signed quote of the choices, in English and Hindi, and deciding with
//! nothing shared is a refusal the app asks about and then states.

use std::time::{Duration, Instant};

use crate::harness::{Session, devanagari};

/// Waits until the text of `test_id` satisfies `ok`; returns it.
async fn text_until(app: &Session, test_id: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = app.text(test_id).await;
        if ok(&text) {
            return text;
        }
        assert!(Instant::now() < deadline, "{test_id} still reads {text:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_consent_starts_with_nothing_shared_and_shows_each_choices_cost() {
    let app = Session::launch().await;
    app.acknowledge_recovery_key().await;
    app.click("connect-lender").await;
    app.click("connect-sandbox").await;
    app.find(&format!("home-lender-{}", khata_engine::SANDBOX_LENDER_ID))
        .await;
    app.click("nav-requests").await;

    // Nothing is shared until the borrower says so.
    app.find("request-signal-sms_income-deny").await;
    let choices = app.all_with_prefix("request-signal-").await;
    let mut denies = 0;
    for choice in choices {
        let id = choice
            .attr("data-testid")
            .await
            .unwrap()
            .unwrap_or_default();
        if id.ends_with("-deny") {
            denies += 1;
            assert!(choice.is_selected().await.unwrap(), "{id} starts selected");
        } else if id.ends_with("-share") {
            assert!(
                !choice.is_selected().await.unwrap(),
                "{id} starts unselected"
            );
        }
    }
    assert!(
        denies >= 10,
        "one choice per requested signal, got {denies}"
    );
    assert!(
        app.text("request-signal-needed-sms_income")
            .await
            .contains("Needed for a decision")
    );
    let first = text_until(&app, "request-quote-id", |t| t.contains("quote-")).await;

    // Sharing income: the lender's signed quote of the new choice says what it adds
    // (salaried-good: income in the ₹25k–50k bin, +25, against −15 not shared).
    app.click("request-signal-sms_income-share").await;
    text_until(&app, "request-quote-id", |t| {
        t.contains("quote-") && t != first
    })
    .await;
    let cost = text_until(&app, "request-signal-cost-sms_income", |t| {
        t.contains("adds 40 points")
    })
    .await;
    assert_eq!(cost.trim(), "Sharing this adds 40 points");
    let decision = app.text("request-quote-decision").await;
    assert!(decision.starts_with("Expected: "), "{decision}");
    app.snap("consent-quote").await;

    // The same screen in Hindi.
    app.find("language")
        .await
        .select_by_value("hi")
        .await
        .expect("choose Hindi");
    let hindi = text_until(&app, "request-signal-cost-sms_income", devanagari).await;
    assert!(hindi.contains("40"), "{hindi}");
    app.snap("consent-quote-hi").await;

    // Share none, then decide: the app asks, then says the request was refused.
    app.click("request-share-none").await;
    app.click("request-submit").await;
    assert!(devanagari(&app.text("request-refuse").await));
    app.click("request-refuse-confirm").await;
    let decided = app.text("request-decided").await;
    assert!(decided.contains("मना"), "{decided}");
    app.close().await;
}
