//! Capturing a phone over adb through the engine: with the real adb binary and server (on a
//! private port; no phone is attached where tests run), with adb missing, and with a scripted
//! stand-in for adb and a phone, whose capture is imported as evidence.

use khata_engine::adb::AdbSettings;
use khata_engine::views::AdbDeviceState;

use super::*;

/// A free loopback port for a private adb server.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The real adb on a private server, killed when the test ends (passing or not).
struct PrivateServer {
    program: std::path::PathBuf,
    port: u16,
}

impl PrivateServer {
    fn start() -> PrivateServer {
        let program = khata_engine::adb::Adb::locate(|k| std::env::var_os(k))
            .expect("the adb binary is needed by these tests: run .ci/install-deps test");
        let port = free_port();
        let out = std::process::Command::new(&program)
            .args(["-P", &port.to_string(), "start-server"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        PrivateServer { program, port }
    }

    fn settings(&self) -> AdbSettings {
        AdbSettings {
            program: Some(self.program.clone()),
            server_port: Some(self.port),
            deadline: Some(Duration::from_secs(20)),
        }
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        let _ = std::process::Command::new(&self.program)
            .args(["-P", &self.port.to_string(), "kill-server"])
            .output();
    }
}

async fn engine_with(dir: &Path, adb: AdbSettings) -> Engine {
    let keys = Arc::new(MemoryKeyStore::default());
    let mut cfg = config(dir, &keys);
    cfg.adb = adb;
    Engine::open(cfg).await.unwrap().0
}

#[tokio::test]
async fn with_no_phone_attached_there_are_no_devices_and_capture_says_so() {
    let server = PrivateServer::start();
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_with(dir.path(), server.settings()).await;
    assert_eq!(engine.phone_devices().await.unwrap(), []);
    let err = engine
        .phone_capture(None, Some("in.khata.sandbox.lender".into()), None, noop)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "adb_no_device", "{err}");
    assert!(err.to_string().contains("No phone is connected"), "{err}");
    let err = engine
        .phone_capture_file(Some("R58N123ABC".into()), None, None, &noop)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "adb_no_device", "{err}");
    // Nothing was written or imported.
    assert!(!dir.path().join("phone").exists());
    assert!(engine.phone_sources().await.unwrap().is_empty());
    engine.close().await;
}

#[tokio::test]
async fn without_adb_every_phone_call_says_it_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_with(
        dir.path(),
        AdbSettings {
            program: Some(dir.path().join("no-such-adb")),
            ..AdbSettings::default()
        },
    )
    .await;
    let err = engine.phone_devices().await.unwrap_err();
    assert_eq!(err.code(), "adb_missing");
    assert!(err.to_string().contains("KHATA_ADB"), "{err}");
    let err = engine
        .phone_capture(None, None, None, noop)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "adb_missing");
    engine.close().await;
}

/// A stand-in for adb and a Galaxy A51 on Android 13 with the sandbox lender's app installed:
/// each command answers with the recorded output in `tests/fixtures/adb/`.
#[cfg(unix)]
fn scripted_adb(dir: &Path) -> AdbSettings {
    use std::os::unix::fs::PermissionsExt;
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/adb");
    let f = |name: &str| fixtures.join(name).display().to_string();
    let pkg = "in.khata.sandbox.lender";
    let script = format!(
        r#"#!/bin/sh
if [ "$1" = "-P" ]; then shift 2; fi
case "$*" in
  "devices -l") cat '{devices}' ;;
  "-s R58N123ABC shell pm list packages")
    printf 'package:com.android.settings\npackage:{pkg}\npackage:com.example.notes\n' ;;
  "-s R58N123ABC shell pm list packages -3")
    printf 'package:{pkg}\npackage:com.example.notes\n' ;;
  "-s R58N123ABC shell getprop ro.product.model") echo SM-A515F ;;
  "-s R58N123ABC shell getprop ro.build.version.release") echo 13 ;;
  "-s R58N123ABC shell getprop ro.build.version.sdk") echo 33 ;;
  "-s R58N123ABC shell date +%z") echo +0530 ;;
  "-s R58N123ABC shell date +%s%3N") echo 1796174700000 ;;
  "-s R58N123ABC shell dumpsys package {pkg}") cat '{package}' ;;
  "-s R58N123ABC shell dumpsys appops --package {pkg}") cat '{appops}' ;;
  "-s R58N123ABC shell cmd appops get {pkg}") cat '{cmd}' ;;
  "-s R58N123ABC shell dumpsys appops --history --include-discrete 0") cat '{history}' ;;
  *) echo "unexpected: $*" >&2; exit 1 ;;
