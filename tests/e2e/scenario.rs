//! Connect's scenario picker on the real binary: the built-in sandbox lender's behaviours are
//! listed from Rust, the picker reads in English and Hindi, and the lender connected plays
//! the scenario picked (its name says which), with no environment variable set.

use crate::harness::{Session, devanagari};

#[tokio::test(flavor = "multi_thread")]
async fn connect_plays_the_sandbox_scenario_picked() {
    let app = Session::launch().await;
    app.acknowledge_recovery_key().await;
    app.click("connect-lender").await;
    let picker = app.find("connect-scenario").await;
    let options = picker.text().await.expect("the picker's options");
    for name in [
        "salaried-good",
        "thin-file",
        "declined",
        "over-collector",
        "flaky",
    ] {
        assert!(options.contains(name), "{name} missing from {options}");
    }
    picker
        .select_by_value("declined")
        .await
        .expect("pick declined");
    let hint = app.text("connect-scenario-hint").await;
    assert!(hint.contains("declined"), "{hint}");
    app.snap("connect-scenario").await;
    app.find("language")
        .await
        .select_by_value("hi")
        .await
        .expect("choose Hindi");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !devanagari(&app.text("connect-scenario-hint").await) {
        assert!(
            std::time::Instant::now() < deadline,
            "the hint is not Hindi"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    app.snap("connect-scenario-hi").await;
    app.find("language")
        .await
        .select_by_value("en")
        .await
        .expect("back to English");

    // The pick survives the language change; the lender connected plays it.
    app.click("connect-sandbox").await;
    let lender = app
        .text(&format!("home-lender-{}", khata_engine::SANDBOX_LENDER_ID))
        .await;
    assert!(lender.contains("declined"), "{lender}");
}
