//! Wire types of the lending API, shared by the client and the sandbox so both sides parse the
//! same shapes. Field names follow the Account Aggregator (ReBIT) consent artefact where one
//! exists (`consentStart`, `fetchType`, `fiDataRange`, …), in camelCase as on the wire.
//!
//! Signed objects carry a `signature` member; see [`crate::signing`] for what is signed.
//! Numbers in signed objects are integers only (money in whole rupees, APR in basis points),
//! so the canonical encoding never has to format a float.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The media type of RFC 9457 errors.
pub const PROBLEM_JSON: &str = "application/problem+json";
/// The path of the discovery document, relative to the lender's origin.
pub const DISCOVERY_PATH: &str = "/.well-known/khata-lender.json";
/// The header carrying a client-chosen idempotency key (a UUID v4) on state-changing POSTs.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
/// Largest loan the contract allows, in rupees.
pub const MAX_AMOUNT_INR: u32 = 100_000;
/// Lowest monthly APR the contract allows, in basis points (1.8 % a month).
pub const MIN_APR_MONTHLY_BPS: u32 = 180;

/// The lender's self-description, fetched before anything else; its keys are pinned by the
/// client for every later signature check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Discovery {
    pub lender_id: String,
    pub name: String,
    /// Base URL of the API (the paths in openapi.yaml are relative to it).
    pub api_base: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub spec_version: String,
    pub keys: Vec<PublicKeyInfo>,
    /// During a key rotation: the new `keys`, endorsed by a key the client pinned before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_endorsement: Option<crate::identity::KeyEndorsement>,
    /// The lender's own phone apps, so the borrower's phone evidence (docs/phone-evidence.md)
    /// can be matched to the lender without asking; the borrower may still pick another app.
    /// Hostile strings like every lender word: the client checks them ([`crate::apps`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apps: Vec<LenderApp>,
}

/// The phone platform of a lender's app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppPlatform {
    Android,
    Ios,
}

/// One of the lender's apps: an Android package name or an iOS bundle id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LenderApp {
    pub platform: AppPlatform,
    /// `in.khata.sandbox.lender` (Android) or `in.khata.sandbox.Lender` (iOS).
    pub id: String,
}

/// One of the lender's Ed25519 verification keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PublicKeyInfo {
    pub key_id: String,
    /// Always `Ed25519`.
    pub alg: String,
    /// The 32-byte public key, base64url without padding.
    pub public_key: String,
}

/// A detached signature embedded in a signed object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Signature {
    pub key_id: String,
    /// Always `Ed25519`.
    pub alg: String,
    /// The 64-byte signature, base64url without padding.
    pub value: String,
}

/// RFC 9457 problem details, the body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// OAuth error code (RFC 6749 §5.2) on token endpoint errors, so OAuth libraries understand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.title, self.status)?;
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

/// How sensitive a signal is to the borrower.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Sensitivity {
    Low,
    Medium,
    High,
    Special,
}

/// A kind of phone data the lender may collect, in plain language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Signal {
    pub id: String,
    pub name: String,
    pub description: String,
    /// W3C DPV personal-data category, e.g. `pd:Income`.
    pub dpv_category: String,
    pub sensitivity: Sensitivity,
    /// e.g. `rbi-2022-prohibited` for contacts and call logs.
    pub regulatory_flags: Vec<String>,
    /// The signal's words per language (`en`, `hi`; a BCP 47 primary tag), so a borrower reads
    /// the lender's own texts in the app's language; `name` and `description` above stay the
    /// fallback. Hostile strings like every lender word (bounded and checked by the client).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub texts: BTreeMap<String, SignalText>,
}

/// A signal's words in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignalText {
    pub name: String,
    pub description: String,
    /// Bin id (as in [`Contribution::bin`]) → what it means, e.g. `missing` → "Not shared".
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bins: BTreeMap<String, String>,
    /// Reason code (as in [`ReasonCode::code`]) → the sentence a borrower reads.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reasons: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignalCatalog {
    pub signals: Vec<Signal>,
}

