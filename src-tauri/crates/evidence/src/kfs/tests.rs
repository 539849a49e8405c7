//! The APR and the arithmetic checks on the RBI's own example, on the sandbox lender's honest
//! and understated statements, and on hostile schedules.

use super::*;
use khata_contract::types::{
    Fee, GrievanceOfficer, Instalment, KeyFactStatement, RatePeriod, RegulatedEntity,
};

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A month after `d`, clamped to the month's last day.
fn next_month(d: NaiveDate) -> NaiveDate {
    d.checked_add_months(chrono::Months::new(1)).unwrap()
}

/// A reducing-balance EMI schedule in whole rupees, as the sandbox lender builds one: the EMI
/// rounded, each month's interest on the balance rounded, the last instalment clearing it.
pub(crate) fn amortise(
    loan: u32,
    monthly_bps: u32,
    months: u32,
    start: NaiveDate,
) -> Vec<Instalment> {
    let r = f64::from(monthly_bps) / 10_000.0;
    let growth = (1.0 + r).powi(months as i32);
    let emi = (f64::from(loan) * r * growth / (growth - 1.0)).round() as u64;
    let mut balance = u64::from(loan);
    let mut due = start;
    (1..=months)
        .map(|number| {
            due = next_month(due);
            let interest = (balance * u64::from(monthly_bps) + 5_000) / 10_000;
            let principal = if number == months {
                balance
            } else {
                emi - interest
            };
            balance -= principal;
            Instalment {
                number,
                due_date: due,
                amount_inr: (principal + interest) as u32,
                principal_inr: principal as u32,
                interest_inr: interest as u32,
            }
        })
        .collect()
}

pub(crate) fn statement(
    loan: u32,
    fee: u32,
    apr_bps: u32,
    schedule: Vec<Instalment>,
) -> KeyFactStatement {
    KeyFactStatement {
        loan_amount_inr: loan,
        disbursed_inr: loan - fee,
        apr_annual_bps: apr_bps,
        nominal_rate_bps: 180,
        nominal_rate_period: RatePeriod::Month,
        fees: vec![Fee {
            code: "processing".into(),
            amount_inr: fee,
            upfront: true,
        }],
        total_payable_inr: schedule.iter().map(|i| i.amount_inr).sum(),
        schedule,
        cooling_off_days: 3,
        regulated_entity: RegulatedEntity {
            name: "Sandbox Finance Ltd".into(),
            registration: "N-14.03999".into(),
        },
        lending_service_provider: None,
        grievance_officer: GrievanceOfficer {
            name: "G".into(),
            email: "g@example.in".into(),
            phone: "1800".into(),
        },
    }
}

/// The sandbox's best tier: ₹1,00,000 at 1.8 % a month for 12 months, a processing fee of 2 %
/// plus 18 % GST (₹2,360) deducted upfront.
pub(crate) fn sandbox_best(stated_bps: u32) -> KeyFactStatement {
    statement(
        100_000,
        2_360,
        stated_bps,
        amortise(100_000, 180, 12, date(2026, 12, 2)),
    )
}

#[test]
fn the_rbi_illustration_is_the_monthly_irr_times_twelve() {
    // Annex B of the KFS circular: ₹20,000, 24 EMIs of ₹970, ₹400 of fees, APR 17.10 %.
    let schedule = (1..=24)
        .map(|n| Instalment {
            number: n,
            due_date: date(2024, 5, 15)
                .checked_add_months(chrono::Months::new(n))
                .unwrap(),
            amount_inr: 970,
            principal_inr: 0,
            interest_inr: 970,
        })
        .collect();
    let apr = recompute_apr(&statement(20_000, 400, 1710, schedule)).unwrap();
    assert_eq!(apr.annual_bps, 1710, "{apr:?}");
    assert_eq!(apr.monthly_rate_ppm(), 14_249);
    assert!(apr.agrees_with(1710));
    // Compounded, it would be 18.50 %: not what the RBI states.
    assert!(!apr.agrees_with(1850));
}

