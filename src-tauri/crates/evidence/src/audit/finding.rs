//! What an audit reports: rules and their severities, findings with the records and signed
//! statements that prove them, and the report's summary. These are the types the UI, the CLI
//! and the grievance letter read.

use std::collections::BTreeMap;
use std::sync::Arc;

use khata_contract::log::TreeHead;
use khata_contract::types as wire;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

pub use super::observed::{ObservedFacts, ObservedWhy};
use super::regulatory::{MatchedBy, RegulatedData, RuleSource};
use crate::kfs::KfsCheck;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

/// A rule; its serialised name is the stable id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// Collected after the whole consent's revocation took effect.
    CollectedAfterRevocation,
    /// Collected a signal after that signal's revocation took effect.
    CollectedAfterSignalRevocation,
    /// Collected while the consent was paused.
    CollectedWhilePaused,
    /// Collected after the consent expired.
    CollectedAfterExpiry,
    /// Collected before the consent started.
    CollectedBeforeConsentStart,
    /// Collected a signal the borrower denied.
    SignalDenied,
    /// Collected a signal the consent never covered.
    SignalNotGranted,
    /// Collected data from outside the consent's FIDataRange.
    OutsideDataRange,
    /// Collected more often than the consent's Frequency (or twice under ONETIME).
    AboveFrequency,
    /// Collected a signal the RBI's digital lending rules prohibit (contact list, call logs,
    /// files and media, telephony functions), by Khata's built-in table.
    ProhibitedSignal,
    /// Collected camera, microphone or location data more than once (the RBI allows them
    /// once, for KYC), by Khata's built-in table.
    KycOnlySignalReused,
    /// Passed data to a recipient the consent does not name.
    UnnamedRecipient,
    /// Collected with no consent, or under a consent id the borrower never gave.
    NoConsent,
    /// Used data for a purpose other than the consent's.
    PurposeMismatch,
    /// Data life ran out and the lender has issued no deletion receipt.
    DataLifeExceeded,
    /// Contributions do not add up to the score (baseline + Σ points ≠ score).
    ContributionsDoNotAddUp,
    /// A counterfactual quote moved the score by other than the explanation claims.
    CounterfactualMismatch,
    /// Reason codes are not the adverse contributions, most adverse first.
    ReasonCodesMismatch,
    /// More than four principal reasons, or not the first reason codes.
    TopAdverseInvalid,
    /// A lender's receipt says other than the borrower asked (consent, action, signals, new
    /// status, or an `effectiveAt` outside the request-to-arrival span): never a confirmation.
    ReceiptContradictsRequest,
    /// No valid receipt for a revocation within [`crate::audit::REVOCATION_ACK_DEADLINE_MS`].
    RevocationUnacknowledged,
    /// The consent a lender returned for a decision grants or states other than the borrower
    /// chose and the request showed.
    ConsentAltered,
    /// Two tree heads the lender signed for its disclosure log have the same size and
    /// different roots: it showed two histories, so it rewrote, dropped or reordered
    /// disclosures it had already logged.
    LogFork,
    /// A page of the lender's disclosure log whose leaves do not give the root of the tree
    /// head it came with.
    LogPageMismatch,
    /// The borrower's phone saw the lender's app use a resource the RBI's rules bar lending
    /// apps from (contact list, call logs, files and media, telephony functions).
    ObservedProhibitedAccess,
    /// The phone saw an access after the revocation of the lender's consent (or of every
    /// signal mapped to the resource) took effect.
    ObservedAfterRevocation,
    /// The phone saw an access while no consent of the lender was active.
    ObservedWithoutConsent,
    /// The phone saw an access for which the lender declared no disclosure of any signal
    /// mapped to the resource within a day.
    ObservedUndeclared,
    /// The phone saw camera, microphone or location used more than once, or in the background.
    ObservedBeyondKyc,
    /// The phone saw the app contact a known profiler, or a domain that is neither the
    /// lender's own nor a recipient its consents name.
    ObservedUnnamedRecipient,
    /// The annual percentage rate an offer's Key Fact Statement states is not the one its own
    /// schedule and payout give (RBI's method, [`crate::kfs`]).
    KfsAprMismatch,
    /// A Key Fact Statement's figures do not add up (totals, an instalment's split, the
    /// principal, the payout less fees, the loan against the offer).
    KfsInconsistent,
    /// An approved offer came with no Key Fact Statement.
    KfsMissing,
    /// The offer made on a consent differs (decision, amount, rate or score) from the lender's
    /// signed quote of the same consent request for the same choices, given before consent.
    QuoteOfferMismatch,
}

