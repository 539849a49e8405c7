//! The Android formats through the public API: app-ops state of old and new versions,
//! `cmd appops get`, the discrete history (both dump forms), `dumpsys package`, the capture
//! bundle and a bug report zip made here; times read in the offset given, relative times made
//! absolute from the clock the source says.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use chrono::DateTime;
use khata_evidence::phone::{
    AppState, Observation, ObservationKind, OffsetFrom, Platform, Resource, SourceFormat,
    SourceLimit,
};
use khata_phone::{
    AppSeen, CaptureMeta, PhoneError, ReadOptions, Reading, read, survey, write_bundle,
};

const LENDER: &str = "in.khata.sandbox.lender";
const IST: i32 = 330;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/android")
        .join(name)
}

fn ms(s: &str) -> i64 {
    DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
}

/// When the saved files were "made": their modification time, set here.
fn mtime() -> i64 {
    ms("2026-11-26T05:00:00Z")
}

/// A copy of a fixture in `dir` with the modification time [`mtime`].
fn saved(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::copy(fixture(name), &path).unwrap();
    let f = std::fs::File::options().write(true).open(&path).unwrap();
    f.set_modified(UNIX_EPOCH + Duration::from_millis(mtime() as u64))
        .unwrap();
    path
}

fn opts(offset: Option<i32>) -> ReadOptions {
    ReadOptions {
        app: Some(LENDER.into()),
        utc_offset_min: offset,
    }
}

type Row = (Resource, String, ObservationKind, AppState, i64, i64, u64);

fn rows(r: &Reading) -> Vec<Row> {
    r.observations
        .iter()
        .map(|o: &Observation| {
            assert_eq!(o.app, LENDER);
            assert_eq!(o.platform, Platform::Android);
            assert_eq!(o.source, r.source.sha256);
            assert!(!o.open_interval && o.network.is_none());
            (
                o.resource,
                o.op.clone(),
                o.kind,
                o.state,
                o.first_at,
                o.last_at,
                o.count,
            )
        })
        .collect()
}

fn row(
    resource: Resource,
    op: &str,
    kind: ObservationKind,
    state: AppState,
    first: i64,
    last: i64,
    count: u64,
) -> Row {
    (resource, op.to_string(), kind, state, first, last, count)
}

use AppState::{Background as Bg, Foreground as Fg, Unknown};
use ObservationKind::{Access, Granted, Rejected, Requested};

#[test]
fn modern_appops_need_an_offset_then_read_each_state_and_attribution() {
    let path = fixture("dumpsys_appops_android14.txt");
    let s = survey(&path).unwrap();
    assert_eq!(s.format, SourceFormat::AndroidAppops);
    assert_eq!(s.platform, Platform::Android);
    assert!(s.needs_utc_offset);
    assert_eq!(s.malformed_first, vec![38]);
    assert_eq!(
        s.apps,
        vec![
            AppSeen {
                id: LENDER.into(),
                records: 8
            },
            AppSeen {
                id: "android".into(),
                records: 1
            },
            AppSeen {
                id: "com.whatsapp".into(),
                records: 1
            },
        ]
    );
    assert_eq!(read(&path, &opts(None)), Err(PhoneError::NeedsUtcOffset));

    let r = read(&path, &opts(Some(IST))).unwrap();
    assert_eq!(r.source.offset_from, OffsetFrom::Assumed);
    assert_eq!(r.source.utc_offset_min, Some(IST));
    assert_eq!(r.source.records, 8);
    assert_eq!(
        r.source.limits,
        vec![
            SourceLimit::UseNotContent,
            SourceLimit::LastAccessOnly,
            SourceLimit::OffsetNotInFile
        ]
    );
    let t = ms;
    assert_eq!(
        rows(&r),
        vec![
            row(
                Resource::CallLog,
                "READ_CALL_LOG",
                Rejected,
                Bg,
                t("2026-11-25T02:30:00Z"),
                t("2026-11-25T02:30:00Z"),
                1
            ),
            row(
                Resource::Location,
                "FINE_LOCATION",
                Access,
                Fg,
                t("2026-11-25T04:30:00Z"),
                t("2026-11-25T04:30:01.500Z"),
                1
            ),
            row(
                Resource::Camera,
                "CAMERA",
                Access,
                Fg,
                t("2026-11-25T04:35:00Z"),
                t("2026-11-25T04:35:12Z"),
                1
            ),
            // The untagged and the tagged background access: one a day, both ends kept.
            row(
                Resource::Location,
                "FINE_LOCATION",
                Access,
                Bg,
                t("2026-11-25T17:00:00Z"),
                t("2026-11-25T17:15:00Z"),
                2
            ),
            row(
                Resource::Contacts,
                "READ_CONTACTS",
                Access,
                Bg,
                t("2026-11-25T17:40:00.123Z"),
                t("2026-11-25T17:40:00.123Z"),
                1
            ),
            // `cch` (cached) is background.
            row(
                Resource::CallLog,
                "READ_CALL_LOG",
                Access,
                Bg,
                t("2026-11-25T17:42:00Z"),
                t("2026-11-25T17:42:00Z"),
                1
            ),
        ]
    );
}

