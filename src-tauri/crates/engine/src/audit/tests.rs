//! Unit tests of the pure rules (no I/O).
use super::*;
use khata_lending::types::*;
use serde_json::json;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn sig() -> Signature {
    Signature {
        key_id: "k".into(),
        alg: "Ed25519".into(),
        value: "x".into(),
    }
}

fn consent() -> Consent {
    Consent {
        consent_id: "c1".into(),
        request_id: "r1".into(),
        lender_id: "L".into(),
        customer_id: "u".into(),
        version: 1,
        status: ConsentStatus::Active,
        create_timestamp: t("2026-01-01T00:00:00Z"),
        updated_at: t("2026-01-01T00:00:00Z"),
        purpose: Purpose {
            code: "103".into(),
            text: "credit".into(),
        },
        signals_granted: vec!["sms_income".into(), "emi_bounces".into()],
        signals_denied: vec!["location_stability".into()],
        signals_revoked: vec![],
        consent_start: t("2026-01-01T00:00:00Z"),
        consent_expiry: t("2026-12-31T00:00:00Z"),
        fetch_type: FetchType::Periodic,
        frequency: Frequency {
            unit: FrequencyUnit::Day,
            value: 1,
        },
        data_life: DataLife {
            unit: DataLifeUnit::Month,
            value: 6,
        },
        fi_data_range: DataRange {
            from: t("2025-01-01T00:00:00Z"),
            to: t("2026-12-31T00:00:00Z"),
        },
        onward_recipients: vec![Recipient {
            id: "cibil".into(),
            name: "CIBIL".into(),
            role: "bureau".into(),
        }],
        signature: sig(),
    }
}

fn disc(n: u64, signal: &str, at: &str) -> Disclosure {
    Disclosure {
        disclosure_id: format!("d{n}"),
        seq: n,
        lender_id: "L".into(),
        signal: signal.into(),
        collected_at: t(at),
        purpose: "103".into(),
        consent_id: Some("c1".into()),
        data_range: DataRange {
            from: t("2025-06-01T00:00:00Z"),
            to: t(at),
        },
        value_digest: "sha256:00".into(),
        onward_recipient: None,
        signature: sig(),
    }
}

fn input(ds: Vec<Disclosure>, consents: Vec<Consent>) -> AuditInput {
    let mut i = AuditInput {
        now_ms: t("2026-03-01T00:00:00Z").timestamp_millis(),
        signals: vec![SignalMeta {
            id: "contacts_network".into(),
            regulatory_flags: vec![PROHIBITED_FLAG.into()],
        }],
        ..Default::default()
    };
    for c in consents {
        i.add_statement("consent", serde_json::to_value(c).unwrap(), None);
    }
    for (n, d) in ds.into_iter().enumerate() {
        i.add_statement(
            "disclosure",
            serde_json::to_value(d).unwrap(),
            Some(n as i64 + 1),
        );
    }
    assert!(i.unreadable.is_empty(), "{:?}", i.unreadable);
    i
}

fn rules(f: &[Finding]) -> Vec<&'static str> {
    let mut v: Vec<_> = f.iter().map(|f| f.rule.id()).collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn a_well_behaved_lender_triggers_nothing() {
    let mut d2 = disc(2, "emi_bounces", "2026-02-02T10:00:00Z");
    d2.onward_recipient = Some("cibil".into());
    let i = input(
        vec![
            disc(1, "sms_income", "2026-02-01T10:00:00Z"),
            d2,
            disc(3, "sms_income", "2026-02-02T10:00:00Z"),
        ],
        vec![consent()],
    );
    assert_eq!(audit(&i).findings, vec![]);
}

#[test]
fn each_rule_fires_with_evidence() {
    let mut revoked = consent();
    revoked.version = 2;
    revoked.status = ConsentStatus::Revoked;
    revoked.signals_revoked = revoked.signals_granted.clone();
    revoked.updated_at = t("2026-02-10T00:00:00Z");
    let mut late = disc(1, "sms_income", "2026-02-11T00:00:00Z");
    late.data_range.from = t("2024-01-01T00:00:00Z");
    late.onward_recipient = Some("adnet-42".into());
    late.purpose = "cross-selling".into();
    let mut none = disc(4, "sms_income", "2026-02-01T00:00:00Z");
    none.consent_id = None;
    let i = input(
        vec![
            late,
            disc(2, "location_stability", "2026-02-01T00:00:00Z"),
            disc(3, "contacts_network", "2026-02-01T00:00:00Z"),
            none,
            disc(5, "emi_bounces", "2026-01-05T00:00:00Z"),
            disc(6, "emi_bounces", "2026-01-05T01:00:00Z"),
        ],
        vec![consent(), revoked],
    );
    let f = audit(&i).findings;
    assert_eq!(
        rules(&f),
        vec![
            "above-frequency",
            "collected-after-revocation",
            "no-consent",
            "outside-data-range",
            "prohibited-signal",
            "purpose-mismatch",
            "signal-denied",
            "signal-not-granted",
            "unnamed-recipient",
        ]
    );
    let rev = f
        .iter()
        .find(|f| f.rule == Rule::CollectedAfterRevocation)
        .unwrap();
    assert_eq!(rev.evidence[0].kind, "disclosure");
    assert_eq!(rev.evidence[1].statement["version"], json!(2));
    assert_eq!(rev.records[0].local_id, Some(1));
    assert_eq!(rev.severity, Severity::Critical);
}