#[test]
fn the_sandbox_honest_statement_agrees_and_twelve_times_the_monthly_rate_does_not() {
    let honest = sandbox_best(0);
    assert!(check_arithmetic(&honest, 100_000).is_empty());
    let apr = recompute_apr(&honest).unwrap();
    // 1.8 % a month on what was lent is more on the ₹97,640 paid out.
    assert_eq!(apr.annual_bps, 2_626, "{apr:?}");
    assert!(apr.agrees_with(2_626));
    assert!(apr.tolerance_bps() >= APR_TOLERANCE_BPS);
    assert!(apr.tolerance_bps() < 20, "{apr:?}");
    // What many apps show: 12 × 1.8 % = 21.6 %, fees left out.
    assert!(!apr.agrees_with(2_160));
    // Just inside and just outside the tolerance.
    assert!(apr.agrees_with(2_626 + apr.tolerance_bps()));
    assert!(!apr.agrees_with(2_626 + apr.tolerance_bps() + 1));
}

#[test]
fn with_no_fees_the_apr_is_twelve_times_the_nominal_rate() {
    let kfs = statement(
        50_000,
        0,
        2_640,
        amortise(50_000, 220, 9, date(2026, 1, 31)),
    );
    let apr = recompute_apr(&kfs).unwrap();
    assert!((apr.annual_bps - 2_640).abs() <= 2, "{apr:?}");
    assert!(apr.agrees_with(2_640));
}

#[test]
fn schedule_order_does_not_matter() {
    let mut kfs = sandbox_best(2_626);
    let before = recompute_apr(&kfs).unwrap();
    kfs.schedule.reverse();
    assert_eq!(recompute_apr(&kfs).unwrap(), before);
}

#[test]
fn every_arithmetic_check_names_what_fails() {
    let mut kfs = sandbox_best(2_626);
    kfs.total_payable_inr += 1;
    kfs.schedule[3].interest_inr += 5;
    kfs.schedule[5].principal_inr += 1;
    kfs.disbursed_inr = 100_000;
    let got = check_arithmetic(&kfs, 90_000);
    let checks: Vec<KfsCheck> = got.iter().map(|i| i.check).collect();
    assert_eq!(
        checks,
        [
            KfsCheck::TotalPayable,
            KfsCheck::InstalmentSplit,
            KfsCheck::PrincipalSum,
            KfsCheck::Disbursed,
            KfsCheck::LoanAmount,
        ]
    );
    assert_eq!(got[1].instalment, Some(4));
    assert_eq!(got[1].expected, u64::from(kfs.schedule[3].amount_inr) + 5);
    assert_eq!((got[2].stated, got[2].expected), (100_001, 100_000));
    assert_eq!((got[3].stated, got[3].expected), (100_000, 97_640));
    assert_eq!((got[4].stated, got[4].expected), (100_000, 90_000));
}

#[test]
fn hostile_schedules_give_a_reason_or_a_bounded_rate_never_a_panic() {
    let mut empty = sandbox_best(2_626);
    empty.schedule.clear();
    assert_eq!(recompute_apr(&empty), Err(AprError::NoInstalments));
    assert_eq!(
        check_arithmetic(&empty, 100_000)[0].check,
        KfsCheck::NoSchedule
    );

    let mut nothing_out = sandbox_best(2_626);
    nothing_out.disbursed_inr = 0;
    assert_eq!(recompute_apr(&nothing_out), Err(AprError::NothingDisbursed));

    let mut zeros = sandbox_best(2_626);
    for i in &mut zeros.schedule {
        i.amount_inr = 0;
    }
    assert_eq!(recompute_apr(&zeros), Err(AprError::NothingRepaid));

    // Huge instalments, centuries apart, out of order; and a repayment far below the payout.
    let mut huge = sandbox_best(u32::MAX);
    for (k, i) in huge.schedule.iter_mut().enumerate() {
        i.amount_inr = u32::MAX;
        i.principal_inr = u32::MAX;
        i.interest_inr = u32::MAX;
        i.due_date = if k % 2 == 0 {
            NaiveDate::MAX
        } else {
            NaiveDate::MIN
        };
    }
    let apr = recompute_apr(&huge).unwrap();
    assert!(apr.monthly_rate.is_finite() && apr.monthly_rate > 0.0);
    assert!(!apr.agrees_with(0));
    let sums = check_arithmetic(&huge, 1);
    assert!(sums.iter().any(|i| i.check == KfsCheck::TotalPayable));

    let mut tiny = sandbox_best(0);
    tiny.disbursed_inr = u32::MAX;
    for i in &mut tiny.schedule {
        i.amount_inr = 1;
    }
    let apr = recompute_apr(&tiny).unwrap();
    assert!(apr.monthly_rate > -1.0 && apr.monthly_rate < 0.0, "{apr:?}");
    assert!(apr.annual_bps < 0);
}
