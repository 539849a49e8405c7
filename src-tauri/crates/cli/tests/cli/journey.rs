//! The borrower's journey from the terminal, on a passphrase vault (no keychain touched) and
//! the built-in sandbox lender: `khata requests` lists what the lender asks for, `khata decide`
//! shares only what is named (a signal the lender did not ask for is refused with a message),
//! `khata timeline` shows what the lender then collected, `khata rights request` and `list`
//! file and show a request. Every command is quiet on stderr unless `-v` is given.

use std::process::{Command, Output, Stdio};

const PASSPHRASE: &str = "a passphrase of some length";

fn khata(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_khata"))
        .env("KHATA_DATA_DIR", dir)
        .env("KHATA_PASSPHRASE", PASSPHRASE)
        .env_remove("KHATA_LOG")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Succeeded, and said nothing on stderr but what a person must read (no log lines).
fn quiet(out: &Output) -> String {
    let stderr = text(&out.stderr);
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {stderr}",
        text(&out.stdout)
    );
    assert!(
        !stderr.contains("INFO") && !stderr.contains("DEBUG"),
        "log lines by default: {stderr}"
    );
    text(&out.stdout)
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&quiet(out)).expect("JSON on stdout")
}

#[test]
fn requests_decide_timeline_and_rights_from_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let connected = json(&khata(d, &["connect", "sandbox"]));
    let lender = connected["id"].as_str().unwrap().to_owned();
    json(&khata(d, &["sync"]));

    // The pending request, as data and in words.
    let requests = json(&khata(d, &["requests", "--format", "json"]));
    let req = &requests[0];
    let id = req["id"].as_str().unwrap().to_owned();
    assert_eq!(req["lenderId"], lender.as_str());
    let asked: Vec<&str> = req["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["signal"]["id"].as_str().unwrap())
        .collect();
    assert!(
        asked.contains(&"sms_income") && asked.contains(&"device_age"),
        "{asked:?}"
    );
    assert!(req["signals"][0]["required"].is_boolean(), "{req}");
    let words = quiet(&khata(d, &["requests"]));
    assert!(words.contains(&format!("Request {id} from ")), "{words}");
    assert!(
        words.contains("nothing is shared unless you name it"),
        "{words}"
    );
    assert!(
        words.contains(&format!("khata decide {id} --share")),
        "{words}"
    );

    // A signal the lender did not ask for: refused with a message, nothing decided.
    let bad = khata(d, &["decide", &id, "--share", "contacts_network_nope"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("did not ask for the signal contacts_network_nope"),
        "{}",
        text(&bad.stderr)
    );
    let both = khata(
        d,
        &["decide", &id, "--share", "sim_age", "--refuse", "sim_age"],
    );
    assert_eq!(both.status.code(), Some(2));
    assert!(text(&both.stderr).contains("both --share and --refuse"));
    assert_eq!(
        json(&khata(d, &["requests", "--format", "json"]))[0]["id"],
        id.as_str()
    );

    // Share two, refuse one by name, the rest by default.
    let consent = json(&khata(
        d,
        &[
            "decide",
            &id,
            "--share",
            "sms_income",
            "device_age",
            "--refuse",
            "sim_age",
            "--format",
            "json",
        ],
    ));
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut granted = ids(&consent["granted"]);
    granted.sort();
    assert_eq!(granted, ["device_age", "sms_income"]);
    let denied = ids(&consent["denied"]);
    assert_eq!(denied.len(), asked.len() - 2, "{consent}");
    assert!(denied.contains(&"sim_age".to_owned()) && denied.contains(&"kyc_verified".to_owned()));
    assert_eq!(consent["signatureVerified"], true);
    assert!(
        quiet(&khata(d, &["requests"])).contains("No consent request is waiting"),
        "the decided request is no longer pending"
    );

    // What the lender collected under it.
    json(&khata(d, &["sync"]));
    let page = json(&khata(
        d,
        &[
            "timeline", "--lender", &lender, "--limit", "1", "--format", "json",
        ],
    ));
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
    assert!(page["total"].as_i64().unwrap() >= 2, "{page}");
    let all = json(&khata(d, &["timeline", "--format", "json"]));
    let collected: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["signal"].as_str().unwrap())
        .collect();
    assert!(
        collected
            .iter()
            .all(|s| *s == "sms_income" || *s == "device_age"),
        "{collected:?}"
    );
    let words = quiet(&khata(d, &["timeline", "--limit", "1"]));
    assert!(
        words.contains("Income from SMS") || words.contains("Phone age"),
        "{words}"
    );
    assert!(words.contains("More: khata timeline --cursor "), "{words}");
    let none = quiet(&khata(d, &["timeline", "--lender", "no-such-lender"]));
    assert!(none.contains("0 of 0 disclosure(s)"), "{none}");

    // A rights request, filed and listed.
    let r = json(&khata(
        d,
        &[
            "rights",
            "request",
            "--lender",
            &lender,
            "--kind",
            "human-review",
            "--details",
            "Please have a person review the decision on my application.",
            "--format",
            "json",
        ],
    ));
    assert_eq!(r["kind"], "human_review");
    let list = json(&khata(d, &["rights", "list", "--format", "json"]));
    assert_eq!(list[0]["id"], r["id"]);
    let words = quiet(&khata(d, &["rights", "list"]));
    assert!(
        words.starts_with(&format!(
            "human review request {}",
            r["id"].as_str().unwrap()
        )),
        "{words}"
    );
    let empty = khata(
        d,
        &[
            "rights",
            "request",
            "--lender",
            &lender,
            "--kind",
            "erasure",
            "--details",
            " ",
        ],
    );
    assert_eq!(empty.status.code(), Some(2));

    // Quiet by default, logs when asked.
    for args in [&["consents"][..], &["vault", "status"], &["offer"]] {
        quiet(&khata(d, args));
    }
    let loud = khata(d, &["-v", "consents"]);
    assert!(
        text(&loud.stderr).contains("INFO"),
        "{}",
        text(&loud.stderr)
    );
    let via_env = Command::new(env!("CARGO_BIN_EXE_khata"))
        .env("KHATA_DATA_DIR", d)
        .env("KHATA_PASSPHRASE", PASSPHRASE)
        .env("KHATA_LOG", "debug")
        .stdin(Stdio::null())
        .arg("consents")
        .output()
        .unwrap();
    assert!(
        text(&via_env.stderr).contains("DEBUG"),
        "{}",
        text(&via_env.stderr)
    );
}

#[test]
fn refusing_everything_says_it_was_a_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    json(&khata(d, &["connect", "sandbox"]));
    json(&khata(d, &["sync"]));
    let id = json(&khata(d, &["requests", "--format", "json"]))[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let words = quiet(&khata(d, &["decide", &id]));
    assert!(
        words.starts_with("Refused: nothing is shared with "),
        "{words}"
    );
    assert!(
        words.contains("sms_income"),
        "the refused signals are listed: {words}"
    );
    let consents = json(&khata(d, &["consents"]));
    assert!(
        consents[0]["granted"].as_array().unwrap().is_empty(),
        "{consents}"
    );
}
