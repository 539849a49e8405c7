//! The catalogue and the scorecard: prohibited signals flagged, offers that add up, and quotes
//! that move by exactly the points the explanation claims.

use std::collections::HashSet;

use khata_lending::LendingError;
use khata_lending::types::*;
use khata_sandbox::Scenario;

use crate::{client_for, decide, key, start};

#[tokio::test]
async fn catalog_flags_prohibited_signals_with_dpv_categories() {
    let sb = start(Scenario::SalariedGood).await;
    let c = client_for(&sb).await;
    let cat = c.catalog().await.unwrap();
    assert!(cat.signals.len() >= 12);
    for s in &cat.signals {
        assert!(s.dpv_category.starts_with("pd:"), "{}", s.id);
        assert!(!s.description.is_empty());
    }
    let prohibited: HashSet<&str> = cat
        .signals
        .iter()
        .filter(|s| {
            s.regulatory_flags
                .iter()
                .any(|f| f == "rbi-2022-prohibited")
        })
        .map(|s| s.dpv_category.as_str())
        .collect();
    assert_eq!(prohibited, HashSet::from(["pd:Contact", "pd:CallLog"]));
    // A well-behaved lender does not ask for them.
    let req = &c.consent_requests().await.unwrap().items[0];
    assert!(
        !req.signals
            .iter()
            .any(|s| s == "contacts_network" || s == "call_log_pattern")
    );
    assert_eq!(
        c.consent_request(&req.request_id).await.unwrap().request_id,
        req.request_id
    );
}

#[tokio::test]
async fn scorecard_adds_up_and_quotes_move_by_the_claimed_points() {
    for scenario in khata_sandbox::scenario::ALL {
        if scenario == Scenario::Flaky {
            continue; // same data as salaried-good; faults are tested elsewhere
        }
        let sb = start(scenario).await;
        let c = client_for(&sb).await;
        decide(&c, &["device_purchases"]).await;
        let offers = c.offers().await.unwrap().items;
        assert_eq!(offers.len(), 1);
        let offer = c.offer(&offers[0].offer_id).await.unwrap();
        let e = &offer.explanation;
        assert_eq!(e.method, ExplanationMethod::ScorecardPoints);
        let sum: i64 = e.contributions.iter().map(|c| c.points).sum();
        assert_eq!(
            e.baseline + sum,
            e.score,
            "{scenario}: contributions add up"
        );
        let denied = e
            .contributions
            .iter()
            .find(|c| c.signal == "device_purchases")
            .unwrap();
        assert_eq!(denied.bin, "missing");
        assert_eq!(denied.points, denied.missing_points);

        // Reason codes: every negative contribution, most adverse first; top 4 are the head.
        let negatives = e.contributions.iter().filter(|c| c.points < 0).count();
        assert_eq!(e.reason_codes.len(), negatives);
        assert!(
            e.reason_codes
                .windows(2)
                .all(|w| w[0].points <= w[1].points)
        );
        assert_eq!(
            e.top_adverse,
            e.reason_codes.iter().take(4).cloned().collect::<Vec<_>>()
        );

        match offer.decision {
            OfferDecision::Approved => {
                assert!(offer.amount_inr > 0 && offer.amount_inr <= MAX_AMOUNT_INR);
                assert!(offer.apr_monthly_bps >= MIN_APR_MONTHLY_BPS);
                assert!(e.score >= e.cutoffs.decline_below);
            }
            OfferDecision::Declined => {
                assert_eq!(offer.amount_inr, 0);
                assert!(e.score < e.cutoffs.decline_below);
            }
        }
        let expected = match scenario {
            Scenario::SalariedGood | Scenario::OverCollector | Scenario::WrongApr => {
                OfferDecision::Approved
            }
            Scenario::ThinFile => OfferDecision::Approved,
            Scenario::Declined => OfferDecision::Declined,
            Scenario::Flaky => unreachable!(),
        };
        assert_eq!(offer.decision, expected, "{scenario}");
        if scenario == Scenario::SalariedGood {
            assert_eq!(offer.amount_inr, 100_000);
            assert_eq!(offer.apr_monthly_bps, 180);
        }
        // An approved offer carries its Key Fact Statement, built from its own terms; the
        // `wrong-apr` lender states 12 × the monthly rate, fees left out.
        match (&offer.kfs, offer.decision) {
            (Some(k), OfferDecision::Approved) => {
                assert_eq!(k.loan_amount_inr, offer.amount_inr, "{scenario}");
                assert_eq!(k.nominal_rate_bps, offer.apr_monthly_bps);
                assert_eq!(k.schedule.len() as u32, offer.tenure_months);
                assert_eq!(
                    k.total_payable_inr,
                    k.schedule.iter().map(|i| i.amount_inr).sum::<u32>()
                );
                assert_eq!(
                    k.disbursed_inr,
                    k.loan_amount_inr - k.fees.iter().map(|f| f.amount_inr).sum::<u32>()
                );
                if scenario == Scenario::WrongApr {
                    assert_eq!(k.apr_annual_bps, offer.apr_monthly_bps * 12);
                } else {
                    assert!(k.apr_annual_bps > offer.apr_monthly_bps * 12, "{scenario}");
                }
                if scenario == Scenario::SalariedGood {
                    assert_eq!(k.apr_annual_bps, 2_626);
                }
            }
            (None, OfferDecision::Declined) => {}
            (kfs, decision) => panic!("{scenario}: {decision:?} with {kfs:?}"),
        }

        // Each withheld signal moves the score by exactly its contribution − missing points.
        for contrib in &e.contributions {
            let q = c
                .quote(
                    &QuoteBody {
                        request_id: None,
                        offer_id: Some(offer.offer_id.clone()),
                        withhold: vec![contrib.signal.clone()],
                    },
                    Some(&key()),
                )
                .await
                .unwrap();
            assert!(q.soft);
            let qe = &q.explanation;
            assert_eq!(
                qe.baseline + qe.contributions.iter().map(|c| c.points).sum::<i64>(),
                qe.score
            );
            assert_eq!(
                e.score - qe.score,
                contrib.points - contrib.missing_points,
                "{scenario}: withholding {}",
                contrib.signal
            );
        }
        // Quotes are soft: the record is unchanged.
        assert_eq!(c.offers().await.unwrap().items, offers);
        let unknown = c
            .quote(
                &QuoteBody {
                    request_id: None,
                    offer_id: None,
                    withhold: vec!["horoscope".into()],
                },
                None,
            )
            .await;
        assert!(matches!(
            unknown,
            Err(LendingError::Http { status: 422, .. })
        ));
        sb.shutdown().await.unwrap();
    }
}

