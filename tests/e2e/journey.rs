//! The borrower journey on the real binary against the built-in sandbox lender: connect, give a
//! consent with two signals denied, sync, read the offer's contributions, ask a what-if, revoke
//! one signal until the lender confirms it, export, verify the export offline, restart and find
//! everything still there.

use std::time::Duration;

use crate::harness::{Profile, Session};

/// A revocation is confirmed once the outbox has delivered it and the receipt verified.
const RECEIPT_WAIT: Duration = Duration::from_secs(90);

async fn number(app: &Session, test_id: &str) -> i64 {
    let text = app.text(test_id).await;
    let digits: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '-' || *c == '−')
        .map(|c| if c == '−' { '-' } else { c })
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("{test_id} shows no number: {text:?}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn borrower_journey_survives_a_restart() {
    let export_dir = tempfile::tempdir().expect("export dir");
    let export_path = export_dir.path().join("journey.khata.json");
    let mut profile = Profile::new();
    profile.env.push((
        "KHATA_E2E_SAVE_PATH".into(),
        export_path.display().to_string(),
    ));
    let app = Session::launch_with(profile).await;
    app.find("recovery-key").await;
    app.snap("first-run").await;
    app.acknowledge_recovery_key().await;

    // Connect the built-in sandbox lender.
    app.click("connect-lender").await;
    app.find("connect-sandbox").await;
    app.snap("connect").await;
    app.click("connect-sandbox").await;
    let lender = format!("home-lender-{}", khata_engine::SANDBOX_LENDER_ID);
    app.find(&lender).await;

    // Its consent request (a well-behaved lender does not ask for the RBI-prohibited contacts
    // or call logs): every signal starts at "Don't share"; share all but two.
    app.click("nav-requests").await;
    for denied in ["location_stability", "life_events"] {
        let deny = app.find(&format!("request-signal-{denied}-deny")).await;
        assert!(
            deny.is_selected().await.expect("choice state"),
            "{denied} starts not shared"
        );
    }
    app.share_requested_except(&["location_stability", "life_events"])
        .await;
    for denied in ["location_stability", "life_events"] {
        let deny = app.find(&format!("request-signal-{denied}-deny")).await;
        assert!(deny.is_selected().await.expect("choice state"));
    }
    let shared = app.find("request-signal-sms_income-share").await;
    assert!(shared.is_selected().await.expect("choice state"));
    app.snap("consent-request").await;
    app.click("request-submit").await;
    app.find("request-decided").await;

    // Sync, then the offer and how each signal moved it.
    app.click("nav-home").await;
    app.click(&format!("home-sync-{}", khata_engine::SANDBOX_LENDER_ID))
        .await;
    app.find("home-offer-decision").await;
    app.click("nav-offer").await;
    let score = number(&app, "offer-score").await;
    let rows = app.all_with_prefix("contribution-row-").await;
    assert!(
        rows.len() >= 10,
        "expected a row per signal, got {}",
        rows.len()
    );
    // A denied signal still has a row: it scores its "missing" bin.
    let denied_row = app.text("contribution-row-location_stability").await;
    assert!(!denied_row.is_empty());
    app.snap("offer").await;

    // What-if: withhold SMS-derived income and compare with the real offer.
    app.click("whatif-signal-sms_income").await;
    app.click("whatif-submit").await;
    let offer_score = number(&app, "whatif-offer-score").await;
    let quote_score = number(&app, "whatif-quote-score").await;
    assert_eq!(offer_score, score);
    assert_ne!(
        quote_score, offer_score,
        "withholding income must move the score"
    );

    // Revoke one signal and wait for the lender's verified receipt.
    app.revoke_signal("wallet_txns").await;
    app.wait_css_for(
        "[data-testid^=\"revocation-state-\"][data-state=\"confirmed\"]",
        RECEIPT_WAIT,
    )
    .await;
    app.snap("consents").await;

    // Every disclosure, with its signed evidence.
    app.click("nav-timeline").await;
    app.find("timeline-row").await;
    let total = app.text("timeline-total").await;
    assert!(!total.starts_with("0 "), "{total}");
    app.snap("timeline").await;

    // A well-behaved lender: the audit finds nothing.
    app.click("nav-audit").await;
    app.find("audit-empty").await;

    // Ask for human review of the decision; it is tracked with the lender's due date.
    app.click("nav-rights").await;
    app.find("rights-details")
        .await
        .send_keys("Please have a person review the credit decision.")
        .await
        .expect("type");
    app.click("rights-submit").await;
    app.find("rights-submitted").await;
    app.find("rights-table").await;
    app.snap("rights").await;

    // Export JSON, then verify it offline: chain and signatures.
    app.click("nav-export").await;
    app.click("export-format-json").await;
    app.click("export-start").await;
    app.find("export-summary").await;
    app.snap("export").await;
    let bytes = std::fs::read(&export_path).expect("export written where the dialog said");
    let report = khata_engine::audit::verify::verify_export_bytes(&bytes, &mut |_, _| {})
        .unwrap_or_else(|error| panic!("the export does not verify: {error}"));
    assert!(
        report.signatures_checked > 0 && report.disclosures > 0,
        "{report:?}"
    );
    let head = app.text("export-ledger-head").await;
    assert!(
        report
            .head_hash
            .starts_with(head.trim().trim_end_matches('…')),
        "ledger head shown ({head}) is the verified one ({})",
        report.head_hash
    );

    // Restart on the same data and keyring, opening the export as a file manager would
    // (file association): it is verified offline first, then everything is still there.
    let mut profile = app.close().await;
    profile.args = vec![export_path.display().to_string()];
    let app = Session::launch_with(profile).await;
    let verdict = app.wait_css("[data-testid=verify-outcome]").await;
    assert_eq!(
        verdict
            .attr("data-outcome")
            .await
            .expect("outcome")
            .as_deref(),
        Some("valid"),
        "{}",
        verdict.text().await.unwrap_or_default()
    );
    assert_eq!(
        app.text("verify-head").await,
        report.head_hash,
        "the app's verifier agrees with the engine's"
    );
    // It says whose keys it trusted: the sandbox lender's, pinned by this vault at connect,
    // with the fingerprint the engine's verifier computed.
    let trusted = app.wait_css("[data-testid=verify-trust-lender]").await;
    assert_eq!(
        trusted.attr("data-trust").await.expect("trust").as_deref(),
        Some("pinned"),
        "{}",
        trusted.text().await.unwrap_or_default()
    );
    let lender_trust = report
        .key_trust
        .iter()
        .find(|t| t.lender_id == khata_engine::SANDBOX_LENDER_ID)
        .unwrap_or_else(|| panic!("the report names the lender's keys: {:?}", report.key_trust));
    assert_eq!(
        app.text("verify-fingerprint").await.trim(),
        lender_trust.fingerprints[0].fingerprint,
        "the fingerprint shown is the verified one"
    );
    app.snap("verify").await;
    app.click("nav-home").await;
    app.find(&lender).await;
    app.find("home-offer-decision").await;
    app.snap("home").await;
    assert!(
        app.all_with_prefix("recovery-key").await.is_empty(),
        "the recovery key is shown only on the first run"
    );
    app.click("nav-consents").await;
    app.wait_css("[data-testid^=\"revocation-state-\"][data-state=\"confirmed\"]")
        .await;
    app.click("nav-offer").await;
    assert_eq!(number(&app, "offer-score").await, score);
    app.close().await;
}
