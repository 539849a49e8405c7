//! Consents, offers, quotes and receipts as redactable (contract v2) statements: what each
//! commits to, that the typed reading gets the values back, that a receipt carries the
//! consent's commitments but not its values, and that a replay is the same bytes.

use khata_lending::redact;
use khata_lending::types::*;
use khata_sandbox::Scenario;
use serde_json::Value;

use crate::{client_for, decide, key, start};

fn committed(v: &Value, pointer: &str) -> Vec<String> {
    v.pointer(pointer)
        .and_then(|sd| sd.get(redact::SD))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn statements_are_redactable_and_read_back_whole() {
    let sb = start(Scenario::SalariedGood).await;
    let c = client_for(&sb).await;
    let consent = decide(&c, &[]).await;
    assert!(
        !consent.customer_id.is_empty(),
        "revealed for the typed reading"
    );
    assert!(!consent.purpose.text.is_empty());

    let signed = c.consent_signed(&consent.consent_id).await.unwrap();
    assert_eq!(signed.value, consent);
    c.keys().verify_value(&signed.raw).unwrap();
    assert_eq!(committed(&signed.raw, ""), ["customerId"]);
    assert_eq!(committed(&signed.raw, "/purpose"), ["text"]);
    assert!(
        signed.raw.get("customerId").is_none(),
        "only its commitment is in the clear"
    );
    let revealed = redact::reveal(&signed.raw).unwrap();
    assert!(revealed.withheld.is_empty());

    let offers = c.offers_signed().await.unwrap();
    let offer = &offers[0];
    c.keys().verify_value(&offer.raw).unwrap();
    assert_eq!(
        committed(&offer.raw, "/explanation/contributions/0"),
        ["bin"]
    );
    let reasons = offer.value.explanation.reason_codes.len();
    for i in 0..reasons {
        let at = format!("/explanation/reasonCodes/{i}");
        assert_eq!(committed(&offer.raw, &at), ["text"]);
    }
    assert!(
        offer
            .value
            .explanation
            .contributions
            .iter()
            .all(|c| !c.bin.is_empty())
    );
    // The Key Fact Statement is signed in the clear (nothing in it is redactable) and reads
    // back whole from the v2 statement.
    let kfs = offer
        .value
        .kfs
        .as_ref()
        .expect("an approved offer carries its KFS");
    assert_eq!(offer.raw["kfs"]["aprAnnualBps"], kfs.apr_annual_bps);
    assert!(committed(&offer.raw, "/kfs").is_empty());
    assert_eq!(
        redact::reveal(&offer.raw).unwrap().value["kfs"]["schedule"]
            .as_array()
            .map(Vec::len),
        Some(kfs.schedule.len())
    );

    let k = key();
    let body = QuoteBody {
        request_id: None,
        offer_id: Some(offer.value.offer_id.clone()),
        withhold: vec![offer.value.explanation.contributions[0].signal.clone()],
    };
    let q1 = c.quote_signed(&body, Some(&k)).await.unwrap();
    let q2 = c.quote_signed(&body, Some(&k)).await.unwrap();
    assert_eq!(
        q1.raw, q2.raw,
        "a replay hands out the same statement, salts and all"
    );
    c.keys().verify_value(&q1.raw).unwrap();

    let k = key();
    let r1 = c.pause_signed(&consent.consent_id, &k).await.unwrap();
    let r2 = c.pause_signed(&consent.consent_id, &k).await.unwrap();
    assert_eq!(r1.raw, r2.raw);
    assert_eq!(r1.value.consent.status, ConsentStatus::Paused);
    // The receipt embeds the consent's commitments, not its values.
    let embedded = &r1.raw["consent"];
    assert!(embedded.get(redact::DISCLOSED).is_none());
    c.keys().verify_value(embedded).unwrap();
    let mut withheld = redact::reveal(&r1.raw).unwrap().withheld;
    withheld.sort();
    assert_eq!(withheld, ["consent.customerId", "consent.purpose.text"]);
    assert_eq!(r1.value.consent.customer_id, "");
    // The consent version it names is served with its values, the same statement.
    let now = c.consent_signed(&consent.consent_id).await.unwrap();
    assert_eq!(
        redact::statement_bytes(&now.raw).unwrap(),
        redact::statement_bytes(embedded).unwrap()
    );
    assert_eq!(now.value.customer_id, consent.customer_id);
}

#[tokio::test]
async fn a_disclosure_that_does_not_match_its_commitment_is_refused() {
    let sb = start(Scenario::SalariedGood).await;
    let c = client_for(&sb).await;
    let consent = decide(&c, &[]).await;
    let mut raw = c.consent_signed(&consent.consent_id).await.unwrap().raw;
    // The signature does not cover the disclosures, so it still verifies...
    raw[redact::DISCLOSED][0][2] = Value::String("someone-else".into());
    c.keys().verify_value(&raw).unwrap();
    // ...but the value no longer opens its commitment.
    assert!(matches!(
        redact::plain(raw),
        Err(redact::RedactError::DigestMismatch(_))
    ));
}

#[tokio::test]
async fn a_contract_v1_lender_signs_plain_statements_that_read_the_same() {
    let sb = start(Scenario::SalariedGood).await;
    sb.set_faults(khata_sandbox::Faults {
        contract_v1: true,
        ..Default::default()
    });
    let c = client_for(&sb).await;
    let consent = decide(&c, &[]).await;
    let signed = c.consent_signed(&consent.consent_id).await.unwrap();
    assert!(signed.raw.get(redact::SD).is_none(), "a 1.x artefact");
    assert_eq!(signed.raw["customerId"], consent.customer_id.as_str());
    assert_eq!(signed.value, consent);
    c.keys().verify_value(&signed.raw).unwrap();
    let offer = &c.offers_signed().await.unwrap()[0];
    assert!(offer.raw.get(redact::SD).is_none());
    let r = c.pause_signed(&consent.consent_id, &key()).await.unwrap();
    assert!(r.raw["consent"].get(redact::SD).is_none());
    assert_eq!(r.value.consent.customer_id, consent.customer_id);
    assert!(redact::reveal(&r.raw).unwrap().withheld.is_empty());
}
