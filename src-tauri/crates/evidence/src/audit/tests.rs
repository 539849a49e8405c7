//! Unit tests of the pure rules (no I/O).
use super::*;
use crate::verify;
use chrono::{DateTime, Utc};
use khata_contract::types::*;
use serde_json::{Value, json};

pub(super) fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub(super) fn sig() -> Signature {
    Signature {
        key_id: "k".into(),
        alg: "Ed25519".into(),
        value: "x".into(),
    }
}

pub(super) fn consent() -> Consent {
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

pub(super) fn disc(n: u64, signal: &str, at: &str) -> Disclosure {
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

pub(super) fn input(ds: Vec<Disclosure>, consents: Vec<Consent>) -> AuditInput {
    let mut i = AuditInput {
        now_ms: t("2026-03-01T00:00:00Z").timestamp_millis(),
        signals: vec![SignalMeta {
            id: "contacts_network".into(),
            regulatory_flags: vec![PROHIBITED_FLAG.into()],
            ..Default::default()
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

pub(super) fn rules(f: &[Finding]) -> Vec<&'static str> {
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
    assert_eq!((rev.count, rev.records_omitted), (1, 0));
    assert_eq!(rev.at, rev.last_at);
    // Two collections of emi_bounces an hour apart under a once-a-day consent: one finding,
    // proved by both disclosures and the consent.
    let freq = f.iter().find(|f| f.rule == Rule::AboveFrequency).unwrap();
    assert_eq!(freq.count, 1);
    let ids: Vec<&str> = freq.evidence.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["d6", "d5", "c1#v2"]);
    // The facts each sentence is worded from.
    let facts = |r: Rule| &f.iter().find(|f| f.rule == r).unwrap().facts;
    let day = |s: &str| t(s).timestamp_millis();
    assert_eq!(
        *facts(Rule::AboveFrequency),
        FindingFacts::Frequency {
            value: 1,
            unit: PeriodUnit::Day,
            most_in_window: 2
        }
    );
    assert_eq!(
        *facts(Rule::CollectedAfterRevocation),
        FindingFacts::Revoked {
            revoked_at: day("2026-02-10T00:00:00Z")
        }
    );
    assert_eq!(
        *facts(Rule::ProhibitedSignal),
        FindingFacts::Prohibited {
            flag: PROHIBITED_FLAG.into(),
            data: Some(regulatory::RegulatedData::ContactList),
            matched_by: regulatory::MatchedBy::Meaning,
            source: regulatory::RuleSource::rbi(),
        }
    );
    assert_eq!(*facts(Rule::NoConsent), FindingFacts::NoConsent);
    assert_eq!(*facts(Rule::SignalDenied), FindingFacts::Denied);
    assert_eq!(
        *facts(Rule::SignalNotGranted),
        FindingFacts::NotGranted {
            granted: vec!["sms_income".into(), "emi_bounces".into()]
        }
    );
    assert!(matches!(
        *facts(Rule::OutsideDataRange),
        FindingFacts::OutsideRange { data_from, consented_from, consented_to, .. }
            if data_from == day("2024-01-01T00:00:00Z")
                && consented_from == day("2025-01-01T00:00:00Z")
                && consented_to == day("2026-12-31T00:00:00Z")
    ));
    assert_eq!(
        *facts(Rule::UnnamedRecipient),
        FindingFacts::UnnamedRecipient {
            recipient: "adnet-42".into(),
            named: vec!["cibil".into()]
        }
    );
    assert_eq!(
        *facts(Rule::PurposeMismatch),
        FindingFacts::PurposeMismatch {
            purpose: "cross-selling".into(),
            consented_code: "103".into(),
            consented_text: "credit".into()
        }
    );
}

/// `n` collections of sms_income a minute apart, from 2026-02-11 (after the consent's
/// revocation), under a once-a-day consent whose six-month data life has run out by `now_ms`.
fn many(n: u64) -> AuditInput {
    let mut revoked = consent();
    revoked.version = 2;
    revoked.status = ConsentStatus::Revoked;
    revoked.updated_at = t("2026-02-10T00:00:00Z");
    let base = t("2026-02-11T00:00:00Z");
    let ds = (1..=n)
        .map(|k| {
            let at = (base + chrono::Duration::minutes(k as i64 - 1)).to_rfc3339();
            disc(k, "sms_income", &at)
        })
        .collect();
    let mut i = input(ds, vec![consent(), revoked]);
    i.now_ms = t("2027-01-01T00:00:00Z").timestamp_millis();
    i
}

#[test]
fn n_offending_disclosures_make_one_finding_naming_n_records() {
    let n = 25u64;
    let i = many(n);
    let report = audit(&i);
    let f = &report.findings;
    // Per rule, one finding: after revocation (all 25), data life (all 25), frequency (24:
    // every collection after the first on that day).
    assert_eq!(
        rules(f),
        vec![
            "above-frequency",
            "collected-after-revocation",
            "data-life-exceeded"
        ]
    );
    assert_eq!(f.len(), 3, "{f:#?}");
    assert_eq!(report.summary.findings, 3);
    assert_eq!(report.summary.disclosures, n);
    let first = t("2026-02-11T00:00:00Z").timestamp_millis();
    let last = first + (n as i64 - 1) * 60_000;
    let disclosures = |f: &Finding| -> Vec<String> {
        f.records
            .iter()
            .filter(|r| r.kind == "disclosure")
            .map(|r| r.id.clone())
            .collect()
    };
    let sample = |from: u64| -> Vec<String> {
        (from..from + 5)
            .chain(n - 4..=n)
            .map(|k| format!("d{k}"))
            .collect()
    };
    for f in f {
        let offending = if f.rule == Rule::AboveFrequency {
            n - 1
        } else {
            n
        };
        assert_eq!(f.count, offending, "{:?}", f.rule);
        assert_eq!(f.last_at, last, "{:?}", f.rule);
        assert_eq!(
            f.records_omitted,
            offending - 2 * RECORD_SAMPLE_EACH_END as u64
        );
        assert_eq!(f.records.last().unwrap().kind, "consent");
        assert_eq!(f.consent_id.as_deref(), Some("c1"));
        assert_eq!(f.signal.as_deref(), Some("sms_income"));
    }
    let rev = f
        .iter()
        .find(|f| f.rule == Rule::CollectedAfterRevocation)
        .unwrap();
    assert_eq!(rev.at, first);
    assert_eq!(disclosures(rev), sample(1));
    assert_eq!(rev.records[0].local_id, Some(1));
    // Evidence: the first and the last offending disclosure, then the revoked artefact.
    let ids: Vec<&str> = rev.evidence.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["d1", "d25", "c1#v2"]);
    // "collected sms_income 25 times between 00:00 and 00:24, after the revocation at …"
    assert_eq!((rev.count, rev.at, rev.last_at), (25, first, last));
    assert_eq!(
        rev.facts,
        FindingFacts::Revoked {
            revoked_at: t("2026-02-10T00:00:00Z").timestamp_millis()
        }
    );
    let freq = f.iter().find(|f| f.rule == Rule::AboveFrequency).unwrap();
    assert_eq!(freq.at, first + 60_000);
    assert_eq!(disclosures(freq), sample(2));
    // Each shown collection over the limit with the one before it, then the consent.
    let ids: Vec<&str> = freq.evidence.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["d2", "d1", "d24", "d25", "c1#v2"]);
    // 24 collections over 1 per day, from 00:01 to 00:24; up to 25 within one day.
    assert_eq!((freq.count, freq.last_at), (24, last));
    assert_eq!(
        freq.facts,
        FindingFacts::Frequency {
            value: 1,
            unit: PeriodUnit::Day,
            most_in_window: 25
        }
    );
    // The consent artefact is shared by every finding it proves, not copied.
    let life = f.iter().find(|f| f.rule == Rule::DataLifeExceeded).unwrap();
    let consent_of = |f: &Finding| f.evidence.last().unwrap().statement.clone();
    assert!(std::sync::Arc::ptr_eq(&consent_of(freq), &consent_of(life)));
    assert!(std::sync::Arc::ptr_eq(
        &consent_of(freq),
        &i.consents
            .iter()
            .find(|c| c.value.version == 2)
            .unwrap()
            .json
    ));
}

#[test]
fn different_recipients_purposes_and_lenders_stay_apart() {
    let mk = |n: u64, to: Option<&str>, purpose: &str| {
        let mut d = disc(n, "emi_bounces", &format!("2026-02-{:02}T10:00:00Z", n));
        d.onward_recipient = to.map(str::to_string);
        d.purpose = purpose.into();
        d
    };
    let i = input(
        vec![
            mk(1, Some("adnet"), "103"),
            mk(2, Some("adnet"), "ads"),
            mk(3, Some("broker"), "ads"),
            mk(4, Some("broker"), "resale"),
        ],
        vec![consent()],
    );
    let f = audit(&i).findings;
    let counts = |rule: Rule| -> Vec<u64> {
        f.iter()
            .filter(|f| f.rule == rule)
            .map(|f| f.count)
            .collect()
    };
    assert_eq!(counts(Rule::UnnamedRecipient), vec![2, 2]);
    assert_eq!(counts(Rule::PurposeMismatch), vec![2, 1]);
    assert!(f.iter().all(|f| f.records_omitted == 0));
}

/// The export layout `export::from_export` reads, built from an input's statements.
fn export_doc(i: &AuditInput) -> Value {
    json!({
        "format": "khata-export",
        "signals": i.signals.iter().map(|s| json!({"id": s.id, "regulatoryFlags": s.regulatory_flags})).collect::<Vec<_>>(),
        "consentRecords": [{"signed_artefacts": i.consents.iter().map(|c| c.json.as_ref().clone()).collect::<Vec<_>>()}],
        "receipts": [], "offers": [], "quotes": [],
        "disclosures": i.disclosures.iter().map(|d| json!({"id": d.local_id, "statement": d.stmt.json.as_ref()}))
            .chain([json!({"id": 99, "statement": null}), json!({"id": 100, "statement": {"disclosureId": "broken"}})])
            .collect::<Vec<_>>(),
        "ledger": {"entries": [], "head": {}},
    })
}

#[test]
fn auditing_export_bytes_a_round_at_a_time_equals_auditing_the_document() {
    let i = many(25);
    let doc = export_doc(&i);
    let bytes = serde_json::to_vec(&doc).unwrap();
    let want = audit(&export::from_export(&doc, i.now_ms));
    assert_eq!(
        want.summary.unreadable.len(),
        2,
        "{:?}",
        want.summary.unreadable
    );
    for round in [1, 7, 1 << 16] {
        let mut seen = 0;
        let got = export::audit_in_rounds(&bytes, i.now_ms, round, |_| seen += 1).unwrap();
        assert_eq!(got, want, "round {round}");
        assert_eq!(seen, 25);
    }
    assert!(export::audit_export_bytes(b"[1]", 0, |_| {}).is_err());
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
        // A Key Fact Statement that adds up (the rules on it are tested in `kfs_rules`).
        kfs: Some(crate::kfs::tests::statement(
            1000,
            0,
            2160,
            crate::kfs::tests::amortise(1000, 180, 12, crate::kfs::tests::date(2026, 2, 1)),
        )),
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
        request_id: None,
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
    // Facts are tagged by `kind`, their fields in camelCase, as ts-rs declares them.
    let prohibited = &v["findings"][0]["facts"];
    assert_eq!(
        *prohibited,
        json!({"kind": "prohibited", "flag": PROHIBITED_FLAG, "data": "contactList",
               "matchedBy": "meaning", "source": {"id": "rbi-digital-lending",
               "issued": "2022-09-02", "consolidated": "2025-05-08", "tableVersion": 1}})
    );
    assert_eq!(
        serde_json::to_value(FindingFacts::Frequency {
            value: 1,
            unit: PeriodUnit::Day,
            most_in_window: 3
        })
        .unwrap(),
        json!({"kind": "frequency", "value": 1, "unit": "day", "mostInWindow": 3})
    );
    assert_eq!(
        serde_json::to_value(FindingFacts::Denied).unwrap(),
        json!({"kind": "denied"})
    );
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

mod kfs_rules;
mod log_rules;
mod overflow;
mod phone_rules;
mod quote_rules;
mod regulatory_rules;
