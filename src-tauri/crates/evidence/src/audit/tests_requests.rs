//! Unit tests of the rules that measure lenders' answers against the borrower's own requests.
use super::tests::{consent, disc, input, rules, sig, t};
use super::*;
use khata_contract::types::*;

const ASKED: &str = "2026-02-10T00:00:00Z";

fn revoke_request(signals: &[&str]) -> BorrowerRequest {
    BorrowerRequest::ConsentAction {
        id: "rev-1".into(),
        lender_id: "L".into(),
        consent_id: "c1".into(),
        action: ConsentAction::Revoke,
        signals: signals.iter().map(|s| s.to_string()).collect(),
        requested_at: t(ASKED).timestamp_millis(),
        idempotency_key: "key-1".into(),
    }
}

/// The receipt an honest lender gives for a whole revocation a minute after the request.
fn receipt() -> Receipt {
    let mut c = consent();
    c.version = 2;
    c.status = ConsentStatus::Revoked;
    c.signals_revoked = c.signals_granted.clone();
    c.updated_at = t("2026-02-10T00:01:00Z");
    Receipt {
        receipt_id: "rcpt-1".into(),
        consent_id: "c1".into(),
        action: ConsentAction::Revoke,
        signals: c.signals_granted.clone(),
        effective_at: t("2026-02-10T00:01:00Z"),
        idempotency_key: "key-1".into(),
        consent: c,
        signature: sig(),
    }
}

fn decision(granted: &[&str], denied: &[&str]) -> BorrowerRequest {
    let c = consent();
    BorrowerRequest::Decision {
        id: "r1".into(),
        lender_id: "L".into(),
        decided_at: t("2026-01-01T00:00:00Z").timestamp_millis(),
        granted: granted.iter().map(|s| s.to_string()).collect(),
        denied: denied.iter().map(|s| s.to_string()).collect(),
        purpose_code: c.purpose.code.clone(),
        consent_expiry: c.consent_expiry.timestamp_millis(),
        fetch_type: c.fetch_type,
        frequency: c.frequency,
        data_life: c.data_life,
    }
}

fn with_requests(
    mut i: AuditInput,
    reqs: Vec<BorrowerRequest>,
    receipts: Vec<Receipt>,
) -> AuditInput {
    for r in reqs {
        i.add_request(&serde_json::to_value(r).unwrap());
    }
    for r in receipts {
        i.add_statement("receipt", serde_json::to_value(r).unwrap(), None);
    }
    assert!(i.unreadable.is_empty(), "{:?}", i.unreadable);
    i
}

fn facts(f: &[Finding], rule: Rule) -> Vec<&FindingFacts> {
    f.iter()
        .filter(|x| x.rule == rule)
        .map(|x| &x.facts)
        .collect()
}

#[test]
fn honest_answers_trigger_nothing() {
    let i = with_requests(
        input(
            vec![disc(1, "sms_income", "2026-02-01T10:00:00Z")],
            vec![consent()],
        ),
        vec![
            decision(&["sms_income", "emi_bounces"], &["location_stability"]),
            revoke_request(&[]),
        ],
        vec![receipt()],
    );
    assert_eq!(audit(&i).findings, vec![]);
}

#[test]
fn a_revocation_counts_from_the_request_and_goes_unacknowledged_without_a_receipt() {
    let i = with_requests(
        input(
            vec![disc(1, "sms_income", "2026-02-11T00:00:00Z")],
            vec![consent()],
        ),
        vec![revoke_request(&[])],
        vec![],
    );
    let f = audit(&i).findings;
    assert_eq!(
        rules(&f),
        vec!["collected-after-revocation", "revocation-unacknowledged"]
    );
    let asked = t(ASKED).timestamp_millis();
    assert_eq!(
        facts(&f, Rule::CollectedAfterRevocation),
        vec![&FindingFacts::Revoked { revoked_at: asked }]
    );
    assert_eq!(
        facts(&f, Rule::RevocationUnacknowledged),
        vec![&FindingFacts::Unacknowledged {
            requested_at: asked,
            deadline_hours: 72,
            acknowledged_at: None
        }]
    );
    let unack = f
        .iter()
        .find(|x| x.rule == Rule::RevocationUnacknowledged)
        .unwrap();
    assert_eq!(unack.evidence[0].kind, "borrower-request");
    // Before the deadline, nothing is unacknowledged yet.
    let mut early = i.clone();
    early.now_ms = t("2026-02-12T00:00:00Z").timestamp_millis();
    assert!(
        audit(&early)
            .findings
            .iter()
            .all(|x| x.rule != Rule::RevocationUnacknowledged)
    );
}