/// AA `Purpose`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Purpose {
    pub code: String,
    /// Empty when a v2 statement withholds it.
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FetchType {
    Onetime,
    Periodic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FrequencyUnit {
    Hour,
    Day,
    Month,
    Year,
    Inf,
}

/// AA `Frequency`: at most `value` fetches per `unit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Frequency {
    pub unit: FrequencyUnit,
    pub value: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DataLifeUnit {
    Day,
    Month,
    Year,
    Inf,
}

/// AA `DataLife`: how long the lender may keep what it collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataLife {
    pub unit: DataLifeUnit,
    pub value: u32,
}

/// AA `FIDataRange`: the period the collected data may cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataRange {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// A third party the lender names as a recipient of collected data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Recipient {
    pub id: String,
    pub name: String,
    pub role: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConsentRequestStatus {
    Pending,
    Decided,
}

/// What the lender asks for; the borrower answers per signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConsentRequest {
    pub request_id: String,
    pub lender_id: String,
    pub status: ConsentRequestStatus,
    pub created_at: DateTime<Utc>,
    pub purpose: Purpose,
    pub signals: Vec<String>,
    pub fetch_type: FetchType,
    pub frequency: Frequency,
    pub data_life: DataLife,
    pub fi_data_range: DataRange,
    pub consent_expiry: DateTime<Utc>,
    pub onward_recipients: Vec<Recipient>,
    /// The consent this request would replace, so the UI can show what changed (scope creep).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_consent_id: Option<String>,
    /// The signals the lender needs to make any decision (a subset of `signals`), so the
    /// borrower can share only those; the borrower may still refuse them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_signals: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConsentRequestList {
    pub items: Vec<ConsentRequest>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Decision {
    Grant,
    Deny,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignalDecision {
    pub signal: String,
    pub decision: Decision,
}

/// Body of `POST /consent-requests/{id}/decision`: one decision for every requested signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConsentDecisionBody {
    pub decisions: Vec<SignalDecision>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConsentStatus {
    Active,
    Paused,
    Revoked,
    Expired,
}

/// The signed consent artefact. Every status change produces a new artefact with a higher
/// `version`, signed again, so the borrower holds the lender's word for each state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Consent {
    pub consent_id: String,
    pub request_id: String,
    pub lender_id: String,
    /// Empty when withheld: a v2 consent commits to it (see `redact::CONSENT_PATHS`), and a
    /// receipt carries the consent without its disclosures.
    #[serde(default)]
    pub customer_id: String,
    pub version: u32,
    pub status: ConsentStatus,
    pub create_timestamp: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub purpose: Purpose,
    pub signals_granted: Vec<String>,
    pub signals_denied: Vec<String>,
    /// Granted signals later revoked one by one (the consent stays ACTIVE for the rest).
    pub signals_revoked: Vec<String>,
    pub consent_start: DateTime<Utc>,
    pub consent_expiry: DateTime<Utc>,
    pub fetch_type: FetchType,
    pub frequency: Frequency,
    pub data_life: DataLife,
    pub fi_data_range: DataRange,
    pub onward_recipients: Vec<Recipient>,
    pub signature: Signature,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConsentList {
    pub items: Vec<Consent>,
}

/// Body of `POST /consents/{id}/revoke`: without `signals` the whole consent is revoked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RevokeBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signals: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Body of pause and resume (both optional fields).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StatusChangeBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConsentAction {
    Revoke,
    Pause,
    Resume,
}

/// The lender's signed acknowledgement of a revoke, pause or resume. Replayed byte for byte
/// when the same `Idempotency-Key` is sent again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Receipt {
    pub receipt_id: String,
    pub consent_id: String,
    pub action: ConsentAction,
    /// The signals the action applied to (all granted signals for a whole-consent action).
    pub signals: Vec<String>,
    pub effective_at: DateTime<Utc>,
    pub idempotency_key: String,
    /// The artefact as it stands after the action.
    pub consent: Consent,
    pub signature: Signature,
}

