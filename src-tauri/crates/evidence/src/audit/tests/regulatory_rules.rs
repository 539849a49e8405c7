//! `prohibited-signal` by the built-in table: whatever the lender's catalogue says, and per
//! lender.

use super::*;

fn meta(lender: Option<&str>, id: &str, category: &str, name: &str, flags: &[&str]) -> SignalMeta {
    SignalMeta {
        lender_id: lender.map(str::to_string),
        id: id.into(),
        name: name.into(),
        category: category.into(),
        regulatory_flags: flags.iter().map(|f| f.to_string()).collect(),
    }
}

fn prohibited_signals(i: &AuditInput) -> Vec<(String, String, FindingFacts)> {
    audit(i)
        .findings
        .into_iter()
        .filter(|f| f.rule == Rule::ProhibitedSignal)
        .map(|f| (f.lender_id, f.signal.unwrap_or_default(), f.facts))
        .collect()
}

#[test]
fn a_catalogue_without_flags_does_not_silence_the_rule() {
    for signals in [
        // The `hide-rbi-flags` lender: no flags, call logs under a neutral category and name.
        vec![
            meta(
                Some("L"),
                "contacts_network",
                "pd:Contact",
                "Contacts list",
                &[],
            ),
            meta(
                Some("L"),
                "call_log_pattern",
                "pd:Behavioral",
                "Communication pattern",
                &[],
            ),
        ],
        // An export whose catalogue was emptied.
        vec![],
    ] {
        let mut i = input(
            vec![
                disc(1, "contacts_network", "2026-02-01T00:00:00Z"),
                disc(2, "call_log_pattern", "2026-02-01T00:00:00Z"),
                disc(3, "sms_income", "2026-02-01T00:00:00Z"),
            ],
            vec![consent()],
        );
        i.signals = signals;
        let got = prohibited_signals(&i);
        let mut names: Vec<&str> = got.iter().map(|(_, s, _)| s.as_str()).collect();
        names.sort();
        assert_eq!(names, ["call_log_pattern", "contacts_network"], "{got:?}");
        for (_, _, facts) in &got {
            let FindingFacts::Prohibited { source, data, .. } = facts else {
                panic!("{facts:?}")
            };
            assert_eq!(*source, regulatory::RuleSource::rbi());
            assert!(data.is_some());
        }
    }
}

#[test]
fn each_lender_is_judged_by_its_own_catalogue() {
    // Two lenders use the id `score_x` for different data: contacts at L, income at M.
    let mut i = input(
        vec![
            disc(1, "score_x", "2026-02-01T00:00:00Z"),
            Disclosure {
                lender_id: "M".into(),
                consent_id: None,
                ..disc(2, "score_x", "2026-02-01T00:00:00Z")
            },
        ],
        vec![consent()],
    );
    i.signals = vec![
        meta(Some("M"), "score_x", "pd:Income", "Income", &[]),
        meta(Some("L"), "score_x", "pd:Contact", "Social score", &[]),
    ];
    let got = prohibited_signals(&i);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "L");
    assert!(matches!(
        got[0].2,
        FindingFacts::Prohibited {
            data: Some(regulatory::RegulatedData::ContactList),
            matched_by: regulatory::MatchedBy::Category,
            ..
        }
    ));
}

#[test]
fn a_lenders_own_prohibition_flag_is_believed() {
    let mut i = input(
        vec![disc(1, "odd_signal", "2026-02-01T00:00:00Z")],
        vec![consent()],
    );
    i.signals = vec![meta(
        Some("L"),
        "odd_signal",
        "pd:Behavioral",
        "Odd",
        &[PROHIBITED_FLAG],
    )];
    let got = prohibited_signals(&i);
    assert!(
        matches!(
            got.as_slice(),
            [(
                _,
                _,
                FindingFacts::Prohibited {
                    data: None,
                    matched_by: regulatory::MatchedBy::LenderFlag,
                    ..
                }
            )]
        ),
        "{got:?}"
    );
}

#[test]
fn location_collected_again_is_kyc_only_signal_reused() {
    // Once is what the rules allow; the second and third collections, under another consent
    // or none, are the finding, whatever the catalogue calls the signal.
    let none = Disclosure {
        consent_id: None,
        ..disc(3, "location_stability", "2026-02-03T00:00:00Z")
    };
    let mut i = input(
        vec![
            disc(1, "location_stability", "2026-02-01T00:00:00Z"),
            disc(2, "location_stability", "2026-02-02T00:00:00Z"),
            none,
            disc(4, "sms_income", "2026-02-01T00:00:00Z"),
            disc(5, "sms_income", "2026-02-02T00:00:00Z"),
        ],
        vec![consent()],
    );
    i.signals = vec![meta(
        Some("L"),
        "location_stability",
        "pd:Behavioral",
        "Stability",
        &[],
    )];
    let f: Vec<Finding> = audit(&i)
        .findings
        .into_iter()
        .filter(|f| f.rule == Rule::KycOnlySignalReused)
        .collect();
    assert_eq!(f.len(), 1, "{f:?}");
    let f = &f[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(
        (f.signal.as_deref(), f.consent_id.as_deref()),
        (Some("location_stability"), None)
    );
    assert_eq!(f.count, 2);
    assert_eq!(f.at, t("2026-02-02T00:00:00Z").timestamp_millis());
    assert_eq!(
        f.facts,
        FindingFacts::KycOnly {
            data: regulatory::RegulatedData::Location,
            total: 3,
            source: regulatory::RuleSource::rbi(),
        }
    );
    // The first collection is shown beside the repeats.
    let shown: Vec<&str> = f.evidence.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(shown, ["d2", "d1", "d3"]);

    // Collected once: nothing to report.
    let once = input(
        vec![disc(1, "location_stability", "2026-02-01T00:00:00Z")],
        vec![consent()],
    );
    assert!(
        audit(&once)
            .findings
            .iter()
            .all(|f| f.rule != Rule::KycOnlySignalReused)
    );
}
