//! The Key Fact Statement of an offer as the Offer screen shows it: the lender's figures, cleaned
//! and bounded (every string and list in it is the lender's, so hostile), beside Khata's own APR
//! recomputed from the same schedule (`khata_evidence::kfs`) and whether the two agree, so the
//! borrower sees both numbers rather than taking the lender's word.

use khata_evidence::kfs::{self, KfsCheck};
use khata_lending::lender_text::sanitize_to;
use khata_lending::types as wire;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Instalments shown at most: 50 years of monthly EMIs. A longer schedule is cut (the count of
/// the rest is kept), so a hostile lender cannot send the window a million rows; the APR and
/// the checks still read all of it.
pub const MAX_SCHEDULE_ROWS: usize = 600;
/// Fees shown at most.
pub const MAX_FEES: usize = 20;
/// Characters kept of a name, registration, e-mail or phone number.
pub const MAX_NAME_CHARS: usize = 200;
/// Characters kept of a fee's code.
pub const MAX_CODE_CHARS: usize = 40;

/// The period a stated interest rate is per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RatePeriodView {
    Month,
    Year,
}

/// A fee or charge; the UI words known codes (`processing`, `insurance`, `documentation`,
/// `stamp-duty`, `other`) and shows any other as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FeeView {
    pub code: String,
    pub amount_inr: u32,
    /// Deducted from the loan before payout.
    pub upfront: bool,
}

/// One repayment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InstalmentView {
    pub number: u32,
    /// `YYYY-MM-DD`, a calendar date (no time zone).
    pub due_date: String,
    pub amount_inr: u32,
    pub principal_inr: u32,
    pub interest_inr: u32,
}

/// Who lends, who acts for it, and whom to complain to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KfsParty {
    pub name: String,
    /// The regulated entity's RBI registration; the LSP's app; the grievance officer's e-mail.
    pub detail: Option<String>,
    /// The grievance officer's phone.
    pub phone: Option<String>,
}

/// The RBI Key Fact Statement of an approved offer, with Khata's own APR beside the lender's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KfsView {
    pub loan_amount_inr: u32,
    /// What reaches the borrower: the loan less the fees taken upfront.
    pub disbursed_inr: u32,
    /// The annual percentage rate the lender states, all-inclusive, basis points a year.
    pub apr_annual_bps: u32,
    /// The interest rate as quoted, per `nominalRatePeriod`.
    pub nominal_rate_bps: u32,
    pub nominal_rate_period: RatePeriodView,
    pub fees: Vec<FeeView>,
    pub schedule: Vec<InstalmentView>,
    /// Instalments beyond [`MAX_SCHEDULE_ROWS`] not listed.
    pub schedule_omitted: u32,
    pub total_payable_inr: u32,
    pub cooling_off_days: u32,
    /// The RBI-regulated lender (`detail`: its registration).
    pub regulated_entity: KfsParty,
    /// The lending service provider, if any (`detail`: its app).
    pub lending_service_provider: Option<KfsParty>,
    /// `detail`: e-mail; `phone`.
    pub grievance_officer: KfsParty,
    /// Khata's APR from the schedule and the payout (basis points a year, the RBI's method);
    /// `null` when the statement gives nothing to compute it from.
    pub recomputed_apr_bps: Option<i64>,
    /// The monthly rate found, in millionths (18000 = 1.8 % a month); × 12 is the APR.
    pub monthly_rate_ppm: Option<i64>,
    /// How far the stated APR may be from Khata's before it is a mismatch (basis points).
    pub apr_tolerance_bps: Option<i64>,
    /// Whether the stated APR agrees with Khata's (`null`: not computable).
    pub apr_matches: Option<bool>,
    /// The arithmetic checks that fail (empty: the figures add up).
    pub inconsistent: Vec<KfsCheck>,
}

fn party(name: &str, detail: Option<&str>, phone: Option<&str>) -> KfsParty {
    KfsParty {
        name: sanitize_to(name, MAX_NAME_CHARS),
        detail: detail.map(|d| sanitize_to(d, MAX_NAME_CHARS)),
        phone: phone.map(|p| sanitize_to(p, MAX_NAME_CHARS)),
    }
}

