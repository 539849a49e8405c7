//! `khata phone import` and `khata phone list` as a borrower runs them, on a passphrase vault
//! (no keychain touched): the import asks for a lender until one is connected, keeps a file
//! once, says which time zone it would read zone-less times in, and the list shows it.

use std::process::{Command, Output, Stdio};

const PASSPHRASE: &str = "a passphrase of some length";
const APP: &str = "in.khata.sandbox.Lender";

fn khata(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_khata"))
        .env("KHATA_DATA_DIR", dir)
        .env("KHATA_PASSPHRASE", PASSPHRASE)
        .stdin(Stdio::null())
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// Two accesses by the lender's app: contacts, then the camera with no end recorded.
const REPORT: &str = concat!(
    r#"{"accessor":{"identifier":"in.khata.sandbox.Lender","identifierType":"bundleID"},"category":"contacts","identifier":"0A1B2C3D-0000-4000-8000-000000000001","kind":"intervalBegin","timeStamp":"2026-11-25T10:15:00.120+05:30","type":"access"}"#,
    "\n",
    r#"{"accessor":{"identifier":"in.khata.sandbox.Lender","identifierType":"bundleID"},"category":"contacts","identifier":"0A1B2C3D-0000-4000-8000-000000000001","kind":"intervalEnd","timeStamp":"2026-11-25T10:15:02.480+05:30","type":"access"}"#,
    "\n",
    r#"{"accessor":{"identifier":"in.khata.sandbox.Lender","identifierType":"bundleID"},"category":"camera","identifier":"0A1B2C3D-0000-4000-8000-000000000002","kind":"intervalBegin","timeStamp":"2026-11-25T11:00:00.000+05:30","type":"access"}"#,
    "\n"
);

#[test]
fn a_report_is_imported_once_for_the_connected_lender_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("App_Privacy_Report_v4_2026-11-26.ndjson");
    std::fs::write(&report, REPORT).unwrap();
    let file = report.to_str().unwrap();

    // Nothing connected: the import says what to do, keeps nothing, and exits 1.
    let out = khata(dir.path(), &["phone", "import", file]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("Connect the lender"), "{stderr}");
    assert!(stderr.contains("this computer's, UTC"), "{stderr}");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(),
        serde_json::json!([])
    );
    let listed = json(&khata(dir.path(), &["phone", "list", "--format", "json"]));
    assert_eq!(listed["phoneSources"], serde_json::json!([]));

    json(&khata(dir.path(), &["connect", "sandbox"]));
    let out = khata(
        dir.path(),
        &["phone", "import", file, "--time-zone", "-03:00"],
    );
    let done = json(&out);
    assert_eq!(done[0]["new"], true);
    assert_eq!(done[0]["source"]["app"], APP);
    assert_eq!(done[0]["source"]["format"], "ios-app-privacy-report");
    assert_eq!(done[0]["observations"], 2);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("2 observation(s) of in.khata.sandbox.Lender"),
        "{stderr}"
    );
    // The iOS report's times carry their zone: --time-zone is not announced as used.
    assert!(!stderr.contains("this computer's"), "{stderr}");
    assert!(!stderr.contains("read in UTC-03:00"), "{stderr}");

    // Again: nothing added.
    let again = json(&khata(dir.path(), &["phone", "import", file]));
    assert_eq!(again[0]["new"], false);

    let listed = json(&khata(dir.path(), &["phone", "list", "--format", "json"]));
    assert_eq!(listed["phoneSources"].as_array().unwrap().len(), 1);
    assert_eq!(listed["phoneObservations"].as_array().unwrap().len(), 2);
    let out = khata(dir.path(), &["phone", "list"]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("App_Privacy_Report_v4_2026-11-26.ndjson"),
        "{stdout}"
    );
    assert!(stdout.contains("used contacts"), "{stdout}");
    assert!(stdout.contains("(no end recorded)"), "{stdout}");
    assert!(stdout.contains("7 days"), "{stdout}");
}

#[test]
fn a_bad_time_zone_is_refused_before_anything_opens() {
    let dir = tempfile::tempdir().unwrap();
    let out = khata(
        dir.path(),
        &["phone", "import", "x.ndjson", "--time-zone", "IST"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("+05:30"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path().join(khata_engine::VAULT_FILE).exists());
}
