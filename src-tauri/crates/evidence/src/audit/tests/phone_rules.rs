//! The `observed-*` rules: what the borrower's phone saw, against the lender's consents,
//! disclosures and named recipients. A hit and a near miss per rule, then a realistic
//! over-collector.

use super::*;
use crate::phone::*;

const IOS: &str = "aa11";
const ANDROID: &str = "bb22";

fn ms_of(s: &str) -> i64 {
    t(s).timestamp_millis()
}

fn source(sha: &str, platform: Platform, lender: Option<&str>) -> PhoneSource {
    let (format, limits, offset_from) = match platform {
        Platform::Ios => (
            SourceFormat::IosAppPrivacyReport,
            vec![
                SourceLimit::UseNotContent,
                SourceLimit::SevenDays,
                SourceLimit::IosNoSmsOrCallLog,
            ],
            OffsetFrom::InFile,
        ),
        Platform::Android => (
            SourceFormat::AndroidAppops,
            vec![
                SourceLimit::UseNotContent,
                SourceLimit::LastAccessOnly,
                SourceLimit::OffsetNotInFile,
            ],
            OffsetFrom::Assumed,
        ),
    };
    PhoneSource {
        sha256: sha.into(),
        format,
        platform,
        file_name: format!("{sha}.txt"),
        bytes: 100,
        captured_at: Some(ms_of("2026-02-20T00:00:00Z")),
        imported_at: ms_of("2026-02-21T00:00:00Z"),
        device: Device::default(),
        utc_offset_min: (platform == Platform::Android).then_some(330),
        offset_from,
        app: "in.lender.app".into(),
        lender_id: lender.map(str::to_string),
        covers_from: None,
        covers_to: None,
        records: 1,
        malformed_lines: 0,
        limits,
    }
}

fn seen(
    sha: &str,
    resource: Resource,
    state: AppState,
    first: &str,
    last: &str,
    count: u64,
) -> Observation {
    Observation {
        source: sha.into(),
        app: "in.lender.app".into(),
        platform: if sha == IOS {
            Platform::Ios
        } else {
            Platform::Android
        },
        resource,
        op: format!("{resource:?}").to_uppercase(),
        kind: ObservationKind::Access,
        state,
        first_at: ms_of(first),
        last_at: ms_of(last),
        count,
        open_interval: false,
        network: None,
    }
}

fn once(sha: &str, resource: Resource, at: &str) -> Observation {
    seen(sha, resource, AppState::Foreground, at, at, 1)
}

fn network(domain: &str, profiler: bool, at: &str) -> Observation {
    Observation {
        op: domain.into(),
        kind: ObservationKind::Network,
        network: Some(NetworkFacts {
            domain: domain.into(),
            domain_owner: None,
            profiler,
            app_initiated: Some(true),
        }),
        ..once(IOS, Resource::Network, at)
    }
}

/// The tests' consent (lender L, c1, from 2026-01-01) and disclosures, with what the phone saw.
fn with_phone(ds: Vec<Disclosure>, consents: Vec<Consent>, obs: Vec<Observation>) -> AuditInput {
    let mut i = input(ds, consents);
    i.phone_sources = vec![
        source(IOS, Platform::Ios, Some("L")),
        source(ANDROID, Platform::Android, Some("L")),
    ];
    i.observations = obs;
    i
}

fn found(i: &AuditInput, rule: Rule) -> Vec<Finding> {
    audit(i)
        .findings
        .into_iter()
        .filter(|f| f.rule == rule)
        .collect()
}

fn why(f: &Finding) -> &ObservedWhy {
    match &f.facts {
        FindingFacts::Observed(o) => &o.why,
        other => panic!("not an observed finding: {other:?}"),
    }
}

fn revoked_on(at: &str) -> Consent {
    let mut c = consent();
    c.version = 2;
    c.status = ConsentStatus::Revoked;
    c.updated_at = t(at);
    c
}

