//! Phone-evidenced findings (`observed-*`) in English: what the borrower's phone saw the
//! lender's app do, when, from which file (name and short hash), why it breaks the rule, and
//! what that source cannot show. The UI says the same in its own words
//! (ui/src/lib/findingText.ts).

use khata_evidence::audit::{Finding, ObservedFacts, ObservedWhy};
use khata_evidence::phone::{AppState, OffsetFrom, Resource, SourceFormat, SourceLimit};

use super::{regulated, source, time};

/// A phone resource, as a borrower calls it.
pub fn resource(r: Resource) -> &'static str {
    match r {
        Resource::Contacts => "your contacts",
        Resource::CallLog => "your call log",
        Resource::Sms => "your SMS messages",
        Resource::Location => "your location",
        Resource::Camera => "the camera",
        Resource::Microphone => "the microphone",
        Resource::Media => "your photos and media",
        Resource::Files => "your files",
        Resource::PhoneState => "phone functions (phone state, number, calls)",
        Resource::Accounts => "the accounts on your phone",
        Resource::InstalledApps => "the list of your apps",
        Resource::ScreenRecording => "screen recording",
        Resource::Network => "the network",
    }
}

/// What a source is.
pub fn format(f: SourceFormat) -> &'static str {
    match f {
        SourceFormat::IosAppPrivacyReport => "iOS App Privacy Report",
        SourceFormat::AndroidAppops => "Android app-ops (dumpsys appops)",
        SourceFormat::AndroidAppopsCmd => "Android app-ops (cmd appops)",
        SourceFormat::AndroidDiscreteHistory => "Android app-ops history",
        SourceFormat::AndroidPackage => "Android permissions (dumpsys package)",
        SourceFormat::AndroidBugreport => "Android bug report",
        SourceFormat::AndroidCapture => "capture from the phone over USB",
    }
}

/// What a source cannot show.
pub fn limit(l: SourceLimit) -> &'static str {
    match l {
        SourceLimit::UseNotContent => {
            "it shows that and when the app used it, not what it read or where it sent it"
        }
        SourceLimit::SevenDays => "the iOS report covers only the last 7 days",
        SourceLimit::LastAccessOnly => "Android keeps only the last access of each kind",
        SourceLimit::DiscreteRecentOnly => {
            "Android's detailed history is rounded to the minute and kept for about a day \
             (longer on newer versions)"
        }
        SourceLimit::PermissionsNotUse => "permissions show what the app may do, not that it did",
        SourceLimit::OffsetNotInFile => {
            "the file's times carry no time zone; they were read in the offset shown"
        }
        SourceLimit::IosNoSmsOrCallLog => {
            "iOS apps cannot read SMS or call logs, so their absence proves nothing"
        }
        SourceLimit::ClockFromFileTime => {
            "the file's times were counted back from when it was saved on this computer, not \
             from the phone's clock"
        }
    }
}

