//! What the borrower's phone recorded, end to end: an iOS App Privacy Report written here is
//! surveyed, imported for the sandbox lender into a real vault (once: the same file again adds
//! nothing), and then shows in the timeline beside the lender's declarations, in the audit's
//! findings and Home's count, and in every export, whose `phone.import` ledger entry a verifier can recompute from the
//! export alone. A refused import keeps nothing.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use khata_engine::views::*;
use khata_engine::*;
use khata_evidence::ledger::{PHONE_IMPORT_KIND, payload_digest, phone_import_payload};
use khata_evidence::phone::{ObservationKind, Platform, Resource, SourceFormat};
use khata_vault::MemoryKeyStore;
use sha2::{Digest, Sha256};

use crate::{config, document, export_json, journey, noop};

/// The lender's app in these reports (the sandbox's iOS app).
pub(crate) const APP: &str = "in.khata.sandbox.Lender";

/// `at` (Unix ms) as the report writes times: ISO 8601 with milliseconds, in India's offset.
fn stamp(at: i64) -> String {
    let ist = chrono::FixedOffset::east_opt(330 * 60).unwrap();
    chrono::DateTime::from_timestamp_millis(at)
        .unwrap()
        .with_timezone(&ist)
        .format("%Y-%m-%dT%H:%M:%S%.3f%:z")
        .to_string()
}

fn access(app: &str, category: &str, id: u32, kind: &str, at: i64) -> String {
    format!(
        r#"{{"accessor":{{"identifier":"{app}","identifierType":"bundleID"}},"category":"{category}","identifier":"0A1B2C3D-0000-4000-8000-{id:012}","kind":"{kind}","timeStamp":"{}","type":"access"}}"#,
        stamp(at)
    )
}

fn network(app: &str, domain: &str, profiler: bool, from: i64, to: i64) -> String {
    format!(
        r#"{{"domain":"{domain}","firstTimeStamp":"{}","context":"","timeStamp":"{}","domainType":{},"initiatedType":"AppInitiated","hits":9,"type":"networkActivity","domainOwner":"","bundleID":"{app}"}}"#,
        stamp(from),
        stamp(to),
        if profiler { 1 } else { 2 }
    )
}

