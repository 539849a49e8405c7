//! Phone evidence in an export (`phoneSources`, `phoneObservations`), versions 1 and 2: the
//! verifier recomputes each `phone.import` ledger entry from them, so an edited, dropped or
//! added source or observation is refused (by both strategies, with the same answer), and the
//! audit of the export feeds them to the `observed-*` rules.

use khata_evidence::audit::Rule;
use khata_evidence::audit::export::audit_export_bytes;
use khata_evidence::ledger::{PHONE_IMPORT_KIND, payload_digest, phone_import_payload};
use khata_evidence::phone::*;
use khata_evidence::synthetic::{Spec, join, line_one, lines, rechain_ledger};
use khata_evidence::verify::{self, VerifyError};
use serde_json::{Value, json};

fn source(sha: &str, imported_at: i64) -> PhoneSource {
    PhoneSource {
        sha256: sha.into(),
        format: SourceFormat::AndroidAppops,
        platform: Platform::Android,
        file_name: "appops.txt".into(),
        bytes: 4096,
        captured_at: Some(1_767_225_600_000),
        imported_at,
        device: Device {
            serial: Some("R58N123ABC".into()),
            model: Some("SM-A515F".into()),
            os_version: Some("13".into()),
        },
        utc_offset_min: Some(330),
        offset_from: OffsetFrom::Assumed,
        app: "in.lender.app".into(),
        lender_id: Some("L".into()),
        covers_from: Some(1_767_225_600_000),
        covers_to: Some(1_767_225_600_000),
        records: 2,
        malformed_lines: 0,
        limits: vec![SourceLimit::UseNotContent, SourceLimit::LastAccessOnly],
    }
}

fn access(sha: &str, resource: Resource, op: &str, at: i64) -> Observation {
    Observation {
        source: sha.into(),
        app: "in.lender.app".into(),
        platform: Platform::Android,
        resource,
        op: op.into(),
        kind: ObservationKind::Access,
        state: AppState::Background,
        first_at: at,
        last_at: at,
        count: 1,
        open_interval: false,
        network: None,
    }
}

fn evidence() -> Vec<(PhoneSource, Vec<Observation>)> {
    let (a, b) = ("a".repeat(64), "b".repeat(64));
    vec![
        (
            source(&a, 1_767_300_000_000),
            vec![
                access(&a, Resource::Contacts, "READ_CONTACTS", 1_767_225_600_000),
                access(&a, Resource::CallLog, "READ_CALL_LOG", 1_767_225_700_000),
            ],
        ),
        (
            source(&b, 1_767_400_000_000),
            vec![access(
                &b,
                Resource::Location,
                "FINE_LOCATION",
                1_767_225_800_000,
            )],
        ),
    ]
}

/// `doc` with the phone evidence and one ledger entry per import, chained.
fn with_phone(mut doc: Value) -> Value {
    let ev = evidence();
    let entries = doc["ledger"]["entries"].as_array_mut().unwrap();
    for (src, obs) in &ev {
        entries.push(json!({
            "seq": 0, "at": src.imported_at, "kind": PHONE_IMPORT_KIND, "record_id": src.sha256,
            "payload_digest": hex::encode(payload_digest(&phone_import_payload(src, obs))),
            "prev_hash": "", "hash": "",
        }));
    }
    rechain_ledger(&mut doc);
    doc["phoneSources"] = json!(ev.iter().map(|(s, _)| s).collect::<Vec<_>>());
    doc["phoneObservations"] = json!(ev.iter().flat_map(|(_, o)| o).collect::<Vec<_>>());
    doc
}

fn v1() -> Value {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../tests/fixtures/export-v1.khata.json"
    ))
    .unwrap();
    with_phone(serde_json::from_slice(&bytes).unwrap())
}

/// The same verdict from the reference (whole document) and from the bytes (fast path first).
fn verdict(doc: &Value) -> Result<verify::VerifyReport, VerifyError> {
    let reference = verify::verify_export(doc, &mut |_, _| {});
    let bytes = serde_json::to_vec(doc).unwrap();
    assert_eq!(
        verify::verify_export_bytes(&bytes, &mut |_, _| {}),
        reference
    );
    reference
}

