//! Offline verification of an export: no vault, no network. Checks the document's shape, every
//! lender signature, that each disclosure's summary fields agree with the statement the lender
//! signed, the ledger's hash chain (recomputed with [`crate::ledger::entry_hash`]) and head, and
//! that the records the ledger says were stored are all in the export (nothing dropped, nothing
//! added, disclosures in order). Never panics on any input.
//!
//! The report says what the answer rests on: whose keys each lender's statements were checked
//! against ([`trust`]: supplied from outside, pinned by the exporting vault, or only the file's
//! own), which of a lender's disclosures never arrived ([`sequence`]), and which parts of the
//! document nothing covers ([`coverage`]).
//!
//! One verifier, two strategies over the same checks ([`checks`]): the [`reference`] holds the
//! whole document and checks one signature at a time, so the first bad record is named; the
//! [`fast`] path parses records one by one on every core and batch-verifies signatures, and
//! only ever answers "valid". [`verify_export_bytes`] tries the fast path and falls back to the
//! reference, so an invalid export always gets the reference's answer.
//!
//! A version 2 export ([`crate::export_v2`]) is a stream: its first line goes through the same
//! two strategies, then [`stream`] checks each lender's signed tree heads and every leaf in one
//! pass with flat memory ([`verify_export_file`], [`verify_export_bytes`] on bytes in memory).

mod checks;
pub mod coverage;
mod fast;
pub mod log_facts;
mod reference;
pub mod sequence;
mod stream;
pub mod trust;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

pub use coverage::{UNVERIFIED, is_unverified};
pub use log_facts::{ForkKind, HeadFacts, LogFacts, LogFork, WithheldCount};
pub use reference::verify_export_with;
pub use sequence::SequenceGap;
pub use trust::{KeyFingerprint, KeyTrust, LenderTrust, SuppliedKeys, fingerprint};

/// What a successful verification saw, and what it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerifyReport {
    pub version: u64,
    pub lenders: u64,
    pub signatures_checked: u64,
    pub disclosures: u64,
    pub ledger_entries: u64,
    pub head_seq: i64,
    pub head_hash: String,
    /// Per lender, by id: where the keys its statements were checked against came from.
    pub key_trust: Vec<LenderTrust>,
    /// Holes in each lender's disclosure sequence: disclosures it never delivered.
    pub sequence_gaps: Vec<SequenceGap>,
    /// JSON pointer patterns of the parts nothing covers ([`coverage::UNVERIFIED`]).
    pub unverified: Vec<String>,
    /// Values of redactable (contract 2.x) statements present only as commitments, as
    /// `<statement pointer> <member path>` (`/offers/0 explanation.contributions.3.bin`): the
    /// statement verifies, the value is not shown. Every value shown matched its commitment.
    pub withheld: Vec<String>,
    /// Version 2 exports: each lender's disclosure log as checked (absent for version 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub logs: Option<Vec<LogFacts>>,
}

/// What the checks of an export's document (a whole version 1 export, or a version 2 export's
/// first line) leave for the log checks: the report so far, the lenders' trusted keys and the
/// ledger's `log.page`/`log.conflict` entries.
pub(crate) struct Document {
    pub report: VerifyReport,
    pub rings: checks::Rings,
    pub log_heads: Vec<LoggedHead>,
}

/// One `log.page` or `log.conflict` ledger entry.
pub(crate) struct LoggedHead {
    /// Its `record_id`.
    pub lender: String,
    pub conflict: bool,
    pub digest: [u8; 32],
    /// Its position in `ledger.entries`.
    pub entry: usize,
}

/// Why an export does not verify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum VerifyError {
    /// Not an export at all (not JSON, another format, unsupported version): exit code 2.
    #[error("unusable input: {reason}")]
    Unusable { reason: String },
    /// An export that was altered or is inconsistent: exit code 1. `record` names the first
    /// bad record as a JSON pointer into the document, e.g. `/disclosures/17/statement`.
    #[error("{record}: {reason}")]
    Invalid { record: String, reason: String },
}

impl VerifyError {
    /// The `khata verify` exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            VerifyError::Unusable { .. } => 2,
            VerifyError::Invalid { .. } => 1,
        }
    }
}

/// The export format this verifier understands.
pub const FORMAT: &str = "khata-export";
/// 1: one JSON document; 2: a stream of lines ([`crate::export_v2`]).
pub const SUPPORTED_VERSIONS: [u64; 2] = [1, 2];

/// The largest version 1 export `khata verify` and the app's Verify screen read: 2 GiB, above
/// the 1.27 GB export of a million-disclosure vault. A larger file is refused from its size
/// alone, before any of it is read (see [`read_export`]), unless it is a version 2 stream,
/// which is read a piece at a time whatever its size ([`verify_export_file`]).
pub const MAX_EXPORT_BYTES: u64 = 2 << 30;

/// The largest export whose failure the reference verifier explains record by record: it holds
/// the whole document in memory (about five times the file), so a bigger export that is not
/// valid is reported invalid as a whole.
pub const REFERENCE_MAX_BYTES: u64 = 256 << 20;

