//! What keeps the borrower informed between visits, as the faces read it: the app settings
//! kept in the vault, the notices worked out after a sync, the audit's stored summary Home
//! shows, loans that have closed, and what a revocation stops and leaves with the lender.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{PeriodView, SignalInfo, SignalTextsView};

/// The borrower's app settings (not secret), kept in the vault so they survive a reinstall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppSettings {
    /// Sync every lender on unlock and then every `syncIntervalMin` minutes while the app runs.
    pub background_sync: bool,
    /// Minutes between background syncs, [`AppSettings::MIN_INTERVAL`] to
    /// [`AppSettings::MAX_INTERVAL`].
    pub sync_interval_min: u32,
    /// Show OS notifications for new notices.
    pub notifications: bool,
}

impl AppSettings {
    pub const MIN_INTERVAL: u32 = 5;
    pub const MAX_INTERVAL: u32 = 24 * 60;
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            background_sync: true,
            sync_interval_min: 15,
            notifications: true,
        }
    }
}

/// What a notice is about; the UI words it (`notify.en.ts`, `notify.hi.ts`) from `params`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeKind {
    /// A lender collected after a revocation took effect (params `lender`, `signal`, `count`).
    CollectionAfterRevocation,
    /// A new critical or high finding (params `lender`, `rule`, `severity`, `signal`, `count`).
    NewFinding,
    /// A lender's signed receipt confirmed a revocation, pause or resume (`lender`, `action`).
    ReceiptConfirmed,
    /// A lender's receipt says other than the borrower asked (`lender`).
    ReceiptContradicted,
    /// A rights request is past its due date (`lender`, `kind`, `dueAt` in Unix ms).
    RequestOverdue,
    /// A consent expires within seven days (`lender`, `expiresAt` in Unix ms).
    ConsentExpiring,
}

impl NoticeKind {
    /// The stored spelling (as serialised).
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::CollectionAfterRevocation => "collection-after-revocation",
            NoticeKind::NewFinding => "new-finding",
            NoticeKind::ReceiptConfirmed => "receipt-confirmed",
            NoticeKind::ReceiptContradicted => "receipt-contradicted",
            NoticeKind::RequestOverdue => "request-overdue",
            NoticeKind::ConsentExpiring => "consent-expiring",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            NoticeKind::CollectionAfterRevocation,
            NoticeKind::NewFinding,
            NoticeKind::ReceiptConfirmed,
            NoticeKind::ReceiptContradicted,
            NoticeKind::RequestOverdue,
            NoticeKind::ConsentExpiring,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// Something new since Khata last looked, to tell the borrower once. `params` are facts
/// (names already cleaned and bounded, times as Unix ms in decimal); the UI words them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    /// Acknowledge with this once shown (`acknowledge_notices`).
    pub id: i64,
    pub kind: NoticeKind,
    pub params: BTreeMap<String, String>,
}

/// A critical or high finding as Home lists it, from the stored audit summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FindingAlertView {
    /// Stable key: rule id and the ids of the evidence behind it.
    pub key: String,
    /// The rule id, e.g. `collected-after-revocation`.
    pub rule: String,
    /// `critical` or `high`.
    pub severity: String,
    pub lender_id: String,
    pub lender_name: String,
    /// The signal's name, when the finding is about one.
    pub signal: Option<String>,
    /// The lender's words for that signal per language, so Home names it in the reader's
    /// language (absent from summaries kept before they carried them).
    #[serde(default)]
    pub signal_texts: Option<SignalTextsView>,
    pub count: u64,
    pub last_at: i64,
}

/// The audit's result at the last sync or phone import, kept in the vault: Home reads it
/// instead of running the audit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FindingsSummary {
    pub computed_at: i64,
    /// Findings per severity (`critical`, `high`, `medium`, `low`).
    pub by_severity: BTreeMap<String, u64>,
    /// The critical and high findings, most severe first.
    pub alerts: Vec<FindingAlertView>,
    /// Findings that rest on what the phone recorded (rules `observed-…`).
    pub phone_findings: u32,
}

/// A loan that has run its course while the lender still holds active consents: Home offers
/// to revoke them all. A loan has closed when the lender's newest approved offer under a
/// consent has run its tenure (the last instalment of its Key Fact Statement's schedule when
/// there is one, else its date plus `tenureMonths` calendar months).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClosedLoanView {
    pub lender_id: String,
    pub lender_name: String,
    pub offer_id: String,
    /// When the loan's tenure ended (Unix ms).
    pub ended_at: i64,
    /// The lender's consents still active (not revoked, not expired): one revocation each.
    pub active_consent_ids: Vec<String>,
}

/// One signal a revocation leaves with the lender, and for how long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeptSignalView {
    pub signal: SignalInfo,
    /// The lender's last collection of it under the consent (Unix ms).
    pub last_collected_at: i64,
    /// Until when the consent lets the lender keep it: the last collection plus the data
    /// life (`null` for a data life without end).
    pub keep_until: Option<i64>,
}

/// What revoking (the whole consent or some signals) means, before the borrower confirms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RevocationPreview {
    pub consent_id: String,
    pub lender_id: String,
    pub lender_name: String,
    /// The signals whose further collection stops.
    pub stops: Vec<SignalInfo>,
    /// What the lender already collected of them and may keep, with until when.
    pub kept: Vec<KeptSignalView>,
    pub data_life: PeriodView,
    /// The latest `keepUntil` of `kept`; `null` when nothing was collected or it never ends.
    pub keep_until: Option<i64>,
}