/// An edit of an export document, named.
type Tamper = (&'static str, Box<dyn Fn(&mut Value)>);

fn tampers() -> Vec<Tamper> {
    vec![
        (
            "an observation's time changed",
            Box::new(|d| d["phoneObservations"][0]["firstAt"] = json!(1)),
        ),
        (
            "an observation dropped",
            Box::new(|d| {
                d["phoneObservations"].as_array_mut().unwrap().remove(1);
            }),
        ),
        (
            "an observation added",
            Box::new(|d| {
                let extra = d["phoneObservations"][2].clone();
                d["phoneObservations"].as_array_mut().unwrap().push(extra);
            }),
        ),
        (
            "an observation given a member",
            Box::new(|d| d["phoneObservations"][0]["note"] = json!("x")),
        ),
        (
            "a source's file name changed",
            Box::new(|d| d["phoneSources"][0]["fileName"] = json!("other.txt")),
        ),
        (
            "a source and its observations dropped",
            Box::new(|d| {
                d["phoneSources"].as_array_mut().unwrap().remove(1);
                d["phoneObservations"].as_array_mut().unwrap().remove(2);
            }),
        ),
        (
            "a source added without a ledger entry",
            Box::new(|d| {
                let mut s = d["phoneSources"][1].clone();
                s["sha256"] = json!("c".repeat(64));
                s["importedAt"] = json!(1_767_500_000_000i64);
                d["phoneSources"].as_array_mut().unwrap().push(s);
            }),
        ),
        (
            "observations of two sources interleaved",
            Box::new(|d| d["phoneObservations"].as_array_mut().unwrap().swap(1, 2)),
        ),
        (
            "an observation of no source",
            Box::new(|d| d["phoneObservations"][2]["source"] = json!("d".repeat(64))),
        ),
    ]
}

#[test]
fn a_version_1_export_with_phone_evidence_verifies_and_every_tamper_is_refused() {
    let good = v1();
    verdict(&good).expect("valid");
    for (what, tamper) in tampers() {
        let mut d = good.clone();
        tamper(&mut d);
        let err = verdict(&d).expect_err(what);
        assert!(
            matches!(err, VerifyError::Invalid { .. }),
            "{what}: {err:?}"
        );
    }
    // Absent members are no phone evidence: valid only when the ledger has none either.
    let mut bare = good.clone();
    bare.as_object_mut().unwrap().remove("phoneObservations");
    bare.as_object_mut().unwrap().remove("phoneSources");
    let err = verdict(&bare).unwrap_err();
    assert!(err.to_string().contains("missing from the export"), "{err}");
}

#[test]
fn a_version_2_export_carries_phone_evidence_on_line_1() {
    let bytes = Spec::new(20).bytes();
    let mut ls = lines(&bytes);
    let doc = with_phone(serde_json::from_str(&ls[0]).unwrap());
    ls[0] = line_one(&doc);
    let good = join(&ls);
    let report = verify::verify_export_bytes(&good, &mut |_, _| {}).expect("valid");
    assert_eq!(report.version, 2);
    let audit = audit_export_bytes(&good, 1_767_600_000_000, |_| {}).unwrap();
    assert!(
        audit
            .findings
            .iter()
            .any(|f| f.rule == Rule::ObservedProhibitedAccess),
        "{:?}",
        audit.summary
    );
    let mut doc = doc;
    doc["phoneObservations"][0]["count"] = json!(2);
    ls[0] = line_one(&doc);
    assert!(matches!(
        verify::verify_export_bytes(&join(&ls), &mut |_, _| {}),
        Err(VerifyError::Invalid { .. })
    ));
}

#[test]
fn the_audit_of_a_version_1_export_reads_its_phone_evidence() {
    let bytes = serde_json::to_vec(&v1()).unwrap();
    let report = audit_export_bytes(&bytes, 1_767_600_000_000, |_| {}).unwrap();
    let rules: Vec<Rule> = report.findings.iter().map(|f| f.rule).collect();
    assert!(rules.contains(&Rule::ObservedProhibitedAccess), "{rules:?}");
    // Location in the background: beyond KYC.
    assert!(rules.contains(&Rule::ObservedBeyondKyc), "{rules:?}");
    assert!(report.summary.unreadable.is_empty(), "{:?}", report.summary);
}
