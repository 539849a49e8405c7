//! The plan as Khata's own capture over adb writes it (`SourceFormat::AndroidCapture`): one
//! UTF-8 text file, a header of the phone's facts (`# key: value`) then each command's verbatim
//! output under `## section: <command>`. The sandbox phone is a Samsung Galaxy A51 on Android
//! 13 in India (+05:30); the discrete history section is left out, as on a phone whose dumpsys
//! does not offer it.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::ReportInput;
use super::android::{held, local, render_cmd, render_dumpsys};
use super::plan::Plan;

/// The sandbox phone's serial number, as `adb devices` lists it.
pub(super) const SERIAL: &str = "KHATASBX0001";
const MODEL: &str = "SM-A515F";
const ANDROID: &str = "13";
const SDK: &str = "33";

pub(super) fn render(input: &ReportInput, plan: &Plan) -> Vec<u8> {
    let (package, _) = input.app_ids();
    let mut out = String::new();
    out.push_str("# khata-android-capture 1\n");
    let _ = writeln!(out, "# serial: {SERIAL}");
    let _ = writeln!(out, "# model: {MODEL}");
    let _ = writeln!(out, "# android: {ANDROID}");
    let _ = writeln!(out, "# sdk: {SDK}");
    let _ = writeln!(out, "# utc-offset: {}", offset_text());
    let _ = writeln!(out, "# device-time-ms: {}", input.now.timestamp_millis());
    let _ = writeln!(out, "# package: {package}");
    let sections = [
        (
            format!("dumpsys package {package}"),
            package_dump(input, plan),
        ),
        (
            format!("dumpsys appops --package {package}"),
            String::from_utf8(render_dumpsys(input, plan)).expect("ASCII"),
        ),
        (
            format!("cmd appops get {package}"),
            String::from_utf8(render_cmd(input, plan)).expect("ASCII"),
        ),
    ];
    for (name, body) in sections {
        let _ = writeln!(out, "## section: {name}");
        out.push_str(&body);
        if !body.ends_with('\n') {
            out.push('\n');
        }
    }
    out.into_bytes()
}

/// `+05:30`, as `date +%z` prints it once a colon is put in.
fn offset_text() -> String {
    let m = super::PHONE_UTC_OFFSET_MIN;
    let sign = if m < 0 { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", m.abs() / 60, m.abs() % 60)
}

/// The runtime permissions the app asks for, with whether the borrower granted each, and the
/// install-time ones (granted at install).
fn permissions(input: &ReportInput) -> (Vec<(&'static str, bool)>, Vec<&'static str>) {
    let mut runtime = vec![
        ("android.permission.ACCESS_FINE_LOCATION", true),
        ("android.permission.ACCESS_COARSE_LOCATION", true),
        ("android.permission.READ_SMS", true),
        ("android.permission.RECEIVE_SMS", true),
        ("android.permission.CAMERA", true),
    ];
    let mut install = vec![
        "android.permission.INTERNET",
        "android.permission.ACCESS_NETWORK_STATE",
        "android.permission.FOREGROUND_SERVICE",
    ];
    if held(input, "READ_CONTACTS") {
        runtime.extend([
            ("android.permission.READ_CONTACTS", true),
            ("android.permission.READ_CALL_LOG", true),
            ("android.permission.READ_PHONE_STATE", true),
            ("android.permission.ACCESS_BACKGROUND_LOCATION", true),
            ("android.permission.RECORD_AUDIO", false),
        ]);
        install.push("android.permission.QUERY_ALL_PACKAGES");
    }
    (runtime, install)
}

/// `adb shell dumpsys package PKG`, the parts that matter (AOSP's layout).
fn package_dump(input: &ReportInput, plan: &Plan) -> String {
    let (package, _) = input.app_ids();
    let (runtime, install) = permissions(input);
    let installed = seconds(plan.installed);
    let mut out = String::new();
    out.push_str("Packages:\n");
    let _ = writeln!(out, "  Package [{package}] (5be8c47):");
    let _ = writeln!(
        out,
        "    userId={}",
        10_000 + super::android::app_uid(input)
    );
    let _ = writeln!(out, "    pkg=Package{{a41d2e0 {package}}}");
    let _ = writeln!(out, "    codePath=/data/app/~~q0Xb3Yw==/{package}-1");
    out.push_str("    versionCode=412 minSdk=26 targetSdk=33\n");
    out.push_str("    versionName=4.1.2\n");
    let _ = writeln!(out, "    timeStamp={installed}");
    let _ = writeln!(out, "    firstInstallTime={installed}");
    let _ = writeln!(out, "    lastUpdateTime={installed}");
    out.push_str("    installerPackageName=com.android.vending\n");
    out.push_str("    requested permissions:\n");
    for p in install
        .iter()
        .copied()
        .chain(runtime.iter().map(|(p, _)| *p))
    {
        let _ = writeln!(out, "      {p}");
    }
    out.push_str("    install permissions:\n");
    for p in &install {
        let _ = writeln!(out, "      {p}: granted=true");
    }
    out.push_str(
        "    User 0: ceDataInode=1460231 installed=true hidden=false suspended=false \
         distractionFlags=0 stopped=false notLaunched=false enabled=0 instant=false virtual=false\n",
    );
    out.push_str("      runtime permissions:\n");
    for (p, granted) in &runtime {
        let flags = if *granted {
            "USER_SET|USER_SENSITIVE_WHEN_GRANTED|USER_SENSITIVE_WHEN_DENIED"
        } else {
            "USER_SENSITIVE_WHEN_GRANTED|USER_SENSITIVE_WHEN_DENIED"
        };
        let _ = writeln!(out, "        {p}: granted={granted}, flags=[ {flags}]");
    }
    out
}

/// `2026-11-28 12:00:00`: local time to the second, as the package dump prints install times.
fn seconds(at: DateTime<Utc>) -> String {
    let mut s = local(at);
    s.truncate("2026-11-28 12:00:00".len());
    s
}
