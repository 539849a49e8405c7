//! Consent-versus-use audit: violations and explanation checks, each finding with its evidence.
//!
//! The rules are pure functions over an [`AuditInput`] — the lenders' signed statements
//! (consent artefacts in every version seen, revocation receipts, disclosures, offers, quotes)
//! and the signal catalogue — so they are unit-testable without I/O and run the same over a
//! live vault (the engine reads one) or an export file ([`export::from_export`]).
//!
//! Every [`Finding`] names its [`Rule`] (a stable kebab-case id), a [`Severity`], the time it
//! happened, typed [`FindingFacts`] (no sentence: readers word it in their own language), the
//! records involved and the signed lender statements that prove it, exactly as the lender
//! signed them. A rule broken by many disclosures is one finding per lender,
//! consent and signal (and recipient, purpose or pause where those differ) with the count, the
//! first and last time, the first and last few records and the first and last offending
//! statements: a lender that collects every minute under a once-a-day consent is one
//! `above-frequency` finding, not a million. Statements are shared between findings
//! (`Arc`), never copied per finding.
//!
//! [`DisclosureRules`] sees one disclosure at a time and keeps only indexes, so an export's
//! disclosures can stay raw text until a few of them become evidence
//! ([`export::audit_export_bytes`]).
//!
//! The `log` family ([`rules::log`]) reads the conflicts kept when a lender's disclosure log
//! contradicted itself at sync ([`LogConflictIn`]).
//!
//! The `observed-*` family ([`rules::phone`]) reads what the borrower's own phone recorded the
//! lender's app doing ([`AuditInput::observations`]), against the same consent states and the
//! disclosures, which it sees through [`DisclosureRules`] like the other disclosure rules.
//!
//! What cannot be detected: the lending API has no deletion receipts, so "kept beyond
//! DataLife" is reported as [`Rule::DataLifeExceeded`] (severity `low`) for every disclosure
//! whose data life has run out — the lender has not proven deletion, which is all a borrower
//! can show. Use of data inside the lender (beyond what it declares in disclosures) is
//! invisible to any client.

pub mod collection;
mod consent_state;
mod disclosures;
pub mod export;
mod finding;
mod group;
mod input;
mod log_conflict;
mod observed;
pub mod regulatory;
mod requests;
mod rules;

use std::collections::HashSet;

pub use disclosures::DisclosureRules;
pub use finding::{
    AuditReport, AuditSummary, Evidence, Finding, FindingFacts, ObservedFacts, ObservedWhy,
    PeriodUnit, QuoteOfferField, RecordRef, Rule, Severity, SignalPoints, TreeHeadFacts,
};
pub use group::DisclosureSource;
pub use input::{AuditInput, DisclosureIn, SignalMeta, Stmt, leaf_disclosure, parse_disclosure};
pub use log_conflict::{LogConflictIn, LogConflictKind};
pub use requests::{
    BorrowerRequest, Contradiction, RECEIPT_CLOCK_SKEW_MS, REVOCATION_ACK_DEADLINE_MS,
    check_consent, check_receipt,
};
pub use rules::data_life::data_life_ms;
pub use rules::explanations::check_explanations;
pub use rules::phone::UNDECLARED_WINDOW_HOURS;

/// The regulatory flag that bars lenders from collecting a signal at all (RBI 2022), as the
/// contract spells it. Lenders set it in their catalogues; the rules do not depend on it (see
/// [`regulatory`]), and `prohibited-signal` facts carry it as the flag the built-in table means.
pub const PROHIBITED_FLAG: &str = "rbi-2022-prohibited";
/// Tolerance, in score points, for "contributions add up to the score" and for counterfactual
/// quotes. Scorecard points are integers, so the check is exact.
pub const SCORE_TOLERANCE: i64 = 0;
/// Reg B style principal reasons: at most this many in `topAdverse`.
pub const MAX_TOP_ADVERSE: usize = 4;

/// Offending disclosures a grouped finding lists by id: this many first and this many last, in
/// the order found (vault order; for the frequency rule, time order). `records_omitted` counts
/// the rest. A million ids would make one finding tens of megabytes (the Audit screen, the
/// grievance letter); the rule, consent, signal and time range, with the count, name the rest,
/// and re-running the audit on the export lists the same ones.
pub const RECORD_SAMPLE_EACH_END: usize = 5;

/// Checks every disclosure against the consent it relies on. Pure.
pub fn check_disclosures(input: &AuditInput) -> Vec<Finding> {
    let mut rules = DisclosureRules::new(input);
    for (i, d) in input.disclosures.iter().enumerate() {
        rules.check(i, &d.stmt.value);
    }
    rules.finish(&input.disclosures)
}

/// Runs every rule and summarises. Findings come most severe first, then by time.
pub fn audit(input: &AuditInput) -> AuditReport {
    report(
        input,
        input.disclosures.len() as u64,
        check_disclosures(input),
    )
}

/// The report from the disclosures' findings (`disclosures` of them checked, perhaps not held in
/// `input`) and the explanation checks of `input`.
pub fn report(input: &AuditInput, disclosures: u64, mut findings: Vec<Finding>) -> AuditReport {
    findings.extend(check_explanations(input));
    findings.extend(rules::kfs::check(input));
    findings.extend(rules::requests::check(input));
    findings.extend(rules::quotes::check(input));
    findings.extend(rules::log::check(input));
    findings.sort_by_key(|f| (f.severity, f.at, f.rule));
    let mut summary = AuditSummary {
        disclosures,
        consents: input
            .consents
            .iter()
            .map(|c| c.value.consent_id.as_str())
            .collect::<HashSet<_>>()
            .len() as u64,
        offers: input.offers.len() as u64,
        quotes: input.quotes.len() as u64,
        findings: findings.len() as u64,
        unreadable: input.unreadable.clone(),
        ..Default::default()
    };
    for f in &findings {
        *summary.by_rule.entry(f.rule.id().into()).or_default() += 1;
        let sev = serde_json::to_value(f.severity)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        *summary.by_severity.entry(sev).or_default() += 1;
    }
    AuditReport { summary, findings }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_requests;
