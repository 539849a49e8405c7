//! The plan as Android writes it over adb: `dumpsys appops --package PKG` (per op its mode, then
//! the **last** access and the last refusal per app state, device-local times without an offset
//! and how long ago) and `cmd appops get PKG` (per op the last access of any state, as a time
//! relative to when the command ran). Layout and spelling follow AOSP's AppOpsService dump and
//! shell command (docs/phone-evidence.md): ops in AOSP's op order, `Access: [fg-s] 2026-11-30
//! 10:01:02.345 (-1d2h3m4s5ms)` with a space, `Reject: [bg-s]2026-…` without, durations as
//! `TimeUtils.formatDuration` prints them (`+1d2h3m4s5ms`, `+30s0ms`, `0`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use sha2::Digest as _;

use super::ReportInput;
use super::plan::{Access, AppState, Plan, Res};

/// The ops the sandbox apps hold, in AOSP's op-code order, with the resource each reports
/// (location is reported on FINE_LOCATION only, so one use is one line).
pub(super) const OPS: &[(&str, Option<Res>)] = &[
    ("COARSE_LOCATION", None),
    ("FINE_LOCATION", Some(Res::Location)),
    ("READ_CONTACTS", Some(Res::Contacts)),
    ("READ_CALL_LOG", Some(Res::CallLog)),
    ("READ_SMS", Some(Res::Sms)),
    ("RECEIVE_SMS", None),
    ("CAMERA", Some(Res::Camera)),
    ("RECORD_AUDIO", Some(Res::Microphone)),
    ("READ_PHONE_STATE", Some(Res::PhoneState)),
];

/// The ops an app holds: the well-behaved app never asked for contacts, call logs, the
/// microphone or the phone's state.
pub(super) fn held(input: &ReportInput, op: &str) -> bool {
    input.scenario.over_collects()
        || !matches!(
            op,
            "READ_CONTACTS" | "READ_CALL_LOG" | "RECORD_AUDIO" | "READ_PHONE_STATE"
        )
}

/// An op's mode: the microphone was never granted, so the OS refuses it.
fn mode(op: &str) -> &'static str {
    if op == "RECORD_AUDIO" {
        "ignore"
    } else {
        "allow"
    }
}

fn state_name(s: AppState) -> &'static str {
    match s {
        AppState::Foreground => "fg",
        AppState::ForegroundService => "fgsvc",
        AppState::Background => "bg",
    }
}

/// The order AOSP prints app states in (most to least important).
fn state_rank(s: AppState) -> u8 {
    match s {
        AppState::Foreground => 0,
        AppState::ForegroundService => 1,
        AppState::Background => 2,
    }
}

/// Per op: the last access and the last refusal per state, as app-ops keep them.
fn last_per_state(plan: &Plan, res: Res) -> (Vec<&Access>, Vec<&Access>) {
    let mut access: BTreeMap<u8, &Access> = BTreeMap::new();
    let mut reject: BTreeMap<u8, &Access> = BTreeMap::new();
    for a in plan.accesses.iter().filter(|a| a.res == res) {
        let slot = if a.rejected { &mut reject } else { &mut access };
        let e = slot.entry(state_rank(a.state)).or_insert(a);
        if a.at >= e.at {
            *e = a;
        }
    }
    (
        access.into_values().collect(),
        reject.into_values().collect(),
    )
}