#[test]
fn a_receipt_that_contradicts_the_request_is_a_finding_not_a_confirmation() {
    let mut future = receipt();
    future.effective_at = t("2100-01-01T00:00:00Z");
    let mut active = receipt();
    active.idempotency_key = "key-1".into();
    active.consent.status = ConsentStatus::Active;
    for (bad, field) in [(future, "effectiveAt"), (active, "status")] {
        let i = with_requests(
            input(
                vec![disc(1, "sms_income", "2026-02-11T00:00:00Z")],
                vec![consent()],
            ),
            vec![revoke_request(&[])],
            vec![bad],
        );
        let f = audit(&i).findings;
        assert_eq!(
            rules(&f),
            vec![
                "collected-after-revocation",
                "receipt-contradicts-request",
                "revocation-unacknowledged"
            ],
            "{field}"
        );
        match facts(&f, Rule::ReceiptContradictsRequest)[..] {
            [FindingFacts::Contradicts { field: got, .. }] => assert_eq!(got, field),
            ref other => panic!("{other:?}"),
        }
    }
    // A per-signal revocation answered with other signals.
    let mut other = receipt();
    other.consent.status = ConsentStatus::Active;
    other.signals = vec!["emi_bounces".into()];
    other.consent.signals_revoked = vec!["emi_bounces".into()];
    let req = revoke_request(&["sms_income"]);
    let fields: Vec<_> = check_receipt(&req, &other, t("2026-02-10T00:02:00Z").timestamp_millis())
        .into_iter()
        .map(|c| c.field)
        .collect();
    assert_eq!(fields, vec!["signals", "signalsRevoked"]);
}

#[test]
fn a_consent_wider_than_the_decision_is_altered_and_the_denial_still_holds() {
    // The borrower granted sms_income only; the lender signed a consent granting emi_bounces too.
    let i = with_requests(
        input(
            vec![disc(1, "emi_bounces", "2026-02-01T10:00:00Z")],
            vec![consent()],
        ),
        vec![decision(
            &["sms_income"],
            &["emi_bounces", "location_stability"],
        )],
        vec![],
    );
    let f = audit(&i).findings;
    assert_eq!(rules(&f), vec!["consent-altered", "signal-denied"]);
    let fields: Vec<_> = facts(&f, Rule::ConsentAltered)
        .into_iter()
        .map(|x| match x {
            FindingFacts::Contradicts { field, .. } => field.as_str(),
            _ => "",
        })
        .collect();
    assert_eq!(fields, vec!["signalsGranted", "signalsDenied"]);
    // Other terms than the request showed.
    let mut c = consent();
    c.purpose.code = "999".into();
    c.frequency.value = 24;
    let got: Vec<_> = check_consent(&decision(&["sms_income", "emi_bounces"], &[]), &c)
        .into_iter()
        .map(|x| x.field)
        .collect();
    assert_eq!(got, vec!["purpose", "frequency"]);
}

#[test]
fn requests_have_canonical_bytes_that_round_trip() {
    let r = revoke_request(&["sms_income"]);
    let bytes = r.canonical_bytes();
    let back: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(serde_json::to_vec(&back).unwrap(), bytes);
    assert_eq!(back["type"], "consentAction");
    assert_eq!(back["idempotencyKey"], "key-1");
}
