//! The adb layer against the real adb binary and server (on a private port, so tests never
//! touch a developer's server or each other), and against a scripted stand-in for a phone:
//! no phone is attached where tests run.

use super::*;

/// The real adb (`.ci/install-deps test` installs it).
fn real_adb() -> PathBuf {
    Adb::locate(|k| std::env::var_os(k))
        .expect("the adb binary is needed by these tests: run .ci/install-deps test")
}

/// A free loopback port for a private adb server.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A private adb server, killed when the test ends (passing or not).
struct Server {
    adb: Adb,
}

impl Server {
    async fn start() -> Server {
        let adb = Adb::from_settings(&AdbSettings {
            program: Some(real_adb()),
            server_port: Some(free_port()),
            deadline: Some(Duration::from_secs(20)),
        })
        .unwrap();
        adb.start_server().await.expect("adb start-server");
        Server { adb }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = std::process::Command::new(&self.adb.program)
            .args([
                "-P",
                &self.adb.server_port.unwrap().to_string(),
                "kill-server",
            ])
            .output();
    }
}

fn no_progress() -> impl Fn(Progress) + Send + Sync {
    |_| {}
}

#[tokio::test]
async fn the_real_server_with_no_phone_lists_none_and_capture_says_so() {
    let server = Server::start().await;
    assert_eq!(server.adb.devices().await.unwrap(), []);
    assert_eq!(
        server.adb.choose_device(None).await,
        Err(AdbError::NoDevice { serial: None })
    );
    assert_eq!(
        server.adb.choose_device(Some("R58N123ABC")).await,
        Err(AdbError::NoDevice {
            serial: Some("R58N123ABC".into())
        })
    );
    // Reading a phone that is not there: adb's own failure, classified.
    let err = server
        .adb
        .capture("R58N123ABC", "in.khata.sandbox.lender", &[], &no_progress())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "adb_no_device", "{err:?}");
    server.adb.kill_server().await.unwrap();
}

#[test]
fn locating_adb() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-adb-here");
    let env = |over: Vec<(&'static str, OsString)>| {
        move |k: &str| over.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())
    };
    // KHATA_ADB pointing at nothing: missing, and nowhere else is searched.
    let err = Adb::locate(env(vec![
        (ADB_ENV, missing.clone().into()),
        ("PATH", std::env::var_os("PATH").unwrap_or_default()),
    ]))
    .unwrap_err();
    assert_eq!(err.code(), "adb_missing");
    let AdbError::Missing { looked_in } = &err else {
        unreachable!()
    };
    assert!(looked_in[0].contains("no-adb-here"), "{looked_in:?}");
    // Nothing on PATH and no SDK: missing, listing where it looked.
    let err = Adb::locate(env(vec![("PATH", dir.path().into())])).unwrap_err();
    assert_eq!(
        err,
        AdbError::Missing {
            looked_in: vec![dir.path().display().to_string()]
        }
    );
    // The SDK's platform-tools.
    let tools = dir.path().join("sdk/platform-tools");
    std::fs::create_dir_all(&tools).unwrap();
    let exe = tools.join(if cfg!(windows) { "adb.exe" } else { "adb" });
    std::fs::write(&exe, b"").unwrap();
    assert_eq!(
        Adb::locate(env(vec![("ANDROID_HOME", dir.path().join("sdk").into())])).unwrap(),
        exe
    );
    // KHATA_ADB wins over everything.
    assert_eq!(
        Adb::locate(env(vec![(ADB_ENV, exe.clone().into())])).unwrap(),
        exe
    );
    // The real one, on PATH.
    assert!(real_adb().is_file());
}

#[tokio::test]
async fn a_configured_adb_that_is_not_there_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let err = Adb::from_settings(&AdbSettings {
        program: Some(dir.path().join("adb")),
        ..AdbSettings::default()
    })
    .unwrap_err();
    assert_eq!(err.code(), "adb_missing");
}

/// A stand-in for adb and a phone, answering the commands a capture sends like a Galaxy A51
/// on Android 13 whose `date` lacks `%N` and whose Android refuses the discrete history.
#[cfg(unix)]
mod scripted {
    use super::*;

    const SCRIPT: &str = r#"#!/bin/sh
if [ "$1" = "-P" ]; then shift 2; fi
case "$*" in
  "devices -l")
    printf 'List of devices attached\nFAKE123                device usb:1-1 product:a51 model:SM_A515F device:a51 transport_id:1\n\n' ;;
  "-s FAKE123 shell pm list packages")
    printf 'package:com.android.settings\r\npackage:in.khata.sandbox.lender\r\n' ;;
  "-s FAKE123 shell pm list packages -3")
    printf 'package:in.khata.sandbox.lender\npackage:com.example.notes\n' ;;
  "-s FAKE123 shell getprop ro.product.model") echo SM-A515F ;;
  "-s FAKE123 shell getprop ro.build.version.release") echo 13 ;;
  "-s FAKE123 shell getprop ro.build.version.sdk") echo 33 ;;
  "-s FAKE123 shell date +%z") echo +0530 ;;
  "-s FAKE123 shell date +%s%3N") echo '1764650000%3N' ;;
  "-s FAKE123 shell date +%s") echo 1764650000 ;;
  "-s FAKE123 shell dumpsys package in.khata.sandbox.lender")
    printf 'Packages:\n  Package [in.khata.sandbox.lender] (1a2b3c):\n    runtime permissions:\n      android.permission.READ_CONTACTS: granted=true\n' ;;
  "-s FAKE123 shell dumpsys appops --history --include-discrete 0")
    echo 'Unknown option: --include-discrete' >&2; exit 255 ;;
  "-s FAKE123 shell echo 'two words'") echo two words ;;
  "-s FAKE123 shell sleep 30") exec sleep 30 ;;
  "-s GONE shell"*) echo "error: device 'GONE' not found" >&2; exit 1 ;;
  *) echo "unexpected: $*" >&2; exit 1 ;;
