//! `khata phone devices` and `khata phone capture` as a borrower runs them: with the real adb
//! on a private server port (`ANDROID_ADB_SERVER_PORT`, so a developer's server is never
//! touched) and no phone attached, and with `KHATA_ADB` naming an adb that is not there.

use std::process::{Command, Output, Stdio};

const PASSPHRASE: &str = "a passphrase of some length";

fn khata(dir: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_khata"));
    cmd.env("KHATA_DATA_DIR", dir)
        .env("KHATA_PASSPHRASE", PASSPHRASE)
        .stdin(Stdio::null())
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The port of a private adb server, stopped when the test ends.
struct Server(String);

impl Server {
    fn port() -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        Server(port.to_string())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("adb")
            .args(["-P", &self.0, "kill-server"])
            .output();
    }
}

#[test]
fn with_no_phone_attached_devices_are_none_and_capture_says_to_connect_one() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::port();
    let env = [("ANDROID_ADB_SERVER_PORT", server.0.as_str())];
    let out = khata(dir.path(), &env, &["phone", "devices"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(),
        serde_json::json!([])
    );
    assert!(text(&out.stderr).contains("No phone found"));

    let out = khata(
        dir.path(),
        &env,
        &["phone", "capture", "--app", "in.khata.sandbox.lender"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("No phone is connected"), "{stderr}");
    assert!(stderr.contains("USB debugging"), "{stderr}");
}

#[test]
fn an_adb_that_is_not_there_is_named_missing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-adb");
    let env = [("KHATA_ADB", missing.to_str().unwrap())];
    for args in [&["phone", "devices"][..], &["phone", "capture"][..]] {
        let out = khata(dir.path(), &env, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains("could not find adb"), "{stderr}");
        assert!(stderr.contains("KHATA_ADB"), "{stderr}");
    }
}