#[test]
fn old_one_line_appops_count_from_the_saved_file_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved(dir.path(), "dumpsys_appops_android8.txt");
    let s = survey(&path).unwrap();
    assert!(!s.needs_utc_offset, "relative times need no offset");
    assert_eq!(s.malformed_first, vec![8]);
    let r = read(&path, &opts(None)).unwrap();
    assert_eq!(r.source.offset_from, OffsetFrom::CaptureClock);
    assert_eq!(r.source.utc_offset_min, None);
    assert_eq!(r.source.captured_at, Some(mtime()));
    assert!(r.source.limits.contains(&SourceLimit::ClockFromFileTime));
    assert_eq!(r.source.records, 5);
    let m = mtime();
    let (h, d) = (3_600_000, 86_400_000);
    assert_eq!(
        rows(&r),
        vec![
            row(
                Resource::Contacts,
                "READ_CONTACTS",
                Rejected,
                Unknown,
                m - d,
                m - d,
                1
            ),
            row(
                Resource::Location,
                "COARSE_LOCATION",
                Access,
                Fg,
                m - 3 * h,
                m - 3 * h,
                1
            ),
            row(
                Resource::Contacts,
                "READ_CONTACTS",
                Access,
                Unknown,
                m - 2 * h,
                m - 2 * h,
                1
            ),
            row(
                Resource::Location,
                "COARSE_LOCATION",
                Access,
                Bg,
                m - h,
                m - h,
                1
            ),
            row(
                Resource::Camera,
                "CAMERA",
                Access,
                Unknown,
                m - 300_000,
                m - 300_000,
                1
            ),
        ]
    );
}

#[test]
fn cmd_appops_get_is_read_for_the_app_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved(dir.path(), "cmd_appops_get.txt");
    let s = survey(&path).unwrap();
    assert_eq!(s.format, SourceFormat::AndroidAppopsCmd);
    assert!(s.apps.is_empty(), "the output does not name its package");
    assert_eq!(s.malformed_first, vec![8]);
    assert!(matches!(
        read(&path, &ReadOptions::default()),
        Err(PhoneError::ChooseApp { .. })
    ));
    let r = read(&path, &opts(None)).unwrap();
    assert_eq!(r.source.records, 6);
    assert!(r.source.limits.contains(&SourceLimit::ClockFromFileTime));
    assert!(!r.source.limits.contains(&SourceLimit::OffsetNotInFile));
    let m = mtime();
    let min = 60_000;
    assert_eq!(
        rows(&r),
        vec![
            row(
                Resource::Sms,
                "READ_SMS",
                Rejected,
                Unknown,
                m - 2 * 86_400_000,
                m - 2 * 86_400_000,
                1
            ),
            row(
                Resource::Contacts,
                "READ_CONTACTS",
                Access,
                Unknown,
                m - 93_784_005,
                m - 93_784_005,
                1
            ),
            row(
                Resource::Sms,
                "READ_SMS",
                Access,
                Unknown,
                m - 30 * min,
                m - 30 * min,
                1
            ),
            row(
                Resource::Location,
                "FINE_LOCATION",
                Access,
                Unknown,
                m - 10 * min,
                m - 10 * min,
                1
            ),
            row(
                Resource::Camera,
                "CAMERA",
                Access,
                Unknown,
                m - 5 * min,
                m - 5 * min,
                1
            ),
        ]
    );
}

