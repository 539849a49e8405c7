//! Explanation rules: an offer's or quote's explanation must add up to its score, its reason
//! codes must be the adverse contributions most adverse first, its principal reasons the first
//! four of them, and a what-if quote must move the score as the offer's explanation claims.

use std::collections::HashMap;
use std::sync::Arc;

use khata_contract::types as wire;
use serde_json::Value;

use crate::audit::finding::{Evidence, Finding, FindingFacts, RecordRef, Rule, SignalPoints};
use crate::audit::input::{AuditInput, Stmt, ms};
use crate::audit::{MAX_TOP_ADVERSE, SCORE_TOLERANCE};

/// An explanation with where it came from, for the checks below.
#[allow(clippy::too_many_arguments)]
fn check_one(
    kind: &str,
    id: &str,
    lender: &str,
    consent: Option<&str>,
    at: i64,
    json: &Arc<Value>,
    x: &wire::Explanation,
    out: &mut Vec<Finding>,
) {
    let mut push = |rule: Rule, facts: FindingFacts| {
        out.push(Finding {
            rule,
            severity: rule.severity(),
            facts,
            lender_id: lender.into(),
            consent_id: consent.map(str::to_string),
            signal: None,
            at,
            last_at: at,
            count: 1,
            records: vec![RecordRef {
                kind: kind.into(),
                id: id.into(),
                local_id: None,
            }],
            records_omitted: 0,
            evidence: vec![Evidence {
                kind: kind.into(),
                id: id.into(),
                statement: Arc::clone(json),
            }],
        })
    };
    // Lender numbers: summed exactly in i128 (no overflow for any number of i64 terms a
    // response can hold), so a sum past i64 can neither wrap into agreement nor panic.
    let sum = x
        .contributions
        .iter()
        .fold(i128::from(x.baseline), |a, c| a + i128::from(c.points));
    if off_by_more_than_tolerance(sum, x.score) {
        push(
            Rule::ContributionsDoNotAddUp,
            FindingFacts::Sum {
                baseline: x.baseline,
                sum: clamp(sum),
                score: x.score,
                tolerance: SCORE_TOLERANCE,
            },
        );
    }
    // Reason codes: every adverse contribution, most adverse first.
    let mut adverse: Vec<&wire::Contribution> =
        x.contributions.iter().filter(|c| c.points < 0).collect();
    adverse.sort_by_key(|c| c.points);
    let want: Vec<(&str, i64)> = adverse
        .iter()
        .map(|c| (c.signal.as_str(), c.points))
        .collect();
    let got: Vec<(&str, i64)> = x
        .reason_codes
        .iter()
        .map(|r| (r.signal.as_str(), r.points))
        .collect();
    // Ties may come in any order: compare the points sequence and the set.
    let same_points = want.iter().map(|w| w.1).eq(got.iter().map(|g| g.1));
    let mut ws = want.clone();
    let mut gs = got.clone();
    ws.sort();
    gs.sort();
    if !same_points || ws != gs {
        let points = |v: &[(&str, i64)]| {
            v.iter()
                .map(|(signal, points)| SignalPoints {
                    signal: (*signal).to_owned(),
                    points: *points,
                })
                .collect()
        };
        push(
            Rule::ReasonCodesMismatch,
            FindingFacts::ReasonCodes {
                given: points(&got),
                expected: points(&want),
            },
        );
    }
    let n = x.top_adverse.len();
    if n > MAX_TOP_ADVERSE
        || x.top_adverse
            .iter()
            .zip(&x.reason_codes)
            .any(|(a, b)| a.signal != b.signal || a.points != b.points)
        || n != x.reason_codes.len().min(MAX_TOP_ADVERSE)
    {
        push(
            Rule::TopAdverseInvalid,
            FindingFacts::TopAdverse {
                given: n as u64,
                expected: x.reason_codes.len().min(MAX_TOP_ADVERSE) as u64,
                reason_codes: x.reason_codes.len() as u64,
            },
        );
    }
}

/// Checks offers' and quotes' explanations, and each quote against its offer. Pure.
pub fn check_explanations(input: &AuditInput) -> Vec<Finding> {
    let mut out = Vec::new();
    for o in &input.offers {
        let v = &o.value;
        check_one(
            "offer",
            &v.offer_id,
            &v.lender_id,
            Some(&v.consent_id),
            ms(&v.created_at),
            &o.json,
            &v.explanation,
            &mut out,
        );
    }
    let offers: HashMap<&str, &Stmt<wire::Offer>> = input
        .offers
        .iter()
        .map(|o| (o.value.offer_id.as_str(), o))
        .collect();
    for q in &input.quotes {
        let v = &q.value;
        check_one(
            "quote",
            &v.quote_id,
            &v.lender_id,
            None,
            ms(&v.created_at),
            &q.json,
            &v.explanation,
            &mut out,
        );
        let Some(o) = offers.get(v.offer_id.as_str()) else {
            continue;
        };
        let ox = &o.value.explanation;
        let mut expected = i128::from(ox.score);
        let mut changes = Vec::new();
        for s in &v.withheld {
            if let Some(c) = ox.contributions.iter().find(|c| &c.signal == s) {
                let delta = i128::from(c.missing_points) - i128::from(c.points);
                expected += delta;
                changes.push(SignalPoints {
                    signal: s.clone(),
                    points: clamp(delta),
                });
            }
        }
        if off_by_more_than_tolerance(expected, v.explanation.score) {
            let expected = clamp(expected);
            out.push(Finding {
                rule: Rule::CounterfactualMismatch,
                severity: Rule::CounterfactualMismatch.severity(),
                facts: FindingFacts::Counterfactual {
                    offer_id: o.value.offer_id.clone(),
                    offer_score: ox.score,
                    withheld: v.withheld.clone(),
                    changes,
                    expected,
                    quote_score: v.explanation.score,
                },
                lender_id: v.lender_id.clone(),
                consent_id: Some(o.value.consent_id.clone()),
                signal: (v.withheld.len() == 1).then(|| v.withheld[0].clone()),
                at: ms(&v.created_at),
                last_at: ms(&v.created_at),
                count: 1,
                records_omitted: 0,
                records: vec![
                    RecordRef {
                        kind: "quote".into(),
                        id: v.quote_id.clone(),
                        local_id: None,
                    },
                    RecordRef {
                        kind: "offer".into(),
                        id: o.value.offer_id.clone(),
                        local_id: None,
                    },
                ],
                evidence: vec![
                    Evidence {
                        kind: "quote".into(),
                        id: v.quote_id.clone(),
                        statement: Arc::clone(&q.json),
                    },
                    Evidence {
                        kind: "offer".into(),
                        id: o.value.offer_id.clone(),
                        statement: Arc::clone(&o.json),
                    },
                ],
            });
        }
    }
    out
}

/// Whether a lender's `score` misses the exact `expected` value by more than the tolerance.
fn off_by_more_than_tolerance(expected: i128, score: i64) -> bool {
    (expected - i128::from(score)).abs() > i128::from(SCORE_TOLERANCE)
}

/// An exact value as the i64 a finding's facts carry, pinned to the nearest end of the range
/// when it lies beyond (the finding itself was decided on the exact value).
fn clamp(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}