/// One collection or use of a signal, as the lender declares it. Append-only: `seq` only grows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Disclosure {
    pub disclosure_id: String,
    pub seq: u64,
    pub lender_id: String,
    pub signal: String,
    pub collected_at: DateTime<Utc>,
    /// Purpose code the data was used for.
    pub purpose: String,
    /// The consent the lender relies on; absent when it relies on none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_id: Option<String>,
    /// The period the collected data covers (compare with the consent's `fiDataRange`).
    pub data_range: DataRange,
    /// `sha256:` + hex digest of the collected value; the value itself never leaves the lender.
    pub value_digest: String,
    /// Recipient id the data was passed on to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onward_recipient: Option<String>,
    pub signature: Signature,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DisclosurePage {
    pub items: Vec<Disclosure>,
    /// Opaque cursor for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OfferDecision {
    Approved,
    Declined,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExplanationMethod {
    ScorecardPoints,
    Shap,
}

/// One signal's share of the score: `points` relative to the neutral baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Contribution {
    pub signal: String,
    /// The bin the signal's value fell in (`missing` when withheld, denied or unknown). Empty
    /// when the statement itself withholds it (a redacted v2 offer or quote).
    #[serde(default)]
    pub bin: String,
    pub points: i64,
    /// Points this signal would give if withheld, so a counterfactual can be checked.
    pub missing_points: i64,
}

/// One approval tier: scores at or above `minScore` get this limit and price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Tier {
    pub min_score: i64,
    pub limit_inr: u32,
    pub apr_monthly_bps: u32,
    pub tenure_months: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Cutoffs {
    /// Scores below this are declined.
    pub decline_below: i64,
    pub tiers: Vec<Tier>,
}

/// An adverse-action reason, ranked (rank 1 = the factor that cost the most points).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReasonCode {
    pub rank: u32,
    pub code: String,
    pub signal: String,
    pub points: i64,
    /// Empty when a redacted v2 statement withholds it.
    #[serde(default)]
    pub text: String,
}

/// How the decision was reached. Invariant: `score == baseline + Σ contributions[].points`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Explanation {
    pub method: ExplanationMethod,
    pub baseline: i64,
    pub score: i64,
    pub contributions: Vec<Contribution>,
    pub cutoffs: Cutoffs,
    /// Every adverse (negative) contribution, most adverse first.
    pub reason_codes: Vec<ReasonCode>,
    /// The first four reason codes (Reg B style principal reasons).
    pub top_adverse: Vec<ReasonCode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Offer {
    pub offer_id: String,
    pub consent_id: String,
    pub lender_id: String,
    pub created_at: DateTime<Utc>,
    pub decision: OfferDecision,
    /// Whole rupees, at most 100,000; 0 when declined.
    pub amount_inr: u32,
    /// Monthly APR in basis points (180 = 1.8 % a month); 0 when declined.
    pub apr_monthly_bps: u32,
    pub tenure_months: u32,
    pub explanation: Explanation,
    /// The RBI Key Fact Statement of an approved offer (absent when declined, and from lenders
    /// that predate it: the audit says so rather than assuming one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kfs: Option<KeyFactStatement>,
    pub signature: Signature,
}

/// The period a stated interest rate is per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RatePeriod {
    Month,
    Year,
}

/// The RBI digital lending rules' Key Fact Statement: what a borrower must be told before
/// signing. Money in whole rupees, rates in basis points (signed objects hold integers only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyFactStatement {
    /// The sanctioned loan amount.
    pub loan_amount_inr: u32,
    /// What reaches the borrower's account: the loan less fees deducted upfront.
    pub disbursed_inr: u32,
    /// The annual percentage rate the lender states, all-inclusive (interest and every fee),
    /// basis points a year; the audit recomputes it from `schedule` and `disbursedInr`.
    pub apr_annual_bps: u32,
    /// The interest rate as the lender quotes it, per `nominalRatePeriod`.
    pub nominal_rate_bps: u32,
    pub nominal_rate_period: RatePeriod,
    pub fees: Vec<Fee>,
    /// Every repayment, in order.
    pub schedule: Vec<Instalment>,
    /// The sum of every repayment.
    pub total_payable_inr: u32,
    /// The cooling-off (look-up) period: days in which the borrower may leave the loan by
    /// repaying principal and proportionate APR, with no penalty.
    pub cooling_off_days: u32,
    /// The RBI-regulated entity that lends.
    pub regulated_entity: RegulatedEntity,
    /// The lending service provider (an app or agent acting for the regulated entity), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lending_service_provider: Option<LendingServiceProvider>,
    pub grievance_officer: GrievanceOfficer,
}

