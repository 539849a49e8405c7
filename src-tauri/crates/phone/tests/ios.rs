//! The iOS App Privacy Report, end to end through the public API: survey, read (pairing,
//! aggregation, network activity), the SHA-256 of the bytes read, and the refusals.

use std::path::{Path, PathBuf};

use chrono::DateTime;
use khata_evidence::phone::{
    AppState, ObservationKind, OffsetFrom, Platform, Resource, SourceFormat, SourceLimit,
};
use khata_phone::{AppSeen, PhoneError, ReadOptions, read, survey};
use sha2::{Digest, Sha256};

const LENDER: &str = "in.khata.sandbox.Lender";
const SAFARI: &str = "com.apple.mobilesafari";
const V4: &str = "App_Privacy_Report_v4_2026-11-26T10_00_00.ndjson";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn ms(s: &str) -> i64 {
    DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
}

fn lender() -> ReadOptions {
    ReadOptions {
        app: Some(LENDER.into()),
        utc_offset_min: None,
    }
}

#[test]
fn a_survey_names_the_apps_the_span_and_the_malformed_lines() {
    let s = survey(&fixture(V4)).unwrap();
    assert_eq!(s.format, SourceFormat::IosAppPrivacyReport);
    assert_eq!(s.platform, Platform::Ios);
    assert_eq!(
        s.apps,
        vec![
            AppSeen {
                id: LENDER.into(),
                records: 13
            },
            AppSeen {
                id: SAFARI.into(),
                records: 3
            },
        ]
    );
    assert_eq!(s.lines, 20);
    // A truncated record and an access whose time is not a time.
    assert_eq!(s.malformed_lines, 2);
    assert_eq!(s.malformed_first, vec![13, 19]);
    assert_eq!(s.covers_from, Some(ms("2026-11-24T08:00:00Z")));
    assert_eq!(s.covers_to, Some(ms("2026-11-26T03:30:00Z")));
    assert!(!s.needs_utc_offset);
    assert_eq!(s.device, Default::default());
}

#[test]
fn reading_pairs_intervals_keeps_the_open_one_and_aggregates_per_utc_day() {
    let path = fixture(V4);
    let r = read(&path, &lender()).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let sha = hex::encode(Sha256::digest(&bytes));

    let src = &r.source;
    assert_eq!(src.sha256, sha);
    assert_eq!(src.bytes, bytes.len() as u64);
    assert_eq!(src.format, SourceFormat::IosAppPrivacyReport);
    assert_eq!(src.file_name, V4);
    assert_eq!(src.app, LENDER);
    assert_eq!(src.records, 13);
    assert_eq!(src.malformed_lines, 2);
    assert_eq!(src.offset_from, OffsetFrom::InFile);
    assert_eq!(src.utc_offset_min, None);
    assert_eq!(src.lender_id, None);
    assert_eq!(src.imported_at, 0);
    assert_eq!(
        src.limits,
        vec![
            SourceLimit::UseNotContent,
            SourceLimit::SevenDays,
            SourceLimit::IosNoSmsOrCallLog
        ]
    );
    assert_eq!(r.malformed_first, vec![13, 19]);

    let got: Vec<_> = r
        .observations
        .iter()
        .map(|o| {
            assert_eq!(o.source, sha);
            assert_eq!(o.app, LENDER);
            assert_eq!(o.platform, Platform::Ios);
            assert_eq!(o.state, AppState::Unknown);
            (
                o.resource,
                o.op.as_str(),
                o.kind,
                o.first_at,
                o.last_at,
                o.count,
                o.open_interval,
            )
        })
        .collect();
    use ObservationKind::{Access, Network};
    assert_eq!(
        got,
        vec![
            // An end whose begin fell out of the window: one access at its end.
            (
                Resource::Microphone,
                "microphone",
                Access,
                ms("2026-11-24T08:00:00Z"),
                ms("2026-11-24T08:00:00Z"),
                1,
                false
            ),
            (
                Resource::Network,
                "api.lender.example",
                Network,
                ms("2026-11-25T04:44:00Z"),
                ms("2026-11-25T06:00:00Z"),
                40,
                false
            ),
            // Millisecond times and the +05:30 offset kept exact.
            (
                Resource::Contacts,
                "contacts",
                Access,
                ms("2026-11-25T04:45:00.120Z"),
                ms("2026-11-25T04:45:02.480Z"),
                1,
                false
            ),
            (
                Resource::Network,
                "tracker.profiler.example",
                Network,
                ms("2026-11-25T04:46:00Z"),
                ms("2026-11-25T05:15:00Z"),
                12,
                false
            ),
            // Two camera intervals on one UTC day: one observation, both ends kept.
            (
                Resource::Camera,
                "camera",
                Access,
                ms("2026-11-25T05:30:00Z"),
                ms("2026-11-25T12:30:05Z"),
                2,
                false
            ),
            // 02:00 on the 26th in India is still the 25th in UTC.
            (
                Resource::Location,
                "location",
                Access,
                ms("2026-11-25T20:30:00Z"),
                ms("2026-11-25T20:30:01Z"),
                1,
                false
            ),
            // The interrupted interval: a begin without its end.
            (
                Resource::Location,
                "location",
                Access,
                ms("2026-11-26T03:30:00Z"),
                ms("2026-11-26T03:30:00Z"),
                1,
                true
            ),
        ]
    );

    let tracker = r
        .observations
        .iter()
        .find(|o| o.op == "tracker.profiler.example")
        .and_then(|o| o.network.clone())
        .unwrap();
    assert!(tracker.profiler);
    assert_eq!(tracker.domain, "tracker.profiler.example");
    assert_eq!(tracker.domain_owner.as_deref(), Some("Profiler Inc."));
    assert_eq!(tracker.app_initiated, Some(true));
    let own = r
        .observations
        .iter()
        .find(|o| o.op == "api.lender.example")
        .and_then(|o| o.network.clone())
        .unwrap();
    assert!(!own.profiler);
    assert_eq!(own.domain_owner, None, "an empty owner is no owner");
    assert!(
        r.observations
            .iter()
            .all(|o| o.network.is_some() == (o.kind == Network))
    );
}

