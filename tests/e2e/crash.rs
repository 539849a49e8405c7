//! A revocation survives the app being killed between sending it and the lender's receipt:
//! the lender commits the revocation but the connection drops before the answer (fault
//! `drop-after-commit`), the app is SIGKILLed, and on restart the outbox delivers it again with
//! the same idempotency key. The lender's own database shows it happened exactly once.

use std::io::{Read as _, Write as _};
use std::time::Duration;

use crate::harness::{Profile, Session};

/// The built-in sandbox's address, from the app's log ("sandbox lender listening base_url=…").
pub(crate) fn sandbox_base_url(profile: &Profile) -> String {
    let logs = profile.data_dir.path().join("logs");
    for entry in std::fs::read_dir(&logs).expect("log folder").flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        if let Some(line) = text.lines().rev().find(|l| l.contains("base_url=")) {
            let url = line.split("base_url=").nth(1).unwrap();
            return url.split_whitespace().next().unwrap().to_owned();
        }
    }
    panic!("no sandbox address in {}", logs.display());
}

/// The built-in sandbox's admin token, handed to the app in `KHATA_SANDBOX_ADMIN_TOKEN`.
pub(crate) const ADMIN_TOKEN: &str = "e2e-crash-admin-token";

/// `PUT /_sandbox/faults` over plain HTTP on loopback, with the admin token.
pub(crate) fn set_faults(base_url: &str, json: &str) {
    let addr = base_url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(addr).expect("sandbox reachable");
    write!(
        stream,
        "PUT /_sandbox/faults HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
        json.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 2"), "{answer}");
}

/// A new app whose built-in sandbox takes `ADMIN_TOKEN` on its admin routes, connected to
/// that sandbox, with its consent request granted as offered.
pub(crate) async fn consented_with_admin_token() -> Session {
    consented_in(None).await
}

/// The same, with the sandbox playing `scenario` (`KHATA_SANDBOX_SCENARIO`) when given.
pub(crate) async fn consented_in(scenario: Option<&str>) -> Session {
    let mut profile = Profile::new();
    profile
        .env
        .push(("KHATA_SANDBOX_ADMIN_TOKEN".into(), ADMIN_TOKEN.into()));
    if let Some(scenario) = scenario {
        profile
            .env
            .push(("KHATA_SANDBOX_SCENARIO".into(), scenario.into()));
    }
    let app = Session::launch_with(profile).await;
    app.acknowledge_recovery_key().await;
    app.connect_sandbox(None).await;
    app.click("nav-requests").await;
    app.share_requested_except(&[]).await;
    app.click("request-submit").await;
    app.find("request-decided").await;
    app
}

/// Revocation receipts the lender issued for consent actions of `action` kind.
fn lender_receipts(profile: &Profile, action: &str) -> i64 {
    let db = profile
        .data_dir
        .path()
        .join(khata_engine::SANDBOX_DIR)
        .join("sandbox.sqlite3");
    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("sandbox database");
    conn.query_row(
        "SELECT COUNT(*) FROM receipts WHERE action = ?1",
        [action],
        |r| r.get(0),
    )
    .expect("count receipts")
}

#[tokio::test(flavor = "multi_thread")]
async fn revocation_lands_once_when_the_app_is_killed_before_the_receipt() {
    let app = consented_with_admin_token().await;

    // From now on the lender commits every POST and then drops the connection.
    set_faults(
        &sandbox_base_url(&app.profile),
        r#"{"dropAfterCommit": 1.0}"#,
    );
    app.revoke_signal("wallet_txns").await;
    // Sent and committed at the lender; its answer (and receipt) never reaches the app.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let action = loop {
        let n = lender_receipts_any(&app.profile);
        if n.1 > 0 {
            break n.0;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the lender never got the revocation"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // Crash. The revocation is committed at the lender, unacknowledged in the vault.
    let profile = app.crash_app().await;
    assert_eq!(lender_receipts(&profile, &action), 1);

    // Restart (faults are not persisted): redelivered with the same idempotency key, the
    // lender replays its answer, the receipt verifies, and nothing was revoked twice.
    let app = Session::launch_with(profile).await;
    app.click("nav-consents").await;
    app.wait_css_for(
        "[data-testid^=\"revocation-state-\"][data-state=\"confirmed\"]",
        Duration::from_secs(90),
    )
    .await;
    assert_eq!(
        lender_receipts(&app.profile, &action),
        1,
        "delivered exactly once"
    );
    app.close().await;
}

/// The action name and count of the newest receipt kind the lender issued, if any.
pub(crate) fn lender_receipts_any(profile: &Profile) -> (String, i64) {
    let db = profile
        .data_dir
        .path()
        .join(khata_engine::SANDBOX_DIR)
        .join("sandbox.sqlite3");
    let Ok(conn) =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return (String::new(), 0);
    };
    conn.query_row(
        "SELECT action, COUNT(*) FROM receipts GROUP BY action ORDER BY MAX(rowid) DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap_or((String::new(), 0))
}
