//! An overdue rights request on the real binary: the built-in sandbox's rights desk has its
//! clock moved 31 days back, so the grievance it acknowledges is past the RBI's 30 days; the
//! Rights screen shows the clock as overdue and offers the next steps: a complaint to the RBI
//! Ombudsman, drafted from the engine's facts and saved with the evidence, and the deadlines as
//! an `.ics` calendar (checked against RFC 5545's shape). Then the same screen in Hindi.

use std::io::{Read as _, Write as _};
use std::time::{Duration, Instant};

use crate::crash::{ADMIN_TOKEN, sandbox_base_url};
use crate::harness::{Profile, Session, devanagari};

/// `POST {path}` with a JSON body to the built-in sandbox's admin routes, over plain HTTP on
/// loopback with the admin token.
fn admin_post(base_url: &str, path: &str, json: &str) {
    let addr = base_url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(addr).expect("sandbox reachable");
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
        json.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 2"), "{answer}");
}

/// Waits until `test_id`'s text contains `needle`.
async fn text_containing(app: &Session, test_id: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = app.text(test_id).await;
        if text.contains(needle) {
            return text;
        }
        assert!(Instant::now() < deadline, "{test_id}: {text}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The textarea's current value once it contains `needle` (its text is not its value).
async fn value_containing(app: &Session, test_id: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let value = app
            .find(test_id)
            .await
            .prop("value")
            .await
            .expect("value")
            .unwrap_or_default();
        if value.contains(needle) {
            return value;
        }
        assert!(Instant::now() < deadline, "{test_id}: {value}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The date in India of the moment `days` days from now, as an iCalendar DATE (`YYYYMMDD`;
/// the civil date from a day count, after Howard Hinnant's `civil_from_days`).
fn ist_date_in(days: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let z = (now + 19_800).div_euclid(86_400) + days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}{m:02}{d:02}")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_overdue_request_offers_a_complaint_and_a_calendar() {
    let save_dir = tempfile::tempdir().expect("save dir");
    let mut profile = Profile::new();
    profile
        .env
        .push(("KHATA_SANDBOX_ADMIN_TOKEN".into(), ADMIN_TOKEN.into()));
    profile.env.push((
        "KHATA_E2E_SAVE_PATH".into(),
        save_dir.path().display().to_string(),
    ));
    let app = Session::launch_with(profile).await;
    app.acknowledge_recovery_key().await;
    app.click("connect-lender").await;
    app.click("connect-sandbox").await;
    app.find(&format!("home-lender-{}", khata_engine::SANDBOX_LENDER_ID))
        .await;
    app.click("nav-requests").await;
    app.share_requested_except(&[]).await;
    app.click("request-submit").await;
    app.find("request-decided").await;

    // The lender's rights desk dates what it receives 31 days back.
    admin_post(
        &sandbox_base_url(&app.profile),
        "/_sandbox/clock",
        r#"{"offsetDays": -31}"#,
    );
    let due_before = ist_date_in(-1);

    app.click("nav-rights").await;
    app.find("rights-law-nomination").await;
    app.click("rights-kind-grievance").await;
    app.find("rights-details")
        .await
        .send_keys("You read my contacts list without my consent.")
        .await
        .expect("type");
    app.click("rights-submit").await;
    app.find("rights-submitted").await;
    app.find("rights-table").await;

    // The RBI's 30 days ran from the lender's own (signed) date: overdue, with the next step.
    let escalate = app.all_with_prefix("rights-escalate-").await;
    assert_eq!(escalate.len(), 1, "one overdue request");
    let id = escalate[0]
        .attr("data-testid")
        .await
        .unwrap()
        .unwrap()
        .trim_start_matches("rights-escalate-")
        .to_owned();
    let clock = app
        .text(&format!("rights-clock-{id}-rbi-ombudsman-30d"))
        .await;
    assert!(clock.contains("RBI rules, 30 days. Overdue."), "{clock}");
    app.snap("rights-overdue").await;
    escalate[0].click().await.expect("open the next steps");

    let draft = value_containing(&app, "escalation-text", "RBI Ombudsman").await;
    assert!(
        draft.contains("Complaint Management System, cms.rbi.org.in"),
        "{draft}"
    );
    assert!(draft.contains("You read my contacts list"), "{draft}");
    app.snap("rights-escalation").await;

    // The complaint with the evidence, through the app's save path.
    app.click("escalation-save").await;
    let saved = text_containing(&app, "escalation-notice", "khata-complaint.zip").await;
    let packet = save_dir.path().join("khata-complaint.zip");
    assert!(saved.contains(&packet.display().to_string()), "{saved}");
    let zip = std::fs::read(&packet).expect("packet saved");
    let has = |name: &str| zip.windows(name.len()).any(|w| w == name.as_bytes());
    assert!(has("complaint-rbi-ombudsman.txt"));
    assert!(has("rights-request.json"));
    assert!(has("evidence/rights-answer-1.json"));

    // The deadlines as a calendar.
    app.click("escalation-calendar").await;
    text_containing(&app, "escalation-notice", "khata-deadlines.ics").await;
    let ics = std::fs::read_to_string(save_dir.path().join("khata-deadlines.ics")).expect("ics");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(ics.ends_with("END:VCALENDAR\r\n"), "{ics}");
    assert_eq!(ics.matches("BEGIN:VEVENT\r\n").count(), 2, "{ics}");
    assert!(ics.contains("TRIGGER:-P1D\r\n"), "{ics}");
    // The RBI's deadline: 30 days after the lender's date, i.e. yesterday in India.
    let due_after = ist_date_in(-1);
    assert!(
        ics.contains(&format!("DTSTART;VALUE=DATE:{due_before}\r\n"))
            || ics.contains(&format!("DTSTART;VALUE=DATE:{due_after}\r\n")),
        "{ics}"
    );
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{line}");
    }

    // In Hindi: the clocks and the drafted complaint.
    app.find("language")
        .await
        .select_by_value("hi")
        .await
        .expect("choose Hindi");
    let draft = value_containing(&app, "escalation-text", "रिज़र्व बैंक लोकपाल").await;
    assert!(devanagari(&draft), "{draft}");
    let clock = app
        .text(&format!("rights-clock-{id}-rbi-ombudsman-30d"))
        .await;
    assert!(devanagari(&clock), "{clock}");
    assert!(clock.contains("समय बीत गया"), "{clock}");
    app.snap("rights-escalation-hi").await;
    app.close().await;
}
