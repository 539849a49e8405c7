//! The views of rights requests: what each is about, its statutory clocks, and the facts the UI
//! words into a follow-up letter or a complaint to a regulator once a clock has run out.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use khata_evidence::rights_clocks::NextStep;

/// A kind of rights request (DPDP Act 2023 ss.11–14, and a person's review of an automated
/// decision, which the lending API also takes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RightsKindView {
    /// s.11: a summary of the data and who it was shared with.
    Access,
    /// s.12.
    Correction,
    /// s.12.
    Erasure,
    /// s.13.
    Grievance,
    /// s.14: the person who may act for the borrower.
    Nomination,
    /// A person looks again at a decision a machine made.
    HumanReview,
}

/// What a request is about; any may be absent (the borrower's data in general).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RightsSubject {
    pub signal: Option<String>,
    pub offer_id: Option<String>,
    pub consent_id: Option<String>,
}

/// The person a nomination names (DPDP Act 2023 s.14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RequestNominee {
    pub name: String,
    /// How the nominee is related to the borrower, in the borrower's words.
    pub relationship: String,
    /// A phone number or email address.
    pub contact: String,
}

/// One statutory clock on a request, as it stands now; the UI words it ("Reply due by
/// 31 Dec 2026 — RBI rules, 30 days").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClockView {
    /// Stable id (`rbi-ombudsman-30d`, `dpdp-grievance-90d`, `dpdp-rights-not-notified`).
    pub id: String,
    /// The period in days; `null` when no period is notified.
    pub days: Option<u32>,
    /// Whether the rules notify a period at all.
    pub notified: bool,
    /// The earlier of Khata's send time and the lender's signed `createdAt`.
    pub started_at: i64,
    /// When the period runs out; `null` when none is notified.
    pub due_at: Option<i64>,
    /// Past `dueAt` and not answered.
    pub overdue: bool,
    /// The law, as its title reads.
    pub source: String,
    /// The clause within it.
    pub clause: String,
    /// When the source was last checked (ISO date).
    pub as_of: String,
    /// When the clause comes into force, if not yet (ISO date).
    pub in_force_from: Option<String>,
    pub next_step: NextStep,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RightsRequestView {
    pub id: String,
    pub lender_id: String,
    pub lender_name: String,
    pub kind: RightsKindView,
    /// `pending`, `sent`, `acknowledged`, `resolved` or `rejected`.
    pub status: String,
    pub ticket: Option<String>,
    pub details: Option<String>,
    /// When Khata filed it.
    pub created_at: i64,
    /// The `createdAt` the lender signed, once it answered.
    pub lender_created_at: Option<i64>,
    /// The lender's own `dueBy`: shown beside the statutory clocks, never extending them.
    pub due_at: Option<i64>,
    /// Past the lender's `dueBy` or a statutory deadline, and not resolved.
    pub overdue: bool,
    pub about: RightsSubject,
    pub nominee: Option<RequestNominee>,
    pub clocks: Vec<ClockView>,
}

/// What the lender holds of one signal, as far as Khata knows: shown before a correction, so
/// the borrower does not ask blind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CorrectionContext {
    pub lender_id: String,
    pub signal: String,
    pub signal_name: String,
    /// The bin the lender's latest offer scored for it (the UI words it), and that offer.
    pub bin: Option<String>,
    pub offer_id: Option<String>,
    pub offer_at: Option<i64>,
    /// The last collection of it the lender declared.
    pub last_collected_at: Option<i64>,
}

/// The facts of an escalation: the UI words the follow-up letter and the complaint to the RBI
/// Ombudsman or the Data Protection Board from them, in the borrower's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EscalationFacts {
    pub request: RightsRequestView,
    /// The lender's regulator registration (e.g. an RBI certificate of registration).
    pub lender_registration: Option<String>,
    /// The lender's published contact (its grievance officer, when it names one).
    pub lender_contact: Option<String>,
    /// When the borrower first complained: the clocks' start.
    pub first_complained_at: i64,
    /// The statutory clocks that have run out, each with its next step.
    pub overdue_clocks: Vec<ClockView>,
    /// Where each next step is taken (e.g. `https://cms.rbi.org.in`), by next step.
    pub next_steps: Vec<NextStepFacts>,
    /// Audit findings against this lender: the evidence the packet carries.
    pub findings: u32,
    /// Whether the lender's signed acknowledgement (ticket, `createdAt`) is held.
    pub acknowledged: bool,
    /// When drafted (the complaint's date).
    pub drafted_at: i64,
}

/// Where a next step is taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NextStepFacts {
    pub step: NextStep,
    /// The portal's address, when there is one.
    pub portal: Option<String>,
}