#[test]
fn prohibited_access_is_a_use_of_a_barred_resource_not_a_permission() {
    let i = with_phone(
        vec![],
        vec![consent()],
        vec![once(ANDROID, Resource::Contacts, "2026-02-01T10:00:00Z")],
    );
    let f = found(&i, Rule::ObservedProhibitedAccess);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Critical);
    assert!(matches!(
        why(&f[0]),
        ObservedWhy::Prohibited {
            data: regulatory::RegulatedData::ContactList,
            ..
        }
    ));
    // Near miss: the permission granted (not used), and a once-only camera access.
    let mut granted = once(ANDROID, Resource::Contacts, "2026-02-01T10:00:00Z");
    granted.kind = ObservationKind::Granted;
    let i = with_phone(
        vec![],
        vec![consent()],
        vec![granted, once(IOS, Resource::Camera, "2026-02-01T10:00:00Z")],
    );
    assert!(found(&i, Rule::ObservedProhibitedAccess).is_empty());
}

#[test]
fn after_revocation_counts_from_when_it_took_effect() {
    let obs = |at: &str| vec![once(ANDROID, Resource::Sms, at)];
    let i = with_phone(
        vec![],
        vec![consent(), revoked_on("2026-02-10T00:00:00Z")],
        obs("2026-02-11T00:00:00Z"),
    );
    let f = found(&i, Rule::ObservedAfterRevocation);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].consent_id.as_deref(), Some("c1"));
    assert_eq!(
        why(&f[0]),
        &ObservedWhy::AfterRevocation {
            revoked_at: ms_of("2026-02-10T00:00:00Z"),
            signals: vec![],
        }
    );
    assert!(
        f[0].evidence.iter().any(|e| e.kind == "consent"),
        "{:?}",
        f[0].evidence
    );
    // It is not also "without consent": the revocation is the finding.
    assert!(found(&i, Rule::ObservedWithoutConsent).is_empty());
    // Near miss: the day before.
    let i = with_phone(
        vec![],
        vec![consent(), revoked_on("2026-02-10T00:00:00Z")],
        obs("2026-02-09T23:59:59Z"),
    );
    assert!(found(&i, Rule::ObservedAfterRevocation).is_empty());
}

#[test]
fn after_revocation_of_every_mapped_signal_but_not_of_one() {
    let revoke = |signals: &[&str]| {
        let mut c = consent();
        c.version = 2;
        c.signals_revoked = signals.iter().map(|s| s.to_string()).collect();
        c.updated_at = t("2026-02-10T00:00:00Z");
        c
    };
    let sms = vec![once(ANDROID, Resource::Sms, "2026-02-11T00:00:00Z")];
    let i = with_phone(
        vec![],
        vec![consent(), revoke(&["sms_income", "emi_bounces"])],
        sms.clone(),
    );
    let f = found(&i, Rule::ObservedAfterRevocation);
    assert_eq!(f.len(), 1);
    assert_eq!(
        why(&f[0]),
        &ObservedWhy::AfterRevocation {
            revoked_at: ms_of("2026-02-10T00:00:00Z"),
            signals: vec!["emi_bounces".into(), "sms_income".into()],
        }
    );
    // Near miss: `emi_bounces`, also read from SMS, is still granted.
    let i = with_phone(vec![], vec![consent(), revoke(&["sms_income"])], sms);
    assert!(found(&i, Rule::ObservedAfterRevocation).is_empty());
}

#[test]
fn without_consent_is_no_active_consent_of_that_lender() {
    let i = with_phone(
        vec![],
        vec![consent()],
        vec![once(ANDROID, Resource::Sms, "2025-12-20T00:00:00Z")],
    );
    let f = found(&i, Rule::ObservedWithoutConsent);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::High);
    assert_eq!(why(&f[0]), &ObservedWhy::WithoutConsent);
    // Another lender's consent is none of this one's.
    let mut i = with_phone(
        vec![],
        vec![consent()],
        vec![once(ANDROID, Resource::Sms, "2026-02-01T00:00:00Z")],
    );
    assert!(found(&i, Rule::ObservedWithoutConsent).is_empty());
    i.phone_sources[1].lender_id = Some("M".into());
    assert_eq!(found(&i, Rule::ObservedWithoutConsent).len(), 1);
    // A source tied to no lender is not audited.
    i.phone_sources[1].lender_id = None;
    assert!(audit(&i).findings.is_empty());
}

