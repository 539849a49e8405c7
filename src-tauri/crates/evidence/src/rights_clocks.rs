//! Statutory clocks on a rights request, as data: how long the law gives a lender to answer,
//! which kinds of request each period covers, where it is written (law and clause) and when
//! that was last checked, and what the borrower may do once it runs out. The periods are the
//! law's, never the lender's: a clock starts at the earlier of the time Khata sent the request
//! (its own ledger) and the `createdAt` the lender signed (an admission against its interest),
//! and the lender's own `dueBy` never extends it.
//!
//! A period the rules have not fixed is kept with `days: None` and `notified: false`, so the
//! UI says that no period is notified instead of showing an invented one.

use khata_contract::types::RightsKind;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

const DAY_MS: i64 = 86_400_000;

/// Where the borrower may turn once a clock has run out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NextStep {
    /// A complaint to the RBI Ombudsman (the Complaint Management System, cms.rbi.org.in).
    RbiOmbudsman,
    /// A complaint to the Data Protection Board of India (DPDP Act 2023 s.13(3), s.27).
    DataProtectionBoard,
    /// A grievance to the lender's own grievance officer first (DPDP Act 2023 s.13): the Board
    /// hears a borrower only once the lender's grievance redressal has been tried.
    LenderGrievance,
}

/// One statutory period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RightsClock {
    /// Stable id, e.g. `rbi-ombudsman-30d`: calendar UIDs and the UI's messages key on it.
    pub id: &'static str,
    /// Days the lender has; `None` when the rules fix no period (see `notified`).
    pub days: Option<u32>,
    /// Whether a period is notified at all.
    pub notified: bool,
    /// The kinds of request the period covers.
    pub applies_to: &'static [RightsKind],
    /// The law, as its title reads.
    pub law: &'static str,
    /// The clause within it.
    pub clause: &'static str,
    /// When the source was last checked (ISO date).
    pub as_of: &'static str,
    /// When the clause comes into force, if later than `as_of` (ISO date).
    pub in_force_from: Option<&'static str>,
    pub next_step: NextStep,
}

/// Every clock Khata knows, checked on `as_of`.
///
/// - RBI: a complaint lies with the Ombudsman once the regulated entity has rejected it or not
///   replied within 30 days of receiving it (Reserve Bank – Integrated Ombudsman Scheme, 2021,
///   cl. 10(2)(a)). Only a grievance counts: a credit decision itself is a "commercial
///   decision" the scheme excludes, so a review of one is not escalated there.
/// - DPDP: the Rules, 2025 (notified 13 November 2025) make a lender publish its period for
///   answering grievances, "a reasonable period not exceeding ninety days" (r. 14(3)); rules 3
///   and 5 to 16 come into force eighteen months after publication. For access, correction,
///   erasure and nomination the Rules notify no period: the next step is a grievance.
pub const CLOCKS: &[RightsClock] = &[
    RightsClock {
        id: "rbi-ombudsman-30d",
        days: Some(30),
        notified: true,
        applies_to: &[RightsKind::Grievance],
        law: "Reserve Bank – Integrated Ombudsman Scheme, 2021",
        clause: "cl. 10(2)(a)",
        as_of: "2026-12-01",
        in_force_from: None,
        next_step: NextStep::RbiOmbudsman,
    },
    RightsClock {
        id: "dpdp-grievance-90d",
        days: Some(90),
        notified: true,
        applies_to: &[RightsKind::Grievance],
        law: "Digital Personal Data Protection Rules, 2025",
        clause: "r. 14(3)",
        as_of: "2026-12-01",
        in_force_from: Some("2027-05-13"),
        next_step: NextStep::DataProtectionBoard,
    },
    RightsClock {
        id: "dpdp-rights-not-notified",
        days: None,
        notified: false,
        applies_to: &[
            RightsKind::Access,
            RightsKind::Correction,
            RightsKind::Erasure,
            RightsKind::Nomination,
        ],
        law: "Digital Personal Data Protection Rules, 2025",
        clause: "r. 14",
        as_of: "2026-12-01",
        in_force_from: Some("2027-05-13"),
        next_step: NextStep::LenderGrievance,
    },
];

/// The clocks that cover `kind`, in [`CLOCKS`] order.
pub fn clocks_for(kind: RightsKind) -> impl Iterator<Item = &'static RightsClock> {
    CLOCKS.iter().filter(move |c| c.applies_to.contains(&kind))
}

/// A rights request as its clocks need it (times in Unix ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockedRequest {
    pub kind: RightsKind,
    /// When Khata sent it, from its own records.
    pub sent_at: i64,
    /// The `createdAt` the lender signed, once it answered.
    pub lender_created_at: Option<i64>,
    /// Resolved or rejected: the lender has answered, so nothing is overdue.
    pub closed: bool,
}

