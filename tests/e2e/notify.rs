//! Staying informed on the real binary: an over-collecting sandbox lender keeps collecting
//! after the borrower revokes; the next sync's notice reaches a real notification daemon
//! (dunst, on the session's private D-Bus) naming the lender. On the way, the revocation says
//! what stops and what the lender may keep until when, and files erasure in the same flow;
//! Home lists the critical finding from the stored summary.

use std::time::{Duration, Instant};

use crate::harness::{Profile, Session};

#[tokio::test(flavor = "multi_thread")]
async fn a_collection_after_revocation_notifies_the_desktop() {
    let mut profile = Profile::new();
    profile
        .env
        .push(("KHATA_SANDBOX_SCENARIO".into(), "over-collector".into()));
    profile.notify_dir = Some(tempfile::tempdir().expect("notify dir"));
    let app = Session::launch_with(profile).await;
    app.acknowledge_recovery_key().await;

    app.click("connect-lender").await;
    app.click("connect-sandbox").await;
    let lender = khata_engine::SANDBOX_LENDER_ID;
    app.find(&format!("home-lender-{lender}")).await;
    app.click("nav-requests").await;
    app.share_requested_except(&[]).await;
    app.click("request-submit").await;
    app.find("request-decided").await;
    app.click("nav-home").await;
    app.click(&format!("home-sync-{lender}")).await;
    app.wait_for_disclosures().await;

    // Revoke the whole consent, reading what it means first, and ask for erasure with it.
    app.click("nav-consents").await;
    app.wait_css("[data-testid^=\"consent-revoke-\"]")
        .await
        .click()
        .await
        .expect("click revoke");
    let stops = app.text("revoke-stops").await;
    assert!(stops.contains("may no longer collect"), "{stops}");
    let life = app.text("revoke-life").await;
    assert!(life.contains("after each collection"), "{life}");
    let kept = app.text("revoke-kept").await;
    assert!(kept.contains("may be kept until"), "{kept}");
    app.snap("revoke-explained").await;
    app.click("revoke-erase").await;
    app.click("revoke-confirm-yes").await;
    app.find("revoke-erasure-filed").await;

    // The over-collector collects again at once; the next sync brings the proof and the notice.
    app.click("nav-home").await;
    app.click(&format!("home-sync-{lender}")).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    let (summary, body) = loop {
        let received = app.notifications();
        if let Some(n) = received
            .iter()
            .find(|(summary, _)| summary.contains("collected after you revoked"))
        {
            break n.clone();
        }
        assert!(
            Instant::now() < deadline,
            "no notification delivered; dunst has {received:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let name = app
        .find(&format!("home-lender-{lender}"))
        .await
        .find(fantoccini::Locator::Css("strong"))
        .await
        .expect("the lender's name")
        .text()
        .await
        .expect("its text");
    assert!(!name.trim().is_empty());
    let name = name.trim();
    assert!(summary.contains(name), "{summary:?} names {name:?}");
    assert!(body.contains(name) && body.contains("audit"), "{body:?}");

    // Home lists the critical finding from the summary the review kept.
    // Critical first, and within it the collections after a revocation.
    let first = app.text("home-finding").await;
    assert!(first.starts_with("Critical"), "{first}");
    let findings = app.text("home-findings").await;
    assert!(
        findings.contains("Collected after you revoked"),
        "{findings}"
    );
    app.snap("home-findings").await;
    app.close().await;
}