#[test]
fn an_aggregate_straddling_the_start_counts_one_access() {
    let i = with_phone(
        vec![],
        vec![consent()],
        vec![seen(
            ANDROID,
            Resource::Sms,
            AppState::Foreground,
            "2025-12-31T23:00:00Z",
            "2026-01-01T01:00:00Z",
            7,
        )],
    );
    let f = found(&i, Rule::ObservedWithoutConsent);
    assert_eq!((f[0].count, f[0].at), (1, ms_of("2025-12-31T23:00:00Z")));
}

#[test]
fn undeclared_is_no_mapped_disclosure_within_a_day() {
    let sms = vec![once(ANDROID, Resource::Sms, "2026-02-01T10:00:00Z")];
    let i = with_phone(
        vec![disc(1, "sms_income", "2026-02-01T20:00:00Z")],
        vec![consent()],
        sms.clone(),
    );
    assert!(found(&i, Rule::ObservedUndeclared).is_empty());
    let i = with_phone(
        vec![disc(1, "sms_income", "2026-02-03T20:00:00Z")],
        vec![consent()],
        sms,
    );
    let f = found(&i, Rule::ObservedUndeclared);
    assert_eq!(f.len(), 1);
    let ObservedWhy::Undeclared {
        signals,
        window_hours,
        ..
    } = why(&f[0])
    else {
        panic!()
    };
    assert!(signals.contains(&"sms_income".to_string()));
    assert_eq!(*window_hours, 24);
}

#[test]
fn a_signal_declared_by_its_dpv_category_accounts_for_the_access() {
    let contacts = vec![once(ANDROID, Resource::Contacts, "2026-02-01T10:00:00Z")];
    let mut i = with_phone(
        vec![disc(1, "social_graph", "2026-02-01T11:00:00Z")],
        vec![consent()],
        contacts,
    );
    assert_eq!(found(&i, Rule::ObservedUndeclared).len(), 1);
    i.signals.push(SignalMeta {
        lender_id: Some("L".into()),
        id: "social_graph".into(),
        category: "pd:Contact".into(),
        ..Default::default()
    });
    assert!(found(&i, Rule::ObservedUndeclared).is_empty());
}

#[test]
fn beyond_kyc_is_more_than_one_use_or_any_in_the_background() {
    let one = vec![once(IOS, Resource::Camera, "2026-01-05T10:00:00Z")];
    assert!(
        found(
            &with_phone(vec![], vec![consent()], one),
            Rule::ObservedBeyondKyc
        )
        .is_empty()
    );
    let two = vec![
        once(IOS, Resource::Camera, "2026-01-05T10:00:00Z"),
        once(ANDROID, Resource::Camera, "2026-02-05T10:00:00Z"),
    ];
    let f = found(
        &with_phone(vec![], vec![consent()], two),
        Rule::ObservedBeyondKyc,
    );
    assert_eq!(f.len(), 2, "one per source");
    assert!(matches!(
        why(&f[0]),
        ObservedWhy::BeyondKyc {
            accesses: 2,
            background: false,
            ..
        }
    ));
    let bg = vec![seen(
        ANDROID,
        Resource::Location,
        AppState::Background,
        "2026-01-05T10:00:00Z",
        "2026-01-05T10:00:00Z",
        1,
    )];
    let f = found(
        &with_phone(vec![], vec![consent()], bg),
        Rule::ObservedBeyondKyc,
    );
    assert!(matches!(
        why(&f[0]),
        ObservedWhy::BeyondKyc {
            accesses: 1,
            background: true,
            ..
        }
    ));
}

#[test]
fn the_same_record_in_two_files_counts_once() {
    let mut i = with_phone(
        vec![],
        vec![consent()],
        vec![
            once(IOS, Resource::Camera, "2026-01-05T10:00:00Z"),
            Observation {
                source: "cc33".into(),
                ..once(IOS, Resource::Camera, "2026-01-05T10:00:00Z")
            },
        ],
    );
    let mut later = source("cc33", Platform::Ios, Some("L"));
    later.imported_at += 1;
    i.phone_sources.push(later);
    assert!(found(&i, Rule::ObservedBeyondKyc).is_empty());
}