/// `+05:30`.
fn offset(min: i32) -> String {
    let sign = if min < 0 { '-' } else { '+' };
    let m = min.unsigned_abs();
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

/// The file's SHA-256, shortened for a sentence (the full hash is in the finding's records).
pub fn short_hash(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// "at T", or "N times between FIRST and LAST".
fn when(o: &ObservedFacts) -> String {
    if o.count == 1 || o.first_at == o.last_at {
        let times = if o.count == 1 {
            String::new()
        } else {
            format!("{} times ", o.count)
        };
        format!("{times}at {}", time(o.first_at))
    } else {
        format!(
            "{} times between {} and {}",
            o.count,
            time(o.first_at),
            time(o.last_at)
        )
    }
}

/// The sentence of an `observed-*` finding.
pub(super) fn sentence(f: &Finding, o: &ObservedFacts) -> String {
    let l = &f.lender_id;
    let cid = f.consent_id.as_deref().unwrap_or("?");
    let state = match o.state {
        AppState::Background => " in the background",
        AppState::Foreground => " while open",
        AppState::Unknown => "",
    };
    let seen = match &o.network {
        Some(n) => format!(
            "Your phone saw {}, the app of {l}, contact {}{} {}",
            o.app,
            n.domain,
            n.domain_owner
                .as_deref()
                .map(|w| format!(" (owned by {w})"))
                .unwrap_or_default(),
            when(o)
        ),
        None => format!(
            "Your phone saw {}, the app of {l}, use {} ({}){state} {}{}",
            o.app,
            resource(o.resource),
            o.op,
            when(o),
            if o.open_interval {
                " (the report holds no end for some use)"
            } else {
                ""
            }
        ),
    };
    let why = match &o.why {
        ObservedWhy::Prohibited { data, source: src } => format!(
            "{} is data lending apps may not access. Source: {}",
            regulated(*data),
            source(src)
        ),
        ObservedWhy::AfterRevocation {
            revoked_at,
            signals,
        } if signals.is_empty() => format!(
            "this is after consent {cid} was revoked ({})",
            time(*revoked_at)
        ),
        ObservedWhy::AfterRevocation {
            revoked_at,
            signals,
        } => format!(
            "this is after you revoked {} ({}), every signal of consent {cid} that uses it",
            signals.join(", "),
            time(*revoked_at)
        ),
        ObservedWhy::WithoutConsent => format!("no consent of {l} was in force then"),
        ObservedWhy::Undeclared {
            signals,
            window_hours,
            ..
        } => {
            let which = if signals.is_empty() {
                "any signal from it".to_string()
            } else {
                signals.join(", ")
            };
            format!("{l} declared no disclosure of {which} within {window_hours} hours of it")
        }
        ObservedWhy::BeyondKyc {
            data,
            accesses,
            background,
            source: src,
        } => format!(
            "the rules allow {} once, for KYC; the phone saw {accesses} use{} in all{}. Source: {}",
            regulated(*data),
            if *accesses == 1 { "" } else { "s" },
            if *background {
                ", these in the background"
            } else {
                ""
            },
            source(src)
        ),
        ObservedWhy::UnnamedRecipient { profiler: true, .. } => {
            "iOS lists this domain as a tracker that profiles people across apps".to_string()
        }
        ObservedWhy::UnnamedRecipient { named, .. } => format!(
            "it is neither {l}'s own domain nor a recipient your consent names ({})",
            if named.is_empty() {
                "it names none".to_string()
            } else {
                named.join(", ")
            }
        ),
    };
    let zone = match (o.utc_offset_min, o.offset_from) {
        (Some(m), OffsetFrom::Assumed) => {
            format!(
                "; its times were read at UTC{} (chosen at import)",
                offset(m)
            )
        }
        (Some(m), OffsetFrom::Device) => {
            format!(
                "; its times were read at UTC{} (the phone's zone)",
                offset(m)
            )
        }
        (_, OffsetFrom::CaptureClock) => "; its times count back from the capture's clock".into(),
        _ => String::new(),
    };
    let captured = o
        .captured_at
        .map(|t| format!(", made {}", time(t)))
        .unwrap_or_default();
    let limits: Vec<&str> = o.limits.iter().map(|l| limit(*l)).collect();
    let limits = if limits.is_empty() {
        String::new()
    } else {
        format!(" What this source cannot show: {}.", limits.join("; "))
    };
    format!(
        "{seen}; {why}. Seen in {} (SHA-256 {}…, {}{captured}){zone}.{limits}",
        o.file_name,
        short_hash(&o.source_sha256),
        format(o.source_format)
    )
}

#[cfg(test)]
mod tests {
    use khata_evidence::audit::regulatory::{RegulatedData, RuleSource};
    use khata_evidence::audit::{FindingFacts, Rule};
    use khata_evidence::phone::{NetworkFacts, Platform};

    use super::super::{detail, records, title};
    use super::*;

    fn observed(rule: Rule, why: ObservedWhy) -> Finding {
        let at = 1_770_768_060_000; // 2026-02-11T00:01:00Z
        let facts = ObservedFacts {
            resource: Resource::Contacts,
            op: "READ_CONTACTS".into(),
            app: "in.lender.app".into(),
            platform: Platform::Android,
            state: AppState::Background,
            first_at: at,
            last_at: at,
            count: 1,
            open_interval: false,
            source_sha256: "0123456789abcdef".repeat(4),
            source_format: SourceFormat::AndroidAppops,
            file_name: "appops.txt".into(),
            captured_at: None,
            limits: vec![SourceLimit::UseNotContent, SourceLimit::LastAccessOnly],
            utc_offset_min: Some(330),
            offset_from: OffsetFrom::Assumed,
            network: None,
            why,
        };
        Finding {
            rule,
            severity: rule.severity(),
            facts: FindingFacts::Observed(Box::new(facts)),
            lender_id: "L".into(),
            consent_id: Some("c1".into()),
            signal: None,
            at,
            last_at: at,
            count: 1,
            records: vec![],
            records_omitted: 0,
            evidence: vec![],
        }
    }

    #[test]
    fn a_phone_finding_says_what_when_which_file_and_its_limits() {
        let f = observed(
            Rule::ObservedProhibitedAccess,
            ObservedWhy::Prohibited {
                data: RegulatedData::ContactList,
                source: RuleSource::rbi(),
            },
        );
        assert_eq!(
            detail(&f),
            "Your phone saw in.lender.app, the app of L, use your contacts (READ_CONTACTS) in \
                the background at 2026-02-11T00:01:00.000Z; the contact list is data lending apps \
                may not access. Source: RBI Guidelines on Digital Lending (2022-09-02; Digital \
                Lending Directions 2025-05-08), Khata rules table v1. Seen in appops.txt (SHA-256 \
                0123456789ab…, Android app-ops (dumpsys appops)); its times were read at \
                UTC+05:30 (chosen at import). What this source cannot show: it shows that and \
                when the app used it, not what it read or where it sent it; Android keeps only \
                the last access of each kind."
        );
        let after = observed(
            Rule::ObservedAfterRevocation,
            ObservedWhy::AfterRevocation {
                revoked_at: 1_770_681_600_000,
                signals: vec![],
            },
        );
        assert!(
            detail(&after)
                .contains("; this is after consent c1 was revoked (2026-02-10T00:00:00.000Z)."),
            "{}",
            detail(&after)
        );
        assert!(title(Rule::ObservedAfterRevocation).contains("after you revoked"));
    }

    #[test]
    fn network_findings_name_the_domain_and_who_is_named() {
        let mut f = observed(
            Rule::ObservedUnnamedRecipient,
            ObservedWhy::UnnamedRecipient {
                profiler: false,
                named: vec!["CIBIL".into()],
            },
        );
        let FindingFacts::Observed(o) = &mut f.facts else {
            unreachable!()
        };
        o.network = Some(NetworkFacts {
            domain: "adnet-metrics.io".into(),
            domain_owner: Some("AdNet".into()),
            profiler: false,
            app_initiated: Some(true),
        });
        o.count = 3;
        o.last_at += 60_000;
        assert!(
            detail(&f).starts_with(
                "Your phone saw in.lender.app, the app of L, contact adnet-metrics.io (owned by \
                    AdNet) 3 times between 2026-02-11T00:01:00.000Z and 2026-02-11T00:02:00.000Z; \
                    it is neither L's own domain nor a recipient your consent names (CIBIL)."
            ),
            "{}",
            detail(&f)
        );
        f.records = vec![
            khata_evidence::audit::RecordRef {
                kind: "phone-observation".into(),
                id: "ab/0".into(),
                local_id: None,
            },
            khata_evidence::audit::RecordRef {
                kind: "phone-source".into(),
                id: "ab".into(),
                local_id: None,
            },
        ];
        f.records_omitted = 4;
        assert_eq!(
            records(&f),
            "phone-observation ab/0, … 4 more phone observations, phone-source ab"
        );
    }

    #[test]
    fn every_limit_and_resource_is_worded() {
        for l in [
            SourceLimit::UseNotContent,
            SourceLimit::SevenDays,
            SourceLimit::LastAccessOnly,
            SourceLimit::DiscreteRecentOnly,
            SourceLimit::PermissionsNotUse,
            SourceLimit::OffsetNotInFile,
            SourceLimit::IosNoSmsOrCallLog,
        ] {
            assert!(!limit(l).is_empty());
        }
        assert_eq!(resource(Resource::CallLog), "your call log");
        assert_eq!(short_hash("abc"), "abc");
    }
}
