//! The Audit screen on the real binary against an over-collecting sandbox lender: the
//! borrower's details and nominee kept under Your details (with the nominee packet), findings
//! with their signed evidence, the grievance letter signed with the borrower's name, edited,
//! previewed, saved in the packet and filed only once confirmed, tracked under Your rights;
//! then the same finding, letter and details in Hindi, worded by the UI from what Rust reports.

use crate::harness::{Profile, Session, devanagari};

/// Whether `text` holds a UUID (8-4-4-4-12 hex digits), as lenders' consent ids are.
fn has_uuid(text: &str) -> bool {
    let b = text.as_bytes();
    let shape = [8, 4, 4, 4, 12];
    let len: usize = shape.iter().sum::<usize>() + 4;
    (0..b.len().saturating_sub(len - 1)).any(|start| {
        let mut i = start;
        shape.iter().enumerate().all(|(n, &run)| {
            let ok =
                b[i..i + run].iter().all(u8::is_ascii_hexdigit) && (n == 4 || b[i + run] == b'-');
            i += run + 1;
            ok
        })
    })
}

/// The letter's body: everything before its "References" (ids are listed there).
fn body(letter: &str, heading: &str) -> String {
    let at = letter
        .rfind(&format!("\n\n{heading}\n"))
        .unwrap_or_else(|| panic!("no {heading} section: {letter}"));
    letter[..at].to_owned()
}

async fn type_into(app: &Session, test_id: &str, text: &str) {
    app.find(test_id)
        .await
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into {test_id}: {e}"));
}

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

    // Your details: the name letters are signed with, and a nominee with their packet.
    app.click("nav-profile").await;
    type_into(&app, "profile-name", "Asha Verma").await;
    type_into(&app, "profile-phone", "+91 98765 43210").await;
    app.click("profile-save").await;
    app.find("profile-saved").await;
    type_into(&app, "nominee-name", "Ravi Verma").await;
    type_into(&app, "nominee-relationship", "brother").await;
    type_into(&app, "nominee-contact", "+91 91234 56789").await;
    app.click("nominee-save").await;
    app.find("nominee-saved").await;
    let nomination = app.text("nomination-letter").await;
    assert!(
        nomination.contains("I, Asha Verma, nominate Ravi Verma (brother"),
        "{nomination}"
    );
    app.snap("profile").await;
    app.click("packet-save").await;
    let packet_notice = app.text("packet-saved").await;
    let nominee_packet = save_dir.path().join("khata-nominee.zip");
    assert!(
        packet_notice.contains(&nominee_packet.display().to_string()),
        "{packet_notice}"
    );
    let zip = std::fs::read(&nominee_packet).expect("nominee packet written");
    let names = String::from_utf8_lossy(&zip);
    assert!(names.contains("nominee.json") && names.contains("evidence/khata-export.json"));

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

    // The letter opens in an editor, signed with the name kept under Your details.
    app.click(&format!("grievance-read-{lender}")).await;
    let drafted = app
        .find("grievance-letter-edit")
        .await
        .prop("value")
        .await
        .expect("the letter's text")
        .unwrap_or_default();
    assert!(
        drafted.contains("I am Asha Verma, a customer of"),
        "{drafted}"
    );
    type_into(
        &app,
        "grievance-letter-edit",
        "\nPlease reply to me in writing.",
    )
    .await;
    app.click("grievance-preview").await;
    let letter = app.text("grievance-letter-text").await;
    app.snap("grievance-letter").await;
    assert!(
        letter.contains("Digital Personal Data Protection Act, 2023"),
        "{letter}"
    );
    assert!(
        letter.contains("Please reply to me in writing."),
        "{letter}"
    );
    assert!(letter.contains("Asha Verma"), "{letter}");
    assert!(!letter.contains("[Your name]"), "{letter}");
    let letter_body = body(&letter, "References");
    assert!(
        !has_uuid(&letter_body),
        "a UUID in the letter's body: {letter_body}"
    );
    // The over-collector's letter is longer than the lender's form takes (10,000 characters):
    // the preview says so and shows the summary that is filed, signed and without ids in its
    // body; the whole letter goes in the packet.
    let filed_as = app.text("grievance-filed-as").await;
    assert!(
        filed_as.contains("The summary below is filed")
            && filed_as.contains("form takes at most 10,000"),
        "{filed_as}"
    );
    let summary = app.text("grievance-summary-text").await;
    assert!(
        summary.contains("I am Asha Verma, a customer of"),
        "{summary}"
    );
    assert!(summary.contains("in a grievance packet"), "{summary}");
    assert!(!summary.contains("[Your name]"), "{summary}");
    assert!(!has_uuid(&body(&summary, "References")), "{summary}");
    assert!(
        summary.chars().count() <= 10_000,
        "{}",
        summary.chars().count()
    );
    let lender_name = letter
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("To: The Grievance Officer, "))
        .unwrap_or_else(|| panic!("the letter names the lender: {letter}"))
        .trim()
        .to_owned();

    // The packet carries the letter as edited.
    app.click("grievance-save-letter").await;
    let saved = app.text("grievance-flow-notice").await;
    let packet = save_dir.path().join("khata-grievance.zip");
    assert!(saved.contains(&packet.display().to_string()), "{saved}");
    let bytes = std::fs::read(&packet).expect("packet written");
    assert_eq!(&bytes[..4], b"PK\x03\x04", "a zip");

    // Filed only once confirmed.
    app.click("grievance-next").await;
    let question = app.text("grievance-confirm-question").await;
    assert!(
        question.contains(&format!("File this with {lender_name}")),
        "{question}"
    );
    app.snap("grievance-confirm").await;
    app.click("grievance-confirm").await;
    app.wait_css("[data-testid=grievance-notice]").await;
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
    app.click("grievance-preview").await;
    let letter = app.text("grievance-letter-text").await;
    app.snap("grievance-letter-hi").await;
    assert!(devanagari(&letter), "{letter}");
    assert!(letter.contains("मैं Asha Verma,"), "{letter}");
    assert!(!has_uuid(&body(&letter, "संदर्भ")), "{letter}");
    assert!(
        letter.contains("डिजिटल व्यक्तिगत डेटा संरक्षण अधिनियम, 2023 की धारा 13"),
        "{letter}"
    );
    assert!(
        letter.contains(&format!("शिकायत अधिकारी, {lender_name}")),
        "the letter cites {lender_name}: {letter}"
    );
    app.click("grievance-letter-close").await;

    // Your details in Hindi.
    app.click("nav-profile").await;
    let heading = app.text("profile-heading").await;
    assert!(devanagari(&heading), "{heading}");
    let nomination = app.text("nomination-letter").await;
    assert!(nomination.contains("धारा 14"), "{nomination}");
    app.snap("profile-hi").await;
    app.close().await;
}