#[test]
fn another_app_in_the_same_file_is_read_on_its_own() {
    let r = read(
        &fixture(V4),
        &ReadOptions {
            app: Some(SAFARI.into()),
            utc_offset_min: None,
        },
    )
    .unwrap();
    assert_eq!(r.source.records, 3);
    assert_eq!(r.observations.len(), 2);
    let web = r
        .observations
        .iter()
        .find(|o| o.kind == ObservationKind::Network)
        .unwrap();
    assert_eq!(web.network.as_ref().unwrap().app_initiated, Some(false));
    assert!(r.observations.iter().all(|o| o.app == SAFARI));
}

#[test]
fn crlf_line_ends_read_the_same_records() {
    let lf = read(&fixture(V4), &lender()).unwrap();
    let crlf = read(&fixture("App_Privacy_Report_crlf.ndjson"), &lender()).unwrap();
    assert_ne!(lf.source.sha256, crlf.source.sha256);
    assert_eq!(crlf.malformed_first, lf.malformed_first);
    assert_eq!(crlf.source.records, lf.source.records);
    let strip = |r: &khata_phone::Reading| {
        r.observations
            .iter()
            .map(|o| {
                let mut o = o.clone();
                o.source.clear();
                o
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&crlf), strip(&lf));
}

#[test]
fn the_2021_beta_keys_are_tolerated() {
    let r = read(
        &fixture("App_Privacy_Report_2021_beta.ndjson"),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(r.source.app, LENDER, "the file's only app is chosen");
    assert_eq!(r.source.malformed_lines, 0);
    let got: Vec<_> = r
        .observations
        .iter()
        .map(|o| (o.resource, o.first_at, o.last_at, o.count))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                Resource::Contacts,
                ms("2021-09-20T04:30:00Z"),
                ms("2021-09-20T04:30:03Z"),
                1
            ),
            (
                Resource::Media,
                ms("2021-09-20T05:30:00Z"),
                ms("2021-09-20T05:30:00Z"),
                3
            ),
            (
                Resource::Network,
                ms("2021-09-20T06:30:00Z"),
                ms("2021-09-20T06:30:00Z"),
                1
            ),
        ]
    );
}

