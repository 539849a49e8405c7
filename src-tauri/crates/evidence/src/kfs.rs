//! The RBI Key Fact Statement checked against itself: the annual percentage rate recomputed
//! from the repayment schedule and the amount paid out, and the statement's arithmetic (totals,
//! each instalment's split, the principal, the fees). A lender's stated APR is the one number a
//! borrower compares offers by, and the one most often understated (12 × the monthly interest
//! rate, fees left out); Khata recomputes it so the borrower sees its own figure beside the
//! lender's, and the audit flags a gap (`kfs-apr-mismatch`, `kfs-inconsistent`).
//!
//! The method is the RBI's: the Key Facts Statement circular (RBI/2024-25/18,
//! DOR.STR.REC.13/13.03.00/2024-25, 15 April 2024), Annex B, computes the APR "on net disbursed
//! amount using IRR approach and reducing balance method", and its worked example annualises
//! the monthly IRR by multiplying it by 12: ₹20,000 at 15 % a year over 24 monthly
//! instalments of ₹970, with ₹400 of fees, pays out ₹19,600, and its APR is 17.10 % — the
//! monthly IRR (1.4249 %) × 12, not the compounded (1 + IRR)¹² − 1 (18.50 %). The unit tests
//! reproduce that example.
//!
//! Pure and total: any schedule a lender can send (empty, all zero, huge amounts, dates out of
//! order or centuries apart) gives an answer or a typed reason, never a panic.

use chrono::{Datelike, NaiveDate};
use khata_contract::types::{Instalment, KeyFactStatement};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Monthly periods a year: the RBI's illustration annualises the monthly IRR × 12.
pub const PERIODS_PER_YEAR: f64 = 12.0;

/// How far, in basis points, a stated APR may be from Khata's before the audit flags it, on top
/// of what rounding to whole rupees allows (see [`Apr::tolerance_bps`]). 0.1 percentage point:
/// KFS figures state the APR to two decimals (a basis point), so this is ten times the
/// statement's own precision, room for a lender whose schedule rounds differently; the
/// understatement it exists to catch (12 × the monthly rate without fees) is hundreds of basis
/// points.
pub const APR_TOLERANCE_BPS: i64 = 10;

/// The APR recomputed from a statement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Apr {
    /// The monthly rate found: the instalments, discounted at it to the day of payout, are
    /// worth what was paid out (0.018 = 1.8 % a month).
    pub monthly_rate: f64,
    /// `monthly_rate × 12`, in basis points, rounded.
    pub annual_bps: i64,
    /// The lowest and highest APR (basis points) of any cash flows that round to the stated
    /// whole rupees: every instalment and the payout within half a rupee of what is stated.
    pub low_bps: i64,
    pub high_bps: i64,
}

impl Apr {
    /// What a stated APR may differ by: [`APR_TOLERANCE_BPS`] plus the rounding band.
    pub fn tolerance_bps(&self) -> i64 {
        let band = (self.high_bps - self.annual_bps).max(self.annual_bps - self.low_bps);
        APR_TOLERANCE_BPS.saturating_add(band.max(0))
    }

    /// Whether `stated_bps` agrees with this APR within [`Apr::tolerance_bps`].
    pub fn agrees_with(&self, stated_bps: i64) -> bool {
        (i128::from(stated_bps) - i128::from(self.annual_bps)).abs()
            <= i128::from(self.tolerance_bps())
    }

    /// The monthly rate in millionths (18000 = 1.8 % a month), for typed facts.
    pub fn monthly_rate_ppm(&self) -> i64 {
        to_i64((self.monthly_rate * 1e6).round())
    }
}

/// Why no APR can be recomputed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AprError {
    /// The schedule has no instalments.
    NoInstalments,
    /// Nothing is paid out (`disbursedInr` is 0): no rate makes repayments worth nothing.
    NothingDisbursed,
    /// Every instalment is 0.
    NothingRepaid,
}

/// The APR of `kfs`, from its schedule and `disbursedInr` (see the module's comment).
pub fn recompute_apr(kfs: &KeyFactStatement) -> Result<Apr, AprError> {
    if kfs.schedule.is_empty() {
        return Err(AprError::NoInstalments);
    }
    if kfs.disbursed_inr == 0 {
        return Err(AprError::NothingDisbursed);
    }
    let flows = cash_flows(&kfs.schedule);
    if flows.iter().all(|(_, a)| *a == 0.0) {
        return Err(AprError::NothingRepaid);
    }
    let paid_out = f64::from(kfs.disbursed_inr);
    let rate = |shift: f64| {
        let shifted: Vec<(f64, f64)> = flows
            .iter()
            .map(|&(p, a)| (p, (a + shift).max(0.0)))
            .collect();
        monthly_irr(paid_out - shift, &shifted)
    };
    let monthly_rate = rate(0.0);
    Ok(Apr {
        monthly_rate,
        annual_bps: annual_bps(monthly_rate),
        low_bps: annual_bps(rate(-0.5)),
        high_bps: annual_bps(rate(0.5)),
    })
}

/// A monthly rate as an annual one, in basis points.
pub fn annual_bps(monthly_rate: f64) -> i64 {
    to_i64((monthly_rate * PERIODS_PER_YEAR * 10_000.0).round())
}