#[test]
fn the_discrete_history_keeps_each_minute_rounded_access_aggregated_per_day() {
    let path = fixture("dumpsys_appops_discrete.txt");
    let s = survey(&path).unwrap();
    assert_eq!(s.format, SourceFormat::AndroidDiscreteHistory);
    assert!(s.needs_utc_offset);
    assert_eq!(s.malformed_first, vec![21]);
    let r = read(&path, &opts(Some(IST))).unwrap();
    assert_eq!(r.source.records, 5);
    assert_eq!(
        r.source.limits,
        vec![
            SourceLimit::UseNotContent,
            SourceLimit::DiscreteRecentOnly,
            SourceLimit::OffsetNotInFile
        ]
    );
    let t = ms;
    assert_eq!(
        rows(&r),
        vec![
            row(
                Resource::Location,
                "FINE_LOCATION",
                Access,
                Bg,
                t("2026-11-24T20:31:00Z"),
                t("2026-11-24T23:02:00Z"),
                3
            ),
            row(
                Resource::Location,
                "FINE_LOCATION",
                Access,
                Fg,
                t("2026-11-25T04:30:00Z"),
                t("2026-11-25T04:31:00Z"),
                1
            ),
            row(
                Resource::Camera,
                "CAMERA",
                Access,
                Fg,
                t("2026-11-25T04:35:00Z"),
                t("2026-11-25T04:36:00Z"),
                1
            ),
        ]
    );
}

#[test]
fn the_discrete_history_as_a_table_reads_the_same() {
    let path = fixture("dumpsys_appops_discrete_table.txt");
    let s = survey(&path).unwrap();
    assert_eq!(s.format, SourceFormat::AndroidDiscreteHistory);
    assert_eq!(s.malformed_first, vec![9]);
    let r = read(&path, &opts(Some(IST))).unwrap();
    assert_eq!(r.source.records, 3);
    let t = ms;
    assert_eq!(
        rows(&r),
        vec![
            row(
                Resource::Location,
                "FINE_LOCATION",
                Access,
                Bg,
                t("2026-11-24T20:31:00Z"),
                t("2026-11-24T21:45:00Z"),
                2
            ),
            row(
                Resource::Microphone,
                "RECORD_AUDIO",
                Access,
                Fg,
                t("2026-11-25T04:35:00Z"),
                t("2026-11-25T04:36:00Z"),
                1
            ),
        ]
    );
}