/// A fee or charge of the loan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fee {
    /// `processing`, `insurance`, `documentation`, `stamp-duty` or `other`; the UI words it.
    pub code: String,
    pub amount_inr: u32,
    /// Deducted from the loan before it is paid out (else added to the repayments).
    pub upfront: bool,
}

/// One repayment of the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Instalment {
    /// 1-based.
    pub number: u32,
    pub due_date: NaiveDate,
    /// The whole instalment (EMI): `principalInr + interestInr`.
    pub amount_inr: u32,
    pub principal_inr: u32,
    pub interest_inr: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegulatedEntity {
    pub name: String,
    /// The RBI certificate of registration or licence number.
    pub registration: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LendingServiceProvider {
    pub name: String,
    /// Its app, if the borrower met the lender through one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GrievanceOfficer {
    pub name: String,
    pub email: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OfferList {
    pub items: Vec<Offer>,
}

/// Body of `POST /quotes`: a soft what-if with some signals withheld.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuoteBody {
    /// Offer to re-score; the latest offer when absent (and no `requestId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<String>,
    /// A pending consent request to quote before any consent exists: the offer the borrower
    /// would get sharing every requested signal except `withhold` (exclusive with `offerId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    pub withhold: Vec<String>,
}

/// A counterfactual offer; never stored, never changes the borrower's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Quote {
    pub quote_id: String,
    /// The offer re-scored; empty for a quote of a consent request.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub offer_id: String,
    /// The consent request quoted before consent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    pub lender_id: String,
    pub created_at: DateTime<Utc>,
    pub withheld: Vec<String>,
    pub soft: bool,
    pub decision: OfferDecision,
    pub amount_inr: u32,
    pub apr_monthly_bps: u32,
    pub tenure_months: u32,
    pub explanation: Explanation,
    pub signature: Signature,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RightsKind {
    Erasure,
    Correction,
    Grievance,
    HumanReview,
    /// DPDP Act 2023 s.11: a summary of the personal data held and who it was shared with.
    Access,
    /// DPDP Act 2023 s.14: the person who may exercise the borrower's rights on death or
    /// incapacity.
    Nomination,
}

/// The person a borrower nominates (DPDP Act 2023 s.14), sent with a `NOMINATION` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Nominee {
    pub name: String,
    /// How the nominee is related to the borrower, in the borrower's words.
    pub relationship: String,
    /// A phone number or email address to reach the nominee.
    pub contact: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RightsStatus {
    Received,
    InProgress,
    Resolved,
    Rejected,
}

/// Body of `POST /rights-requests`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RightsRequestBody {
    pub kind: RightsKind,
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_id: Option<String>,
    /// The nominee, for a `NOMINATION` request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nominee: Option<Nominee>,
}

/// A tracked rights request (DPDP Act 2023 ss.11–14, and a person's review of an automated
/// decision): ticket and due date included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RightsRequest {
    pub request_id: String,
    pub ticket: String,
    pub lender_id: String,
    pub kind: RightsKind,
    pub status: RightsStatus,
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nominee: Option<Nominee>,
    pub created_at: DateTime<Utc>,
    pub due_by: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    pub signature: Signature,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RightsRequestList {
    pub items: Vec<RightsRequest>,
}

/// RFC 6749 §5.1 token response.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// Tokens are secrets: never print them, even in debug logs.
impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("scope", &self.scope)
            .finish()
    }
}
