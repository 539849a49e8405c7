//! A donation: what a borrower gives a privacy advocate. A zip holding a redacted version 2
//! export and a manifest that names the donation by a random id instead of the borrower. The
//! engine writes it (after the borrower has read what it contains), `khata-pool` reads it; both
//! sides share these names so neither can drift. The format is documented in `docs/pool.md`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// `format` of every manifest.
pub const FORMAT: &str = "khata-donation";
/// The manifest version this build writes and reads.
pub const VERSION: u32 = 1;
/// The manifest's name inside the zip (its first member).
pub const MANIFEST_NAME: &str = "donation.json";
/// The export's name inside the zip: stored, not deflated, so a pool reads it at disk speed.
pub const EXPORT_NAME: &str = "export.khata.json";
/// How a donation file's name ends.
pub const FILE_SUFFIX: &str = ".khata-donation.zip";
/// The longest note a borrower may add, in characters. Notes stay in the pool, never published.
pub const NOTE_MAX_CHARS: usize = 2000;

/// `donation.json`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DonationManifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`] for this build.
    pub version: u32,
    /// A UUID v4 made afresh for each donation: the only name the pool knows the donor by.
    pub donation_id: String,
    /// The month the donation was made, `YYYY-MM` (a day or a time would help link it back).
    pub month: String,
    /// SHA-256 of the export member, lower-case hex: a pool refuses a swapped or altered file.
    pub export_sha256: String,
    /// Every removal made for the donation, as the borrower was shown it before donating.
    pub removed: Vec<Removal>,
    /// The borrower's words to the advocate, at most [`NOTE_MAX_CHARS`]; kept out of every
    /// published figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One kind of removal and how many values it took.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Removal {
    /// A JSON path with `*` for array indexes, e.g. `consents.*.customerId`, or a section name.
    pub path: String,
    #[ts(type = "number")]
    pub count: u64,
    pub how: RemovalKind,
}

#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, TS)]
#[serde(rename_all = "kebab-case")]
pub enum RemovalKind {
    /// A committed value withheld: its salted commitment stays, so every signature still holds.
    Withheld,
    /// A copy Khata wrote itself, which no signature covers, set to `null`.
    Blanked,
    /// A whole section the export would otherwise carry (the borrower's profile, nominee, …).
    Dropped,
    /// Not removed, and listed so the borrower and the pool know it is there: a value the
    /// verifier checks against a signature or the ledger's hash chain (a contract v1
    /// statement, the vault's id in the ledger, a phone file's name and device), which no
    /// donation can take out while the export still verifies. `path` names it, `count` how many.
    Kept,
}