impl Rule {
    pub const ALL: [Rule; 34] = [
        Rule::CollectedAfterRevocation,
        Rule::CollectedAfterSignalRevocation,
        Rule::CollectedWhilePaused,
        Rule::CollectedAfterExpiry,
        Rule::CollectedBeforeConsentStart,
        Rule::SignalDenied,
        Rule::SignalNotGranted,
        Rule::OutsideDataRange,
        Rule::AboveFrequency,
        Rule::ProhibitedSignal,
        Rule::KycOnlySignalReused,
        Rule::UnnamedRecipient,
        Rule::NoConsent,
        Rule::PurposeMismatch,
        Rule::DataLifeExceeded,
        Rule::ContributionsDoNotAddUp,
        Rule::CounterfactualMismatch,
        Rule::ReasonCodesMismatch,
        Rule::TopAdverseInvalid,
        Rule::ReceiptContradictsRequest,
        Rule::RevocationUnacknowledged,
        Rule::ConsentAltered,
        Rule::LogFork,
        Rule::LogPageMismatch,
        Rule::ObservedProhibitedAccess,
        Rule::ObservedAfterRevocation,
        Rule::ObservedWithoutConsent,
        Rule::ObservedUndeclared,
        Rule::ObservedBeyondKyc,
        Rule::ObservedUnnamedRecipient,
        Rule::KfsAprMismatch,
        Rule::KfsInconsistent,
        Rule::KfsMissing,
        Rule::QuoteOfferMismatch,
    ];

