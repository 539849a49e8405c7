//! The views of phone evidence: what a file holds before it is imported (the survey, with the
//! lender each app belongs to), what an import kept, and the phone's observations as the
//! timeline shows them beside the lender's own declarations.

use khata_evidence::phone::{Platform, SourceFormat};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The stored forms, as the app and the CLI list them (rendered with the evidence crate's types).
pub use khata_evidence::phone::{Observation, PhoneSource};

/// One app a phone file has records of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PhoneAppSeen {
    /// Bundle id (iOS) or package name (Android).
    pub id: String,
    #[ts(type = "number")]
    pub records: u64,
    /// The connected lender whose discovery document declares this app, if any.
    pub declared_by: Option<String>,
}

/// What a phone file holds, read before anything is stored: the borrower confirms the app,
/// the lender and (for Android times without an offset) the time zone, then imports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PhoneSurvey {
    pub format: SourceFormat,
    pub platform: Platform,
    /// Apps in the file, most records first.
    pub apps: Vec<PhoneAppSeen>,
    /// The app to preselect: the one a connected lender declares, else the only app.
    pub suggested_app: Option<String>,
    /// The lender to preselect for it (see [`crate::Engine::phone_import`]'s lender choice).
    pub suggested_lender: Option<String>,
    /// The file's times carry no offset: ask which time zone the phone was in.
    pub needs_utc_offset: bool,
    /// This computer's UTC offset now (minutes east), offered as the answer.
    pub computer_utc_offset_min: i32,
    #[ts(type = "number")]
    pub lines: u64,
    /// Lines that could not be read (counted, never fatal), and the first of them by number.
    #[ts(type = "number")]
    pub malformed_lines: u64,
    #[ts(type = "Array<number>")]
    pub malformed_first: Vec<u64>,
    pub covers_from: Option<i64>,
    pub covers_to: Option<i64>,
}

/// What one import kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PhoneImportSummary {
    /// The source as stored (or as already held, when the same file came before).
    pub source: PhoneSource,
    /// False when the same file (same SHA-256) was already in the vault: nothing was added.
    pub new: bool,
    /// Observations kept from it.
    #[ts(type = "number")]
    pub observations: u64,
    /// The first lines that could not be read, by number.
    #[ts(type = "Array<number>")]
    pub malformed_first: Vec<u64>,
}

/// Who says a timeline entry happened: the lender's own declaration, or the borrower's phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum TimelineOrigin {
    Lender,
    Phone,
}

/// An observation as the timeline shows it, beside the disclosures of the same span: what the
/// phone saw, the lender it was imported for, the file it came from, and the signals the
/// resource maps to (so the UI lines it up with the lender's declarations signal by signal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PhoneTimelineItem {
    /// Always `phone`; the page's disclosures are the lender's.
    pub origin: TimelineOrigin,
    pub observation: Observation,
    pub lender_id: Option<String>,
    pub file_name: String,
    /// Khata's signal ids derived from the resource (`khata_evidence::phone::MAPPINGS`).
    pub signals: Vec<String>,
    /// The DPV categories of signals derived from it.
    pub dpv_categories: Vec<String>,
}
