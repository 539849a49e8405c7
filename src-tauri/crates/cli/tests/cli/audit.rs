//! `khata verify` and `khata audit` on real exports: the engine syncs the sandbox lender
//! (over-collector and salaried-good) into a real vault and exports it; the binary checks it.
//!
//! `KHATA_EXPORT_DIR=DIR` keeps the two exports (for tests/schema.sh).

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use khata_engine::views::*;
use khata_engine::*;
use khata_lending::ClientConfig;
use khata_sandbox::Scenario;
use khata_sandbox::launcher::Launcher;
use khata_vault::MemoryKeyStore;

pub(super) async fn make_export(dir: &Path, scenario: Scenario) -> std::path::PathBuf {
    let keys = Arc::new(MemoryKeyStore::new());
    let mut c = EngineConfig::new(dir);
    c.key_store = Some(keys);
    c.token_store = Some(Arc::new(MemoryTokenStore::default()));
    c.client = ClientConfig {
        backoff_base: Duration::from_millis(5),
        backoff_cap: Duration::from_millis(50),
        ..ClientConfig::default()
    };
    c.sandbox = Some(Arc::new(Launcher::new(scenario)));
    c.outbox_backoff_base = Duration::from_millis(5);
    c.outbox_backoff_cap = Duration::from_millis(50);
    let (engine, _) = Engine::open(c).await.unwrap();
    let lender = engine.connect_sandbox(|_| {}).await.unwrap();
    engine.sync(&lender.id, |_| {}).await.unwrap();
    let req = engine.consent_requests().await.unwrap().remove(0);
    let choices = req
        .signals
        .iter()
        .map(|s| SignalChoice {
            signal: s.signal.id.clone(),
            grant: s.signal.id != "location_stability",
        })
        .collect();
    let consent = engine.decide(&req.id, choices).await.unwrap();
    engine.sync(&lender.id, |_| {}).await.unwrap();
    engine.what_if(vec!["sms_income".into()]).await.unwrap();
    let r = engine.revoke(&consent.id, vec![]).await.unwrap();
    for _ in 0..300 {
        if engine.revocation(&r.id).await.unwrap().state == DeliveryState::Confirmed {
            break;
        }
        let _ = engine.deliver_outbox().await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    engine.sandbox_collect().await.unwrap();
    engine.sync(&lender.id, |_| {}).await.unwrap();
    if scenario == Scenario::OverCollector {
        // What the borrower's phone recorded of the lender's app, so the export carries phone
        // evidence (its sources, observations and ledger entry) for the schemas and the audit.
        let report = dir.join("App_Privacy_Report_v4_sandbox.ndjson");
        std::fs::write(&report, engine.sandbox_phone_report("ios").await.unwrap()).unwrap();
        let imported = engine
            .phone_import(&report, None, None, None, |_| {})
            .await
            .unwrap();
        assert!(imported.new && imported.observations > 0, "{imported:?}");
    }
    let out = dir.join(format!("{}.json", scenario.name()));
    engine
        .export(
            &out,
            ExportFormat::Json,
            Default::default(),
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
        .await
        .unwrap();
    engine.close().await;
    out
}

pub(super) fn khata(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_khata"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_and_audit_real_exports() {
    let dir = tempfile::tempdir().unwrap();
    let exports = dir.path().join("exports");
    std::fs::create_dir(&exports).unwrap();
    let bad_dir = dir.path().join("over");
    let good_dir = dir.path().join("good");
    let bad = make_export(&bad_dir, Scenario::OverCollector).await;
    let good = make_export(&good_dir, Scenario::SalariedGood).await;
    for f in [&bad, &good] {
        std::fs::copy(f, exports.join(f.file_name().unwrap())).unwrap();
    }
    if let Ok(keep) = std::env::var("KHATA_EXPORT_DIR") {
        std::fs::create_dir_all(&keep).unwrap();
        for f in [&bad, &good] {
            std::fs::copy(f, Path::new(&keep).join(f.file_name().unwrap())).unwrap();
        }
    }
    let bad_s = bad.to_str().unwrap();
    let good_s = good.to_str().unwrap();

    // verify: valid, tampered, unusable.
    let (code, out, err) = khata(&["verify", bad_s]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("valid:"), "{out}");
    let (code, out, _) = khata(&["verify", "--json", good_s]);
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["valid"],
        true
    );

    let text = std::fs::read_to_string(&bad).unwrap();
    let tampered = dir.path().join("tampered.json");
    let at = text.find("\"collectedAt\":").unwrap() + "\"collectedAt\":".len();
    let mut t = text.clone().into_bytes();
    t[at + 3] = if t[at + 3] == b'9' { b'8' } else { b'9' };
    std::fs::write(&tampered, &t).unwrap();
    let (code, out, _) = khata(&["verify", tampered.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    // The first `collectedAt` is in the first leaf of the lender's log (line 2): the leaves
    // no longer give the root the lender signed.
    assert!(out.contains("line 2") && out.contains("the root"), "{out}");

    for (name, content) in [
        ("empty.json", &b""[..]),
        ("garbage.json", b"\x00\xff{{{"),
        ("other.json", b"{\"format\":\"something-else\"}"),
        ("array.json", b"[1,2,3]"),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        let (code, out, _) = khata(&["verify", p.to_str().unwrap()]);
        assert_eq!(code, 2, "{name}: {out}");
    }
    let (code, _, _) = khata(&["verify", "/nonexistent/khata.json"]);
    assert_eq!(code, 2);
    let (code, _, _) = khata(&["verify", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "a folder is unusable input");

    // audit: one export, JSON and HTML; then the folder, aggregated.
    let (code, out, err) = khata(&["audit", bad_s, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules = v["findingsByRule"].as_object().unwrap();
    for r in [
        "collected-after-revocation",
        "prohibited-signal",
        "unnamed-recipient",
        "no-consent",
        "signal-denied",
        "observed-prohibited-access",
    ] {
        assert!(rules.contains_key(r), "{r} missing: {rules:?}");
    }
    // Grouped findings: each counts its occurrences, names its time range and a sample of
    // its records, and carries the signed statements.
    let occurrences = v["occurrencesByRule"].as_object().unwrap();
    for f in v["findings"].as_array().unwrap() {
        let count = f["count"].as_u64().unwrap();
        assert!(
            count >= 1 && f["at"].as_i64() <= f["lastAt"].as_i64(),
            "{f}"
        );
        assert!(f["recordsOmitted"].as_u64().unwrap() < count, "{f}");
        // A statement's own signature, or for a leaf of a log the head that commits to it; for
        // what the phone saw, the imported file it came from (by its SHA-256).
        let st = &f["evidence"][0]["statement"];
        if f["rule"].as_str().unwrap().starts_with("observed-") {
            assert!(
                f["evidence"].as_array().unwrap().iter().any(|e| e
                    .to_string()
                    .contains(&f["facts"]["sourceSha256"].as_str().unwrap()[..16])),
                "{f}"
            );
        } else {
            assert!(
                st["signature"].is_object() || st["treeHead"]["signature"].is_object(),
                "{f}"
            );
        }
        assert!(occurrences[f["rule"].as_str().unwrap()].as_u64().unwrap() >= count);
    }
    let (code, out, _) = khata(&["audit", bad_s]);
    assert_eq!(code, 0);
    assert!(out.contains("findings        times"), "{out}");
    let (code, out, _) = khata(&["audit", good_s]);
    assert_eq!(code, 0);
    assert!(out.contains("Findings: 0"), "{out}");
    let (code, out, _) = khata(&["audit", exports.to_str().unwrap(), "--format", "html"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("<!doctype html>") && out.contains("prohibited-signal"));
    let (code, out, _) = khata(&["audit", exports.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["exports"].as_array().unwrap().len(), 2);
    // A tampered export is named and left out; the exit code says so.
    let (code, out, _) = khata(&["audit", good_s, tampered.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("NOT VERIFIED"), "{out}");
}
