//! The Audit screen on the real binary against an over-collecting sandbox lender: findings
//! with their signed evidence, the grievance letter, the packet saved to disk, and the
//! grievance filed through the lender API and tracked under Your rights; then the same
//! finding and letter in Hindi, worded by the UI from the facts Rust reports.

use crate::harness::{Profile, Session, devanagari};

#[tokio::test(flavor = "multi_thread")]
async fn audit_finds_over_collection_and_files_a_grievance() {
    let save_dir = tempfile::tempdir().expect("save dir");
    let mut profile = Profile::new();
    profile
        .env
        .push(("KHATA_SANDBOX_SCENARIO".into(), "over-collector".into()));
    profile.env.push((
        "KHATA_E2E_SAVE_PATH".into(),
        save_dir.path().display().to_string(),
    ));
    let app = Session::launch_with(profile).await;
    app.acknowledge_recovery_key().await;

    app.click("connect-lender").await;
    app.click("connect-sandbox").await;
    let lender = khata_engine::SANDBOX_LENDER_ID;
    app.find(&format!("home-lender-{lender}")).await;

    // Deny one signal; the over-collector takes it anyway once the consent is given.
    app.click("nav-requests").await;
    app.share_requested_except(&["life_events"]).await;
    app.click("request-submit").await;
    app.find("request-decided").await;
    app.click("nav-home").await;
    app.click(&format!("home-sync-{lender}")).await;
    app.wait_for_disclosures().await;

    app.click("nav-audit").await;
    let summary = app.text("audit-summary").await;
    assert!(summary.contains("finding"), "{summary}");
    let critical = app.text("audit-count-critical").await;
    assert!(critical.starts_with("Critical: "), "{critical}");
    // A finding opens to its rule and the lender's signed statement.
    let first = app.find("finding-critical-0").await;
    first
        .find(fantoccini::Locator::Css("summary"))
        .await
        .expect("summary")
        .click()
        .await
        .expect("open");
    let detail = first.text().await.expect("finding text");
    app.snap("audit").await;
    assert!(detail.contains("\"signature\""), "{detail}");
    // The over-collector's contacts and call logs are judged by the RBI rules built into Khata,
    // and the finding names that source (whatever the lender's catalogue says).
    let mut sources = Vec::new();
    for source in app.all_with_prefix("finding-source-").await {
        sources.push(
            source
                .prop("textContent")
                .await
                .expect("source text")
                .unwrap_or_default(),
        );
    }
    assert!(
        sources
            .iter()
            .any(|s| s.contains("RBI Guidelines on Digital Lending")),
        "{sources:?}"
    );

    app.click(&format!("grievance-read-{lender}")).await;
    let letter = app.text("grievance-letter-text").await;
    app.snap("grievance-letter").await;
    assert!(
        letter.contains("Digital Personal Data Protection Act, 2023"),
        "{letter}"
    );
    let lender_name = letter
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("To: The Grievance Officer, "))
        .unwrap_or_else(|| panic!("the letter names the lender: {letter}"))
        .trim()
        .to_owned();
    app.click("grievance-letter-close").await;

    app.click(&format!("grievance-save-{lender}")).await;
    let saved = app.text("grievance-notice").await;
    let packet = save_dir.path().join("khata-grievance.zip");
    assert!(saved.contains(&packet.display().to_string()), "{saved}");
    let bytes = std::fs::read(&packet).expect("packet written");
    assert_eq!(&bytes[..4], b"PK\x03\x04", "a zip");

    app.click(&format!("grievance-file-{lender}")).await;
    app.wait_css("[data-testid=grievance-notice]").await;
    // The notice changes from "Saved…" to the filing's ticket once the lender answers.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let filed = loop {
        let text = app.text("grievance-notice").await;
        if text.contains("Ticket") {
            break text;
        }
        assert!(std::time::Instant::now() < deadline, "not filed: {text}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert!(filed.contains("answer due by"), "{filed}");

    app.click("nav-rights").await;
    app.find("rights-table").await;
    let rows = app.all_with_prefix("rights-row-").await;
    let mut kinds = Vec::new();
    for row in rows {
        kinds.push(row.text().await.expect("row"));
    }
    assert!(
        kinds.iter().any(|k| k.starts_with("Grievance")),
        "{kinds:?}"
    );

    // In Hindi: the finding's sentence and the letter are worded in Devanagari by the UI.
    app.audit_in_hindi().await;
    let first = app.find("finding-critical-0").await;
    first
        .find(fantoccini::Locator::Css("summary"))
        .await
        .expect("summary")
        .click()
        .await
        .expect("open");
    let sentence = app.text("finding-detail-critical-0").await;
    assert!(devanagari(&sentence), "{sentence}");
    app.click(&format!("grievance-read-{lender}")).await;
    let letter = app.text("grievance-letter-text").await;
    app.snap("grievance-letter-hi").await;
    assert!(devanagari(&letter), "{letter}");
    assert!(
        letter.contains("डिजिटल व्यक्तिगत डेटा संरक्षण अधिनियम, 2023 की धारा 13"),
        "{letter}"
    );
    assert!(
        letter.contains(&format!("शिकायत अधिकारी, {lender_name}")),
        "the letter cites {lender_name}: {letter}"
    );
    app.click("grievance-letter-close").await;
    app.close().await;
}
