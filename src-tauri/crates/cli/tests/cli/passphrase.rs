//! Passphrase mode from the command line, for machines without a keychain. No keychain is
//! touched: every vault here is created and opened under a passphrase.

use std::process::{Command, Output, Stdio};

fn khata(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_khata"));
    c.env("KHATA_DATA_DIR", dir)
        .env_remove("KHATA_PASSPHRASE")
        .stdin(Stdio::null());
    c
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn a_passphrase_vault_is_created_reopened_and_refuses_without_or_with_a_wrong_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let pass_file = dir.path().join("pass.txt");
    std::fs::write(&pass_file, "a passphrase of some length\n").unwrap();

    let created = khata(dir.path())
        .args(["vault", "status", "--passphrase-file"])
        .arg(&pass_file)
        .output()
        .unwrap();
    let status = json(&created);
    assert_eq!(status["keyCustody"], "passphrase", "{status}");
    let stderr = String::from_utf8_lossy(&created.stderr);
    assert!(stderr.contains("recovery key"), "{stderr}");

    // Same passphrase through the environment.
    let out = khata(dir.path())
        .args(["vault", "status"])
        .env("KHATA_PASSPHRASE", "a passphrase of some length")
        .output()
        .unwrap();
    assert_eq!(json(&out)["keyCustody"], "passphrase");

    // No passphrase and no terminal to ask on: a clear refusal, not the keychain.
    let out = khata(dir.path())
        .args(["vault", "status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "errors exit 2");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("KHATA_PASSPHRASE"), "{stderr}");

    let out = khata(dir.path())
        .args(["vault", "status"])
        .env("KHATA_PASSPHRASE", "not the right passphrase")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "errors exit 2");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("does not open this vault"), "{stderr}");
    assert!(
        !stderr.contains("not the right passphrase"),
        "secret echoed: {stderr}"
    );
}

#[test]
fn a_short_passphrase_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = khata(dir.path())
        .args(["vault", "status"])
        .env("KHATA_PASSPHRASE", "short")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "errors exit 2");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("at least 12 characters"), "{stderr}");
    assert!(!dir.path().join("khata.vault").exists());
}

#[test]
fn the_recovery_key_moves_a_forgotten_passphrase_vault_to_a_new_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let created = khata(dir.path())
        .args(["vault", "status"])
        .env("KHATA_PASSPHRASE", "the first passphrase")
        .output()
        .unwrap();
    json(&created);
    let stderr = String::from_utf8_lossy(&created.stderr);
    let recovery = stderr
        .lines()
        .last()
        .map(str::trim)
        .expect("recovery key printed last")
        .to_owned();
    let rk_file = dir.path().join("rk.txt");
    std::fs::write(&rk_file, &recovery).unwrap();

    let out = khata(dir.path())
        .args(["vault", "restore", "--to-passphrase", "--recovery-key-file"])
        .arg(&rk_file)
        .env("KHATA_PASSPHRASE", "the second passphrase")
        .output()
        .unwrap();
    assert_eq!(json(&out)["keyCustody"], "passphrase");

    let out = khata(dir.path())
        .args(["vault", "status"])
        .env("KHATA_PASSPHRASE", "the second passphrase")
        .output()
        .unwrap();
    assert_eq!(json(&out)["ledgerVerified"], true);
}