esac
"#,
        devices = f("devices.txt"),
        package = f("dumpsys-package.txt"),
        appops = f("dumpsys-appops.txt"),
        cmd = f("cmd-appops.txt"),
        history = f("discrete-history.txt"),
    );
    let path = dir.join("adb");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    AdbSettings {
        program: Some(path),
        server_port: None,
        deadline: Some(Duration::from_secs(10)),
    }
}

#[cfg(unix)]
#[tokio::test]
async fn a_capture_is_kept_as_one_file_with_the_phones_facts_and_each_output() {
    let tools = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_with(dir.path(), scripted_adb(tools.path())).await;
    let devices = engine.phone_devices().await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].state, AdbDeviceState::Device);
    // No app named and no connected lender declares one: the phone's own apps to choose from.
    let err = engine
        .phone_capture_file(None, None, None, &noop)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "adb_choose_app");
    let khata_engine::EngineError::Adb(khata_engine::adb::AdbError::ChooseApp { packages }) = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(packages, &["com.example.notes", "in.khata.sandbox.lender"]);
    // An app that is not on the phone.
    let err = engine
        .phone_capture_file(None, Some("com.example.absent".into()), None, &noop)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "phone_app_not_installed");

    let (path, app) = engine
        .phone_capture_file(None, Some("in.khata.sandbox.lender".into()), None, &noop)
        .await
        .unwrap();
    assert_eq!(app, "in.khata.sandbox.lender");
    assert_eq!(path.parent().unwrap(), dir.path().join("phone"));
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("android-capture-") && name.ends_with("Z.txt"),
        "{name}"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let header: Vec<&str> = text.lines().take(8).collect();
    assert_eq!(
        header,
        [
            khata_phone::BUNDLE_MAGIC,
            "# serial: R58N123ABC",
            "# model: SM-A515F",
            "# android: 13",
            "# sdk: 33",
            "# utc-offset: +05:30",
            "# device-time-ms: 1796174700000",
            "# package: in.khata.sandbox.lender",
        ]
    );
    // Each section verbatim, in order.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/adb");
    let mut at = 0;
    for (section, fixture) in [
        (
            "dumpsys package in.khata.sandbox.lender",
            "dumpsys-package.txt",
        ),
        (
            "dumpsys appops --package in.khata.sandbox.lender",
            "dumpsys-appops.txt",
        ),
        ("cmd appops get in.khata.sandbox.lender", "cmd-appops.txt"),
        (
            "dumpsys appops --history --include-discrete 0",
            "discrete-history.txt",
        ),
    ] {
        let expected = format!(
            "## section: {section}\n{}",
            std::fs::read_to_string(fixtures.join(fixture)).unwrap()
        );
        let found = text[at..]
            .find(&expected)
            .unwrap_or_else(|| panic!("{section}"));
        at += found + expected.len();
    }
    assert_eq!(at, text.len());

    // The parsers read it back: the phone's facts, and what it saw the app do.
    let reading = khata_phone::read(
        &path,
        &khata_phone::ReadOptions {
            app: Some(app),
            utc_offset_min: None,
        },
    )
    .unwrap();
    let source = &reading.source;
    assert_eq!(
        source.format,
        khata_evidence::phone::SourceFormat::AndroidCapture
    );
    assert_eq!(source.device.serial.as_deref(), Some("R58N123ABC"));
    assert_eq!(source.device.model.as_deref(), Some("SM-A515F"));
    assert_eq!(source.utc_offset_min, Some(330));
    use khata_evidence::phone::{AppState, ObservationKind, Resource};
    let saw = |resource, state, at| {
        reading.observations.iter().any(|o| {
            o.kind == ObservationKind::Access
                && o.resource == resource
                && o.state == state
                && o.first_at <= at
                && at <= o.last_at
        })
    };
    // Device-local times read in the phone's zone (+05:30): 23:40:11.502 is 18:10:11.502 UTC.
    assert!(saw(
        Resource::Contacts,
        AppState::Background,
        1_796_148_611_502
    ));
    assert!(saw(
        Resource::CallLog,
        AppState::Background,
        1_796_148_665_020
    ));
    assert!(saw(
        Resource::Location,
        AppState::Background,
        1_796_142_934_325
    ));
    assert!(saw(
        Resource::Camera,
        AppState::Foreground,
        1_795_836_600_000
    ));
    engine.close().await;
}