/// A pending consent request is quoted before any consent: the offer the borrower would get
/// sharing every requested signal but the withheld ones, the same the decision then gives.
#[tokio::test]
async fn a_consent_request_is_quoted_before_consent_as_the_decision_scores_it() {
    let sb = start(Scenario::SalariedGood).await;
    let c = client_for(&sb).await;
    let req = c.consent_requests().await.unwrap().items.remove(0);
    assert_eq!(req.required_signals, ["kyc_verified", "sms_income"]);
    assert!(req.required_signals.iter().all(|s| req.signals.contains(s)));
    let ask = |withhold: &[&str]| QuoteBody {
        request_id: Some(req.request_id.clone()),
        offer_id: None,
        withhold: withhold.iter().map(|s| s.to_string()).collect(),
    };
    let all = c.quote_signed(&ask(&[]), Some(&key())).await.unwrap();
    c.keys().verify_value(&all.raw).unwrap();
    assert_eq!(
        all.value.request_id.as_deref(),
        Some(req.request_id.as_str())
    );
    assert!(all.value.offer_id.is_empty());
    assert!(
        all.raw.get("offerId").is_none(),
        "an empty offer id is left out"
    );
    assert_eq!(all.value.decision, OfferDecision::Approved);
    assert_eq!(all.value.amount_inr, 100_000);

    let without_income = c.quote(&ask(&["sms_income"]), Some(&key())).await.unwrap();
    assert_eq!(without_income.withheld, ["sms_income"]);
    let income = |q: &Quote| {
        q.explanation
            .contributions
            .iter()
            .find(|c| c.signal == "sms_income")
            .cloned()
            .unwrap()
    };
    // Contributions are additive: the withheld signal scores its missing points.
    assert_eq!(
        income(&without_income).points,
        income(&all.value).missing_points
    );
    assert_eq!(
        all.value.explanation.score - without_income.explanation.score,
        income(&all.value).points - income(&all.value).missing_points
    );

    // Errors: a signal not in the request, an offer and a request at once, no such request.
    for (body, status) in [
        (ask(&["contacts_network"]), 422),
        (
            QuoteBody {
                offer_id: Some("offer-1".into()),
                ..ask(&[])
            },
            422,
        ),
        (
            QuoteBody {
                request_id: Some("creq-none".into()),
                ..ask(&[])
            },
            404,
        ),
    ] {
        let r = c.quote(&body, None).await;
        assert!(
            matches!(r, Err(LendingError::Http { status: s, .. }) if s == status),
            "{body:?}: {r:?}"
        );
    }

    // The decision with the same choice gives the quoted offer.
    decide(&c, &["sms_income"]).await;
    let offer = c.offers().await.unwrap().items.remove(0);
    assert_eq!(offer.decision, without_income.decision);
    assert_eq!(offer.amount_inr, without_income.amount_inr);
    assert_eq!(offer.apr_monthly_bps, without_income.apr_monthly_bps);
    assert_eq!(offer.explanation.score, without_income.explanation.score);
    // A decided request is quoted no more.
    let r = c.quote(&ask(&[]), None).await;
    assert!(
        matches!(r, Err(LendingError::Http { status: 409, .. })),
        "{r:?}"
    );
    sb.shutdown().await.unwrap();
}
