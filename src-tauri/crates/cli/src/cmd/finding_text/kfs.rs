//! Key Fact Statement findings (`kfs-*`) in English: the annual rate the lender states beside
//! the one recomputed from its schedule, with the computation; which sum does not add up; or no
//! statement at all. The UI says the same in its own words (ui/src/lib/findingText.ts).

use khata_evidence::audit::FindingFacts;
use khata_evidence::kfs::KfsCheck;

/// Basis points as a percentage with two decimals (`2626` → `26.26 %`).
fn percent(bps: i64) -> String {
    let sign = if bps < 0 { "-" } else { "" };
    let abs = bps.unsigned_abs();
    format!("{sign}{}.{:02} %", abs / 100, abs % 100)
}

/// What a Key Fact Statement check compares, in English.
fn kfs_check(check: KfsCheck, instalment: Option<u32>) -> String {
    match check {
        KfsCheck::NoSchedule => "the repayment schedule has no instalments".into(),
        KfsCheck::TotalPayable => "the total to repay is not the sum of the instalments".into(),
        KfsCheck::InstalmentSplit => format!(
            "instalment {} is not its principal plus its interest",
            instalment.map_or("?".into(), |n| n.to_string())
        ),
        KfsCheck::PrincipalSum => "the principal repaid does not add up to the loan".into(),
        KfsCheck::Disbursed => {
            "the amount paid out is not the loan less the fees taken upfront".into()
        }
        KfsCheck::LoanAmount => "the loan is not the amount of the offer".into(),
    }
}

/// The sentence of a `kfs-*` finding of lender `l` (empty for any other facts).
pub(super) fn sentence(l: &str, facts: &FindingFacts) -> String {
    match facts {
        FindingFacts::KfsAprMismatch {
            stated_bps,
            recomputed_bps,
            tolerance_bps,
            disbursed_inr,
            instalments,
            repaid_inr,
            monthly_rate_ppm,
        } => format!(
            "{l} states an APR of {}; its {instalments} instalments (₹{repaid_inr} in all) are \
             worth the ₹{disbursed_inr} paid out at {}.{:04} % a month, × 12 = {} a year \
             (RBI's method; a difference of up to {} is allowed)",
            percent(*stated_bps),
            monthly_rate_ppm / 10_000,
            (monthly_rate_ppm % 10_000).abs(),
            percent(*recomputed_bps),
            percent(*tolerance_bps),
        ),
        FindingFacts::KfsInconsistent {
            check,
            stated,
            expected,
            instalment,
        } => format!(
            "in {l}'s Key Fact Statement {}: it says ₹{stated}, its own figures give ₹{expected}",
            kfs_check(*check, *instalment)
        ),
        FindingFacts::KfsMissing {
            amount_inr,
            apr_monthly_bps,
        } => format!(
            "{l} approved ₹{amount_inr} at {} a month with no Key Fact Statement: no annual \
             rate, fees, schedule, total to repay, cooling-off period or grievance officer",
            percent(*apr_monthly_bps as i64)
        ),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::detail;
    use super::*;
    use khata_evidence::audit::{Finding, Rule};

    fn finding(rule: Rule, facts: FindingFacts) -> Finding {
        Finding {
            rule,
            severity: rule.severity(),
            facts,
            lender_id: "L".into(),
            consent_id: Some("c1".into()),
            signal: None,
            at: 1_770_768_060_000,
            last_at: 1_770_768_060_000,
            count: 1,
            records: vec![],
            records_omitted: 0,
            evidence: vec![],
        }
    }

    #[test]
    fn the_recomputed_rate_and_the_failing_sum_are_spelled_out() {
        let apr = finding(
            Rule::KfsAprMismatch,
            FindingFacts::KfsAprMismatch {
                stated_bps: 2160,
                recomputed_bps: 2626,
                tolerance_bps: 11,
                disbursed_inr: 97_640,
                instalments: 12,
                repaid_inr: 112_081,
                monthly_rate_ppm: 21_886,
            },
        );
        assert_eq!(
            detail(&apr),
            "L states an APR of 21.60 %; its 12 instalments (₹112081 in all) are worth the \
             ₹97640 paid out at 2.1886 % a month, × 12 = 26.26 % a year (RBI's method; a \
             difference of up to 0.11 % is allowed)"
        );
        let split = finding(
            Rule::KfsInconsistent,
            FindingFacts::KfsInconsistent {
                check: KfsCheck::InstalmentSplit,
                stated: 9340,
                expected: 9345,
                instalment: Some(4),
            },
        );
        assert_eq!(
            detail(&split),
            "in L's Key Fact Statement instalment 4 is not its principal plus its interest: it \
             says ₹9340, its own figures give ₹9345"
        );
    }
}
