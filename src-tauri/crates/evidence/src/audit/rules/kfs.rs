//! Key Fact Statement rules: an approved offer must carry the RBI's Key Fact Statement
//! (`kfs-missing`), its figures must add up (`kfs-inconsistent`), and the annual percentage
//! rate it states must be the one its own schedule and payout give (`kfs-apr-mismatch`,
//! recomputed by [`crate::kfs`]). One finding per offer and failing check, each with the signed
//! offer as its evidence.

use std::sync::Arc;

use khata_contract::types as wire;

use crate::audit::finding::{Evidence, Finding, FindingFacts, RecordRef, Rule};
use crate::audit::input::{AuditInput, Stmt, ms};
use crate::kfs::{check_arithmetic, recompute_apr};

/// Checks every approved offer's Key Fact Statement. Pure.
pub(crate) fn check(input: &AuditInput) -> Vec<Finding> {
    let mut out = Vec::new();
    for o in &input.offers {
        let v = &o.value;
        if v.decision != wire::OfferDecision::Approved {
            continue;
        }
        let Some(kfs) = &v.kfs else {
            out.push(finding(
                o,
                Rule::KfsMissing,
                FindingFacts::KfsMissing {
                    amount_inr: u64::from(v.amount_inr),
                    apr_monthly_bps: u64::from(v.apr_monthly_bps),
                },
            ));
            continue;
        };
        for i in check_arithmetic(kfs, v.amount_inr) {
            out.push(finding(
                o,
                Rule::KfsInconsistent,
                FindingFacts::KfsInconsistent {
                    check: i.check,
                    stated: i.stated,
                    expected: i.expected,
                    instalment: i.instalment,
                },
            ));
        }
        // No schedule, payout or repayment: no rate to compare (the arithmetic says what
        // is wrong).
        let Ok(apr) = recompute_apr(kfs) else {
            continue;
        };
        let stated = i64::from(kfs.apr_annual_bps);
        if !apr.agrees_with(stated) {
            out.push(finding(
                o,
                Rule::KfsAprMismatch,
                FindingFacts::KfsAprMismatch {
                    stated_bps: stated,
                    recomputed_bps: apr.annual_bps,
                    tolerance_bps: apr.tolerance_bps(),
                    disbursed_inr: u64::from(kfs.disbursed_inr),
                    instalments: kfs.schedule.len() as u64,
                    repaid_inr: kfs.schedule.iter().map(|i| u64::from(i.amount_inr)).sum(),
                    monthly_rate_ppm: apr.monthly_rate_ppm(),
                },
            ));
        }
    }
    out
}

fn finding(o: &Stmt<wire::Offer>, rule: Rule, facts: FindingFacts) -> Finding {
    let v = &o.value;
    let at = ms(&v.created_at);
    Finding {
        rule,
        severity: rule.severity(),
        facts,
        lender_id: v.lender_id.clone(),
        consent_id: Some(v.consent_id.clone()),
        signal: None,
        at,
        last_at: at,
        count: 1,
        records: vec![RecordRef {
            kind: "offer".into(),
            id: v.offer_id.clone(),
            local_id: None,
        }],
        records_omitted: 0,
        evidence: vec![Evidence {
            kind: "offer".into(),
            id: v.offer_id.clone(),
            statement: Arc::clone(&o.json),
        }],
    }
}
