//! A lender that rewrites its disclosure log after the borrower synced it (the sandbox's
//! `forked-history`): the next sync keeps the lender's two signed heads of one size, and the
//! Audit screen shows the fork as a critical finding with both heads side by side, in English
//! and in Hindi.

use std::time::{Duration, Instant};

use crate::crash::{ADMIN_TOKEN, sandbox_base_url, set_faults};
use crate::harness::{Profile, Session};

async fn wait_for_disclosures(app: &Session) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let stat = app.text("home-disclosures").await;
        if stat.chars().any(|c| c.is_ascii_digit() && c != '0') {
            return;
        }
        assert!(Instant::now() < deadline, "no disclosures synced: {stat}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Opens the fork's finding (the critical one with a table of heads); clicking scrolls it
/// into view for the screenshot.
async fn open_fork(app: &Session) {
    for finding in app.all_with_prefix("finding-critical-").await {
        let has_heads = finding
            .find(fantoccini::Locator::Css(
                "[data-testid^=\"finding-heads-\"]",
            ))
            .await
            .is_ok();
        if has_heads {
            let summary = finding
                .find(fantoccini::Locator::Css("summary"))
                .await
                .expect("summary");
            if finding.attr("open").await.ok().flatten().is_none() {
                summary.click().await.expect("open the finding");
            }
            let element = serde_json::to_value(&finding).expect("an element as JSON");
            app.client
                .execute("arguments[0].scrollIntoView(true);", vec![element])
                .await
                .expect("scroll the finding into view");
            return;
        }
    }
    panic!("no finding shows the lender's heads");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lender_that_rewrites_its_log_is_shown_as_a_fork() {
    let mut profile = Profile::new();
    // The over-collector collects as soon as it has a consent, so there is a log to rewrite.
    profile
        .env
        .push(("KHATA_SANDBOX_SCENARIO".into(), "over-collector".into()));
    profile
        .env
        .push(("KHATA_SANDBOX_ADMIN_TOKEN".into(), ADMIN_TOKEN.into()));
    let app = Session::launch_with(profile).await;
    app.acknowledge_recovery_key().await;
    app.click("connect-lender").await;
    app.click("connect-sandbox").await;
    let lender = khata_engine::SANDBOX_LENDER_ID;
    app.find(&format!("home-lender-{lender}")).await;
    app.click("nav-requests").await;
    app.click("request-submit").await;
    app.find("request-decided").await;
    app.click("nav-home").await;
    app.click(&format!("home-sync-{lender}")).await;
    wait_for_disclosures(&app).await;

    // The lender rewrites a disclosure it already recorded; the borrower syncs again.
    set_faults(
        &sandbox_base_url(&app.profile),
        r#"{"forkedHistory": true}"#,
    );
    let deadline = Instant::now() + Duration::from_secs(90);
    let (title, detail) = loop {
        app.click("nav-home").await;
        app.click(&format!("home-sync-{lender}")).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        app.click("nav-audit").await;
        app.find("audit-heading").await;
        let mut found = None;
        for detail in app.all_with_prefix("finding-detail-").await {
            let text = detail
                .prop("textContent")
                .await
                .expect("finding text")
                .unwrap_or_default();
            if text.contains("signed two different versions") {
                found = Some(text);
            }
        }
        if let Some(text) = found {
            break (app.text("audit-summary").await, text);
        }
        assert!(
            Instant::now() < deadline,
            "no finding names the rewritten log"
        );
    };
    assert!(title.contains("finding"), "{title}");
    assert!(detail.contains("root hash"), "{detail}");
    // Both signed heads, side by side.
    let heads = app
        .wait_css("[data-testid^=\"finding-heads-critical-\"]")
        .await;
    let table = heads.text().await.expect("heads table");
    assert!(
        table.contains("Held from before") && table.contains("Shown later"),
        "{table}"
    );
    open_fork(&app).await;
    app.snap("audit-log-fork").await;

    // The same finding in Hindi, worded by the UI from the same facts.
    let devanagari = |s: &str| s.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c));
    app.find("language")
        .await
        .select_by_value("hi")
        .await
        .expect("choose Hindi");
    app.click("nav-audit").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !devanagari(&app.text("audit-heading").await) {
        assert!(Instant::now() < deadline, "the audit is still not in Hindi");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut hindi = String::new();
    for detail in app.all_with_prefix("finding-detail-").await {
        let text = detail
            .prop("textContent")
            .await
            .expect("finding text")
            .unwrap_or_default();
        if devanagari(&text) {
            hindi.push_str(&text);
        }
    }
    assert!(devanagari(&hindi), "no finding worded in Hindi");
    open_fork(&app).await;
    app.snap("audit-log-fork-hi").await;
    app.close().await;
}
