//! The Key Fact Statement the sandbox lender attaches to an approved offer, as the RBI's digital
//! lending rules require: the loan, a processing fee deducted upfront, a monthly
//! reducing-balance EMI schedule from the offer's date, the total to repay, a cooling-off
//! period, the regulated entity (a fictional NBFC), the lending service provider and the
//! grievance officer.
//!
//! The APR is computed honestly here, from the statement's own schedule and payout, the way
//! the RBI's KFS circular illustrates it (the monthly IRR on the amount paid out, × 12). The
//! sandbox may not depend on `khata-evidence` (docs/ARCHITECTURE.md's dependency rules), so it
//! has its own small solver; Khata's audit recomputes the figure independently. The
//! `wrong-apr` scenario states what many apps show instead: 12 × the monthly interest rate,
//! fees left out.

use chrono::{DateTime, Months, NaiveDate, Utc};
use khata_lending::types::{
    Fee, GrievanceOfficer, Instalment, KeyFactStatement, LendingServiceProvider, RatePeriod,
    RegulatedEntity,
};

/// The processing fee: 2 % of the loan, in basis points.
pub const PROCESSING_FEE_BPS: u64 = 200;
/// GST on the fee: 18 %, in basis points; charged with it as one upfront fee.
pub const GST_BPS: u64 = 1_800;
/// The cooling-off (look-up) period, in days.
pub const COOLING_OFF_DAYS: u32 = 3;

/// How the statement states its APR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AprStated {
    /// The all-inclusive APR of the schedule and the payout.
    Honest,
    /// 12 × the monthly interest rate, fees left out (understated).
    NominalWithoutFees,
}

/// The statement for a loan of `loan_inr` at `monthly_bps` a month over `months`, offered at
/// `created_at`, through the lending service provider's app `app`. `None` when there is nothing
/// to state (no loan, no months).
pub fn statement(
    loan_inr: u32,
    monthly_bps: u32,
    months: u32,
    created_at: DateTime<Utc>,
    stated: AprStated,
    app: &str,
) -> Option<KeyFactStatement> {
    if loan_inr == 0 || months == 0 {
        return None;
    }
    let fee = processing_fee(loan_inr);
    let schedule = amortise(loan_inr, monthly_bps, months, created_at.date_naive());
    let disbursed = loan_inr - fee;
    let apr_annual_bps = match stated {
        AprStated::Honest => apr_bps(disbursed, &schedule),
        AprStated::NominalWithoutFees => monthly_bps * 12,
    };
    Some(KeyFactStatement {
        loan_amount_inr: loan_inr,
        disbursed_inr: disbursed,
        apr_annual_bps,
        nominal_rate_bps: monthly_bps,
        nominal_rate_period: RatePeriod::Month,
        fees: vec![Fee {
            code: "processing".into(),
            amount_inr: fee,
            upfront: true,
        }],
        total_payable_inr: schedule.iter().map(|i| i.amount_inr).sum(),
        schedule,
        cooling_off_days: COOLING_OFF_DAYS,
        regulated_entity: RegulatedEntity {
            name: "Sandbox Finance Private Limited (fictional NBFC)".into(),
            registration: "N-14.03999".into(),
        },
        lending_service_provider: Some(LendingServiceProvider {
            name: "Khata Sandbox Loans".into(),
            app: Some(app.into()),
        }),
        grievance_officer: GrievanceOfficer {
            name: "Asha Verma".into(),
            email: "grievance@sandbox-finance.example".into(),
            phone: "+91 1800 000 0000".into(),
        },
    })
}

/// 2 % of the loan plus 18 % GST on it, to the nearest rupee (₹2,360 on ₹1,00,000).
pub fn processing_fee(loan_inr: u32) -> u32 {
    let scale = 10_000 * 10_000;
    let fee = (u64::from(loan_inr) * PROCESSING_FEE_BPS * (10_000 + GST_BPS) + scale / 2) / scale;
    fee.min(u64::from(loan_inr)) as u32
}