impl ClockedRequest {
    /// When every clock starts: the earlier of Khata's send time and the lender's signed
    /// `createdAt`. A later `createdAt` (the lender's clock, or its queue) never delays it.
    pub fn started_at(&self) -> i64 {
        self.lender_created_at
            .map_or(self.sent_at, |l| l.min(self.sent_at))
    }
}

/// One clock as it stands for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockStatus {
    pub clock: &'static RightsClock,
    pub started_at: i64,
    /// `None` when no period is notified.
    pub due_at: Option<i64>,
    /// Past `due_at` at `now` and not answered.
    pub overdue: bool,
}

/// Every clock on `request` at `now`.
pub fn clock_status(request: &ClockedRequest, now: i64) -> Vec<ClockStatus> {
    let started_at = request.started_at();
    clocks_for(request.kind)
        .map(|clock| {
            let due_at = clock
                .days
                .map(|d| started_at.saturating_add(i64::from(d) * DAY_MS));
            ClockStatus {
                clock,
                started_at,
                due_at,
                overdue: !request.closed && due_at.is_some_and(|d| now > d),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_790_000_000_000;

    fn grievance(lender_created_at: Option<i64>) -> ClockedRequest {
        ClockedRequest {
            kind: RightsKind::Grievance,
            sent_at: T0,
            lender_created_at,
            closed: false,
        }
    }

    #[test]
    fn every_clock_names_its_source_and_a_real_check_date() {
        for c in CLOCKS {
            assert!(!c.law.is_empty() && !c.clause.is_empty(), "{}", c.id);
            assert!(
                chrono::NaiveDate::parse_from_str(c.as_of, "%Y-%m-%d").is_ok(),
                "{}",
                c.id
            );
            if let Some(d) = c.in_force_from {
                assert!(chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok());
            }
            // A period is given exactly when one is notified.
            assert_eq!(c.days.is_some(), c.notified, "{}", c.id);
            assert!(!c.applies_to.is_empty(), "{}", c.id);
        }
        let mut ids: Vec<_> = CLOCKS.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CLOCKS.len(), "ids are unique");
    }

    #[test]
    fn a_grievance_runs_the_rbi_and_the_dpdp_clocks() {
        let ids: Vec<_> = clocks_for(RightsKind::Grievance).map(|c| c.id).collect();
        assert_eq!(ids, ["rbi-ombudsman-30d", "dpdp-grievance-90d"]);
        // A human review of a credit decision is no complaint the Ombudsman hears.
        assert_eq!(clocks_for(RightsKind::HumanReview).count(), 0);
        let access: Vec<_> = clocks_for(RightsKind::Access).collect();
        assert_eq!(access.len(), 1);
        assert!(!access[0].notified);
        assert_eq!(access[0].next_step, NextStep::LenderGrievance);
    }

    #[test]
    fn a_clock_starts_at_the_earlier_of_khatas_send_and_the_lenders_created_at() {
        // The lender's signed createdAt is earlier: it counts against the lender.
        let early = grievance(Some(T0 - 31 * DAY_MS));
        assert_eq!(early.started_at(), T0 - 31 * DAY_MS);
        let s = clock_status(&early, T0);
        assert_eq!(s[0].due_at, Some(T0 - DAY_MS));
        assert!(s[0].overdue);
        assert!(!s[1].overdue, "90 days have not passed");
        // A later createdAt (the lender's queue) never delays the clock.
        let late = grievance(Some(T0 + 5 * DAY_MS));
        assert_eq!(late.started_at(), T0);
        assert_eq!(clock_status(&late, T0)[0].due_at, Some(T0 + 30 * DAY_MS));
        // Not answered yet: Khata's own send time.
        assert_eq!(grievance(None).started_at(), T0);
    }

    #[test]
    fn overdue_only_after_the_deadline_and_only_while_unanswered() {
        let r = grievance(None);
        let due = T0 + 30 * DAY_MS;
        assert!(!clock_status(&r, due)[0].overdue, "due that very moment");
        assert!(clock_status(&r, due + 1)[0].overdue);
        let closed = ClockedRequest { closed: true, ..r };
        assert!(!clock_status(&closed, due + 1)[0].overdue);
    }

    #[test]
    fn a_period_not_notified_has_no_deadline_and_is_never_overdue() {
        let r = ClockedRequest {
            kind: RightsKind::Correction,
            sent_at: T0,
            lender_created_at: None,
            closed: false,
        };
        let s = clock_status(&r, i64::MAX);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].due_at, None);
        assert!(!s[0].overdue);
    }
}