#[test]
fn unnamed_recipient_is_a_profiler_or_a_domain_no_one_named() {
    let mut i = with_phone(
        vec![],
        vec![consent()],
        vec![
            network("api.cibil.com", false, "2026-02-01T10:00:00Z"),
            network("cdn.lender.in", false, "2026-02-01T10:00:00Z"),
            network("adnet-metrics.io", false, "2026-02-01T10:00:00Z"),
            network("graph.tracker.example", true, "2026-02-01T10:00:00Z"),
        ],
    );
    i.lender_api_bases = vec![("L".into(), "https://api.lender.in/v1".into())];
    let f = found(&i, Rule::ObservedUnnamedRecipient);
    let domains: Vec<&str> = f
        .iter()
        .map(|f| match &f.facts {
            FindingFacts::Observed(o) => o.op.as_str(),
            _ => "",
        })
        .collect();
    assert_eq!(domains, ["adnet-metrics.io", "graph.tracker.example"]);
    assert_eq!(
        why(&f[0]),
        &ObservedWhy::UnnamedRecipient {
            profiler: false,
            named: vec!["CIBIL".into()],
        }
    );
    // Network activity is no access: none of the access rules fire on it.
    assert_eq!(rules(&audit(&i).findings), ["observed-unnamed-recipient"]);
}

/// An over-collector as the sandbox plays one: consent on 1 Jan for SMS income, revoked on
/// 10 Feb; the phone saw contacts and call logs read (some after the revocation), location
/// used in the background day after day, the camera twice, and traffic to a profiler.
#[test]
fn a_realistic_over_collector() {
    let mut ds = vec![];
    for (n, day) in ["2026-01-02", "2026-01-09", "2026-01-16"]
        .iter()
        .enumerate()
    {
        ds.push(disc(
            n as u64 + 1,
            "sms_income",
            &format!("{day}T09:00:00Z"),
        ));
    }
    let obs = vec![
        once(IOS, Resource::Camera, "2026-01-01T10:00:00Z"),
        once(IOS, Resource::Camera, "2026-02-12T10:00:00Z"),
        seen(
            IOS,
            Resource::Contacts,
            AppState::Background,
            "2026-02-08T02:00:00Z",
            "2026-02-08T02:05:00Z",
            3,
        ),
        seen(
            IOS,
            Resource::Location,
            AppState::Background,
            "2026-02-09T00:10:00Z",
            "2026-02-09T23:50:00Z",
            40,
        ),
        seen(
            IOS,
            Resource::Location,
            AppState::Background,
            "2026-02-11T00:10:00Z",
            "2026-02-11T23:50:00Z",
            38,
        ),
        network("stats.profiler.example", true, "2026-02-11T10:00:00Z"),
        once(ANDROID, Resource::CallLog, "2026-02-12T18:05:34Z"),
        once(ANDROID, Resource::Sms, "2026-01-02T08:30:00Z"),
    ];
    let i = with_phone(ds, vec![consent(), revoked_on("2026-02-10T00:00:00Z")], obs);
    let report = audit(&i);
    assert_eq!(
        rules(&report.findings),
        [
            "observed-after-revocation",
            "observed-beyond-kyc",
            "observed-prohibited-access",
            "observed-undeclared",
            "observed-unnamed-recipient",
        ]
    );
    // Every finding names its source: file, hash and limits, in records and evidence.
    for f in &report.findings {
        let FindingFacts::Observed(o) = &f.facts else {
            panic!("{f:?}")
        };
        assert!(!o.limits.is_empty());
        assert!(
            f.records
                .iter()
                .any(|r| r.kind == "phone-source" && r.id == o.source_sha256)
        );
        assert_eq!(f.evidence[0].kind, "phone-source");
        assert_eq!(f.evidence[0].statement["fileName"], o.file_name.as_str());
        assert!(f.evidence.iter().any(|e| e.kind == "phone-observation"));
    }
    let after: Vec<(Resource, u64)> = report
        .findings
        .iter()
        .filter(|f| f.rule == Rule::ObservedAfterRevocation)
        .map(|f| match &f.facts {
            FindingFacts::Observed(o) => (o.resource, f.count),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(
        after,
        [
            (Resource::Location, 38),
            (Resource::Camera, 1),
            (Resource::CallLog, 1),
        ]
    );
    // The SMS read the day a disclosure declared it accounts for nothing.
    assert!(report.findings.iter().all(|f| !matches!(&f.facts,
        FindingFacts::Observed(o) if o.resource == Resource::Sms)));
    assert_eq!(report.findings[0].severity, Severity::Critical);
}