#[test]
fn expiry_and_data_life() {
    let mut c = consent();
    c.consent_expiry = t("2026-01-15T00:00:00Z");
    c.data_life = DataLife {
        unit: DataLifeUnit::Day,
        value: 10,
    };
    let i = input(vec![disc(1, "sms_income", "2026-01-20T00:00:00Z")], vec![c]);
    assert_eq!(
        rules(&audit(&i).findings),
        vec!["collected-after-expiry", "data-life-exceeded"]
    );
}

fn expl(score: i64, contribs: &[(&str, i64, i64)]) -> Explanation {
    let contributions: Vec<_> = contribs
        .iter()
        .map(|(s, p, m)| Contribution {
            signal: (*s).into(),
            bin: "b".into(),
            points: *p,
            missing_points: *m,
        })
        .collect();
    let mut adverse: Vec<_> = contributions.iter().filter(|c| c.points < 0).collect();
    adverse.sort_by_key(|c| c.points);
    let reason_codes: Vec<_> = adverse
        .iter()
        .enumerate()
        .map(|(n, c)| ReasonCode {
            rank: n as u32 + 1,
            code: c.signal.clone(),
            signal: c.signal.clone(),
            points: c.points,
            text: String::new(),
        })
        .collect();
    Explanation {
        method: ExplanationMethod::ScorecardPoints,
        baseline: 600,
        score,
        contributions,
        cutoffs: Cutoffs {
            decline_below: 500,
            tiers: vec![],
        },
        top_adverse: reason_codes.iter().take(4).cloned().collect(),
        reason_codes,
    }
}

fn offer(x: Explanation) -> Offer {
    Offer {
        offer_id: "o1".into(),
        consent_id: "c1".into(),
        lender_id: "L".into(),
        created_at: t("2026-02-01T00:00:00Z"),
        decision: OfferDecision::Approved,
        amount_inr: 1000,
        apr_monthly_bps: 180,
        tenure_months: 12,
        explanation: x,
        signature: sig(),
    }
}

fn quote(withheld: &str, x: Explanation) -> Quote {
    Quote {
        quote_id: "q1".into(),
        offer_id: "o1".into(),
        lender_id: "L".into(),
        created_at: t("2026-02-01T00:00:00Z"),
        withheld: vec![withheld.into()],
        soft: true,
        decision: OfferDecision::Approved,
        amount_inr: 1000,
        apr_monthly_bps: 180,
        tenure_months: 12,
        explanation: x,
        signature: sig(),
    }
}

#[test]
fn explanations_that_add_up_pass_and_lies_are_found() {
    let contribs = [("a", 30, -10), ("b", -20, 0), ("c", 5, 0)];
    let good = expl(615, &contribs);
    // Withholding a: 615 + (-10 - 30) = 575.
    let q = expl(575, &[("a", -10, -10), ("b", -20, 0), ("c", 5, 0)]);
    let mut i = AuditInput::default();
    i.add_statement(
        "offer",
        serde_json::to_value(offer(good.clone())).unwrap(),
        None,
    );
    i.add_statement("quote", serde_json::to_value(quote("a", q)).unwrap(), None);
    assert_eq!(audit(&i).findings, vec![]);

    let mut bad = good.clone();
    bad.score = 620;
    bad.reason_codes.clear();
    bad.top_adverse = vec![bad.top_adverse[0].clone(); 5];
    let lie = expl(600, &[("a", -10, -10), ("b", -20, 0), ("c", 30, 0)]);
    let mut i = AuditInput::default();
    i.add_statement("offer", serde_json::to_value(offer(bad)).unwrap(), None);
    i.add_statement(
        "quote",
        serde_json::to_value(quote("a", lie)).unwrap(),
        None,
    );
    let f = audit(&i).findings;
    assert_eq!(
        rules(&f),
        vec![
            "contributions-do-not-add-up",
            "counterfactual-mismatch",
            "reason-codes-mismatch",
            "top-adverse-invalid"
        ]
    );
}

#[test]
fn findings_serialise_with_stable_ids() {
    let i = input(
        vec![disc(1, "contacts_network", "2026-02-01T00:00:00Z")],
        vec![consent()],
    );
    let f = audit(&i);
    let v = serde_json::to_value(&f).unwrap();
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "prohibited-signal" && f["severity"] == "critical")
    );
    for r in Rule::ALL {
        assert_eq!(serde_json::to_value(r).unwrap(), json!(r.id()));
    }
}

#[test]
fn verify_rejects_garbage_without_panicking() {
    for b in [
        &b""[..],
        b"null",
        b"[]",
        b"{}",
        b"{\"format\":\"khata-export\",\"version\":1}",
        b"\xff\xfe",
    ] {
        assert!(verify::verify_export_bytes(b, &mut |_, _| {}).is_err());
    }
    assert_eq!(
        verify::verify_export_bytes(b"{\"format\":\"x\"}", &mut |_, _| {})
            .unwrap_err()
            .exit_code(),
        2
    );
    assert_eq!(
        verify::verify_export_bytes(
            b"{\"format\":\"khata-export\",\"version\":1}",
            &mut |_, _| {}
        )
        .unwrap_err()
        .exit_code(),
        1
    );
}