/// A report of the last hour: the lender's app reads contacts, opens the camera (no end
/// recorded) and contacts a profiler; Safari uses the camera; one line is not JSON.
pub(crate) fn write_report(dir: &Path, now: i64) -> PathBuf {
    let min = 60_000;
    let lines = [
        access(APP, "contacts", 1, "intervalBegin", now - 50 * min),
        access(
            "com.apple.mobilesafari",
            "camera",
            2,
            "intervalBegin",
            now - 45 * min,
        ),
        access(APP, "contacts", 1, "intervalEnd", now - 50 * min + 2_000),
        access(
            "com.apple.mobilesafari",
            "camera",
            2,
            "intervalEnd",
            now - 44 * min,
        ),
        "{not json".to_string(),
        access(APP, "camera", 3, "intervalBegin", now - 30 * min),
        network(
            APP,
            "tracker.profiler.example",
            true,
            now - 40 * min,
            now - 20 * min,
        ),
    ];
    let path = dir.join("App_Privacy_Report_v4_2026-12-02T10_00_00.ndjson");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ios_report_is_imported_once_and_shows_beside_the_lenders_declarations() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, consent) = journey(dir.path(), &keys).await;
    let lender = consent.lender_id.clone();
    // The lender collects under the consent: its declarations are on the timeline.
    engine.sync(&lender, noop).await.unwrap();
    let now = khata_vault::now_ms();
    let report = write_report(dir.path(), now);
    let bytes = std::fs::read(&report).unwrap();

    // The survey: format, both apps (most records first), the malformed line named.
    let survey = engine.phone_survey(&report).await.unwrap();
    assert_eq!(survey.format, SourceFormat::IosAppPrivacyReport);
    assert_eq!(survey.platform, Platform::Ios);
    let ids: Vec<&str> = survey.apps.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, [APP, "com.apple.mobilesafari"]);
    assert!(!survey.needs_utc_offset);
    assert_eq!(survey.computer_utc_offset_min, computer_utc_offset_min());
    assert_eq!(survey.malformed_lines, 1);
    assert_eq!(survey.malformed_first, [5]);
    assert!(survey.covers_from.unwrap() <= now - 50 * 60_000);
    // One lender connected: it is the one to suggest for the app suggested.
    if survey.suggested_app.is_some() {
        assert_eq!(survey.suggested_lender.as_deref(), Some(lender.as_str()));
    }

    let (_, entries_before) = engine.verify_ledger().await.unwrap();
    let phases = Arc::new(Mutex::new(Vec::new()));
    let seen = phases.clone();
    let first = engine
        .phone_import(&report, Some(APP.into()), None, None, move |p: Progress| {
            seen.lock().unwrap().push(p.phase)
        })
        .await
        .unwrap();
    assert!(first.new);
    let source = &first.source;
    assert_eq!(source.sha256, hex::encode(Sha256::digest(&bytes)));
    assert_eq!(source.bytes, bytes.len() as u64);
    assert_eq!(source.app, APP);
    assert_eq!(source.lender_id.as_deref(), Some(lender.as_str()));
    assert_eq!(
        source.file_name,
        "App_Privacy_Report_v4_2026-12-02T10_00_00.ndjson"
    );
    assert!(source.imported_at >= now);
    assert_eq!(source.malformed_lines, 1);
    assert_eq!(first.malformed_first, [5]);
    assert!(first.observations >= 3, "{first:?}");
    let phases = phases.lock().unwrap().clone();
    assert_eq!(phases.first().map(String::as_str), Some("reading"));
    assert_eq!(phases.last().map(String::as_str), Some("done"));
    assert!(phases.iter().any(|p| p == "storing"), "{phases:?}");

    let observations = engine.phone_observations().await.unwrap();
    assert_eq!(observations.len() as u64, first.observations);
    assert!(
        observations
            .iter()
            .all(|o| o.app == APP && o.source == source.sha256)
    );
    let contacts = observations
        .iter()
        .find(|o| o.resource == Resource::Contacts)
        .expect("the contacts access");
    assert_eq!(contacts.kind, ObservationKind::Access);
    assert!(
        observations
            .iter()
            .any(|o| o.resource == Resource::Camera && o.open_interval)
    );
    let net = observations
        .iter()
        .find_map(|o| o.network.as_ref())
        .expect("the network record");
    assert!(net.profiler);
    assert_eq!(engine.phone_sources().await.unwrap(), vec![source.clone()]);
    let (_, entries) = engine.verify_ledger().await.unwrap();
    assert_eq!(entries, entries_before + 1, "one ledger entry per import");

    // The same bytes again, even renamed: nothing added, the held source returned.
    let copy = dir.path().join("copy.ndjson");
    std::fs::copy(&report, &copy).unwrap();
    for path in [&report, &copy] {
        let again = engine
            .phone_import(path, Some(APP.into()), None, None, noop)
            .await
            .unwrap();
        assert!(!again.new);
        assert_eq!(&again.source, source);
        assert_eq!(again.observations, first.observations);
    }
    assert_eq!(engine.verify_ledger().await.unwrap().1, entries);
    assert_eq!(engine.phone_sources().await.unwrap().len(), 1);

    // The timeline: what the phone saw, beside the lender's disclosures, filtered like them.
    let page = engine
        .timeline(TimelineQuery {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!page.items.is_empty(), "the lender's declarations");
    assert_eq!(page.phone.len(), observations.len());
    assert!(page.phone.iter().all(|p| p.origin == TimelineOrigin::Phone));
    let seen_contacts = page
        .phone
        .iter()
        .find(|p| p.observation.resource == Resource::Contacts)
        .unwrap();
    assert!(
        seen_contacts
            .signals
            .contains(&"contacts_network".to_string())
    );
    assert_eq!(seen_contacts.lender_id.as_deref(), Some(lender.as_str()));
    let only_contacts = engine
        .timeline(TimelineQuery {
            signal: Some("contacts_network".into()),
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!only_contacts.phone.is_empty());
    assert!(
        only_contacts
            .phone
            .iter()
            .all(|p| p.observation.resource == Resource::Contacts)
    );
    let other_lender = engine
        .timeline(TimelineQuery {
            lender_id: Some("someone-else".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(other_lender.phone.is_empty());
    // Paged: every observation on exactly one page.
    let mut cursor = None;
    let mut on_pages = 0;
    loop {
        let page = engine
            .timeline(TimelineQuery {
                cursor: cursor.clone(),
                limit: 2,
                ..Default::default()
            })
            .await
            .unwrap();
        on_pages += page.phone.len();
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(on_pages, observations.len());

    // Home counts the audit's phone-evidenced findings, and alerts when there are any.
    let report_now = engine.audit().await.unwrap();
    let observed = report_now
        .findings
        .iter()
        .filter(|f| f.rule.id().starts_with("observed-"))
        .count() as u32;
    // The contacts read is barred for lending apps whatever the consent says.
    assert!(
        report_now
            .findings
            .iter()
            .any(|f| f.lender_id == lender && f.rule.id() == "observed-prohibited-access"),
        "{:#?}",
        report_now.findings
    );
    assert!(observed > 0);
    // Home reads the audit's summary as the review after the import kept it.
    engine.review().await.unwrap();
    let overview = engine.overview().await.unwrap();
    assert_eq!(overview.phone_findings, observed);
    assert_eq!(
        overview
            .alerts
            .iter()
            .any(|a| a.code == "phone_evidence_findings"),
        observed > 0
    );

    // The JSON export carries the source and its observations in stored order, and its
    // `phone.import` entry is recomputed from them alone.
    let bytes = export_json(&engine, &dir.path().join("x.json")).await;
    khata_engine::audit::verify::verify_export_bytes(&bytes, &mut |_, _| {})
        .expect("an export with phone evidence verifies");
    // An observation changed after export no longer matches its ledger entry.
    let text = String::from_utf8(bytes.clone()).unwrap();
    let forged = text.replacen("\"resource\":\"contacts\"", "\"resource\":\"camera\"", 1);
    assert_ne!(forged, text);
    assert!(
        khata_engine::audit::verify::verify_export_bytes(forged.as_bytes(), &mut |_, _| {})
            .is_err(),
        "an edited observation is caught"
    );
    let doc = document(&bytes);
    let sources: Vec<khata_evidence::phone::PhoneSource> =
        serde_json::from_value(doc["phoneSources"].clone()).unwrap();
    let exported: Vec<khata_evidence::phone::Observation> =
        serde_json::from_value(doc["phoneObservations"].clone()).unwrap();
    assert_eq!(sources, vec![source.clone()]);
    assert_eq!(exported, observations);
    let entry = doc["ledger"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == PHONE_IMPORT_KIND)
        .expect("the phone.import entry");
    assert_eq!(entry["record_id"], source.sha256.as_str());
    assert_eq!(
        entry["payload_digest"],
        hex::encode(payload_digest(&phone_import_payload(source, &exported)))
    );

    // CSV and HTML.
    let csv = dir.path().join("x.zip");
    engine
        .export(
            &csv,
            ExportFormat::Csv,
            Default::default(),
            |_| {},
            Arc::new(std::sync::atomic::AtomicBool::new(false)),
        )
        .await
        .unwrap();
    let zip = std::fs::read(&csv).unwrap();
    assert!(zip.windows(22).any(|w| w == b"phone_observations.csv"));
    let html = dir.path().join("x.html");
    engine
        .export(
            &html,
            ExportFormat::Html,
            Default::default(),
            |_| {},
            Arc::new(std::sync::atomic::AtomicBool::new(false)),
        )
        .await
        .unwrap();
    let html = std::fs::read_to_string(&html).unwrap();
    assert!(html.contains("What your phone recorded"), "{html}");
    assert!(html.contains(&source.sha256));
    assert!(html.contains("tracker.profiler.example"));
    assert!(html.contains("7 days"), "the report's limits are worded");
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_import_keeps_nothing_and_says_what_to_choose() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = Engine::open(config(dir.path(), &keys)).await.unwrap();
    let now = khata_vault::now_ms();
    let report = write_report(dir.path(), now);
    let code = |r: Result<PhoneImportSummary>| r.unwrap_err().code();

    // No lender connected: whose app this is cannot be assumed.
    let e = engine
        .phone_import(&report, Some(APP.into()), None, None, noop)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "phone_choose_lender");
    assert!(e.to_string().contains("Connect"), "{e}");

    engine.connect_sandbox(noop).await.unwrap();
    let (_, entries) = engine.verify_ledger().await.unwrap();

    // Several apps nobody declares, and none named: the borrower picks.
    let two = dir.path().join("two.ndjson");
    std::fs::write(
        &two,
        [
            access(
                "com.example.one",
                "camera",
                1,
                "intervalBegin",
                now - 60_000,
            ),
            access(
                "com.example.two",
                "camera",
                2,
                "intervalBegin",
                now - 60_000,
            ),
        ]
        .join("\n"),
    )
    .unwrap();
    let e = engine
        .phone_import(&two, None, None, None, noop)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "phone_choose_app");
    assert!(e.to_string().contains("com.example.one"), "{e}");
    // An app the file has no record of.
    assert_eq!(
        code(
            engine
                .phone_import(&report, Some("in.other.app".into()), None, None, noop)
                .await
        ),
        "phone_app_not_in_file"
    );
    // A lender that is not connected.
    assert_eq!(
        code(
            engine
                .phone_import(&report, Some(APP.into()), Some("nobody".into()), None, noop)
                .await
        ),
        "not_found"
    );
    // Not a phone report at all.
    let other = dir.path().join("notes.txt");
    std::fs::write(&other, "shopping list\nmilk\n").unwrap();
    let e = engine.phone_survey(&other).await.unwrap_err();
    assert_eq!(e.code(), "phone_unknown_format");
    assert!(e.to_string().contains("iOS App Privacy Report"), "{e}");
    assert_eq!(
        code(engine.phone_import(&other, None, None, None, noop).await),
        "phone_unknown_format"
    );
    // A file that is not there.
    assert_eq!(
        code(
            engine
                .phone_import(dir.path().join("gone.ndjson"), None, None, None, noop)
                .await
        ),
        "io"
    );

    assert!(engine.phone_sources().await.unwrap().is_empty());
    assert!(engine.phone_observations().await.unwrap().is_empty());
    assert_eq!(engine.verify_ledger().await.unwrap().1, entries);
    engine.close().await;
}

/// The grievance packet to the lender carries its phone evidence: the sources and
/// observations, and each raw file under its SHA-256, byte for byte.
#[tokio::test(flavor = "multi_thread")]
async fn the_grievance_packet_carries_the_phone_evidence_and_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let scenario = khata_sandbox::Scenario::OverCollector;
    let (engine, _) = Engine::open(crate::audit::config(dir.path(), &keys, scenario))
        .await
        .unwrap();
    let lender = engine.connect_sandbox(noop).await.unwrap().id;
    crate::decide_first_request(&engine, &lender, |_| true).await;
    engine.sync(&lender, noop).await.unwrap();
    let report = write_report(dir.path(), khata_vault::now_ms());
    let raw = std::fs::read(&report).unwrap();
    let imported = engine
        .phone_import(&report, Some(APP.into()), None, None, noop)
        .await
        .unwrap();
    let sha = &imported.source.sha256;
    assert!(
        engine
            .audit()
            .await
            .unwrap()
            .findings
            .iter()
            .any(|f| f.lender_id == lender),
        "the over-collector is found out"
    );

    let packet = dir.path().join("grievance.zip");
    engine
        .save_grievance_packet(
            &lender,
            "To the grievance officer",
            khata_engine::report_words::ReportLanguage::En,
            &packet,
        )
        .await
        .unwrap();
    // Read back with an independent zip reader (Python's zipfile checks every CRC).
    let script = "import sys, zipfile, json\n\
        z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None\n\
        ev = json.loads(z.read('evidence/phone-evidence.json'))\n\
        raw = [n for n in z.namelist() if n.startswith('evidence/phone/')]\n\
        print(json.dumps({'sources': [s['sha256'] for s in ev['phoneSources']],\n\
            'observations': len(ev['phoneObservations']), 'raw': raw,\n\
            'bytes': z.read(raw[0]).hex()}))";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&packet)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(read["sources"], serde_json::json!([sha]));
    assert_eq!(read["observations"], imported.observations);
    assert_eq!(
        read["raw"],
        serde_json::json!([format!(
            "evidence/phone/{sha}-App_Privacy_Report_v4_2026-12-02T10_00_00.ndjson"
        )])
    );
    assert_eq!(read["bytes"], hex::encode(&raw));
    engine.close().await;
}