    /// The stable id, e.g. `collected-after-revocation`.
    pub fn id(self) -> &'static str {
        match self {
            Rule::CollectedAfterRevocation => "collected-after-revocation",
            Rule::CollectedAfterSignalRevocation => "collected-after-signal-revocation",
            Rule::CollectedWhilePaused => "collected-while-paused",
            Rule::CollectedAfterExpiry => "collected-after-expiry",
            Rule::CollectedBeforeConsentStart => "collected-before-consent-start",
            Rule::SignalDenied => "signal-denied",
            Rule::SignalNotGranted => "signal-not-granted",
            Rule::OutsideDataRange => "outside-data-range",
            Rule::AboveFrequency => "above-frequency",
            Rule::ProhibitedSignal => "prohibited-signal",
            Rule::KycOnlySignalReused => "kyc-only-signal-reused",
            Rule::UnnamedRecipient => "unnamed-recipient",
            Rule::NoConsent => "no-consent",
            Rule::PurposeMismatch => "purpose-mismatch",
            Rule::DataLifeExceeded => "data-life-exceeded",
            Rule::ContributionsDoNotAddUp => "contributions-do-not-add-up",
            Rule::CounterfactualMismatch => "counterfactual-mismatch",
            Rule::ReasonCodesMismatch => "reason-codes-mismatch",
            Rule::TopAdverseInvalid => "top-adverse-invalid",
            Rule::ReceiptContradictsRequest => "receipt-contradicts-request",
            Rule::RevocationUnacknowledged => "revocation-unacknowledged",
            Rule::ConsentAltered => "consent-altered",
            Rule::LogFork => "log-fork",
            Rule::LogPageMismatch => "log-page-mismatch",
            Rule::ObservedProhibitedAccess => "observed-prohibited-access",
            Rule::ObservedAfterRevocation => "observed-after-revocation",
            Rule::ObservedWithoutConsent => "observed-without-consent",
            Rule::ObservedUndeclared => "observed-undeclared",
            Rule::ObservedBeyondKyc => "observed-beyond-kyc",
            Rule::ObservedUnnamedRecipient => "observed-unnamed-recipient",
            Rule::KfsAprMismatch => "kfs-apr-mismatch",
            Rule::KfsInconsistent => "kfs-inconsistent",
            Rule::KfsMissing => "kfs-missing",
            Rule::QuoteOfferMismatch => "quote-offer-mismatch",
        }
    }

    pub fn severity(self) -> Severity {
        use Rule::*;
        match self {
            ProhibitedSignal
            | CollectedAfterRevocation
            | CollectedAfterSignalRevocation
            | LogFork
            | ObservedProhibitedAccess
            | ObservedAfterRevocation => Severity::Critical,
            CollectedWhilePaused
            | CollectedAfterExpiry
            | CollectedBeforeConsentStart
            | SignalDenied
            | SignalNotGranted
            | KycOnlySignalReused
            | UnnamedRecipient
            | NoConsent
            | ReceiptContradictsRequest
            | ConsentAltered
            | LogPageMismatch
            | ObservedWithoutConsent
            | ObservedUndeclared
            | ObservedBeyondKyc
            | ObservedUnnamedRecipient
            | KfsAprMismatch => Severity::High,
            QuoteOfferMismatch => Severity::High,
            OutsideDataRange
            | AboveFrequency
            | PurposeMismatch
            | ContributionsDoNotAddUp
            | CounterfactualMismatch
            | ReasonCodesMismatch
            | TopAdverseInvalid
            | RevocationUnacknowledged
            | KfsInconsistent
            | KfsMissing => Severity::Medium,
            DataLifeExceeded => Severity::Low,
        }
    }
}

/// The unit of a consent's frequency or data life (`inf`: no limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum PeriodUnit {
    Hour,
    Day,
    Month,
    Year,
    Inf,
}

impl From<wire::FrequencyUnit> for PeriodUnit {
    fn from(u: wire::FrequencyUnit) -> Self {
        match u {
            wire::FrequencyUnit::Hour => PeriodUnit::Hour,
            wire::FrequencyUnit::Day => PeriodUnit::Day,
            wire::FrequencyUnit::Month => PeriodUnit::Month,
            wire::FrequencyUnit::Year => PeriodUnit::Year,
            wire::FrequencyUnit::Inf => PeriodUnit::Inf,
        }
    }
}

impl From<wire::DataLifeUnit> for PeriodUnit {
    fn from(u: wire::DataLifeUnit) -> Self {
        match u {
            wire::DataLifeUnit::Day => PeriodUnit::Day,
            wire::DataLifeUnit::Month => PeriodUnit::Month,
            wire::DataLifeUnit::Year => PeriodUnit::Year,
            wire::DataLifeUnit::Inf => PeriodUnit::Inf,
        }
    }
}

/// A signal with score points: a reason code, an adverse contribution, or the score change a
/// withheld signal should make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignalPoints {
    pub signal: String,
    pub points: i64,
}

/// A field in which an offer differs from the quote given before consent: `decision`
/// (`APPROVED` or `DECLINED`), `amountInr`, `aprMonthlyBps` or `score`, with the quote's and
/// the offer's values as the lender signed them (numbers in decimal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QuoteOfferField {
    pub field: String,
    pub quote: String,
    pub offer: String,
}

/// One signed tree head of a lender's disclosure log, as a finding shows it: how many
/// disclosures it covers, its root (base64url, as signed), when the lender signed it (Unix ms)
/// and with which key. The head itself is among the finding's evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TreeHeadFacts {
    pub tree_size: u64,
    pub root_hash: String,
    pub timestamp: i64,
    pub key_id: String,
}

