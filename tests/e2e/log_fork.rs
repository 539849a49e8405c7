//! A lender that rewrites its disclosure log after the borrower synced it (the sandbox's
//! `forked-history`): the next sync keeps the lender's two signed heads of one size, and the
//! Audit screen shows the fork as a critical finding with both heads side by side, in English
//! and in Hindi.

use std::time::{Duration, Instant};

use crate::crash::{consented_in, sandbox_base_url, set_faults};
use crate::harness::{Session, devanagari};

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
    // The over-collector collects as soon as it has a consent, so there is a log to rewrite.
    let app = consented_in(Some("over-collector")).await;
    let lender = khata_engine::SANDBOX_LENDER_ID;
    app.click("nav-home").await;
    app.click(&format!("home-sync-{lender}")).await;
    app.wait_for_disclosures().await;

    // The lender rewrites a disclosure it already recorded; the borrower syncs again.
    set_faults(
        &sandbox_base_url(&app.profile),
        r#"{"forkedHistory": true}"#,
    );
    let deadline = Instant::now() + Duration::from_secs(90);
    let detail = loop {
        app.click("nav-home").await;
        app.click(&format!("home-sync-{lender}")).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        app.click("nav-audit").await;
        app.find("audit-heading").await;
        if let Some(text) = app
            .finding_detail_containing("signed two different versions")
            .await
        {
            break text;
        }
        assert!(
            Instant::now() < deadline,
            "no finding names the rewritten log"
        );
    };
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
    app.audit_in_hindi().await;
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
    assert!(!hindi.is_empty(), "no finding worded in Hindi");
    open_fork(&app).await;
    app.snap("audit-log-fork-hi").await;
    app.close().await;
}