/// A reducing-balance schedule in whole rupees: the EMI rounded to the rupee, each month's
/// interest on the balance rounded, the last instalment clearing what is left; due a month
/// apart from a month after `start`.
pub fn amortise(loan_inr: u32, monthly_bps: u32, months: u32, start: NaiveDate) -> Vec<Instalment> {
    let r = f64::from(monthly_bps) / 10_000.0;
    let emi = if monthly_bps == 0 {
        f64::from(loan_inr) / f64::from(months)
    } else {
        let growth = (1.0 + r).powi(months as i32);
        f64::from(loan_inr) * r * growth / (growth - 1.0)
    }
    .round() as u64;
    let mut balance = u64::from(loan_inr);
    (1..=months)
        .map(|number| {
            let interest = (balance * u64::from(monthly_bps) + 5_000) / 10_000;
            let principal = if number == months {
                balance
            } else {
                emi.saturating_sub(interest).min(balance)
            };
            balance -= principal;
            Instalment {
                number,
                due_date: start
                    .checked_add_months(Months::new(number))
                    .unwrap_or(NaiveDate::MAX),
                amount_inr: (principal + interest) as u32,
                principal_inr: principal as u32,
                interest_inr: interest as u32,
            }
        })
        .collect()
}

/// The APR in basis points: the monthly rate at which the instalments (the `k`th a `k` months
/// after payout) are worth `disbursed`, × 12, found by bisection.
pub fn apr_bps(disbursed: u32, schedule: &[Instalment]) -> u32 {
    let value = |r: f64| -> f64 {
        schedule
            .iter()
            .map(|i| f64::from(i.amount_inr) / (1.0 + r).powi(i.number as i32))
            .sum()
    };
    let target = f64::from(disbursed);
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if value(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (0.5 * (lo + hi) * 12.0 * 10_000.0).round() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn the_best_tier_states_its_fees_schedule_and_all_inclusive_apr() {
        let k = statement(
            100_000,
            180,
            12,
            at("2026-12-02T10:00:00Z"),
            AprStated::Honest,
            "app",
        )
        .unwrap();
        assert_eq!(k.fees[0].amount_inr, 2_360);
        assert_eq!(k.disbursed_inr, 97_640);
        assert_eq!(k.schedule.len(), 12);
        assert_eq!(k.schedule[0].amount_inr, 9_340);
        assert_eq!(
            k.schedule[0].due_date,
            NaiveDate::from_ymd_opt(2027, 1, 2).unwrap()
        );
        assert_eq!(
            k.schedule[11].due_date,
            NaiveDate::from_ymd_opt(2027, 12, 2).unwrap()
        );
        assert_eq!(k.total_payable_inr, 112_081);
        let principal: u32 = k.schedule.iter().map(|i| i.principal_inr).sum();
        assert_eq!(principal, 100_000);
        assert!(
            k.schedule
                .iter()
                .all(|i| i.amount_inr == i.principal_inr + i.interest_inr)
        );
        // 1.8 % a month on the loan is 26.26 % a year on what is paid out.
        assert_eq!(k.apr_annual_bps, 2_626);
        assert_eq!(k.nominal_rate_bps, 180);
        assert_eq!(k.cooling_off_days, 3);
    }

    #[test]
    fn the_wrong_apr_is_twelve_times_the_monthly_rate() {
        let k = statement(
            100_000,
            180,
            12,
            at("2026-12-02T10:00:00Z"),
            AprStated::NominalWithoutFees,
            "app",
        )
        .unwrap();
        assert_eq!(k.apr_annual_bps, 2_160);
    }

    #[test]
    fn every_tier_adds_up() {
        for t in crate::scorecard::tiers() {
            let k = statement(
                t.limit_inr,
                t.apr_monthly_bps,
                t.tenure_months,
                at("2026-01-31T00:00:00Z"),
                AprStated::Honest,
                "app",
            )
            .unwrap();
            let principal: u32 = k.schedule.iter().map(|i| i.principal_inr).sum();
            assert_eq!(principal, t.limit_inr);
            assert!(k.apr_annual_bps > t.apr_monthly_bps * 12, "{t:?}");
        }
        assert!(
            statement(
                0,
                180,
                12,
                at("2026-01-31T00:00:00Z"),
                AprStated::Honest,
                "app"
            )
            .is_none()
        );
    }
}