esac
"#;

    fn scripted_adb(dir: &Path, deadline: Duration) -> Adb {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join("adb");
        std::fs::write(&path, SCRIPT).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        Adb::from_settings(&AdbSettings {
            program: Some(path),
            server_port: Some(5999),
            deadline: Some(deadline),
        })
        .unwrap()
    }

    fn sections(package: &str) -> Vec<(String, Vec<String>)> {
        let s = |name: &str, argv: &[&str]| {
            (
                name.to_string(),
                argv.iter().map(|a| a.to_string()).collect(),
            )
        };
        vec![
            s(
                &format!("dumpsys package {package}"),
                &["dumpsys", "package", package],
            ),
            s(
                "dumpsys appops --history --include-discrete 0",
                &["dumpsys", "appops", "--history", "--include-discrete", "0"],
            ),
        ]
    }

    #[tokio::test]
    async fn a_capture_reads_properties_zone_clock_and_each_section() {
        let dir = tempfile::tempdir().unwrap();
        let adb = scripted_adb(dir.path(), Duration::from_secs(10));
        let device = adb.choose_device(None).await.unwrap();
        assert_eq!(device.model.as_deref(), Some("SM A515F"));
        let phases = std::sync::Mutex::new(Vec::new());
        let record = |p: Progress| phases.lock().unwrap().push((p.phase, p.done, p.total));
        let pkg = "in.khata.sandbox.lender";
        let got = adb
            .capture(&device.serial, pkg, &sections(pkg), &record)
            .await
            .unwrap();
        assert_eq!(got.serial, "FAKE123");
        assert_eq!(got.model.as_deref(), Some("SM-A515F"));
        assert_eq!(got.android.as_deref(), Some("13"));
        assert_eq!(got.sdk, Some(33));
        assert_eq!(got.utc_offset_min, 330);
        // `%N` not understood: whole seconds.
        assert_eq!(got.device_time_ms, 1_764_650_000_000);
        assert_eq!(got.package, pkg);
        assert_eq!(got.sections.len(), 2);
        assert_eq!(got.sections[0].0, "dumpsys package in.khata.sandbox.lender");
        assert!(
            String::from_utf8_lossy(&got.sections[0].1)
                .contains("android.permission.READ_CONTACTS: granted=true")
        );
        // The phone refused the history: the section is kept, empty, and the capture goes on.
        assert_eq!(got.sections[1].1, b"");
        let phases = phases.into_inner().unwrap();
        assert_eq!(phases.first().unwrap().0, "packages");
        assert_eq!(phases.last().unwrap(), &("done".to_string(), 5, Some(5)));
        assert!(phases.windows(2).all(|w| w[0].1 <= w[1].1), "{phases:?}");
    }

    #[tokio::test]
    async fn apps_on_the_phone() {
        let dir = tempfile::tempdir().unwrap();
        let adb = scripted_adb(dir.path(), Duration::from_secs(10));
        assert_eq!(
            adb.packages("FAKE123", true).await.unwrap(),
            ["com.example.notes", "in.khata.sandbox.lender"]
        );
        let err = adb
            .capture("FAKE123", "com.example.absent", &[], &no_progress())
            .await
            .unwrap_err();
        assert_eq!(
            err,
            AdbError::PackageNotInstalled {
                package: "com.example.absent".into()
            }
        );
        assert_eq!(err.code(), "phone_app_not_installed");
        // An id that is not a package name never reaches the phone's shell.
        let err = adb
            .capture("FAKE123", "x;reboot", &[], &no_progress())
            .await
            .unwrap_err();
        assert_eq!(err.code(), "invalid_input");
    }

    #[tokio::test]
    async fn arguments_reach_the_phone_quoted() {
        let dir = tempfile::tempdir().unwrap();
        let adb = scripted_adb(dir.path(), Duration::from_secs(10));
        let out = adb
            .shell_text("FAKE123", "echo", &["echo", "two words"])
            .await
            .unwrap();
        assert_eq!(out, "two words\n");
    }

    #[tokio::test]
    async fn a_phone_that_goes_away_mid_capture() {
        let dir = tempfile::tempdir().unwrap();
        let adb = scripted_adb(dir.path(), Duration::from_secs(10));
        let err = adb
            .capture("GONE", "in.khata.sandbox.lender", &[], &no_progress())
            .await
            .unwrap_err();
        assert_eq!(
            err,
            AdbError::NoDevice {
                serial: Some("GONE".into())
            }
        );
    }

    #[tokio::test]
    async fn a_command_that_hangs_is_stopped_at_the_deadline() {
        let dir = tempfile::tempdir().unwrap();
        let adb = scripted_adb(dir.path(), Duration::from_millis(300));
        let started = std::time::Instant::now();
        let err = adb
            .shell("FAKE123", "sleep", &["sleep", "30"])
            .await
            .err()
            .unwrap();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(
            err,
            AdbError::Timeout {
                step: "sleep".into(),
                seconds: 1
            }
        );
        assert_eq!(err.code(), "adb_failed");
    }
}