/// The view of `offer`'s statement, if it carries one.
pub fn kfs_view(offer: &wire::Offer) -> Option<KfsView> {
    let k = offer.kfs.as_ref()?;
    let apr = kfs::recompute_apr(k).ok();
    let mut inconsistent: Vec<KfsCheck> = kfs::check_arithmetic(k, offer.amount_inr)
        .into_iter()
        .map(|i| i.check)
        .collect();
    inconsistent.dedup();
    Some(KfsView {
        loan_amount_inr: k.loan_amount_inr,
        disbursed_inr: k.disbursed_inr,
        apr_annual_bps: k.apr_annual_bps,
        nominal_rate_bps: k.nominal_rate_bps,
        nominal_rate_period: match k.nominal_rate_period {
            wire::RatePeriod::Month => RatePeriodView::Month,
            wire::RatePeriod::Year => RatePeriodView::Year,
        },
        fees: k
            .fees
            .iter()
            .take(MAX_FEES)
            .map(|f| FeeView {
                code: sanitize_to(&f.code, MAX_CODE_CHARS),
                amount_inr: f.amount_inr,
                upfront: f.upfront,
            })
            .collect(),
        schedule: k
            .schedule
            .iter()
            .take(MAX_SCHEDULE_ROWS)
            .map(|i| InstalmentView {
                number: i.number,
                due_date: i.due_date.format("%Y-%m-%d").to_string(),
                amount_inr: i.amount_inr,
                principal_inr: i.principal_inr,
                interest_inr: i.interest_inr,
            })
            .collect(),
        schedule_omitted: u32::try_from(k.schedule.len().saturating_sub(MAX_SCHEDULE_ROWS))
            .unwrap_or(u32::MAX),
        total_payable_inr: k.total_payable_inr,
        cooling_off_days: k.cooling_off_days,
        regulated_entity: party(
            &k.regulated_entity.name,
            Some(&k.regulated_entity.registration),
            None,
        ),
        lending_service_provider: k
            .lending_service_provider
            .as_ref()
            .map(|l| party(&l.name, l.app.as_deref(), None)),
        grievance_officer: party(
            &k.grievance_officer.name,
            Some(&k.grievance_officer.email),
            Some(&k.grievance_officer.phone),
        ),
        recomputed_apr_bps: apr.map(|a| a.annual_bps),
        monthly_rate_ppm: apr.map(|a| a.monthly_rate_ppm()),
        apr_tolerance_bps: apr.map(|a| a.tolerance_bps()),
        apr_matches: apr.map(|a| a.agrees_with(i64::from(k.apr_annual_bps))),
        inconsistent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn offer(kfs: wire::KeyFactStatement) -> wire::Offer {
        wire::Offer {
            offer_id: "o".into(),
            consent_id: "c".into(),
            lender_id: "L".into(),
            created_at: "2026-12-02T00:00:00Z".parse().unwrap(),
            decision: wire::OfferDecision::Approved,
            amount_inr: 100_000,
            apr_monthly_bps: 180,
            tenure_months: 12,
            explanation: wire::Explanation {
                method: wire::ExplanationMethod::ScorecardPoints,
                baseline: 600,
                score: 600,
                contributions: vec![],
                cutoffs: wire::Cutoffs {
                    decline_below: 570,
                    tiers: vec![],
                },
                reason_codes: vec![],
                top_adverse: vec![],
            },
            kfs: Some(kfs),
            signature: wire::Signature {
                alg: "Ed25519".into(),
                key_id: "k".into(),
                value: String::new(),
            },
        }
    }

    /// ₹1,00,000 over 12 months at 1.8 % a month, ₹2,360 of fees: the sandbox's best tier.
    fn statement(stated_bps: u32) -> wire::KeyFactStatement {
        let emi = [9_340; 11];
        let mut balance: u32 = 100_000;
        let mut schedule = Vec::new();
        for n in 1..=12u32 {
            let interest = (balance * 180 + 5_000) / 10_000;
            let principal = if n == 12 { balance } else { emi[0] - interest };
            balance -= principal;
            schedule.push(wire::Instalment {
                number: n,
                due_date: NaiveDate::from_ymd_opt(2026, 12, 2)
                    .unwrap()
                    .checked_add_months(chrono::Months::new(n))
                    .unwrap(),
                amount_inr: principal + interest,
                principal_inr: principal,
                interest_inr: interest,
            });
        }
        wire::KeyFactStatement {
            loan_amount_inr: 100_000,
            disbursed_inr: 97_640,
            apr_annual_bps: stated_bps,
            nominal_rate_bps: 180,
            nominal_rate_period: wire::RatePeriod::Month,
            fees: vec![wire::Fee {
                code: "processing".into(),
                amount_inr: 2_360,
                upfront: true,
            }],
            total_payable_inr: schedule.iter().map(|i| i.amount_inr).sum(),
            schedule,
            cooling_off_days: 3,
            regulated_entity: wire::RegulatedEntity {
                name: "Sandbox Finance\n\u{202E}Ltd".into(),
                registration: "N-14.03999".into(),
            },
            lending_service_provider: None,
            grievance_officer: wire::GrievanceOfficer {
                name: "A".repeat(10_000),
                email: "g@example.in".into(),
                phone: "1800".into(),
            },
        }
    }

    #[test]
    fn the_view_sets_khatas_apr_beside_the_lenders() {
        let v = kfs_view(&offer(statement(2_626))).unwrap();
        assert_eq!(v.recomputed_apr_bps, Some(2_626));
        assert_eq!(v.apr_matches, Some(true));
        assert!(v.inconsistent.is_empty());
        assert_eq!(v.schedule[0].due_date, "2027-01-02");
        assert_eq!(v.total_payable_inr, 112_081);

        let wrong = kfs_view(&offer(statement(2_160))).unwrap();
        assert_eq!(wrong.apr_matches, Some(false));
        assert_eq!(wrong.monthly_rate_ppm, Some(21_886));
    }

    #[test]
    fn lender_strings_and_lists_are_cleaned_and_bounded() {
        let mut k = statement(2_626);
        let extra = k.schedule[0].clone();
        k.schedule.extend(std::iter::repeat_n(extra, 1_000));
        let v = kfs_view(&offer(k)).unwrap();
        assert_eq!(v.regulated_entity.name, "Sandbox Finance Ltd");
        assert_eq!(v.grievance_officer.name.chars().count(), MAX_NAME_CHARS);
        assert_eq!(v.schedule.len(), MAX_SCHEDULE_ROWS);
        assert_eq!(v.schedule_omitted, 412);
        assert!(v.inconsistent.contains(&KfsCheck::TotalPayable));
        let mut none = offer(statement(0));
        none.kfs = None;
        assert!(kfs_view(&none).is_none());
    }
}
