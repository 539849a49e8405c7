//! The views of a donation: what the borrower reads before giving an advocate their redacted
//! record (the preview), what they choose, and what was written.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The manifest's removal entries, shown to the borrower exactly as the manifest lists them.
pub use khata_evidence::donation::{Removal, RemovalKind};

/// What to donate: the fields withheld beyond the required ones, and an optional note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DonationOptions {
    /// Patterns as in [`crate::views::ExportOptions::redact`]; the donation adds its required
    /// ones ([`DonationPreview::required`]) whatever is chosen.
    pub patterns: Vec<String>,
    /// The borrower's words to the advocate: trimmed, at most
    /// [`khata_evidence::donation::NOTE_MAX_CHARS`] characters, empty means none.
    #[serde(default)]
    pub note: Option<String>,
}

/// One lender the donation holds records of, with what it holds of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DonationLender {
    pub lender_id: String,
    pub name: String,
    #[ts(type = "number")]
    pub consents: u64,
    #[ts(type = "number")]
    pub disclosures: u64,
    #[ts(type = "number")]
    pub offers: u64,
}

/// What a donation made now with these patterns would hold and leave out: facts the UI words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DonationPreview {
    pub lenders: Vec<DonationLender>,
    #[ts(type = "number")]
    pub consents: u64,
    #[ts(type = "number")]
    pub disclosures: u64,
    #[ts(type = "number")]
    pub offers: u64,
    /// Revocations, pauses and resumptions the borrower asked for.
    #[ts(type = "number")]
    pub consent_actions: u64,
    #[ts(type = "number")]
    pub phone_observations: u64,
    #[ts(type = "number")]
    pub rights_requests: u64,
    /// 2 when any lender keeps a disclosure log (contract v2), else 1.
    pub export_version: u32,
    /// The patterns every donation withholds, whatever the borrower ticks.
    pub required: Vec<String>,
    /// The patterns this preview withheld (the chosen ones and the required ones).
    pub patterns: Vec<String>,
    /// Every removal the manifest would list: withheld, blanked, dropped, and what is kept
    /// (named, with why, by [`RemovalKind::Kept`]).
    pub removed: Vec<Removal>,
    /// Lender statements in the contract v1 form that sign a required field (the customer id,
    /// free text) in the clear: while there is one, no donation can be made.
    #[ts(type = "number")]
    pub blocking_statements: u64,
    /// The longest note, in characters.
    pub note_max_chars: u32,
    /// The month the donation would carry, `YYYY-MM`.
    pub month: String,
}

/// A donation written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DonationResult {
    /// The random id the donation goes by (a UUID v4).
    pub donation_id: String,
    /// The file written: `<donationId>.khata-donation.zip` in the folder chosen.
    pub path: String,
    pub month: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// SHA-256 of the export inside (hex), as the manifest states it.
    pub export_sha256: String,
    /// As the manifest lists them.
    pub removed: Vec<Removal>,
    /// Whether a note went with it.
    pub note: bool,
}
