//! `khata sandbox` as a user runs it: starts on a free port, prints its URL and its admin
//! token, serves discovery, keeps its admin routes for the token's holder, refuses bad flags
//! with a clear message, and exits cleanly on SIGTERM; `khata sandbox phone-report` writes a
//! phone report from a scenario run of its own or from a sandbox's state.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Command, Stdio};

fn khata() -> Command {
    Command::new(env!("CARGO_BIN_EXE_khata"))
}

#[cfg(unix)]
#[test]
fn sandbox_serves_discovery_and_stops_on_sigterm() {
    let state = tempfile::tempdir().unwrap();
    let mut child = khata()
        .args([
            "sandbox",
            "--port",
            "0",
            "--scenario",
            "thin-file",
            "--state",
        ])
        .arg(state.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let url = line
        .trim()
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_start_matches("http://")
        .to_string();

    let mut s = TcpStream::connect(&url).unwrap();
    write!(
        s,
        "GET /.well-known/khata-lender.json HTTP/1.1\r\nHost: {url}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(resp.contains("\"lenderId\""));

    // The admin token was made up at start and printed; the admin routes want it.
    let token = (0..3)
        .find_map(|_| {
            line.clear();
            out.read_line(&mut line).unwrap();
            line.strip_prefix("admin token")
                .map(|l| l.trim().rsplit(' ').next().unwrap().to_owned())
        })
        .expect("the admin token is printed");
    assert!(token.len() >= 32, "{token}");
    assert_eq!(get_faults(&url, None), 401);
    assert_eq!(get_faults(&url, Some("not-it")), 401);
    assert_eq!(get_faults(&url, Some(&token)), 200);
    assert!(state.path().join("sandbox.sqlite3").exists());
    assert!(state.path().join("lender-ed25519.key").exists());

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

/// `GET /_sandbox/faults`, with a bearer token or none; the status code.
fn get_faults(addr: &str, token: Option<&str>) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "GET /_sandbox/faults HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    resp[9..12].parse().unwrap()
}

#[test]
fn bad_flags_exit_with_a_message() {
    let out = khata()
        .args(["sandbox", "--port", "0", "--fault", "error-rate=2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("between 0 and 1"), "{err}");
}

#[test]
fn phone_report_from_a_scenario_run_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let out = khata()
        .args([
            "sandbox",
            "phone-report",
            "--scenario",
            "over-collector",
            "--format",
            "ios",
            "--out",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("in.khata.sandbox.Lender"), "{said}");
    // A directory gets the phone's own file name.
    let file = std::fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let name = file.file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.starts_with("App_Privacy_Report_v4_") && name.ends_with(".ndjson"),
        "{name}"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.iter().any(|l| l["category"] == "contacts"));
    assert!(lines.iter().any(|l| l["domainType"] == 1));

    // To stdout, Android's own text.
    let out = khata()
        .args([
            "sandbox",
            "phone-report",
            "--scenario",
            "salaried-good",
            "--format",
            "android-cmd",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("READ_SMS: allow; time=+"), "{text}");
    assert!(!text.contains("READ_CONTACTS"), "{text}");

    // The capture bundle: the phone's facts, then each command's output.
    let out = khata()
        .args(["sandbox", "phone-report", "--format", "android-capture"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("# khata-android-capture 1\n"), "{text}");
    assert!(text.contains("\n# utc-offset: +05:30\n"), "{text}");
    assert!(
        text.contains("\n## section: cmd appops get in.khata.sandbox.lender\n"),
        "{text}"
    );
}

#[test]
fn phone_report_from_a_sandbox_state_and_bad_requests() {
    // A state directory of a sandbox that ran (and stopped): the report follows it.
    let state = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let sb = khata_sandbox::start(khata_sandbox::SandboxConfig {
            scenario: khata_sandbox::Scenario::Declined,
            state_dir: Some(state.path().to_path_buf()),
            ..Default::default()
        })
        .await
        .unwrap();
        sb.shutdown().await.unwrap();
    });
    let report = |args: &[&str]| {
        khata()
            .args(["sandbox", "phone-report"])
            .args(args)
            .arg("--state")
            .arg(state.path())
            .output()
            .unwrap()
    };
    let ok = report(&["--format", "android-appops"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let text = String::from_utf8(ok.stdout).unwrap();
    assert!(
        text.contains("    Package in.khata.sandbox.lender:\n"),
        "{text}"
    );
    // No consent yet: the well-behaved app has used nothing.
    assert!(!text.contains("Access:"), "{text}");

    let wrong = report(&["--format", "ios", "--scenario", "over-collector"]);
    assert_eq!(wrong.status.code(), Some(2));
    let err = String::from_utf8_lossy(&wrong.stderr);
    assert!(err.contains("runs scenario declined"), "{err}");

    let empty = tempfile::tempdir().unwrap();
    let none = khata()
        .args(["sandbox", "phone-report", "--format", "ios", "--state"])
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("holds no sandbox state"));

    let bad = khata()
        .args(["sandbox", "phone-report", "--format", "pdf"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("android-appops"));
}
