//! `khata verify` and `khata audit` on an export carrying phone evidence: the kept version 1
//! export with an Android capture of the lender's app added (and its `phone.import` ledger
//! entry), verified, audited in words, and refused once an observation is edited.

use khata_evidence::ledger::{PHONE_IMPORT_KIND, payload_digest, phone_import_payload};
use khata_evidence::phone::*;
use khata_evidence::synthetic::rechain_ledger;
use serde_json::{Value, json};

use super::audit::khata;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The kept version 1 export, with one capture that saw the app read the call log.
fn export_with_phone() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../tests/fixtures/export-v1.khata.json"
    );
    let mut doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let sha = "5e".repeat(32);
    let source = PhoneSource {
        sha256: sha.clone(),
        format: SourceFormat::AndroidCapture,
        platform: Platform::Android,
        file_name: "khata-capture-R58N123ABC.txt".into(),
        bytes: 20_480,
        captured_at: Some(1_767_225_600_000),
        imported_at: 1_767_225_700_000,
        device: Device {
            serial: Some("R58N123ABC".into()),
            model: Some("SM-A515F".into()),
            os_version: Some("13".into()),
        },
        utc_offset_min: Some(330),
        offset_from: OffsetFrom::Device,
        app: "in.khata.sandbox.lender".into(),
        lender_id: Some("khata-sandbox-lender".into()),
        covers_from: Some(1_767_200_000_000),
        covers_to: Some(1_767_200_000_000),
        records: 1,
        malformed_lines: 0,
        limits: vec![SourceLimit::UseNotContent, SourceLimit::LastAccessOnly],
    };
    let seen = Observation {
        source: sha.clone(),
        app: "in.khata.sandbox.lender".into(),
        platform: Platform::Android,
        resource: Resource::CallLog,
        op: "READ_CALL_LOG".into(),
        kind: ObservationKind::Access,
        state: AppState::Background,
        first_at: 1_767_200_000_000,
        last_at: 1_767_200_000_000,
        count: 1,
        open_interval: false,
        network: None,
    };
    let digest = payload_digest(&phone_import_payload(&source, std::slice::from_ref(&seen)));
    doc["ledger"]["entries"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "seq": 0, "at": source.imported_at, "kind": PHONE_IMPORT_KIND, "record_id": sha,
            "payload_digest": hex(&digest), "prev_hash": "", "hash": "",
        }));
    rechain_ledger(&mut doc);
    doc["phoneSources"] = json!([source]);
    doc["phoneObservations"] = json!([seen]);
    doc
}

#[test]
fn an_export_with_phone_evidence_verifies_and_audits_with_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("phone.khata.json");
    let doc = export_with_phone();
    std::fs::write(&good, serde_json::to_vec(&doc).unwrap()).unwrap();
    let good = good.to_str().unwrap();

    let (code, out, err) = khata(&["verify", good]);
    assert_eq!(code, 0, "{out}{err}");

    let (code, out, err) = khata(&["audit", good]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "Your phone saw in.khata.sandbox.lender, the app of khata-sandbox-lender, use your call log \
             (READ_CALL_LOG) in the background"
        ),
        "{out}"
    );
    assert!(
        out.contains("Seen in khata-capture-R58N123ABC.txt (SHA-256 5e5e5e5e5e5e…"),
        "{out}"
    );
    assert!(
        out.contains("Android keeps only the last access of each kind"),
        "{out}"
    );
    let (code, out, _) = khata(&["audit", good, "--format", "json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["findingsByRule"]["observed-prohibited-access"].as_u64() >= Some(1),
        "{out}"
    );

    let mut tampered = doc;
    tampered["phoneObservations"][0]["resource"] = json!("camera");
    let bad = dir.path().join("tampered.khata.json");
    std::fs::write(&bad, serde_json::to_vec(&tampered).unwrap()).unwrap();
    let (code, out, _) = khata(&["verify", bad.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("/phoneSources/0"), "{out}");
}