#[test]
fn export_writes_json_csv_and_html() {
    let dir = tempfile::tempdir().unwrap();
    let pass = "a passphrase for exports";
    let export = |format: Option<&str>, name: &str| -> Vec<u8> {
        let out_file = dir.path().join(name);
        let mut c = khata(dir.path());
        c.env("KHATA_PASSPHRASE", pass)
            .args(["export", "--out"])
            .arg(&out_file);
        if let Some(f) = format {
            c.args(["--format", f]);
        }
        let summary = json(&c.output().unwrap());
        let bytes = std::fs::read(&out_file).unwrap();
        assert!(!bytes.is_empty(), "{name} is empty");
        assert_eq!(summary["bytes"], bytes.len() as u64, "{summary}");
        assert_eq!(summary["format"], format.unwrap_or("json"), "{summary}");
        bytes
    };

    // JSON, the default and by name: an export `khata verify` accepts.
    for (format, name) in [(None, "default.json"), (Some("json"), "export.json")] {
        let bytes = export(format, name);
        let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(doc["format"], "khata-export");
        let out = khata(dir.path())
            .args(["verify"])
            .arg(dir.path().join(name))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }

    // CSV: a zip with one CSV per record kind (read back by Python's zipfile, which checks
    // every CRC).
    let zip = export(Some("csv"), "export.zip");
    assert!(zip.starts_with(b"PK\x03\x04"), "not a zip");
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; \
             print(chr(10).join(z.namelist()))",
        ])
        .arg(dir.path().join("export.zip"))
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    for kind in ["consents", "disclosures", "offers", "ledger"] {
        assert!(names.contains(&format!("{kind}.csv")), "{kind}: {names:?}");
    }
    assert!(names.iter().all(|n| n.ends_with(".csv")), "{names:?}");

    // HTML: a printable report, in English unless `--lang` says otherwise.
    let html = String::from_utf8(export(Some("html"), "report.html")).unwrap();
    assert!(
        html.contains("<html lang=\"en\">") && html.contains("</html>"),
        "{html}"
    );
    let out_file = dir.path().join("report-hi.html");
    let out = khata(dir.path())
        .env("KHATA_PASSPHRASE", pass)
        .args(["export", "--format", "html", "--lang", "hi", "--out"])
        .arg(&out_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&out_file).unwrap();
    assert!(
        html.contains("<html lang=\"hi\">") && html.contains("<h1>खाता रिपोर्ट</h1>"),
        "{html}"
    );

    // Anything else is refused by clap.
    let out = khata(dir.path())
        .env("KHATA_PASSPHRASE", pass)
        .args(["export", "--out", "x.pdf", "--format", "pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Sends `GET url` over plain HTTP (loopback only) and returns the response head and body.
fn http_get(url: &str) -> String {
    use std::io::{Read as _, Write as _};
    let rest = url.strip_prefix("http://").expect("a loopback http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "GET {} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n",
        if path.is_empty() { "/" } else { path }
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    resp
}

/// The reproduction, as a borrower without a keychain runs it: `khata connect URL`
/// against a real lender (a `khata sandbox` on loopback, which checks tokens), authorised in
/// a "browser" that follows the lender's redirect to the CLI's listener; then `khata sync` in
/// a new process. Before tokens were kept in the vault, the connect said it succeeded and the
/// sync failed: "this lender needs to be connected again (no token in the keychain)".
#[cfg(unix)]
#[test]
fn a_lender_connected_in_passphrase_mode_syncs_from_the_next_process() {
    use std::io::BufRead as _;
    let dir = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let mut lender = Command::new(env!("CARGO_BIN_EXE_khata"))
        .args(["sandbox", "--port", "0", "--state"])
        .arg(state.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut lender_out = std::io::BufReader::new(lender.stdout.take().unwrap());
    lender_out.read_line(&mut line).unwrap();
    // Keep reading what the lender prints, so it never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut lender_out, &mut std::io::sink()));
    let url = line.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");

    let pass = "a passphrase of some length";
    // No keychain and no real browser: an empty PATH keeps `xdg-open` from starting one.
    let no_path = tempfile::tempdir().unwrap();
    let mut connect = khata(dir.path())
        .args(["connect", &url])
        .env("KHATA_PASSPHRASE", pass)
        .env("PATH", no_path.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(connect.stderr.take().unwrap()).lines();
    let authorize = stderr
        .by_ref()
        .map(|l| l.unwrap())
        .find_map(|l| l.trim().starts_with("http://").then(|| l.trim().to_owned()))
        .expect("the CLI prints the authorize URL");
    std::thread::spawn(move || stderr.for_each(drop));
    // The lender approves and redirects to the CLI's loopback listener; follow it.
    let answer = http_get(&authorize);
    let location = answer
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .starts_with("location:")
                .then(|| l[9..].trim().to_owned())
        })
        .unwrap_or_else(|| panic!("no redirect: {answer}"));
    http_get(&location);
    let connected = json(&connect.wait_with_output().unwrap());
    assert_eq!(connected["isSandbox"], false, "{connected}");

    for _ in 0..2 {
        let out = khata(dir.path())
            .arg("sync")
            .env("KHATA_PASSPHRASE", pass)
            .output()
            .unwrap();
        let synced = json(&out);
        assert_eq!(synced[0]["reachable"], true, "{synced}");
    }
    let _ = lender.kill();
    let _ = lender.wait();
}
