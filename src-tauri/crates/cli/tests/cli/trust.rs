//! `khata verify --lender-keys`: a real export checked against the lender's own keys, fetched
//! from its discovery document over loopback HTTP or read from a file; keys that are not the
//! lender's make it fail.

use khata_engine::SANDBOX_DIR;
use khata_lending::LenderKey;
use khata_sandbox::{SandboxConfig, Scenario};
use serde_json::{Value, json};

use super::audit::{khata, make_export};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_says_whose_keys_it_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let file = make_export(dir.path(), Scenario::OverCollector).await;
    let file_s = file.to_str().unwrap();
    // The document is the first line (a version 2 export streams its leaves after it).
    let bytes = std::fs::read(&file).unwrap();
    let end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(bytes.len());
    let doc: Value = serde_json::from_slice(&bytes[..end]).unwrap();
    let lender = doc["lenders"][0]["id"].as_str().unwrap().to_string();

    // Alone: the vault's pin, with the fingerprint and what a pin proves.
    let (code, out, err) = khata(&["verify", file_s]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!("lender {lender}: keys PINNED")),
        "{out}"
    );
    assert!(
        out.contains("not covered by any signature or the ledger"),
        "{out}"
    );

    // The same lender, running again from its own state: keys from its discovery document.
    let running = khata_sandbox::start(SandboxConfig {
        port: 0,
        scenario: Scenario::OverCollector,
        state_dir: Some(dir.path().join(SANDBOX_DIR)),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let url = running.base_url().to_string();
    let (code, out, err) = tokio::task::spawn_blocking({
        let (f, u) = (file_s.to_string(), url.clone());
        move || khata(&["verify", &f, "--lender-keys", &u])
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!("lender {lender}: keys SUPPLIED")),
        "{out}"
    );
    let (code, out, _) = tokio::task::spawn_blocking({
        let (f, u) = (file_s.to_string(), url.clone());
        move || khata(&["verify", "--json", &f, "--lender-keys", &u])
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["report"]["keyTrust"][0]["trust"], "supplied", "{v}");
    assert_eq!(
        v["report"]["keyTrust"][0]["fingerprints"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .len(),
        79,
        "64 hex digits in groups of four"
    );
    running.shutdown().await.unwrap();

    // Keys for a lender the export does not list change nothing, and say so.
    let stray = dir.path().join("stray.json");
    std::fs::write(
        &stray,
        json!({"another-lender": [LenderKey::from_seed(&[8u8; 32]).public_info()]}).to_string(),
    )
    .unwrap();
    let (code, out, _) = khata(&["verify", file_s, "--lender-keys", stray.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("keys PINNED"), "{out}");
    assert!(
        out.contains(
            "keys were supplied for lender another-lender, which this export does not list"
        ),
        "{out}"
    );

    // Keys that are not the lender's: its statements fail.
    let other = LenderKey::from_seed(&[9u8; 32]);
    let keys = dir.path().join("keys.json");
    std::fs::write(
        &keys,
        json!({ lender.clone(): [other.public_info()] }).to_string(),
    )
    .unwrap();
    let (code, out, _) = khata(&["verify", file_s, "--lender-keys", keys.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("INVALID"), "{out}");

    // Keys that cannot be had: unusable input, and no network beyond loopback over plain HTTP.
    for bad in ["/nonexistent/keys.json", "http://192.0.2.1/"] {
        let (code, out, _) = khata(&["verify", file_s, "--lender-keys", bad]);
        assert_eq!(code, 2, "{bad}: {out}");
        assert!(out.starts_with("UNUSABLE: lender keys"), "{out}");
    }
}