#[test]
fn without_an_app_a_file_of_several_asks_which() {
    match read(&fixture(V4), &ReadOptions::default()) {
        Err(PhoneError::ChooseApp { apps }) => {
            assert_eq!(
                apps.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
                [LENDER, SAFARI]
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_app_with_no_record_is_its_own_error_with_the_apps_seen() {
    match read(
        &fixture(V4),
        &ReadOptions {
            app: Some("com.other.lender".into()),
            utc_offset_min: None,
        },
    ) {
        Err(PhoneError::AppNotInFile { app, apps }) => {
            assert_eq!(app, "com.other.lender");
            assert_eq!(apps.len(), 2);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_bom_and_blank_lines_are_not_malformed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.ndjson");
    let body = std::fs::read(fixture("App_Privacy_Report_2021_beta.ndjson")).unwrap();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(&body);
    bytes.extend_from_slice(b"\n  \n");
    std::fs::write(&path, &bytes).unwrap();
    let r = read(&path, &ReadOptions::default()).unwrap();
    assert_eq!(r.source.malformed_lines, 0);
    assert_eq!(r.observations.len(), 3);
}

#[test]
fn an_overlong_line_is_malformed_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.ndjson");
    let body = std::fs::read_to_string(fixture("App_Privacy_Report_2021_beta.ndjson")).unwrap();
    let huge = format!(
        "{{\"type\":\"access\",\"pad\":\"{}\"}}\n",
        "x".repeat(3 * 1024 * 1024)
    );
    std::fs::write(&path, format!("{body}{huge}{body}")).unwrap();
    let s = survey(&path).unwrap();
    assert_eq!(s.malformed_first, vec![5]);
    assert_eq!(s.lines, 9);
    let r = read(&path, &ReadOptions::default()).unwrap();
    assert_eq!(r.source.records, 8);
    // The same records twice: the same observations, counted twice.
    assert_eq!(r.observations.len(), 3);
    assert!(r.observations.iter().all(|o| o.count == 2 || o.count == 6));
}

#[test]
fn many_accesses_stay_one_observation_a_day() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.ndjson");
    let mut text = String::new();
    for i in 0..20_000 {
        let (h, m, s) = (i / 3600 % 24, i / 60 % 60, i % 60);
        for kind in ["intervalBegin", "intervalEnd"] {
            text.push_str(&format!(
                "{{\"accessor\":{{\"identifier\":\"{LENDER}\",\"identifierType\":\"bundleID\"}},\"category\":\"location\",\"identifier\":\"id-{i}\",\"kind\":\"{kind}\",\"timeStamp\":\"2026-11-2{}T{h:02}:{m:02}:{s:02}.000Z\",\"type\":\"access\"}}\n",
                if i < 10_000 { 3 } else { 4 }
            ));
        }
    }
    std::fs::write(&path, text).unwrap();
    let r = read(&path, &lender()).unwrap();
    assert_eq!(r.source.records, 40_000);
    let counts: Vec<u64> = r.observations.iter().map(|o| o.count).collect();
    assert_eq!(counts, vec![10_000, 10_000]);
}

#[test]
fn an_unknown_file_lists_what_is_understood() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "Dear lender,\nplease stop.\n").unwrap();
    for result in [
        survey(&path).map(|_| ()),
        read(&path, &lender()).map(|_| ()),
    ] {
        match result {
            Err(PhoneError::UnknownFormat { understood }) => {
                assert!(understood.contains(&SourceFormat::IosAppPrivacyReport));
                assert!(understood.contains(&SourceFormat::AndroidCapture));
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_file_over_the_cap_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.ndjson");
    let file = std::fs::File::create(&path).unwrap();
    // Sparse: no disk is used.
    file.set_len(khata_phone::MAX_SOURCE_BYTES + 1).unwrap();
    assert_eq!(
        survey(&path).unwrap_err(),
        PhoneError::TooLarge {
            limit: khata_phone::MAX_SOURCE_BYTES
        }
    );
}

#[test]
fn progress_reaches_the_file_size() {
    let path = fixture(V4);
    let size = std::fs::metadata(&path).unwrap().len();
    let mut last = (0, 0);
    khata_phone::read_with_progress(&path, &lender(), &mut |n, total| last = (n, total)).unwrap();
    assert_eq!(last, (size, size));
}