#[test]
fn dumpsys_package_tells_granted_from_requested() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved(dir.path(), "dumpsys_package.txt");
    let s = survey(&path).unwrap();
    assert_eq!(s.format, SourceFormat::AndroidPackage);
    assert_eq!(s.malformed_lines, 0);
    assert_eq!(
        s.apps[0],
        AppSeen {
            id: LENDER.into(),
            records: 9
        }
    );
    let r = read(&path, &opts(None)).unwrap();
    assert!(r.source.limits.contains(&SourceLimit::PermissionsNotUse));
    assert!(r.source.limits.contains(&SourceLimit::ClockFromFileTime));
    let m = mtime();
    let mut got: Vec<(Resource, String, ObservationKind)> = rows(&r)
        .into_iter()
        .map(|(res, op, kind, state, first, last, count)| {
            assert_eq!((state, first, last, count), (Unknown, m, m, 1));
            (res, op, kind)
        })
        .collect();
    got.sort();
    let p = |s: &str| format!("android.permission.{s}");
    assert_eq!(
        got,
        vec![
            (Resource::Contacts, p("READ_CONTACTS"), Granted),
            (Resource::CallLog, p("READ_CALL_LOG"), Granted),
            (Resource::Sms, p("READ_SMS"), Requested),
            (
                Resource::Location,
                p("ACCESS_BACKGROUND_LOCATION"),
                Requested
            ),
            (Resource::Location, p("ACCESS_FINE_LOCATION"), Granted),
            (Resource::Camera, p("CAMERA"), Granted),
            (Resource::Accounts, p("GET_ACCOUNTS"), Requested),
            (Resource::InstalledApps, p("QUERY_ALL_PACKAGES"), Granted),
        ]
    );
}

fn meta() -> CaptureMeta {
    CaptureMeta {
        serial: Some("R58N123ABC".into()),
        model: Some("SM-A515F".into()),
        android: Some("14".into()),
        sdk: Some(34),
        utc_offset_min: Some(IST),
        device_time_ms: Some(ms("2026-11-26T04:30:00Z")),
        package: LENDER.into(),
    }
}

fn section(name: &str, fixture_name: &str) -> (String, Vec<u8>) {
    (
        name.to_string(),
        std::fs::read(fixture(fixture_name)).unwrap(),
    )
}

