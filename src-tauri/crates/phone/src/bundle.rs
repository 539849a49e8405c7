//! Khata's own capture over adb, as one text file: the device's facts (serial, model, OS
//! version, time zone, clock) in a header, then each adb command's output verbatim under its
//! own section line. The file is the capture's evidence: it is hashed and kept raw like any
//! saved report, and read back by the same parsers.
//!
//! ```text
//! # khata-android-capture 1
//! # serial: R58N123ABC
//! # model: SM-A515F
//! # android: 13
//! # sdk: 33
//! # utc-offset: +05:30
//! # device-time-ms: 1764650000123
//! # package: in.khata.sandbox.lender
//! ## section: dumpsys package in.khata.sandbox.lender
//! <verbatim output>
//! ```

use serde::{Deserialize, Serialize};

use crate::android::appops::Appops;
use crate::android::cmd::Cmd;
use crate::android::package::Package;
use crate::android::{ClockFrom, Ctx, TextReader};
use crate::collect::Collector;

/// The first line of a capture bundle.
pub const MAGIC: &str = "# khata-android-capture 1";

/// What the engine learnt from the device for a capture.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaptureMeta {
    pub serial: Option<String>,
    pub model: Option<String>,
    /// `ro.build.version.release`.
    pub android: Option<String>,
    /// `ro.build.version.sdk`.
    pub sdk: Option<u32>,
    /// The device's UTC offset (minutes east), from `date +%z`.
    pub utc_offset_min: Option<i32>,
    /// The device's clock when the capture ran (Unix ms): `cmd appops get`'s relative times
    /// are made absolute from it.
    pub device_time_ms: Option<i64>,
    /// The app captured.
    pub package: String,
}

/// The adb shell commands of a capture of `package`: (section name, argv after `adb -s S
/// shell`). The section name is the command as run. A package name that is not a plain
/// Android package name is single-quoted for the device's shell, so it can never run as a
/// command there (the engine should refuse such a name earlier: [`is_package_name`]).
pub fn capture_sections(package: &str) -> Vec<(String, Vec<String>)> {
    let pkg = shell_word(package);
    let commands: [Vec<String>; 4] = [
        vec!["dumpsys".into(), "package".into(), pkg.clone()],
        vec![
            "dumpsys".into(),
            "appops".into(),
            "--package".into(),
            pkg.clone(),
        ],
        vec!["cmd".into(), "appops".into(), "get".into(), pkg],
        vec![
            "dumpsys".into(),
            "appops".into(),
            "--history".into(),
            "--include-discrete".into(),
            "0".into(),
        ],
    ];
    commands
        .into_iter()
        .map(|argv| (one_line(&argv.join(" ")), argv))
        .collect()
}

