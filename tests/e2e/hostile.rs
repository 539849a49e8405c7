//! A lender that answers a revocation with a receipt it signed but that says something else
//! (fault `future-receipts`: it takes effect 75 years from now). The borrower sees the
//! revocation still waiting, never "confirmed", and the audit names the contradiction.

use std::time::Duration;

use crate::crash::{consented_with_admin_token, lender_receipts_any, sandbox_base_url, set_faults};

#[tokio::test(flavor = "multi_thread")]
async fn a_receipt_that_contradicts_the_request_is_never_a_confirmation() {
    let app = consented_with_admin_token().await;

    set_faults(
        &sandbox_base_url(&app.profile),
        r#"{"futureReceipts": true}"#,
    );
    app.revoke_signal("wallet_txns").await;
    // The lender commits the revocation and answers with its (signed, future-dated) receipt.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while lender_receipts_any(&app.profile).1 == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the lender never answered the revocation"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // The audit names the contradiction (the receipt is kept as evidence, not as a confirmation).
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let contradiction = loop {
        app.click("nav-home").await;
        app.click("nav-audit").await;
        app.find("audit-heading").await;
        if let Some(text) = app
            .finding_detail_containing("not count it as a confirmation")
            .await
        {
            break text;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no finding names the contradicting receipt"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert!(contradiction.contains("effective time"), "{contradiction}");
    app.snap("audit-receipt-contradicts").await;

    // And the revocation is not shown as confirmed.
    app.click("nav-consents").await;
    let state = app
        .wait_css("[data-testid^=\"revocation-state-\"]")
        .await
        .attr("data-state")
        .await
        .expect("state")
        .unwrap_or_default();
    assert_ne!(
        state, "confirmed",
        "a contradicting receipt confirmed the revocation"
    );
    app.close().await;
}
