//! What the borrower's phone would have recorded the sandbox lender's app doing, as the phone
//! writes it: an iOS App Privacy Report, `dumpsys appops --package PKG` or `cmd appops get PKG`
//! (or all of Android's, with `dumpsys package PKG`, in the bundle Khata's capture writes).
//! QA and end-to-end tests need phone evidence without a phone; a report made up apart from the
//! lender would line up with nothing the borrower's vault holds, so this one is built from the
//! sandbox's own state — when each consent was created and revoked, when each signal was
//! collected — and from its clock, and the app behaves as the scenario's lender does: the
//! over-collector's app reads contacts and call logs (before any consent, and after its
//! revocation), uses location in the background again and again and the camera more than once,
//! and talks to a profiler and to a recipient it never named; a well-behaved lender's app uses
//! the camera and location once, for KYC, and reads SMS only when it collects what was consented.
//!
//! `plan` decides what the app did and when; `ios` and `android` write it in each format exactly
//! as the phone does, `capture` as Khata's own adb capture bundle (docs/phone-evidence.md, the formats Khata's importer reads); `state` reads
//! the input from a sandbox's database or makes up a scenario run of its own. Deterministic:
//! the same state, clock and seed give the same bytes.

mod android;
mod capture;
mod ios;
mod plan;
mod state;
#[cfg(test)]
mod tests;

use std::str::FromStr;

use chrono::{DateTime, FixedOffset, Utc};
use khata_contract::types::{AppPlatform, LenderApp};

use crate::scenario::Scenario;

/// The sandbox lender's Android package (with the default lender id).
pub const ANDROID_APP: &str = "in.khata.sandbox.lender";
/// The sandbox lender's iOS bundle id (with the default lender id).
pub const IOS_APP: &str = "in.khata.sandbox.Lender";
/// The sandbox borrower's phone is in India: its local times are IST (+05:30).
pub const PHONE_UTC_OFFSET_MIN: i32 = 330;

/// The apps a sandbox lender declares in its discovery document. Stable for a lender id: the
/// default lender's are [`ANDROID_APP`] and [`IOS_APP`]; another id (tests running two sandbox
/// lenders at once) suffixes them with its letters and digits, so each lender's app is its own.
pub fn apps(lender_id: &str) -> Vec<LenderApp> {
    let (android, ios) = app_ids(lender_id);
    vec![
        LenderApp {
            platform: AppPlatform::Android,
            id: android,
        },
        LenderApp {
            platform: AppPlatform::Ios,
            id: ios,
        },
    ]
}

/// The (Android, iOS) app ids of `lender_id`'s app (see [`apps`]).
pub fn app_ids(lender_id: &str) -> (String, String) {
    if lender_id == crate::DEFAULT_LENDER_ID {
        return (ANDROID_APP.into(), IOS_APP.into());
    }
    let mut suffix: String = lender_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(40)
        .collect::<String>()
        .to_ascii_lowercase();
    // An Android package part starts with a letter.
    if !suffix.starts_with(|c: char| c.is_ascii_alphabetic()) {
        suffix.insert(0, 'l');
    }
    (
        format!("{ANDROID_APP}.{suffix}"),
        format!("{IOS_APP}.{suffix}"),
    )
}

/// A phone report's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// iOS App Privacy Report (NDJSON).
    Ios,
    /// `adb shell dumpsys appops --package PKG`.
    AndroidAppops,
    /// `adb shell cmd appops get PKG`.
    AndroidCmd,
    /// Khata's capture bundle (`# khata-android-capture 1`): the phone's facts (serial, model,
    /// version, UTC offset, clock) and the sections `dumpsys package PKG`,
    /// `dumpsys appops --package PKG` and `cmd appops get PKG`, as a capture over adb writes it.
    AndroidCapture,
}

pub const FORMATS: [ReportFormat; 4] = [
    ReportFormat::Ios,
    ReportFormat::AndroidAppops,
    ReportFormat::AndroidCmd,
    ReportFormat::AndroidCapture,
];

impl ReportFormat {
    pub fn name(self) -> &'static str {
        match self {
            Self::Ios => "ios",
            Self::AndroidAppops => "android-appops",
            Self::AndroidCmd => "android-cmd",
            Self::AndroidCapture => "android-capture",
        }
    }

    /// The media type it is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Ios => "application/x-ndjson",
            Self::AndroidAppops | Self::AndroidCmd | Self::AndroidCapture => {
                "text/plain; charset=utf-8"
            }
        }
    }

    /// The name the phone (or a borrower saving adb's output) would give the file.
    pub fn file_name(self, now: DateTime<Utc>) -> String {
        let local = now.with_timezone(&phone_offset());
        match self {
            Self::Ios => format!(
                "App_Privacy_Report_v4_{}.ndjson",
                local.format("%Y-%m-%dT%H_%M_%S")
            ),
            Self::AndroidAppops => format!("dumpsys-appops-{}.txt", local.format("%Y%m%d-%H%M%S")),
            Self::AndroidCmd => format!("cmd-appops-get-{}.txt", local.format("%Y%m%d-%H%M%S")),
            Self::AndroidCapture => format!(
                "khata-android-capture-{}.txt",
                local.format("%Y%m%d-%H%M%S")
            ),
        }
    }
}

impl FromStr for ReportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FORMATS.into_iter().find(|f| f.name() == s).ok_or_else(|| {
            let names: Vec<&str> = FORMATS.iter().map(|f| f.name()).collect();
            format!(
                "unknown phone report format {s:?}; one of {}",
                names.join(", ")
            )
        })
    }
}

impl std::fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One consent as the app's behaviour depends on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentFacts {
    pub consent_id: String,
    pub created_at: DateTime<Utc>,
    /// When the whole consent (every granted signal) was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
    pub granted: Vec<String>,
}

/// One disclosure: the lender collected `signal` at `collected_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionFacts {
    pub signal: String,
    pub collected_at: DateTime<Utc>,
    pub consent_id: Option<String>,
}

/// Everything a report is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportInput {
    pub scenario: Scenario,
    pub seed: u64,
    pub lender_id: String,
    /// The host of the lender's own API (the app's own traffic on iOS).
    pub lender_host: String,
    /// The phone's clock when the report is saved: no record is later, and `cmd appops get`
    /// counts back from it.
    pub now: DateTime<Utc>,
    /// Oldest first.
    pub consents: Vec<ConsentFacts>,
    /// Oldest first.
    pub collections: Vec<CollectionFacts>,
}

impl ReportInput {
    /// The (Android, iOS) app ids of this input's lender.
    pub fn app_ids(&self) -> (String, String) {
        app_ids(&self.lender_id)
    }
}

pub(crate) use state::from_running;
pub use state::{from_state_dir, from_store, scenario_run};

/// The report of `input` in `format`.
pub fn render(input: &ReportInput, format: ReportFormat) -> Vec<u8> {
    let plan = plan::plan(input);
    match format {
        ReportFormat::Ios => ios::render(input, &plan),
        ReportFormat::AndroidAppops => android::render_dumpsys(input, &plan),
        ReportFormat::AndroidCmd => android::render_cmd(input, &plan),
        ReportFormat::AndroidCapture => capture::render(input, &plan),
    }
}

fn phone_offset() -> FixedOffset {
    FixedOffset::east_opt(PHONE_UTC_OFFSET_MIN * 60).expect("IST is a valid offset")
}
