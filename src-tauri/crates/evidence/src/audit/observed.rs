//! The facts of a phone-evidenced finding (`observed-*`): what the borrower's phone saw, from
//! which file or capture, what that source cannot show, and why the rule holds it a violation.
//! Typed, never worded: the CLI, the UI (English and Hindi) and the grievance letter compose
//! their own sentences from these.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::regulatory::{RegulatedData, RuleSource};
use crate::phone::{
    AppState, NetworkFacts, OffsetFrom, Platform, Resource, SourceFormat, SourceLimit,
};

/// What the phone saw, as one finding shows it. Times are Unix ms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ObservedFacts {
    pub resource: Resource,
    /// The OS's own name for what was used (`READ_CONTACTS`, `contacts`, or the domain).
    pub op: String,
    pub app: String,
    pub platform: Platform,
    pub state: AppState,
    /// The first and last access times the source holds, and how many accesses.
    pub first_at: i64,
    pub last_at: i64,
    pub count: u64,
    /// Some interval's end is not in the file (iOS `intervalBegin` without its end).
    pub open_interval: bool,
    /// The source: its file's SHA-256 (lowercase hex), format and name as imported.
    pub source_sha256: String,
    pub source_format: SourceFormat,
    pub file_name: String,
    /// When the file was made or the capture ran, where known.
    pub captured_at: Option<i64>,
    /// What the source cannot show; readers word every one of them beside the finding.
    pub limits: Vec<SourceLimit>,
    /// The offset the source's local times were read in, and where it came from.
    pub utc_offset_min: Option<i32>,
    pub offset_from: OffsetFrom,
    /// The domain side of an iOS network-activity record.
    pub network: Option<NetworkFacts>,
    pub why: ObservedWhy,
}

/// Why a rule holds what the phone saw a violation: one variant per `observed-*` rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ObservedWhy {
    /// `observed-prohibited-access`: the kind of data the RBI's rules bar, and the rules'
    /// source.
    Prohibited {
        data: RegulatedData,
        source: RuleSource,
    },
    /// `observed-after-revocation`: when the revocation took effect (the first access counted
    /// is at or after it), and the signals revoked one by one (empty: the whole consent).
    AfterRevocation {
        revoked_at: i64,
        signals: Vec<String>,
    },
    /// `observed-without-consent`: no consent of the lender was active at the access.
    WithoutConsent,
    /// `observed-undeclared`: the lender's signals and DPV categories that would have
    /// accounted for the access, none of them disclosed within `window_hours` of it.
    Undeclared {
        signals: Vec<String>,
        categories: Vec<String>,
        window_hours: u32,
    },
    /// `observed-beyond-kyc`: the once-only kind of data, how many accesses of it the phone
    /// saw in all (every source, this lender's app), whether these were in the background,
    /// and the rules' source.
    BeyondKyc {
        data: RegulatedData,
        accesses: u64,
        background: bool,
        source: RuleSource,
    },
    /// `observed-unnamed-recipient`: whether iOS flags the domain as a cross-app profiler,
    /// and the recipients the lender's consents name (by name).
    UnnamedRecipient { profiler: bool, named: Vec<String> },
}