#[test]
fn a_capture_bundle_reads_every_section_in_the_phone_s_zone_and_clock() {
    let sections = vec![
        section(
            "dumpsys package in.khata.sandbox.lender",
            "dumpsys_package.txt",
        ),
        section(
            "dumpsys appops --package in.khata.sandbox.lender",
            "dumpsys_appops_android14.txt",
        ),
        section(
            "cmd appops get in.khata.sandbox.lender",
            "cmd_appops_get.txt",
        ),
        section(
            "dumpsys appops --history --include-discrete 0",
            "dumpsys_appops_discrete.txt",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("khata-capture-R58N123ABC.txt");
    std::fs::write(&path, write_bundle(&meta(), &sections)).unwrap();

    let s = survey(&path).unwrap();
    assert_eq!(s.format, SourceFormat::AndroidCapture);
    assert!(!s.needs_utc_offset, "the bundle carries the phone's offset");
    assert_eq!(s.device.model.as_deref(), Some("SM-A515F"));
    assert_eq!(s.captured_at, Some(ms("2026-11-26T04:30:00Z")));
    assert_eq!(s.apps[0].id, LENDER);

    // The offset given is ignored: the phone's own is used.
    let r = read(&path, &opts(Some(0))).unwrap();
    let src = &r.source;
    assert_eq!(src.offset_from, OffsetFrom::Device);
    assert_eq!(src.utc_offset_min, Some(IST));
    assert_eq!(src.device.serial.as_deref(), Some("R58N123ABC"));
    assert_eq!(src.device.os_version.as_deref(), Some("14"));
    assert_eq!(
        src.limits,
        vec![
            SourceLimit::UseNotContent,
            SourceLimit::LastAccessOnly,
            SourceLimit::DiscreteRecentOnly,
            SourceLimit::PermissionsNotUse,
        ]
    );
    // The malformed lines are numbered in the bundle, not in each section (the one in
    // `cmd appops get` is not read: see below).
    assert_eq!(r.malformed_first.len(), 2);
    let rows = rows(&r);
    let now = ms("2026-11-26T04:30:00Z");
    // cmd appops get reports the same last accesses as dumpsys appops, without the app state:
    // with dumpsys's records at hand it is not read, so no access is counted twice.
    assert!(!rows.contains(&row(
        Resource::Camera,
        "CAMERA",
        Access,
        Unknown,
        now - 300_000,
        now - 300_000,
        1
    )));
    assert!(
        rows.iter().all(|r| r.3 != Unknown || r.2 != Access),
        "{rows:?}"
    );
    // dumpsys package: a snapshot at the capture.
    assert!(rows.contains(&row(
        Resource::Contacts,
        "android.permission.READ_CONTACTS",
        Granted,
        Unknown,
        now,
        now,
        1
    )));
    // dumpsys appops: local times in the phone's offset.
    assert!(rows.contains(&row(
        Resource::Contacts,
        "READ_CONTACTS",
        Access,
        Bg,
        ms("2026-11-25T17:40:00.123Z"),
        ms("2026-11-25T17:40:00.123Z"),
        1
    )));
    // The discrete history.
    assert!(rows.contains(&row(
        Resource::Location,
        "FINE_LOCATION",
        Access,
        Bg,
        ms("2026-11-24T20:31:00Z"),
        ms("2026-11-24T23:02:00Z"),
        3
    )));
}

fn bugreport_text() -> Vec<u8> {
    let mut t = b"========================================================\n== dumpstate: 2026-11-26 10:00:00\n========================================================\n\nBuild: TP1A.220624.014\n".to_vec();
    t.extend_from_slice(b"------ SYSTEM PROPERTIES (getprop) ------\n[ro.build.version.release]: [13]\n[ro.build.version.sdk]: [33]\n[ro.product.model]: [SM-A515F]\n[ro.serialno]: [R58N123ABC]\n------ 0.030s was the duration of 'SYSTEM PROPERTIES' ------\n");
    t.extend_from_slice(b"-------------------------------------------------------------------------------\nDUMP OF SERVICE alarm:\n  READ_CONTACTS (allow):\n    Access: [bg-s] garbage that is not appops\n");
    t.extend_from_slice(b"-------------------------------------------------------------------------------\nDUMP OF SERVICE appops:\n");
    t.extend_from_slice(&std::fs::read(fixture("dumpsys_appops_android14.txt")).unwrap());
    t.extend_from_slice(b"--------- 0.052s was the duration of dumpsys appops, ending at: 2026-11-26 10:00:01\n-------------------------------------------------------------------------------\nDUMP OF SERVICE package:\n");
    t.extend_from_slice(&std::fs::read(fixture("dumpsys_package.txt")).unwrap());
    t.extend_from_slice(
        b"--------- 0.300s was the duration of dumpsys package, ending at: 2026-11-26 10:00:02\n",
    );
    t
}

fn zip_of(path: &Path, entries: &[(&str, &[u8])]) {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(body).unwrap();
    }
    w.finish().unwrap();
}

#[test]
fn a_bug_report_zip_is_streamed_from_its_main_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join("bugreport-a51-TP1A.220624.014-2026-11-26-10-00-00.zip");
    let main = "bugreport-a51-TP1A.220624.014-2026-11-26-10-00-00.txt";
    let text = bugreport_text();
    zip_of(
        &path,
        &[
            ("version.txt", b"2.0"),
            ("main_entry.txt", main.as_bytes()),
            (
                "dumpstate_log.txt",
                b"DUMP OF SERVICE appops:\nnot this one\n",
            ),
            ("FS/data/misc/x.txt", b"nothing"),
            (main, &text),
        ],
    );
    let s = survey(&path).unwrap();
    assert_eq!(s.format, SourceFormat::AndroidBugreport);
    assert!(s.needs_utc_offset);
    assert_eq!(s.device.model.as_deref(), Some("SM-A515F"));
    assert_eq!(s.apps[0].id, LENDER);

    let r = read(&path, &opts(Some(IST))).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    use sha2::Digest;
    assert_eq!(r.source.sha256, hex::encode(sha2::Sha256::digest(&bytes)));
    assert_eq!(r.source.bytes, bytes.len() as u64);
    assert_eq!(r.source.device.serial.as_deref(), Some("R58N123ABC"));
    assert_eq!(r.source.device.os_version.as_deref(), Some("13"));
    let taken = ms("2026-11-26T04:30:00Z");
    assert_eq!(r.source.captured_at, Some(taken));
    assert_eq!(r.source.offset_from, OffsetFrom::Assumed);
    assert!(!r.source.limits.contains(&SourceLimit::ClockFromFileTime));
    assert!(r.source.limits.contains(&SourceLimit::PermissionsNotUse));
    // Only the appops section's bad line; the alarm service's lines are not read.
    assert_eq!(r.malformed_first.len(), 1);
    let rows = rows(&r);
    assert!(rows.contains(&row(
        Resource::Camera,
        "android.permission.CAMERA",
        Granted,
        Unknown,
        taken,
        taken,
        1
    )));
    assert!(rows.contains(&row(
        Resource::Contacts,
        "READ_CONTACTS",
        Access,
        Bg,
        ms("2026-11-25T17:40:00.123Z"),
        ms("2026-11-25T17:40:00.123Z"),
        1
    )));

    // The same text saved on its own reads the same.
    let txt = dir.path().join(main);
    std::fs::write(&txt, &text).unwrap();
    let plain = read(&txt, &opts(Some(IST))).unwrap();
    assert_eq!(plain.observations.len(), r.observations.len());
}