impl From<&TreeHead> for TreeHeadFacts {
    fn from(h: &TreeHead) -> Self {
        TreeHeadFacts {
            tree_size: h.tree_size,
            root_hash: h.root_hash.clone(),
            timestamp: h.timestamp.timestamp_millis(),
            key_id: h.signature.key_id.clone(),
        }
    }
}

/// What a finding found beyond who, what, when and how often (those are [`Finding`]'s own
/// fields): the numbers and ids a sentence about it needs, typed per rule so that every reader
/// words it in its own language. Times are Unix ms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum FindingFacts {
    /// `prohibited-signal`: the regulatory flag it amounts to, the kind of data the built-in
    /// table recognised (absent when only the lender's own flag said so), how, and the rules'
    /// source and table version, shown beside the finding.
    Prohibited {
        flag: String,
        data: Option<RegulatedData>,
        matched_by: MatchedBy,
        source: RuleSource,
    },
    /// `kyc-only-signal-reused`: the once-only kind of data, how many collections in all
    /// (`count` of them came after the first), and the rules' source.
    KycOnly {
        data: RegulatedData,
        total: u64,
        source: RuleSource,
    },
    /// `no-consent`: no consent cited (`finding.consentId` is null), or one the borrower never
    /// gave this lender.
    NoConsent,
    /// `collected-after-revocation` and `collected-after-signal-revocation`: when the
    /// revocation took effect.
    Revoked { revoked_at: i64 },
    /// `collected-while-paused`: when the pause began.
    Paused { paused_since: i64 },
    /// `collected-after-expiry`: when the consent expired.
    Expired { expired_at: i64 },
    /// `collected-before-consent-start`: when the consent starts.
    NotStarted { starts_at: i64 },
    /// `signal-denied`: the borrower denied the signal in the consent.
    Denied,
    /// `signal-not-granted`: the signals the consent does grant.
    NotGranted { granted: Vec<String> },
    /// `outside-data-range`: the period the collected data covered and the consented
    /// FIDataRange.
    OutsideRange {
        data_from: i64,
        data_to: i64,
        consented_from: i64,
        consented_to: i64,
    },
    /// `unnamed-recipient`: who got the data, and the recipients the consent names.
    UnnamedRecipient {
        recipient: String,
        named: Vec<String>,
    },
    /// `purpose-mismatch`: the purpose used, and the consent's purpose code and text.
    PurposeMismatch {
        purpose: String,
        consented_code: String,
        consented_text: String,
    },
    /// `data-life-exceeded`: the consent's data life and when it ran out for the first and the
    /// last collection; no deletion receipt exists.
    DataLife {
        value: u32,
        unit: PeriodUnit,
        ran_out_first: i64,
        ran_out_last: i64,
    },
    /// `above-frequency` under a ONETIME consent: how many collections in all (`count` of
    /// them were beyond the first).
    OneTime { total: u64 },
    /// `above-frequency` under a PERIODIC consent: the limit (`value` per `unit`) and the most
    /// collections seen within one such window.
    Frequency {
        value: u32,
        unit: PeriodUnit,
        most_in_window: u64,
    },
    /// `contributions-do-not-add-up`: baseline + contributions = `sum`, not `score`.
    Sum {
        baseline: i64,
        sum: i64,
        score: i64,
        tolerance: i64,
    },
    /// `reason-codes-mismatch`: the reason codes given, and the adverse contributions most
    /// adverse first.
    ReasonCodes {
        given: Vec<SignalPoints>,
        expected: Vec<SignalPoints>,
    },
    /// `top-adverse-invalid`: principal reasons given, how many were expected, and how many
    /// reason codes there are.
    TopAdverse {
        given: u64,
        expected: u64,
        reason_codes: u64,
    },
    /// `counterfactual-mismatch`: the offer's score, the signals withheld with the change each
    /// should make, the score that should follow and the quote's score.
    Counterfactual {
        offer_id: String,
        offer_score: i64,
        withheld: Vec<String>,
        changes: Vec<SignalPoints>,
        expected: i64,
        quote_score: i64,
    },
    /// `quote-offer-mismatch`: the quote given before consent and the offer made on it, the
    /// consent request and the withheld signals they share, and each field that differs.
    QuoteOffer {
        quote_id: String,
        offer_id: String,
        request_id: String,
        withheld: Vec<String>,
        differences: Vec<QuoteOfferField>,
    },
    /// `receipt-contradicts-request` and `consent-altered`: the field that differs (`action`,
    /// `signals`, `status`, `effectiveAt`, `signalsGranted`, `purpose`, …), what the borrower
    /// asked (or the request showed) and what the lender answered, as display text.
    Contradicts {
        field: String,
        asked: String,
        answered: String,
    },
    /// `revocation-unacknowledged`: when the borrower asked, the deadline in hours, and when a
    /// valid receipt did come (null: none yet).
    Unacknowledged {
        requested_at: i64,
        deadline_hours: u32,
        acknowledged_at: Option<i64>,
    },
    /// `log-fork`: the head the borrower held and the one the lender showed later, same size,
    /// different roots.
    LogFork {
        held: TreeHeadFacts,
        offered: TreeHeadFacts,
    },
    /// `log-page-mismatch`: the head a page came with, the root its leaves give instead, the
    /// index of the page's first leaf, and the head held before the page (null: none).
    LogPageMismatch {
        offered: TreeHeadFacts,
        computed_root: String,
        page_start: u64,
        held: Option<TreeHeadFacts>,
    },
    /// `observed-*`: what the borrower's phone saw the lender's app do, from which source, and
    /// what that source cannot show. One finding covers the accesses of one op in one app
    /// state seen by one source (`count` of them, between `first_at` and `last_at`); `why`
    /// holds what makes them a violation.
    Observed(Box<ObservedFacts>),
    /// `kfs-apr-mismatch`: the APR the lender states and the one Khata recomputes (basis points
    /// a year), the difference allowed, and what the computation used: the amount paid out,
    /// the instalments and their sum, and the monthly rate found (millionths: 18000 = 1.8 %),
    /// which × 12 is the recomputed APR.
    KfsAprMismatch {
        stated_bps: i64,
        recomputed_bps: i64,
        tolerance_bps: i64,
        disbursed_inr: u64,
        instalments: u64,
        repaid_inr: u64,
        monthly_rate_ppm: i64,
    },
    /// `kfs-inconsistent`: which check fails, what the statement says and what its own
    /// figures give (whole rupees); for an instalment's split, the first that fails.
    KfsInconsistent {
        check: KfsCheck,
        stated: u64,
        expected: u64,
        instalment: Option<u32>,
    },
    /// `kfs-missing`: the approved offer's amount and monthly rate, all a borrower was told.
    KfsMissing {
        amount_inr: u64,
        apr_monthly_bps: u64,
    },
}

