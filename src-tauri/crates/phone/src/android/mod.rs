//! Android's own records of an app, as adb prints them (or a bug report holds them): app-ops
//! (the last access per op and app state, and the minute-rounded discrete history), the
//! relative times of `cmd appops get`, and the permission state of `dumpsys package`.
//!
//! Formats vary with the Android version and the maker, so each reader keys on the lines
//! that carry records (`Access:`, `Reject:`, `OP: mode; time=…`, `android.permission.X:
//! granted=…`) and the headers that say whose they are (`Package …:`), and ignores the rest.
//! A line that looks like a record but cannot be read is malformed (counted and named); the
//! rest of the file is still read.
//!
//! dumpsys prints device-local times without an offset: they are read in the offset the
//! capture recorded or the caller gives ([`Ctx::local`]); relative times (`+1d2h ago`) are
//! made absolute from the capture's clock ([`Ctx::ago`]).

use std::io::Read;

use chrono::NaiveDateTime;
use khata_evidence::phone::{AppState, ObservationKind, SourceFormat, android_resource};

use crate::PhoneError;
use crate::collect::{Collector, Obs};
use crate::detect::contains;
use crate::input::LineReader;

pub(crate) mod appops;
pub(crate) mod bugreport;
pub(crate) mod cmd;
pub(crate) mod package;

/// Where a pass's relative times are counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClockFrom {
    /// The phone's own clock, read during a capture or printed in a bug report.
    Device,
    /// The saved file's modification time on this computer.
    FileTime,
}

/// What an Android pass knows about time, and what it had to use.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// The UTC offset of the file's local times (minutes east).
    pub offset: Option<i32>,
    /// The instant (UTC ms) relative times count back from.
    pub now: Option<i64>,
    pub clock_from: ClockFrom,
    /// Local times were met without an offset to read them in.
    pub needs_offset: bool,
    /// Local times were read (in `offset`).
    pub used_local: bool,
    /// Relative times were made absolute from `now`.
    pub used_clock: bool,
    /// The app of sections that do not name theirs (`cmd appops get`).
    pub default_app: Option<String>,
}

impl Ctx {
    pub fn new(offset: Option<i32>, now: Option<i64>, clock_from: ClockFrom) -> Self {
        Ctx {
            offset,
            now,
            clock_from,
            needs_offset: false,
            used_local: false,
            used_clock: false,
            default_app: None,
        }
    }

    /// A device-local time as Unix ms, in the known offset. Without one the time is read as
    /// UTC (a survey's span) and the pass is marked as needing an offset.
    pub fn local(&mut self, t: NaiveDateTime) -> i64 {
        let utc = t.and_utc().timestamp_millis();
        match self.offset {
            Some(min) => {
                self.used_local = true;
                utc - i64::from(min) * 60_000
            }
            None => {
                self.needs_offset = true;
                utc
            }
        }
    }

    /// `ago_ms` before the capture's clock.
    pub fn ago(&mut self, ago_ms: i64) -> Option<i64> {
        let now = self.now?;
        self.used_clock = true;
        Some(now.saturating_sub(ago_ms))
    }

    /// The capture instant, for snapshots (permission state).
    pub fn snapshot(&mut self) -> Option<i64> {
        let now = self.now?;
        self.used_clock = true;
        Some(now)
    }
}

/// The Android text format of a file's head, if it is one.
pub(crate) fn detect_text(head: &[u8]) -> Option<SourceFormat> {
    if contains(head, b"== dumpstate:") {
        return Some(SourceFormat::AndroidBugreport);
    }
    if contains(head, b"Discrete accesses")
        || contains(head, b"Largest chain id:")
        || contains(head, b"UID|PACKAGE_NAME|")
    {
        return Some(SourceFormat::AndroidDiscreteHistory);
    }
    if contains(head, b"Current AppOps Service state:") {
        return Some(SourceFormat::AndroidAppops);
    }
    if contains(head, b"Package [")
        && (contains(head, b"permissions:") || contains(head, b"versionCode="))
    {
        return Some(SourceFormat::AndroidPackage);
    }
    // `cmd appops get PKG`: op lines from the first line on.
    let text = String::from_utf8_lossy(head);
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    match lines.next() {
        Some("No operations.") => Some(SourceFormat::AndroidAppopsCmd),
        Some(first) if cmd::is_op_line(first) || first.starts_with("Uid mode: ") => {
            Some(SourceFormat::AndroidAppopsCmd)
        }
        _ => None,
    }
}

/// The app state of an app-ops uid state name (`top`, `fg`, `fgsvc`, `bg`, `cch`, `pers`…).
/// A foreground service counts as foreground, as Android itself counts it (the phone shows a
/// notification); only what Android calls background or cached is background.
pub(crate) fn uid_state(name: &str) -> AppState {
    match name {
        "top" | "fg" | "fgsvc" | "fgsvcl" | "pers" | "fgs" => AppState::Foreground,
        "bg" | "cch" | "cached" => AppState::Background,
        _ => AppState::Unknown,
    }
}