fn to_i64(x: f64) -> i64 {
    // `as` saturates at the ends of the range and maps NaN to 0.
    x as i64
}

/// Each instalment as `(period, amount)`: the KFS carries no payout date, so, as in the RBI's
/// illustration, the first instalment falls one month after payout and each other one as many
/// calendar months after it as its due date says (the day of the month does not count, so 31
/// January and 28 February are a month apart). Sorted, so the schedule's order does not change
/// the (floating-point) sums.
fn cash_flows(schedule: &[Instalment]) -> Vec<(f64, f64)> {
    let first = schedule
        .iter()
        .map(|i| i.due_date)
        .min()
        .unwrap_or(NaiveDate::MIN);
    let mut flows: Vec<(f64, f64)> = schedule
        .iter()
        .map(|i| {
            let months = month_index(i.due_date) - month_index(first);
            (1.0 + months as f64, f64::from(i.amount_inr))
        })
        .collect();
    flows.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    flows
}

fn month_index(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month0())
}

/// The monthly rate `r` at which `Σ amount × (1 + r)^−period == paid_out`, by bisection on
/// `ln(1 + r)`: the present value falls strictly as the rate rises, so the root is unique, and
/// bisection cannot diverge or overflow into NaN the way Newton's steps can on a hostile
/// schedule. Rates are searched between −99.995 % and +2,202,500 % a month; a root beyond is
/// reported at that end.
fn monthly_irr(paid_out: f64, flows: &[(f64, f64)]) -> f64 {
    // Excess present value at `x = ln(1 + r)`; terms of 0 are skipped (0 × ∞ is NaN).
    let excess = |x: f64| {
        flows
            .iter()
            .filter(|(_, a)| *a > 0.0)
            .map(|&(p, a)| a * (-p * x).exp())
            .sum::<f64>()
            - paid_out
    };
    let (mut lo, mut hi) = (-10.0_f64, 10.0_f64);
    if excess(lo) <= 0.0 {
        return lo.exp_m1();
    }
    if excess(hi) >= 0.0 {
        return hi.exp_m1();
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if excess(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (0.5 * (lo + hi)).exp_m1()
}

/// One arithmetic check of a Key Fact Statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum KfsCheck {
    /// The schedule has no instalments.
    NoSchedule,
    /// `totalPayableInr` is the sum of every instalment.
    TotalPayable,
    /// Each instalment is its principal plus its interest.
    InstalmentSplit,
    /// The principal repaid adds up to the loan.
    PrincipalSum,
    /// What is paid out is the loan less the fees deducted upfront.
    Disbursed,
    /// The statement's loan is the offer's amount.
    LoanAmount,
}

/// A check that failed: what the statement says and what its own figures give (whole rupees).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inconsistency {
    pub check: KfsCheck,
    pub stated: u64,
    pub expected: u64,
    /// For [`KfsCheck::InstalmentSplit`]: the first instalment (its `number`) that fails.
    pub instalment: Option<u32>,
}

/// Every arithmetic check of `kfs` that fails, for an offer of `offer_amount_inr`. Sums are
/// exact (u64 over u32 terms), so no schedule can wrap into agreement.
pub fn check_arithmetic(kfs: &KeyFactStatement, offer_amount_inr: u32) -> Vec<Inconsistency> {
    let mut out = Vec::new();
    let mut fail = |check, stated: u64, expected: u64, instalment| {
        if stated != expected {
            out.push(Inconsistency {
                check,
                stated,
                expected,
                instalment,
            });
        }
    };
    if kfs.schedule.is_empty() {
        fail(KfsCheck::NoSchedule, 0, 1, None);
    }
    let total: u64 = kfs.schedule.iter().map(|i| u64::from(i.amount_inr)).sum();
    fail(
        KfsCheck::TotalPayable,
        u64::from(kfs.total_payable_inr),
        total,
        None,
    );
    if let Some(i) = kfs
        .schedule
        .iter()
        .find(|i| u64::from(i.amount_inr) != u64::from(i.principal_inr) + u64::from(i.interest_inr))
    {
        fail(
            KfsCheck::InstalmentSplit,
            u64::from(i.amount_inr),
            u64::from(i.principal_inr) + u64::from(i.interest_inr),
            Some(i.number),
        );
    }
    let principal: u64 = kfs
        .schedule
        .iter()
        .map(|i| u64::from(i.principal_inr))
        .sum();
    fail(
        KfsCheck::PrincipalSum,
        principal,
        u64::from(kfs.loan_amount_inr),
        None,
    );
    let upfront: u64 = kfs
        .fees
        .iter()
        .filter(|f| f.upfront)
        .map(|f| u64::from(f.amount_inr))
        .sum();
    fail(
        KfsCheck::Disbursed,
        u64::from(kfs.disbursed_inr),
        u64::from(kfs.loan_amount_inr).saturating_sub(upfront),
        None,
    );
    fail(
        KfsCheck::LoanAmount,
        u64::from(kfs.loan_amount_inr),
        u64::from(offer_amount_inr),
        None,
    );
    out
}

#[cfg(test)]
pub(crate) mod tests;