/// A record a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecordRef {
    /// `disclosure`, `consent`, `receipt`, `offer`, `quote`, `borrower-request`,
    /// `tree-head`, `phone-source` (`id`: the file's SHA-256) or `phone-observation` (`id`:
    /// `<source SHA-256>/<its place among that source's observations, from 0>`).
    pub kind: String,
    /// The lender's id for it (`disclosureId`, `consentId`, …).
    pub id: String,
    /// The vault's own id (disclosures: the local event id), when known.
    pub local_id: Option<i64>,
}

impl RecordRef {
    /// A disclosure named by its signed statement as JSON (`?` when it carries no
    /// `disclosureId`), for the sources that keep statements untyped.
    pub fn disclosure(statement: &Value, local_id: Option<i64>) -> Self {
        RecordRef {
            kind: "disclosure".into(),
            id: disclosure_id(statement),
            local_id,
        }
    }
}

/// A signed lender statement, exactly as received (its `signature` member included); or, of
/// kind `phone-source` / `phone-observation`, the borrower's own phone record as imported (not
/// signed by anyone: the vault's `phone.import` ledger entry covers it, and the raw file's
/// SHA-256 names the file). Shared, not copied: every finding a statement proves holds the
/// same one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    pub kind: String,
    pub id: String,
    /// Any JSON: the UI only displays it.
    #[ts(type = "unknown")]
    #[serde(with = "shared")]
    pub statement: Arc<Value>,
}

