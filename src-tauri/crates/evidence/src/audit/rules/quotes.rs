//! The quote before consent against the offer after it: a lender that quoted a consent request
//! for some choices (its signed quote kept as evidence) must then make the offer it quoted when
//! the borrower consents with exactly those choices. The borrower decided knowing that trade;
//! an offer that differs from it is `quote-offer-mismatch`.
//!
//! The pair is matched on the lender's own statements: the consent names its request, its
//! first version's denied set is the borrower's choice, and a quote of that request signed
//! before the consent with the same withheld set is what the borrower was shown (the newest such
//! quote, if several). The offer made on that consent must carry the quote's decision, amount,
//! monthly rate and score.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use khata_contract::types as wire;

use crate::audit::finding::{Evidence, Finding, FindingFacts, QuoteOfferField, RecordRef, Rule};
use crate::audit::input::{AuditInput, Stmt, ms};

/// Every offer made on a consent that a request quote priced, checked against that quote. Pure.
pub(crate) fn check(input: &AuditInput) -> Vec<Finding> {
    // Each consent's first version: the decision as the lender signed it.
    let mut first: HashMap<(&str, &str), &wire::Consent> = HashMap::new();
    for c in &input.consents {
        let v = &c.value;
        let key = (v.lender_id.as_str(), v.consent_id.as_str());
        if first.get(&key).is_none_or(|f| v.version < f.version) {
            first.insert(key, v);
        }
    }
    let mut out = Vec::new();
    for o in &input.offers {
        let offer = &o.value;
        let Some(consent) = first.get(&(offer.lender_id.as_str(), offer.consent_id.as_str()))
        else {
            continue;
        };
        let Some(q) = quote_for(input, consent) else {
            continue;
        };
        let differences = compare(&q.value, offer);
        if differences.is_empty() {
            continue;
        }
        out.push(finding(q, o, consent, differences));
    }
    out
}

/// The newest quote of `consent`'s request, signed before it, withholding exactly what the
/// consent denies.
fn quote_for<'a>(input: &'a AuditInput, consent: &wire::Consent) -> Option<&'a Stmt<wire::Quote>> {
    let denied: BTreeSet<&str> = consent.signals_denied.iter().map(String::as_str).collect();
    input
        .quotes
        .iter()
        .filter(|q| {
            let v = &q.value;
            v.lender_id == consent.lender_id
                && v.request_id.as_deref() == Some(consent.request_id.as_str())
                && v.created_at <= consent.create_timestamp
                && v.withheld
                    .iter()
                    .map(String::as_str)
                    .collect::<BTreeSet<_>>()
                    == denied
        })
        .max_by_key(|q| q.value.created_at)
}

fn compare(q: &wire::Quote, o: &wire::Offer) -> Vec<QuoteOfferField> {
    let mut out = Vec::new();
    let mut field = |name: &str, quote: String, offer: String| {
        if quote != offer {
            out.push(QuoteOfferField {
                field: name.into(),
                quote,
                offer,
            });
        }
    };
    let decision = |d: wire::OfferDecision| match d {
        wire::OfferDecision::Approved => "APPROVED".to_owned(),
        wire::OfferDecision::Declined => "DECLINED".to_owned(),
    };
    field("decision", decision(q.decision), decision(o.decision));
    field(
        "amountInr",
        q.amount_inr.to_string(),
        o.amount_inr.to_string(),
    );
    field(
        "aprMonthlyBps",
        q.apr_monthly_bps.to_string(),
        o.apr_monthly_bps.to_string(),
    );
    field(
        "score",
        q.explanation.score.to_string(),
        o.explanation.score.to_string(),
    );
    out
}

fn finding(
    q: &Stmt<wire::Quote>,
    o: &Stmt<wire::Offer>,
    consent: &wire::Consent,
    differences: Vec<QuoteOfferField>,
) -> Finding {
    let (quote, offer) = (&q.value, &o.value);
    let rule = Rule::QuoteOfferMismatch;
    Finding {
        rule,
        severity: rule.severity(),
        facts: FindingFacts::QuoteOffer {
            quote_id: quote.quote_id.clone(),
            offer_id: offer.offer_id.clone(),
            request_id: consent.request_id.clone(),
            withheld: quote.withheld.clone(),
            differences,
        },
        lender_id: offer.lender_id.clone(),
        consent_id: Some(consent.consent_id.clone()),
        signal: None,
        at: ms(&offer.created_at),
        last_at: ms(&offer.created_at),
        count: 1,
        records: vec![
            RecordRef {
                kind: "offer".into(),
                id: offer.offer_id.clone(),
                local_id: None,
            },
            RecordRef {
                kind: "quote".into(),
                id: quote.quote_id.clone(),
                local_id: None,
            },
        ],
        records_omitted: 0,
        evidence: vec![
            Evidence {
                kind: "quote".into(),
                id: quote.quote_id.clone(),
                statement: Arc::clone(&q.json),
            },
            Evidence {
                kind: "offer".into(),
                id: offer.offer_id.clone(),
                statement: Arc::clone(&o.json),
            },
        ],
    }
}
