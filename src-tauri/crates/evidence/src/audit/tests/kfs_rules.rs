//! `kfs-missing`, `kfs-inconsistent` and `kfs-apr-mismatch` over offers as the sandbox lender
//! signs them: the honest statement, the understated APR (12 × the monthly rate, fees left
//! out), figures that do not add up, and none at all.

use super::*;
use crate::kfs::tests::sandbox_best;

fn approved(kfs: Option<KeyFactStatement>) -> Offer {
    Offer {
        kfs,
        offer_id: "o1".into(),
        consent_id: "c1".into(),
        lender_id: "L".into(),
        created_at: t("2026-12-02T00:00:00Z"),
        decision: OfferDecision::Approved,
        amount_inr: 100_000,
        apr_monthly_bps: 180,
        tenure_months: 12,
        explanation: Explanation {
            method: ExplanationMethod::ScorecardPoints,
            baseline: 600,
            score: 600,
            contributions: vec![],
            cutoffs: Cutoffs {
                decline_below: 500,
                tiers: vec![],
            },
            reason_codes: vec![],
            top_adverse: vec![],
        },
        signature: sig(),
    }
}

fn kfs_findings(o: Offer) -> Vec<Finding> {
    let mut i = AuditInput::default();
    i.add_statement("offer", serde_json::to_value(o).unwrap(), None);
    audit(&i)
        .findings
        .into_iter()
        .filter(|f| f.rule.id().starts_with("kfs-"))
        .collect()
}

#[test]
fn the_honest_statement_passes() {
    assert_eq!(kfs_findings(approved(Some(sandbox_best(2_626)))), vec![]);
}

#[test]
fn twelve_times_the_monthly_rate_without_fees_is_a_high_apr_mismatch() {
    let f = kfs_findings(approved(Some(sandbox_best(2_160))));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].rule, Rule::KfsAprMismatch);
    assert_eq!(f[0].severity, Severity::High);
    assert_eq!(f[0].records[0].id, "o1");
    assert_eq!(f[0].evidence[0].kind, "offer");
    let FindingFacts::KfsAprMismatch {
        stated_bps,
        recomputed_bps,
        tolerance_bps,
        disbursed_inr,
        instalments,
        repaid_inr,
        monthly_rate_ppm,
    } = f[0].facts
    else {
        panic!("{:?}", f[0].facts)
    };
    assert_eq!((stated_bps, recomputed_bps), (2_160, 2_626));
    assert!((10..20).contains(&tolerance_bps));
    assert_eq!((disbursed_inr, instalments), (97_640, 12));
    let kfs = sandbox_best(0);
    assert_eq!(
        repaid_inr,
        kfs.schedule
            .iter()
            .map(|i| u64::from(i.amount_inr))
            .sum::<u64>()
    );
    // The rate found, × 12, is the recomputed APR.
    assert_eq!(
        (monthly_rate_ppm as f64 * 12.0 / 100.0).round() as i64,
        2_626
    );
    let v = serde_json::to_value(&f[0]).unwrap();
    assert_eq!(v["rule"], "kfs-apr-mismatch");
    assert_eq!(v["facts"]["kind"], "kfsAprMismatch");
    assert_eq!(v["facts"]["statedBps"], 2_160);
}

#[test]
fn figures_that_do_not_add_up_name_the_check() {
    let mut kfs = sandbox_best(2_626);
    kfs.total_payable_inr -= 100;
    let f = kfs_findings(approved(Some(kfs)));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].rule, Rule::KfsInconsistent);
    assert_eq!(f[0].severity, Severity::Medium);
    let v = serde_json::to_value(&f[0].facts).unwrap();
    assert_eq!(v["kind"], "kfsInconsistent");
    assert_eq!(v["check"], "totalPayable");
    assert_eq!(
        v["expected"].as_u64().unwrap(),
        v["stated"].as_u64().unwrap() + 100
    );

    // No schedule: inconsistent (and several sums with it), and no APR to compare.
    let mut empty = sandbox_best(2_160);
    empty.schedule.clear();
    let f = kfs_findings(approved(Some(empty)));
    assert!(f.iter().all(|f| f.rule == Rule::KfsInconsistent), "{f:?}");
    assert!(f.iter().any(|f| matches!(
        f.facts,
        FindingFacts::KfsInconsistent {
            check: crate::kfs::KfsCheck::NoSchedule,
            ..
        }
    )));
}

#[test]
fn an_approved_offer_without_a_statement_is_missing_one_and_a_declined_one_is_not() {
    let f = kfs_findings(approved(None));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, Rule::KfsMissing);
    assert_eq!(f[0].severity, Severity::Medium);
    assert_eq!(
        f[0].facts,
        FindingFacts::KfsMissing {
            amount_inr: 100_000,
            apr_monthly_bps: 180
        }
    );
    let mut declined = approved(None);
    declined.decision = OfferDecision::Declined;
    assert_eq!(kfs_findings(declined), vec![]);
}
