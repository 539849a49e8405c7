//! `quote-offer-mismatch`: the offer made on a consent against the quote of its request for
//! the same choices, given before consent.

use super::*;

fn explanation(score: i64) -> Explanation {
    Explanation {
        method: ExplanationMethod::ScorecardPoints,
        baseline: score,
        score,
        contributions: vec![],
        cutoffs: Cutoffs {
            decline_below: 570,
            tiers: vec![],
        },
        reason_codes: vec![],
        top_adverse: vec![],
    }
}

/// A quote of request `r1` (the one `consent()` answers) withholding `withheld`.
fn request_quote(id: &str, withheld: &[&str], at: &str, apr: u32, score: i64) -> Quote {
    Quote {
        request_id: Some("r1".into()),
        quote_id: id.into(),
        offer_id: String::new(),
        lender_id: "L".into(),
        created_at: t(at),
        withheld: withheld.iter().map(|s| s.to_string()).collect(),
        soft: true,
        decision: OfferDecision::Approved,
        amount_inr: 50_000,
        apr_monthly_bps: apr,
        tenure_months: 9,
        explanation: explanation(score),
        signature: sig(),
    }
}

fn offer_on_c1(apr: u32, score: i64) -> Offer {
    Offer {
        kfs: None,
        offer_id: "o1".into(),
        consent_id: "c1".into(),
        lender_id: "L".into(),
        created_at: t("2026-01-01T00:00:01Z"),
        decision: OfferDecision::Approved,
        amount_inr: 50_000,
        apr_monthly_bps: apr,
        tenure_months: 9,
        explanation: explanation(score),
        signature: sig(),
    }
}

fn with(quotes: Vec<Quote>, offer: Offer) -> AuditInput {
    let mut i = input(vec![], vec![consent()]);
    for q in quotes {
        i.add_statement("quote", serde_json::to_value(q).unwrap(), None);
    }
    i.add_statement("offer", serde_json::to_value(offer).unwrap(), None);
    assert!(i.unreadable.is_empty(), "{:?}", i.unreadable);
    i
}

fn mismatches(i: &AuditInput) -> Vec<Finding> {
    audit(i)
        .findings
        .into_iter()
        .filter(|f| f.rule == Rule::QuoteOfferMismatch)
        .collect()
}

// `consent()` denies location_stability and was created at 2026-01-01T00:00:00Z.

#[test]
fn an_offer_that_matches_its_quote_passes() {
    let q = request_quote(
        "q1",
        &["location_stability"],
        "2025-12-31T23:59:00Z",
        220,
        665,
    );
    assert!(mismatches(&with(vec![q], offer_on_c1(220, 665))).is_empty());
}

#[test]
fn an_offer_that_differs_from_its_quote_is_found_with_each_field() {
    let q = request_quote(
        "q1",
        &["location_stability"],
        "2025-12-31T23:59:00Z",
        220,
        665,
    );
    let f = mismatches(&with(vec![q], offer_on_c1(270, 660)));
    assert_eq!(f.len(), 1);
    let f = &f[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.consent_id.as_deref(), Some("c1"));
    assert_eq!(
        f.facts,
        FindingFacts::QuoteOffer {
            quote_id: "q1".into(),
            offer_id: "o1".into(),
            request_id: "r1".into(),
            withheld: vec!["location_stability".into()],
            differences: vec![
                QuoteOfferField {
                    field: "aprMonthlyBps".into(),
                    quote: "220".into(),
                    offer: "270".into(),
                },
                QuoteOfferField {
                    field: "score".into(),
                    quote: "665".into(),
                    offer: "660".into(),
                },
            ],
        }
    );
    let evidence: Vec<(&str, &str)> = f
        .evidence
        .iter()
        .map(|e| (e.kind.as_str(), e.id.as_str()))
        .collect();
    assert_eq!(evidence, [("quote", "q1"), ("offer", "o1")]);
    // Facts serialise tagged, camelCase, as the UI reads them.
    let v = serde_json::to_value(&f.facts).unwrap();
    assert_eq!(v["kind"], "quoteOffer");
    assert_eq!(v["differences"][0]["field"], "aprMonthlyBps");
}

#[test]
fn only_a_quote_of_the_same_choices_before_consent_counts() {
    // Another withheld set, a quote after the consent, another request: none is the one the
    // borrower decided on, so the offer is not held to it.
    let other_choice = request_quote("q1", &[], "2025-12-31T23:59:00Z", 180, 700);
    let after = request_quote(
        "q2",
        &["location_stability"],
        "2026-01-02T00:00:00Z",
        180,
        700,
    );
    let mut other_request = request_quote(
        "q3",
        &["location_stability"],
        "2025-12-31T00:00:00Z",
        180,
        700,
    );
    other_request.request_id = Some("r2".into());
    let i = with(
        vec![other_choice, after, other_request],
        offer_on_c1(220, 665),
    );
    assert!(mismatches(&i).is_empty());
    // Of two quotes of the same choices, the newer before consent is what the borrower saw.
    let older = request_quote(
        "q4",
        &["location_stability"],
        "2025-12-31T00:00:00Z",
        180,
        700,
    );
    let newer = request_quote(
        "q5",
        &["location_stability"],
        "2025-12-31T23:00:00Z",
        220,
        665,
    );
    assert!(mismatches(&with(vec![older.clone(), newer], offer_on_c1(220, 665))).is_empty());
    let f = mismatches(&with(vec![older], offer_on_c1(220, 665)));
    assert!(matches!(&f[0].facts, FindingFacts::QuoteOffer { quote_id, .. } if quote_id == "q4"));
}
