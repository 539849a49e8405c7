//! Why a donation is refused: a stable kebab-case code (in `_khata/rejections.jsonl`, in
//! `khata-pool add`'s output and its exit status) and a detail naming what is wrong.

use serde::Serialize;

/// The rejection codes documented in `docs/pool.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// Not a zip, or not a zip laid out as a donation (members, names, compression, sizes).
    NotADonation,
    /// `donation.json` unreadable or breaking the manifest's rules.
    ManifestInvalid,
    /// A manifest version, or an export version, this build does not read.
    UnsupportedVersion,
    /// The export's SHA-256 differs from the manifest's `exportSha256`.
    ExportAltered,
    /// The export does not verify (the verifier's message is the detail).
    ExportInvalid,
    /// The export still names the borrower.
    IdentifyingData,
    /// A lender id that cannot be a partition directory (`schema::is_plain_lender_id`).
    LenderIdUnsupported,
    /// The same donation id or export digest as one already in the pool (or earlier in the run).
    Duplicate,
    /// Shares a consent with a donation already in the pool: one donor counts once.
    SameDonor,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::NotADonation => "not-a-donation",
            Reason::ManifestInvalid => "manifest-invalid",
            Reason::UnsupportedVersion => "unsupported-version",
            Reason::ExportAltered => "export-altered",
            Reason::ExportInvalid => "export-invalid",
            Reason::IdentifyingData => "identifying-data",
            Reason::LenderIdUnsupported => "lender-id-unsupported",
            Reason::Duplicate => "duplicate",
            Reason::SameDonor => "same-donor",
        }
    }

    pub const ALL: [Reason; 9] = [
        Reason::NotADonation,
        Reason::ManifestInvalid,
        Reason::UnsupportedVersion,
        Reason::ExportAltered,
        Reason::ExportInvalid,
        Reason::IdentifyingData,
        Reason::LenderIdUnsupported,
        Reason::Duplicate,
        Reason::SameDonor,
    ];
}

/// A refused donation: the code and what exactly was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {detail}", reason.code())]
pub struct Rejection {
    pub reason: Reason,
    pub detail: String,
}

impl Rejection {
    pub fn new(reason: Reason, detail: impl Into<String>) -> Self {
        Rejection {
            reason,
            detail: detail.into(),
        }
    }
}

/// A shortcut for `Err(Rejection::new(..))`.
pub fn reject<T>(reason: Reason, detail: impl Into<String>) -> Result<T, Rejection> {
    Err(Rejection::new(reason, detail))
}