#[test]
fn a_zip_with_an_entry_outside_itself_or_no_report_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let evil = dir.path().join("evil.zip");
    zip_of(
        &evil,
        &[("../../etc/passwd.txt", b"x"), ("bugreport-x.txt", b"y")],
    );
    assert!(matches!(survey(&evil), Err(PhoneError::Zip(_))));
    let empty = dir.path().join("photos.zip");
    zip_of(&empty, &[("IMG_0001.txt", b"not a report")]);
    assert!(matches!(
        read(&empty, &opts(Some(IST))),
        Err(PhoneError::Zip(_))
    ));
}

#[test]
fn a_long_history_before_the_discrete_accesses_still_reads_as_discrete() {
    let mut text = String::from("Current AppOps Service state:\n  Historical ops:\n");
    while text.len() < 40 * 1024 {
        text.push_str("    Uid u0a245:\n      Package in.khata.sandbox.lender:\n        CAMERA:\n          Access: [top-s] 3\n");
    }
    let discrete = std::fs::read_to_string(fixture("dumpsys_appops_discrete.txt")).unwrap();
    text.push_str(&discrete[discrete.find("Discrete accesses").unwrap()..]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.txt");
    std::fs::write(&path, text).unwrap();
    // The head shows only the state's header and the aggregated history…
    assert_eq!(survey(&path).unwrap().format, SourceFormat::AndroidAppops);
    // …but what was read is the discrete history, and the limits say so.
    let r = read(&path, &opts(Some(IST))).unwrap();
    assert_eq!(r.source.records, 5);
    assert!(r.source.limits.contains(&SourceLimit::DiscreteRecentOnly));
    assert!(!r.source.limits.contains(&SourceLimit::LastAccessOnly));
}

#[test]
fn a_capture_whose_dumpsys_appops_holds_nothing_reads_cmd_appops_get_instead() {
    let sections = vec![
        (
            "dumpsys appops --package in.khata.sandbox.lender".to_string(),
            b"Current AppOps Service state:\n".to_vec(),
        ),
        section(
            "cmd appops get in.khata.sandbox.lender",
            "cmd_appops_get.txt",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("khata-capture-R58N123ABC.txt");
    std::fs::write(&path, write_bundle(&meta(), &sections)).unwrap();
    let r = read(&path, &opts(None)).unwrap();
    let now = ms("2026-11-26T04:30:00Z");
    // cmd appops get: relative to the phone's clock.
    assert!(rows(&r).contains(&row(
        Resource::Camera,
        "CAMERA",
        Access,
        Unknown,
        now - 300_000,
        now - 300_000,
        1
    )));
}