/// `adb shell dumpsys appops --package PKG`.
pub(super) fn render_dumpsys(input: &ReportInput, plan: &Plan) -> Vec<u8> {
    let (package, _) = input.app_ids();
    let mut out = String::new();
    out.push_str("Current AppOps Service state:\n");
    out.push_str("  Settings:\n");
    out.push_str("    top_state_settle_time=+30s0ms\n");
    out.push_str("    fg_service_state_settle_time=+10s0ms\n");
    out.push_str("    bg_state_settle_time=+1s0ms\n");
    out.push('\n');
    let _ = writeln!(out, "  Uid u0a{}:", app_uid(input));
    out.push_str("    state=cch\n");
    out.push_str("      LEGACY_STORAGE: mode=ignore\n");
    let _ = writeln!(out, "    Package {package}:");
    for (op, res) in OPS.iter().filter(|(op, _)| held(input, op)) {
        let _ = writeln!(out, "      {op} ({}):", mode(op));
        let Some(res) = res else { continue };
        let (access, reject) = last_per_state(plan, *res);
        for a in access {
            let _ = write!(
                out,
                "          Access: [{}-s] {} ({})",
                state_name(a.state),
                local(a.at),
                duration(-(input.now - a.at).num_milliseconds())
            );
            if a.duration_ms > 0 && matches!(res, Res::Camera | Res::Location) {
                let _ = write!(out, " duration={}", duration(a.duration_ms));
            }
            out.push('\n');
        }
        for r in reject {
            let _ = writeln!(
                out,
                "          Reject: [{}-s]{} ({})",
                state_name(r.state),
                local(r.at),
                duration(-(input.now - r.at).num_milliseconds())
            );
        }
    }
    out.into_bytes()
}

/// `adb shell cmd appops get PKG`.
pub(super) fn render_cmd(input: &ReportInput, plan: &Plan) -> Vec<u8> {
    let mut out = String::new();
    out.push_str("Uid mode: LEGACY_STORAGE: ignore\n");
    for (op, res) in OPS.iter().filter(|(op, _)| held(input, op)) {
        let _ = write!(out, "{op}: {}", mode(op));
        if let Some(res) = res {
            let (access, reject) = last_per_state(plan, *res);
            if let Some(a) = access.iter().max_by_key(|a| a.at) {
                let _ = write!(
                    out,
                    "; time={} ago",
                    duration((input.now - a.at).num_milliseconds())
                );
            }
            if let Some(r) = reject.iter().max_by_key(|a| a.at) {
                let _ = write!(
                    out,
                    "; rejectTime={} ago",
                    duration((input.now - r.at).num_milliseconds())
                );
            }
            if let Some(a) = access.iter().max_by_key(|a| a.at)
                && a.duration_ms > 0
                && matches!(res, Res::Camera | Res::Location)
            {
                let _ = write!(out, "; duration={}", duration(a.duration_ms));
            }
        }
        out.push('\n');
    }
    out.into_bytes()
}

/// The app's uid (`u0a` + app id), fixed by the lender so it does not change between reports.
pub(super) fn app_uid(input: &ReportInput) -> u64 {
    let h = sha2::Sha256::digest(input.lender_id.as_bytes());
    100 + u64::from(u16::from_be_bytes([h[0], h[1]])) % 300
}

/// `2026-11-30 10:01:02.345`: the phone's local time, no offset (as dumpsys prints it).
pub(super) fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&super::phone_offset())
        .format("%Y-%m-%d %H:%M:%S%.3f")
        .to_string()
}

/// A duration as Android's `TimeUtils.formatDuration` prints it: a sign, then days, hours,
/// minutes and seconds from the first that is not zero, then milliseconds always (`+30s0ms`,
/// `-22d4h22m19s762ms`); zero is `0`.
pub(super) fn duration(ms: i64) -> String {
    if ms == 0 {
        return "0".into();
    }
    let sign = if ms > 0 { '+' } else { '-' };
    let mut rest = ms.unsigned_abs();
    let millis = rest % 1000;
    rest /= 1000;
    let fields = [
        (rest / 86_400, 'd'),
        (rest / 3600 % 24, 'h'),
        (rest / 60 % 60, 'm'),
        (rest % 60, 's'),
    ];
    let mut out = String::from(sign);
    let mut started = false;
    for (v, unit) in fields {
        if v > 0 || started {
            started = true;
            let _ = write!(out, "{v}{unit}");
        }
    }
    let _ = write!(out, "{millis}ms");
    out
}