#[cfg(unix)]
#[tokio::test]
async fn a_capture_is_imported_as_evidence_and_its_file_left_to_the_vault() {
    use khata_evidence::phone::{AppState, ObservationKind, OffsetFrom, Resource, SourceFormat};
    let tools = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_with(dir.path(), scripted_adb(tools.path())).await;
    let lender = engine.connect_sandbox(noop).await.unwrap();
    let phases = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = phases.clone();
    let summary = engine
        .phone_capture(
            None,
            Some("in.khata.sandbox.lender".into()),
            None,
            move |p: Progress| seen.lock().unwrap().push((p.task, p.phase)),
        )
        .await
        .unwrap();
    assert!(summary.new);
    let source = &summary.source;
    assert_eq!(source.format, SourceFormat::AndroidCapture);
    assert_eq!(source.app, "in.khata.sandbox.lender");
    // The only connected lender.
    assert_eq!(source.lender_id.as_deref(), Some(lender.id.as_str()));
    assert_eq!(source.device.serial.as_deref(), Some("R58N123ABC"));
    assert_eq!(source.device.model.as_deref(), Some("SM-A515F"));
    assert_eq!(source.utc_offset_min, Some(330));
    assert_eq!(source.offset_from, OffsetFrom::Device);
    assert!(source.file_name.starts_with("android-capture-"));
    assert!(summary.observations > 0);
    let phases = phases.lock().unwrap().clone();
    assert_eq!(
        phases.first().unwrap(),
        &("capture".into(), "packages".into())
    );
    assert!(
        phases.iter().any(|(task, _)| task != "capture"),
        "{phases:?}"
    );

    // The vault holds the capture; the plain file is gone from the data folder.
    assert_eq!(
        std::fs::read_dir(dir.path().join("phone")).unwrap().count(),
        0
    );
    assert_eq!(
        engine.phone_sources().await.unwrap(),
        std::slice::from_ref(source)
    );
    let observations = engine.phone_observations().await.unwrap();
    assert!(
        observations
            .iter()
            .any(|o| o.kind == ObservationKind::Access
                && o.resource == Resource::Contacts
                && o.state == AppState::Background
                && o.first_at == 1_796_148_611_502
                && o.source == source.sha256)
    );

    // No app named: the app the connected lender declares, found on the phone.
    let declared = engine
        .phone_capture_file(None, None, None, &noop)
        .await
        .unwrap();
    assert_eq!(declared.1, "in.khata.sandbox.lender");
    std::fs::remove_file(&declared.0).unwrap();

    // The phone unchanged: the same capture, nothing added.
    let again = engine
        .phone_capture(None, Some("in.khata.sandbox.lender".into()), None, noop)
        .await
        .unwrap();
    assert!(!again.new);
    assert_eq!(again.source.sha256, source.sha256);
    assert_eq!(engine.phone_sources().await.unwrap().len(), 1);
    engine.close().await;
}