/// `yyyy-MM-dd HH:mm:ss[.SSS]` (dumpsys's local time format).
pub(crate) fn parse_local(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").ok()
}

/// Android's `TimeUtils.formatDuration`: `+1d2h3m4s5ms`, `-3h2m`, `0`. Milliseconds.
pub(crate) fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => (1, s),
    };
    if rest == "0" {
        return Some(0);
    }
    let bytes = rest.as_bytes();
    let (mut i, mut total, mut any) = (0, 0i64, false);
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if start == i || i - start > 12 {
            return None;
        }
        let n: i64 = rest[start..i].parse().ok()?;
        let unit = if rest[i..].starts_with("ms") {
            i += 2;
            1
        } else {
            let u = match bytes.get(i)? {
                b'd' => 86_400_000,
                b'h' => 3_600_000,
                b'm' => 60_000,
                b's' => 1_000,
                _ => return None,
            };
            i += 1;
            u
        };
        total = total.checked_add(n.checked_mul(unit)?)?;
        any = true;
    }
    any.then_some(sign * total)
}

/// One record of `app` for the tally and, if followed, the observation.
#[allow(clippy::too_many_arguments)]
pub(crate) fn emit(
    c: &mut Collector,
    app: &str,
    op: &str,
    kind: ObservationKind,
    state: AppState,
    first_at: i64,
    last_at: i64,
) {
    c.tally.record(app);
    c.tally.at(first_at);
    if last_at != first_at {
        c.tally.at(last_at);
    }
    if !c.wants(app) {
        return;
    }
    let Some(resource) = android_resource(op) else {
        return;
    };
    c.observe(
        app,
        &Obs {
            resource,
            op,
            kind,
            state,
            first_at,
            last_at: last_at.max(first_at),
            count: 1,
            open_interval: false,
            network: None,
        },
    );
}

/// An op name as app-ops prints it: `READ_CONTACTS`, or a public name `android:read_contacts`.
pub(crate) fn is_op_name(s: &str) -> bool {
    let (body, public) = match s.strip_prefix("android:") {
        Some(body) => (body, true),
        None => (s, false),
    };
    body.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && body.bytes().all(|b| {
            b.is_ascii_digit()
                || b == b'_'
                || if public {
                    b.is_ascii_lowercase()
                } else {
                    b.is_ascii_uppercase()
                }
        })
}

/// A reader of one Android text format, fed line by line (a whole file, or one section of a
/// bug report or capture bundle).
pub(crate) trait TextReader {
    /// One line (trimmed of its end). `false`: it looked like a record and could not be read.
    fn line(&mut self, line: &str, ctx: &mut Ctx, c: &mut Collector) -> bool;
    /// The section or file ended.
    fn finish(&mut self, _ctx: &mut Ctx, _c: &mut Collector) {}
}

/// Feeds every line of `lines` to `reader`, counting lines and malformed ones.
pub(crate) fn drive<R: Read>(
    lines: &mut LineReader<'_, R>,
    reader: &mut dyn TextReader,
    ctx: &mut Ctx,
    c: &mut Collector,
) -> Result<(), PhoneError> {
    while let Some(line) = lines.next_line()? {
        c.tally.lines += 1;
        if line.overlong {
            c.tally.malformed(line.no);
            continue;
        }
        let no = line.no;
        let text = String::from_utf8_lossy(line.bytes);
        if !reader.line(&text, ctx, c) {
            c.tally.malformed(no);
        }
    }
    reader.finish(ctx, c);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_every_unit() {
        assert_eq!(parse_duration("+1d2h3m4s5ms"), Some(93_784_005));
        assert_eq!(parse_duration("-3h2m12s456ms"), Some(-10_932_456));
        assert_eq!(parse_duration("+5ms"), Some(5));
        assert_eq!(parse_duration("+30s0ms"), Some(30_000));
        assert_eq!(parse_duration("0"), Some(0));
        assert_eq!(parse_duration("+"), None);
        assert_eq!(parse_duration("+5x"), None);
        assert_eq!(parse_duration("+99999999999999999d"), None);
    }

    #[test]
    fn uid_states_map_to_app_states() {
        assert_eq!(uid_state("top"), AppState::Foreground);
        assert_eq!(uid_state("fgsvc"), AppState::Foreground);
        assert_eq!(uid_state("bg"), AppState::Background);
        assert_eq!(uid_state("cch"), AppState::Background);
        assert_eq!(uid_state("weird"), AppState::Unknown);
    }

    #[test]
    fn op_names_are_told_from_other_words() {
        assert!(is_op_name("READ_CONTACTS"));
        assert!(is_op_name("CAMERA"));
        assert!(is_op_name("android:read_contacts"));
        assert!(is_op_name("android:camera"));
        assert!(!is_op_name("android:Camera"));
        assert!(!is_op_name("Access"));
        assert!(!is_op_name("null=["));
        assert!(!is_op_name(""));
    }
}