impl Evidence {
    /// A disclosure's signed statement as evidence, named as [`RecordRef::disclosure`] names it.
    pub fn disclosure(statement: Value) -> Self {
        Evidence {
            kind: "disclosure".into(),
            id: disclosure_id(&statement),
            statement: Arc::new(statement),
        }
    }
}

/// A v1 disclosure's id; a v2 log leaf (alone, or as `{leaf, treeHead}`) has none of its own
/// and is named by its index.
fn disclosure_id(statement: &Value) -> String {
    if let Some(id) = statement.get("disclosureId").and_then(Value::as_str) {
        return id.into();
    }
    let leaf = statement.get("leaf").unwrap_or(statement);
    match leaf.get("index").and_then(Value::as_u64) {
        Some(index) => format!("leaf {index}"),
        None => "?".into(),
    }
}

/// Serde for `Arc<Value>` as the plain value (serde's `rc` feature is not enabled).
mod shared {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::Value;

    pub fn serialize<S: Serializer>(v: &Arc<Value>, s: S) -> Result<S::Ok, S::Error> {
        v.as_ref().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<Value>, D::Error> {
        Value::deserialize(d).map(Arc::new)
    }
}

/// One violation or explanation mismatch, with its proof. A rule broken by many disclosures
/// is one finding per lender, consent and signal (and recipient, purpose or pause where those
/// differ): `count` says how many times, `at` … `last_at` when, `records` names a sample of
/// them (see [`crate::audit::RECORD_SAMPLE_EACH_END`]) and `evidence` holds the earliest and the latest
/// offending disclosure with the statements that make them violations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable rule id (see [`Rule::id`]).
    pub rule: Rule,
    pub severity: Severity,
    /// What exactly happened, as data: the reader's sentence is composed from the rule and
    /// these (the UI and its grievance letter in English or Hindi, the CLI in English).
    pub facts: FindingFacts,
    pub lender_id: String,
    pub consent_id: Option<String>,
    pub signal: Option<String>,
    /// When it happened (Unix ms): collection time, or the statement's time; the first time
    /// when it happened more than once.
    pub at: i64,
    /// The last time it happened (Unix ms); `at` when it happened once.
    pub last_at: i64,
    /// How many times it happened: offending disclosures, or 1 for an offer or quote.
    pub count: u64,
    /// The offending records (all of them, or the first and last few), then the consent or
    /// offer they are checked against.
    pub records: Vec<RecordRef>,
    /// Offending records not listed in `records` (`count` minus those listed).
    pub records_omitted: u64,
    /// The signed statements that prove it.
    pub evidence: Vec<Evidence>,
}

/// Counts for a report header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditSummary {
    pub disclosures: u64,
    pub consents: u64,
    pub offers: u64,
    pub quotes: u64,
    pub findings: u64,
    /// Findings per rule id.
    pub by_rule: BTreeMap<String, u64>,
    /// Findings per severity.
    pub by_severity: BTreeMap<String, u64>,
    /// Statements that could not be read as the API's types (skipped, named here).
    pub unreadable: Vec<String>,
}

/// The result of an audit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditReport {
    pub summary: AuditSummary,
    pub findings: Vec<Finding>,
}