/// Reads an export file for verification, refusing one above [`MAX_EXPORT_BYTES`] from its
/// metadata before reading anything, and reading at most one byte past the cap in any case
/// (a file that grows, or a device that never ends, is cut off there and refused).
pub fn read_export(path: &std::path::Path) -> Result<Vec<u8>, VerifyError> {
    use std::io::Read as _;
    let unreadable = |e: std::io::Error| VerifyError::Unusable {
        reason: format!("cannot read {}: {e}", path.display()),
    };
    let too_big = |len: u64| VerifyError::Unusable {
        reason: format!(
            "{} is {len} bytes, above the {} MiB limit for an export to verify",
            path.display(),
            MAX_EXPORT_BYTES >> 20
        ),
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.is_file() {
        return Err(VerifyError::Unusable {
            reason: format!("{} is not a regular file", path.display()),
        });
    }
    if meta.len() > MAX_EXPORT_BYTES {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_EXPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_EXPORT_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Parses and verifies an export's bytes. A version 2 export (it starts with
/// [`crate::export_v2::MAGIC`]) goes to the streaming verifier, reading the bytes as it would a
/// file; for version 1, read on.
///
/// Takes the fast path first ([`fast`]: the disclosures and ledger entries are
/// parsed one record at a time on every core, never as one document, and the signatures are
/// batch-verified). Whenever the fast path cannot show the export valid, the reference
/// [`verify_export`] ([`reference`]) runs on the whole document, so an invalid export gets exactly the
/// reference's answer: the same first bad record, the same reason — up to
/// [`REFERENCE_MAX_BYTES`]; a larger invalid export is called invalid as a whole.
pub fn verify_export_bytes(
    bytes: &[u8],
    progress: &mut dyn FnMut(u64, u64),
) -> Result<VerifyReport, VerifyError> {
    verify_export_bytes_with(bytes, &SuppliedKeys::default(), progress)
}

/// [`verify_export_bytes`] with lender keys from outside the export: a supplied lender's
/// statements are checked against those keys alone.
pub fn verify_export_bytes_with(
    bytes: &[u8],
    supplied: &SuppliedKeys,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<VerifyReport, VerifyError> {
    if crate::export_v2::is_v2(bytes) {
        return stream::verify(bytes, supplied, progress);
    }
    document(bytes, 1, supplied, progress).map(|d| d.report)
}

/// Verifies the export at `path`: a version 2 stream a piece at a time, with flat memory and
/// no size limit; a version 1 document as [`read_export`] and [`verify_export_bytes_with`] do.
pub fn verify_export_file(
    path: &std::path::Path,
    supplied: &SuppliedKeys,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<VerifyReport, VerifyError> {
    use std::io::Read as _;
    let unreadable = |e: std::io::Error| VerifyError::Unusable {
        reason: format!("cannot read {}: {e}", path.display()),
    };
    let mut file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.is_file() {
        return Err(VerifyError::Unusable {
            reason: format!("{} is not a regular file", path.display()),
        });
    }
    let mut magic = Vec::with_capacity(crate::export_v2::MAGIC.len());
    (&mut file)
        .take(crate::export_v2::MAGIC.len() as u64)
        .read_to_end(&mut magic)
        .map_err(unreadable)?;
    if crate::export_v2::is_v2(&magic) {
        let input = std::io::Cursor::new(magic).chain(file);
        return stream::verify(input, supplied, progress);
    }
    drop(file);
    let bytes = read_export(path)?;
    verify_export_bytes_with(&bytes, supplied, progress)
}

/// Verifies an export read from `input` (a zip member, a pipe): a version 2 stream a piece at a
/// time with flat memory; a version 1 document read whole, up to [`MAX_EXPORT_BYTES`], then as
/// [`verify_export_bytes_with`] does. The same checks as [`verify_export_file`].
pub fn verify_export_reader(
    mut input: impl std::io::Read,
    supplied: &SuppliedKeys,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<VerifyReport, VerifyError> {
    use std::io::Read as _;
    let unreadable = |e: std::io::Error| VerifyError::Unusable {
        reason: format!("cannot read the export: {e}"),
    };
    let mut magic = Vec::with_capacity(crate::export_v2::MAGIC.len());
    (&mut input)
        .take(crate::export_v2::MAGIC.len() as u64)
        .read_to_end(&mut magic)
        .map_err(unreadable)?;
    if crate::export_v2::is_v2(&magic) {
        return stream::verify(std::io::Cursor::new(magic).chain(input), supplied, progress);
    }
    let mut bytes = magic;
    input
        .take(MAX_EXPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_EXPORT_BYTES {
        return Err(VerifyError::Unusable {
            reason: format!(
                "the export is above the {} MiB limit for a version 1 export",
                MAX_EXPORT_BYTES >> 20
            ),
        });
    }
    verify_export_bytes_with(&bytes, supplied, progress)
}

/// The document checks of a version 1 export, or of a version 2 export's first line: the fast
/// strategy, else the reference (up to [`REFERENCE_MAX_BYTES`]).
pub(crate) fn document(
    bytes: &[u8],
    version: u64,
    supplied: &SuppliedKeys,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Document, VerifyError> {
    if let Some(doc) = fast::verify_document(bytes, version, supplied, progress) {
        return Ok(doc);
    }
    if bytes.len() as u64 > REFERENCE_MAX_BYTES {
        // The reference would hold about five times the file in memory: say what can be said
        // cheaply instead (serde's streaming check for JSON allocates nothing per value).
        serde_json::from_slice::<serde::de::IgnoredAny>(bytes).map_err(|e| {
            VerifyError::Unusable {
                reason: format!("not JSON: {e}"),
            }
        })?;
        return Err(VerifyError::Invalid {
            record: String::new(),
            reason: format!(
                "the export does not verify; at {} bytes it is above the {} MiB up to which \
                 Khata names the first bad record",
                bytes.len(),
                REFERENCE_MAX_BYTES >> 20
            ),
        });
    }
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| VerifyError::Unusable {
        reason: format!("not JSON: {e}"),
    })?;
    reference::verify_document(&doc, version, supplied, progress)
}

/// Verifies a parsed export with the keys it carries (and the vault's pins): the reference
/// strategy. `progress(done, total)` is called as records are checked.
pub fn verify_export(
    doc: &Value,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<VerifyReport, VerifyError> {
    verify_export_with(doc, &SuppliedKeys::default(), progress)
}
