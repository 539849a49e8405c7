//! Phone evidence on the real binary: against the over-collecting sandbox lender, the borrower
//! saves the report the lender's app left on their phone (the sandbox writes the iOS App
//! Privacy Report its app would have caused), imports it on Your phone, and the Audit screen
//! shows what the phone saw — contacts read, which the RBI prohibits — with the file it came
//! from; the grievance packet carries that evidence. Then the same finding in Hindi.

use std::time::{Duration, Instant};

use crate::harness::{Profile, Session, devanagari};

/// The text of every finding detail whose text contains `needle`, opened.
async fn phone_findings(app: &Session, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for detail in app.all_with_prefix("finding-detail-").await {
        let text = detail
            .prop("textContent")
            .await
            .expect("finding text")
            .unwrap_or_default();
        if text.contains(needle) {
            found.push(text);
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn a_phone_report_imported_on_your_phone_is_audited_and_goes_in_the_packet() {
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
    app.click("nav-requests").await;
    app.share_requested_except(&[]).await;
    app.click("request-submit").await;
    app.find("request-decided").await;
    app.click("nav-home").await;
    app.click(&format!("home-sync-{lender}")).await;
    app.wait_for_disclosures().await;

    // Your phone: the sandbox writes its app's iOS report where the borrower saves it, and the
    // borrower imports that file.
    app.click("nav-phone").await;
    app.find("phone-heading").await;
    app.click("phone-qa-save").await;
    let saved = app.text("phone-qa-saved").await;
    let report = std::fs::read_dir(save_dir.path())
        .expect("save dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("App_Privacy_Report_v4_"))
        })
        .unwrap_or_else(|| panic!("no report saved: {saved}"));
    let file_name = report.file_name().unwrap().to_string_lossy().into_owned();
    assert!(saved.contains(&file_name), "{saved}");
    app.click("phone-qa-import").await;
    let survey = app.text("phone-survey").await;
    assert!(survey.contains("in.khata.sandbox.Lender"), "{survey}");
    app.snap("phone-survey").await;
    app.click("phone-import").await;
    let deadline = Instant::now() + Duration::from_secs(60);
    let result = loop {
        let text = app.text("phone-import-result").await;
        if !text.trim().is_empty() {
            break text;
        }
        assert!(Instant::now() < deadline, "the import did not finish");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let sources = app.text("phone-sources").await;
    assert!(sources.contains(&file_name), "{sources}\n{result}");
    app.snap("phone-imported").await;

    // The audit: what the phone saw, judged by the RBI's rules, names its file.
    app.click("nav-audit").await;
    app.find("audit-heading").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let findings = loop {
        let found = phone_findings(&app, &file_name).await;
        if !found.is_empty() {
            break found;
        }
        assert!(
            Instant::now() < deadline,
            "no finding names the phone's file"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        app.click("nav-home").await;
        app.click("nav-audit").await;
    };
    assert!(
        findings.iter().any(|f| f.contains("contacts")),
        "{findings:?}"
    );
    let critical = app.text("audit-count-critical").await;
    assert!(critical.starts_with("Critical: "), "{critical}");
    app.snap("audit-phone").await;

    // The grievance packet carries the phone evidence, the raw file included.
    app.click(&format!("grievance-save-{lender}")).await;
    let notice = app.text("grievance-notice").await;
    let packet = save_dir.path().join("khata-grievance.zip");
    assert!(notice.contains(&packet.display().to_string()), "{notice}");
    let bytes = std::fs::read(&packet).expect("packet written");
    let names = String::from_utf8_lossy(&bytes);
    assert!(
        names.contains("evidence/phone-evidence.json"),
        "the packet has no phone evidence"
    );
    assert!(
        names.contains(&format!("-{file_name}")),
        "the packet lacks the report itself"
    );

    // In Hindi: the same finding, worded by the UI from the same facts.
    app.audit_in_hindi().await;
    let hindi = phone_findings(&app, &file_name).await;
    assert!(
        hindi.iter().any(|f| devanagari(f)),
        "the phone finding is not worded in Hindi: {hindi:?}"
    );
    app.snap("audit-phone-hi").await;
    app.click("nav-phone").await;
    let heading = app.text("phone-heading").await;
    assert!(devanagari(&heading), "{heading}");
    app.snap("phone-hi").await;
    app.close().await;
}