/// Whether `name` is an Android package name (`in.khata.sandbox.lender`): dot-separated
/// segments of ASCII letters, digits and underscores, each starting with a letter.
pub fn is_package_name(name: &str) -> bool {
    name.len() <= 255
        && name.contains('.')
        && name.split('.').all(|seg| {
            seg.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

fn shell_word(s: &str) -> String {
    if is_package_name(s) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The bundle: the header from `meta`, then each (section name, output) verbatim.
pub fn write_bundle(meta: &CaptureMeta, sections: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        1024 + sections
            .iter()
            .map(|(n, b)| n.len() + b.len() + 16)
            .sum::<usize>(),
    );
    let mut header = |key: &str, value: Option<String>| {
        if let Some(v) = value {
            out.extend_from_slice(format!("# {key}: {}\n", one_line(&v)).as_bytes());
        }
    };
    header("serial", meta.serial.clone());
    header("model", meta.model.clone());
    header("android", meta.android.clone());
    header("sdk", meta.sdk.map(|s| s.to_string()));
    header("utc-offset", meta.utc_offset_min.map(format_offset));
    header("device-time-ms", meta.device_time_ms.map(|t| t.to_string()));
    header("package", Some(meta.package.clone()));
    let mut bundle = format!("{MAGIC}\n").into_bytes();
    bundle.append(&mut out);
    for (name, body) in sections {
        bundle.extend_from_slice(format!("{}{}\n", SECTION, one_line(name)).as_bytes());
        bundle.extend_from_slice(body);
        if !body.is_empty() && !body.ends_with(b"\n") {
            bundle.push(b'\n');
        }
    }
    bundle
}

/// The line that opens a section.
pub(crate) const SECTION: &str = "## section: ";

/// `+05:30` from 330.
pub fn format_offset(min: i32) -> String {
    let sign = if min < 0 { '-' } else { '+' };
    let m = min.unsigned_abs();
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

/// 330 from `+05:30`, `+0530` or `+05`; `None` for anything else or beyond ±18 h.
pub fn parse_offset(s: &str) -> Option<i32> {
    let s = s.trim();
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    if m >= 60 || h * 60 + m > 18 * 60 {
        return None;
    }
    Some(sign * (h * 60 + m))
}

/// A header value on one line: control characters (a newline would end the header) become
/// spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The reader of a capture bundle: its header, then each section with the reader of the
/// command that made it.
pub(crate) struct BundleReader {
    in_header: bool,
    pub meta: CaptureMeta,
    /// The header gave the phone's UTC offset.
    pub offset_from_device: bool,
    section: Option<Box<dyn TextReader>>,
    /// The open section is `dumpsys appops --package` (not its history), and the records the
    /// pass held when it began.
    in_dumpsys_appops: Option<u64>,
    /// `dumpsys appops` gave records: `cmd appops get`, which reports the same last accesses
    /// without the app state, is then not read, so no access is counted twice.
    dumpsys_appops_gave_records: bool,
    pub appops: bool,
    pub discrete: bool,
    pub package: bool,
}

impl BundleReader {
    pub fn new() -> Self {
        BundleReader {
            in_header: true,
            meta: CaptureMeta::default(),
            offset_from_device: false,
            section: None,
            in_dumpsys_appops: None,
            dumpsys_appops_gave_records: false,
            appops: false,
            discrete: false,
            package: false,
        }
    }

    fn header(&mut self, t: &str, ctx: &mut Ctx) -> bool {
        if t.is_empty() || t == MAGIC {
            return true;
        }
        let Some((key, value)) = t.strip_prefix("# ").and_then(|kv| kv.split_once(": ")) else {
            return t.starts_with('#');
        };
        let value = value.trim();
        match key {
            "serial" => self.meta.serial = Some(value.to_string()),
            "model" => self.meta.model = Some(value.to_string()),
            "android" => self.meta.android = Some(value.to_string()),
            "sdk" => self.meta.sdk = value.parse().ok(),
            "utc-offset" => match parse_offset(value) {
                Some(min) => {
                    self.meta.utc_offset_min = Some(min);
                    self.offset_from_device = true;
                    ctx.offset = Some(min);
                }
                None => return false,
            },
            "device-time-ms" => match value.parse::<i64>() {
                Ok(ms) => {
                    self.meta.device_time_ms = Some(ms);
                    ctx.now = Some(ms);
                    ctx.clock_from = ClockFrom::Device;
                }
                Err(_) => return false,
            },
            "package" => {
                self.meta.package = value.to_string();
                ctx.default_app = Some(value.to_string());
            }
            _ => {}
        }
        true
    }

    fn start(&mut self, name: &str, ctx: &mut Ctx, c: &Collector) -> Option<Box<dyn TextReader>> {
        let words: Vec<&str> = name.split_whitespace().collect();
        self.in_dumpsys_appops = None;
        match words.as_slice() {
            ["dumpsys", "package", ..] => {
                self.package = true;
                Some(Box::new(Package::new()))
            }
            ["dumpsys", "appops", rest @ ..] => {
                if rest
                    .iter()
                    .any(|w| w.starts_with("--history") || *w == "--include-discrete")
                {
                    self.discrete = true;
                } else {
                    self.appops = true;
                    self.in_dumpsys_appops = Some(c.tally.records);
                }
                Some(Box::new(Appops::new()))
            }
            ["cmd", "appops", "get", ..] if self.dumpsys_appops_gave_records => None,
            ["cmd", "appops", "get", package, ..] => {
                self.appops = true;
                let package = package.trim_matches('\'');
                Some(Box::new(Cmd::new(
                    Some(package.to_string()).or(ctx.default_app.clone()),
                )))
            }
            _ => None,
        }
    }
}

impl TextReader for BundleReader {
    fn line(&mut self, line: &str, ctx: &mut Ctx, c: &mut Collector) -> bool {
        if let Some(name) = line.strip_prefix(SECTION) {
            if let Some(mut s) = self.section.take() {
                s.finish(ctx, c);
            }
            if let Some(before) = self.in_dumpsys_appops {
                self.dumpsys_appops_gave_records |= c.tally.records > before;
            }
            self.in_header = false;
            self.section = self.start(name.trim(), ctx, c);
            return true;
        }
        if self.in_header {
            return self.header(line.trim_end(), ctx);
        }
        match &mut self.section {
            Some(s) => s.line(line, ctx, c),
            None => true,
        }
    }

    fn finish(&mut self, ctx: &mut Ctx, c: &mut Collector) {
        if let Some(mut s) = self.section.take() {
            s.finish(ctx, c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_has_the_header_then_each_section_verbatim() {
        let meta = CaptureMeta {
            serial: Some("R58N123ABC".into()),
            model: Some("SM-A515F".into()),
            android: Some("13".into()),
            sdk: Some(33),
            utc_offset_min: Some(330),
            device_time_ms: Some(1_764_650_000_123),
            package: "in.khata.sandbox.lender".into(),
        };
        let sections = vec![
            (
                "dumpsys package in.khata.sandbox.lender".to_string(),
                b"Packages:\n  Package [in.khata.sandbox.lender]\n".to_vec(),
            ),
            (
                "cmd appops get in.khata.sandbox.lender".to_string(),
                b"CAMERA: allow".to_vec(),
            ),
        ];
        let text = String::from_utf8(write_bundle(&meta, &sections)).unwrap();
        assert_eq!(
            text,
            "# khata-android-capture 1\n# serial: R58N123ABC\n# model: SM-A515F\n# android: 13\n\
             # sdk: 33\n# utc-offset: +05:30\n# device-time-ms: 1764650000123\n\
             # package: in.khata.sandbox.lender\n\
             ## section: dumpsys package in.khata.sandbox.lender\nPackages:\n  Package [in.khata.sandbox.lender]\n\
             ## section: cmd appops get in.khata.sandbox.lender\nCAMERA: allow\n"
        );
    }

    #[test]
    fn a_header_value_cannot_break_its_line() {
        let meta = CaptureMeta {
            model: Some("A\n## section: forged".into()),
            package: "x.y".into(),
            ..Default::default()
        };
        let text = String::from_utf8(write_bundle(&meta, &[])).unwrap();
        assert_eq!(text.lines().filter(|l| l.starts_with("## ")).count(), 0);
    }

    #[test]
    fn the_sections_quote_a_package_name_that_is_not_one() {
        let plain = capture_sections("in.khata.sandbox.lender");
        assert_eq!(plain.len(), 4);
        assert_eq!(plain[0].0, "dumpsys package in.khata.sandbox.lender");
        assert_eq!(
            plain[0].1,
            ["dumpsys", "package", "in.khata.sandbox.lender"]
        );
        assert_eq!(
            plain[3].1,
            ["dumpsys", "appops", "--history", "--include-discrete", "0"]
        );
        let odd = capture_sections("a.b; reboot");
        assert_eq!(odd[0].1[2], "'a.b; reboot'");
        assert_eq!(capture_sections("it's")[2].1[3], r"'it'\''s'");
        assert!(is_package_name("com.example.app_2"));
        assert!(!is_package_name("com..example"));
        assert!(!is_package_name("nodots"));
        assert!(!is_package_name("1com.example"));
    }

    #[test]
    fn offsets_round_trip() {
        for (text, min) in [
            ("+05:30", 330),
            ("-03:00", -180),
            ("+00:00", 0),
            ("+05:45", 345),
        ] {
            assert_eq!(format_offset(min), text);
            assert_eq!(parse_offset(text), Some(min));
        }
        assert_eq!(parse_offset("+0530"), Some(330));
        assert_eq!(parse_offset("+05"), Some(300));
        assert_eq!(parse_offset("IST"), None);
        assert_eq!(parse_offset("+19:00"), None);
        assert_eq!(parse_offset("+05:61"), None);
    }
}
