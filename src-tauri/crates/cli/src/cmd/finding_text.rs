//! Findings in English for the terminal — the `khata audit` report (text, HTML, JSON) —
//! composed from each finding's rule and typed facts. The UI words the same facts itself, in
//! the reader's language (ui/src/lib/findingText.ts); keep the two saying the same things.
//! What the borrower's phone saw (`observed-*`) is worded in [`phone`], the Key Fact Statement
//! findings (`kfs-*`) in [`kfs`].

mod kfs;
pub mod phone;

use chrono::{DateTime, SecondsFormat, Utc};
use khata_contract::lender_text::clean;

use khata_evidence::audit::regulatory::{MatchedBy, RegulatedData, RuleSource};
use khata_evidence::audit::{Finding, FindingFacts, PeriodUnit, Rule, SignalPoints, TreeHeadFacts};

/// One line, plain language.
pub fn title(rule: Rule) -> &'static str {
    use Rule::*;
    match rule {
        CollectedAfterRevocation => "Collected after you revoked the consent",
        CollectedAfterSignalRevocation => "Collected a signal after you revoked it",
        CollectedWhilePaused => "Collected while the consent was paused",
        CollectedAfterExpiry => "Collected after the consent expired",
        CollectedBeforeConsentStart => "Collected before the consent started",
        SignalDenied => "Collected a signal you denied",
        SignalNotGranted => "Collected a signal the consent does not cover",
        OutsideDataRange => "Collected data from outside the consented period",
        AboveFrequency => "Collected more often than consented",
        ProhibitedSignal => {
            "Collected data the RBI prohibits (contacts, call logs, files, telephony)"
        }
        KycOnlySignalReused => "Collected camera, microphone or location data more than once",
        UnnamedRecipient => "Passed data to a recipient the consent does not name",
        NoConsent => "Collected without any consent",
        PurposeMismatch => "Used data for another purpose than consented",
        DataLifeExceeded => "Kept data beyond its data life with no deletion receipt",
        ContributionsDoNotAddUp => "The explanation does not add up to the score",
        CounterfactualMismatch => "A what-if quote contradicts the explanation",
        ReasonCodesMismatch => "Reason codes do not match the largest adverse factors",
        TopAdverseInvalid => "Principal reasons are not the top four reason codes",
        ReceiptContradictsRequest => "The lender's receipt says other than you asked",
        RevocationUnacknowledged => "The lender has not confirmed your revocation in time",
        ConsentAltered => "The consent the lender signed is not the one you chose",
        LogFork => "The lender signed two different histories of your disclosures",
        LogPageMismatch => "Disclosures the lender sent do not match what it signed",
        ObservedProhibitedAccess => {
            "Your phone saw the app use data the RBI prohibits (contacts, call logs, files, telephony)"
        }
        ObservedAfterRevocation => "Your phone saw the app use data after you revoked consent",
        ObservedWithoutConsent => "Your phone saw the app use data with no consent in force",
        ObservedUndeclared => "Your phone saw a use of data the lender never declared",
        ObservedBeyondKyc => {
            "Your phone saw camera, microphone or location used beyond a one-time KYC"
        }
        ObservedUnnamedRecipient => {
            "Your phone saw the app contact a tracker or a party your consent does not name"
        }
        KfsAprMismatch => "The loan costs more a year than the lender's Key Fact Statement says",
        KfsInconsistent => "The figures of the lender's Key Fact Statement do not add up",
        KfsMissing => "An approved loan came without a Key Fact Statement",
        QuoteOfferMismatch => "The offer is not the one the lender quoted before you consented",
    }
}

/// A Unix-ms time as RFC 3339 with milliseconds, in UTC.
pub fn time(t: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(t)
        .map(|d| d.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_else(|| t.to_string())
}

/// The unit as the contract spells it (`Day`, `Month`, …).
fn unit(u: PeriodUnit) -> &'static str {
    match u {
        PeriodUnit::Hour => "Hour",
        PeriodUnit::Day => "Day",
        PeriodUnit::Month => "Month",
        PeriodUnit::Year => "Year",
        PeriodUnit::Inf => "Inf",
    }
}

/// The kind of data the RBI's rules name, in English.
pub(crate) fn regulated(d: RegulatedData) -> &'static str {
    match d {
        RegulatedData::ContactList => "the contact list",
        RegulatedData::CallLogs => "call logs",
        RegulatedData::FilesAndMedia => "files and media",
        RegulatedData::Telephony => "telephony functions",
        RegulatedData::Camera => "the camera",
        RegulatedData::Microphone => "the microphone",
        RegulatedData::Location => "location",
    }
}

/// The rules' source, as shown beside a regulatory finding.
pub fn source(s: &RuleSource) -> String {
    let name = match s.id.as_str() {
        "rbi-digital-lending" => "RBI Guidelines on Digital Lending",
        other => other,
    };
    format!(
        "{name} ({}; Digital Lending Directions {}), Khata rules table v{}",
        s.issued, s.consolidated, s.table_version
    )
}

/// "at T", or "N times between FIRST and LAST".
fn when(f: &Finding) -> String {
    if f.count == 1 {
        format!("at {}", time(f.at))
    } else {
        format!(
            "{} times between {} and {}",
            f.count,
            time(f.at),
            time(f.last_at)
        )
    }
}

/// "at T", or "between FIRST and LAST".
fn range(f: &Finding, first: i64, last: i64) -> String {
    if f.count == 1 {
        format!("at {}", time(first))
    } else {
        format!("between {} and {}", time(first), time(last))
    }
}

fn points(v: &[SignalPoints]) -> String {
    let items: Vec<String> = v
        .iter()
        .map(|p| format!("({:?}, {})", p.signal, p.points))
        .collect();
    format!("[{}]", items.join(", "))
}

/// A signed tree head: `size N, root R, signed T (key K)`.
fn head(h: &TreeHeadFacts) -> String {
    format!(
        "size {}, root {}, signed {} (key {})",
        h.tree_size,
        h.root_hash,
        time(h.timestamp),
        h.key_id
    )
}

/// What exactly happened, with the numbers: one sentence from the rule and its facts, with
/// nothing in the lender's words (ids, signals, purposes) that could act on a terminal.
pub fn detail(f: &Finding) -> String {
    clean(&sentence(f)).into_owned()
}

/// The sentence [`detail`] cleans.
fn sentence(f: &Finding) -> String {
    let s = f.signal.as_deref().unwrap_or("?");
    let cid = f.consent_id.as_deref().unwrap_or("?");
    let l = &f.lender_id;
    match &f.facts {
        FindingFacts::Prohibited {
            flag,
            data,
            matched_by,
            source: src,
        } => {
            let what = match (data, matched_by) {
                (Some(d), MatchedBy::Category) => {
                    format!("{} (by its data category)", regulated(*d))
                }
                (Some(d), _) => format!("{} (by its name)", regulated(*d)),
                (None, _) => format!("flagged {flag} by the lender itself"),
            };
            format!(
                "{l} collected {s} {}; it is {what}, which lending apps may not access. Source: {}",
                when(f),
                source(src)
            )
        }
        FindingFacts::KycOnly {
            data,
            total,
            source: src,
        } => format!(
            "{l} collected {s} ({}) {total} times; the rules allow it once, for KYC: {} after \
             the first, {}. Source: {}",
            regulated(*data),
            if f.count == 1 {
                "1 collection".to_string()
            } else {
                format!("{} collections", f.count)
            },
            range(f, f.at, f.last_at),
            source(src)
        ),
        FindingFacts::NoConsent => match &f.consent_id {
            None => format!("{l} collected {s} {} citing no consent", when(f)),
            Some(c) => format!(
                "{l} collected {s} {} citing consent {c}, which the borrower never gave it",
                when(f)
            ),
        },
        FindingFacts::Revoked { revoked_at } if f.rule == Rule::CollectedAfterRevocation => {
            format!(
                "collected {s} {}, the first {} ms after consent {cid} was revoked ({})",
                when(f),
                f.at - revoked_at,
                time(*revoked_at)
            )
        }
        FindingFacts::Revoked { revoked_at } => format!(
            "collected {s} {}, after that signal was revoked ({})",
            when(f),
            time(*revoked_at)
        ),
        FindingFacts::Paused { paused_since } => format!(
            "collected {s} {}, while paused since {}",
            when(f),
            time(*paused_since)
        ),
        FindingFacts::Expired { expired_at } => format!(
            "collected {s} {}; consent {cid} expired {}",
            when(f),
            time(*expired_at)
        ),
        FindingFacts::NotStarted { starts_at } => format!(
            "collected {s} {}; consent {cid} starts {}",
            when(f),
            time(*starts_at)
        ),
        FindingFacts::Denied => format!(
            "collected {s} {}, which the borrower denied in consent {cid}",
            when(f)
        ),
        FindingFacts::NotGranted { granted } => format!(
            "collected {s} {}, which consent {cid} does not cover (granted: {})",
            when(f),
            granted.join(", ")
        ),
        FindingFacts::OutsideRange {
            data_from,
            data_to,
            consented_from,
            consented_to,
        } => format!(
            "collected {s} {} with data covering {} – {}; consented FIDataRange is {} – {}",
            when(f),
            time(*data_from),
            time(*data_to),
            time(*consented_from),
            time(*consented_to)
        ),
        FindingFacts::UnnamedRecipient { recipient, named } => {
            let named = if named.is_empty() {
                "no recipients".to_string()
            } else {
                named.join(", ")
            };
            format!(
                "passed {s} on to {recipient:?} {}; consent {cid} names {named}",
                when(f)
            )
        }
        FindingFacts::PurposeMismatch {
            purpose,
            consented_code,
            consented_text,
        } => format!(
            "used {s} for purpose {purpose:?} {}; consent {cid} is for {consented_code:?} ({consented_text})",
            when(f)
        ),
        FindingFacts::DataLife {
            value,
            unit: u,
            ran_out_first,
            ran_out_last,
        } => {
            let ran_out = if f.count == 1 {
                time(*ran_out_first)
            } else {
                format!(
                    "between {} and {}",
                    time(*ran_out_first),
                    time(*ran_out_last)
                )
            };
            format!(
                "data life ({value} {}) of {s} collected {} ran out {ran_out}; the lender has issued no deletion receipt",
                unit(*u),
                when(f)
            )
        }
        FindingFacts::OneTime { total } => format!(
            "{total} collections of {s} under a ONETIME consent: {} beyond the first, {}",
            f.count,
            range(f, f.at, f.last_at)
        ),
        FindingFacts::Frequency {
            value,
            unit: u,
            most_in_window,
        } => format!(
            "{} collection{} of {s} over the consented frequency of {value} per {}, {}; up to {most_in_window} within one {}",
            f.count,
            if f.count == 1 { "" } else { "s" },
            unit(*u),
            range(f, f.at, f.last_at),
            unit(*u)
        ),
        FindingFacts::Sum {
            baseline,
            sum,
            score,
            tolerance,
        } => format!(
            "baseline {baseline} + contributions = {sum}, but the score is {score} (tolerance {tolerance})"
        ),
        FindingFacts::ReasonCodes { given, expected } => format!(
            "reason codes {}; the adverse contributions, most adverse first, are {}",
            points(given),
            points(expected)
        ),
        FindingFacts::TopAdverse {
            given,
            expected,
            reason_codes,
        } => format!(
            "{given} principal reasons given; expected the first {expected} of {reason_codes} reason codes"
        ),
        FindingFacts::Counterfactual {
            offer_id,
            offer_score,
            withheld,
            changes,
            expected,
            quote_score,
        } => {
            let claims: Vec<String> = changes
                .iter()
                .map(|c| format!("{}: {:+}", c.signal, c.points))
                .collect();
            format!(
                "offer {offer_id} scores {offer_score}; withholding {} should give {expected} ({}), the quote says {quote_score}",
                withheld.join(", "),
                claims.join(", ")
            )
        }
        FindingFacts::QuoteOffer {
            quote_id,
            offer_id,
            request_id,
            withheld,
            differences,
        } => {
            let diffs: Vec<String> = differences
                .iter()
                .map(|d| {
                    format!(
                        "{} quoted {}, offered {}",
                        clean(&d.field),
                        clean(&d.quote),
                        clean(&d.offer)
                    )
                })
                .collect();
            let withheld = if withheld.is_empty() {
                "nothing".to_owned()
            } else {
                withheld.join(", ")
            };
            format!(
                "offer {offer_id} on consent {cid} differs from quote {quote_id}, which {l} signed before consent for the same choices (request {request_id}, withheld: {withheld}): {}",
                diffs.join("; ")
            )
        }
        FindingFacts::Contradicts {
            field,
            asked,
            answered,
        } if f.rule == Rule::ConsentAltered => format!(
            "consent {cid} differs from the borrower's decision in {field}: the borrower chose (or the request showed) {asked:?}, the lender signed {answered:?}; the borrower's choice stands"
        ),
        FindingFacts::Contradicts {
            field,
            asked,
            answered,
        } => format!(
            "a receipt for consent {cid} contradicts the borrower's request in {field}: asked {asked:?}, answered {answered:?}; it is not counted as a confirmation"
        ),
        FindingFacts::Unacknowledged {
            requested_at,
            deadline_hours,
            acknowledged_at,
        } => match acknowledged_at {
            Some(t) => format!(
                "the borrower revoked consent {cid} at {}; the lender's first valid receipt took effect at {}, more than {deadline_hours} hours later",
                time(*requested_at),
                time(*t)
            ),
            None => format!(
                "the borrower revoked consent {cid} at {}; no valid receipt has come from the lender within {deadline_hours} hours",
                time(*requested_at)
            ),
        },
        FindingFacts::LogFork { held, offered } => format!(
            "{l} signed two tree heads of its disclosure log for the same size with different \
             roots — held: {}; shown later: {} — so it rewrote, dropped or reordered \
             disclosures it had already logged",
            head(held),
            head(offered)
        ),
        FindingFacts::LogPageMismatch {
            offered,
            computed_root,
            page_start,
            held,
        } => format!(
            "the {} leaves {l} sent from index {page_start} give root {computed_root}, not the \
             root of the head they came with ({}){}",
            offered.tree_size.saturating_sub(*page_start),
            head(offered),
            held.as_ref()
                .map(|h| format!("; held before: {}", head(h)))
                .unwrap_or_default()
        ),
        FindingFacts::Observed(o) => phone::sentence(f, o),
        FindingFacts::KfsAprMismatch { .. }
        | FindingFacts::KfsInconsistent { .. }
        | FindingFacts::KfsMissing { .. } => kfs::sentence(l, &f.facts),
    }
}

/// The records as one line: `disclosure d-1, …, … 990 more disclosures, consent c-1` (the ids
/// are the lender's, cleaned for the terminal); a phone finding's observations likewise.
pub fn records(f: &Finding) -> String {
    let (kind, plural) = match f.records.first() {
        Some(r) if r.kind == "phone-observation" => ("phone-observation", "phone observations"),
        _ => ("disclosure", "disclosures"),
    };
    let last_offending = f.records.iter().rposition(|r| r.kind == kind);
    let more = format!("… {} more {plural}", f.records_omitted);
    let mut parts = Vec::new();
    for (i, r) in f.records.iter().enumerate() {
        parts.push(format!("{} {}", r.kind, r.id));
        if Some(i) == last_offending && f.records_omitted > 0 {
            parts.push(more.clone());
        }
    }
    if last_offending.is_none() && f.records_omitted > 0 {
        parts.push(more);
    }
    clean(&parts.join(", ")).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: Rule, count: u64, facts: FindingFacts) -> Finding {
        let at = 1_770_768_060_000; // 2026-02-11T00:01:00Z
        Finding {
            rule,
            severity: rule.severity(),
            facts,
            lender_id: "L".into(),
            consent_id: Some("c1".into()),
            signal: Some("sms_income".into()),
            at,
            last_at: at + (count as i64 - 1) * 60_000,
            count,
            records: vec![],
            records_omitted: 0,
            evidence: vec![],
        }
    }

    #[test]
    fn sentences_say_what_the_facts_say() {
        let freq = finding(
            Rule::AboveFrequency,
            24,
            FindingFacts::Frequency {
                value: 1,
                unit: PeriodUnit::Day,
                most_in_window: 25,
            },
        );
        assert_eq!(
            detail(&freq),
            "24 collections of sms_income over the consented frequency of 1 per Day, between \
             2026-02-11T00:01:00.000Z and 2026-02-11T00:24:00.000Z; up to 25 within one Day"
        );
        let rev = finding(
            Rule::CollectedAfterRevocation,
            25,
            FindingFacts::Revoked {
                revoked_at: 1_770_681_600_000,
            },
        );
        assert!(
            detail(&rev).starts_with(
                "collected sms_income 25 times between 2026-02-11T00:01:00.000Z and \
                 2026-02-11T00:25:00.000Z, the first 86460000 ms after consent c1 was revoked"
            ),
            "{}",
            detail(&rev)
        );
        let mut none = finding(Rule::NoConsent, 1, FindingFacts::NoConsent);
        none.consent_id = None;
        assert_eq!(
            detail(&none),
            "L collected sms_income at 2026-02-11T00:01:00.000Z citing no consent"
        );
        let codes = finding(
            Rule::ReasonCodesMismatch,
            1,
            FindingFacts::ReasonCodes {
                given: vec![],
                expected: vec![SignalPoints {
                    signal: "emi_bounces".into(),
                    points: -40,
                }],
            },
        );
        assert_eq!(
            detail(&codes),
            "reason codes []; the adverse contributions, most adverse first, are \
             [(\"emi_bounces\", -40)]"
        );
        for r in Rule::ALL {
            assert!(!title(r).is_empty());
        }
        let receipt = finding(
            Rule::ReceiptContradictsRequest,
            1,
            FindingFacts::Contradicts {
                field: "status".into(),
                asked: "REVOKED".into(),
                answered: "ACTIVE".into(),
            },
        );
        assert_eq!(
            detail(&receipt),
            "a receipt for consent c1 contradicts the borrower's request in status: asked \"REVOKED\", \
             answered \"ACTIVE\"; it is not counted as a confirmation"
        );
        let quoted = finding(
            Rule::QuoteOfferMismatch,
            1,
            FindingFacts::QuoteOffer {
                quote_id: "q1".into(),
                offer_id: "o1".into(),
                request_id: "r1".into(),
                withheld: vec!["sms_income".into()],
                differences: vec![khata_evidence::audit::QuoteOfferField {
                    field: "aprMonthlyBps".into(),
                    quote: "220".into(),
                    offer: "270".into(),
                }],
            },
        );
        assert!(
            detail(&quoted).ends_with(
                "differs from quote q1, which L signed before consent for the same choices \
                 (request r1, withheld: sms_income): aprMonthlyBps quoted 220, offered 270"
            ),
            "{}",
            detail(&quoted)
        );
        let mut altered = receipt.clone();
        altered.rule = Rule::ConsentAltered;
        assert!(
            detail(&altered)
                .starts_with("consent c1 differs from the borrower's decision in status")
        );
        let late = finding(
            Rule::RevocationUnacknowledged,
            1,
            FindingFacts::Unacknowledged {
                requested_at: 1_770_768_060_000,
                deadline_hours: 72,
                acknowledged_at: None,
            },
        );
        assert_eq!(
            detail(&late),
            "the borrower revoked consent c1 at 2026-02-11T00:01:00.000Z; no valid receipt has come from \
             the lender within 72 hours"
        );
    }

    #[test]
    fn log_findings_name_both_heads() {
        let head = |size, root: &str, timestamp| TreeHeadFacts {
            tree_size: size,
            root_hash: root.into(),
            timestamp,
            key_id: "k1".into(),
        };
        let mut fork = finding(
            Rule::LogFork,
            1,
            FindingFacts::LogFork {
                held: head(1200, "AAA", 1_770_768_060_000),
                offered: head(1200, "BBB", 1_770_768_120_000),
            },
        );
        fork.signal = None;
        fork.consent_id = None;
        assert_eq!(
            detail(&fork),
            "L signed two tree heads of its disclosure log for the same size with different \
             roots — held: size 1200, root AAA, signed 2026-02-11T00:01:00.000Z (key k1); shown \
             later: size 1200, root BBB, signed 2026-02-11T00:02:00.000Z (key k1) — so it \
             rewrote, dropped or reordered disclosures it had already logged"
        );
        let page = finding(
            Rule::LogPageMismatch,
            1,
            FindingFacts::LogPageMismatch {
                offered: head(2000, "SSS", 1_770_768_060_000),
                computed_root: "CCC".into(),
                page_start: 1000,
                held: None,
            },
        );
        assert_eq!(
            detail(&page),
            "the 1000 leaves L sent from index 1000 give root CCC, not the root of the head \
             they came with (size 2000, root SSS, signed 2026-02-11T00:01:00.000Z (key k1))"
        );
        assert_eq!(
            title(Rule::LogFork),
            "The lender signed two different histories of your disclosures"
        );
    }

    #[test]
    fn regulatory_findings_name_the_data_and_the_rules_source() {
        let mut p = finding(
            Rule::ProhibitedSignal,
            1,
            FindingFacts::Prohibited {
                flag: "rbi-2022-prohibited".into(),
                data: Some(RegulatedData::CallLogs),
                matched_by: MatchedBy::Meaning,
                source: RuleSource::rbi(),
            },
        );
        p.signal = Some("call_log_pattern".into());
        assert_eq!(
            detail(&p),
            "L collected call_log_pattern at 2026-02-11T00:01:00.000Z; it is call logs (by its \
             name), which lending apps may not access. Source: RBI Guidelines on Digital \
             Lending (2022-09-02; Digital Lending Directions 2025-05-08), Khata rules table v1"
        );
        let mut k = finding(
            Rule::KycOnlySignalReused,
            2,
            FindingFacts::KycOnly {
                data: RegulatedData::Location,
                total: 3,
                source: RuleSource::rbi(),
            },
        );
        k.signal = Some("location_stability".into());
        assert!(
            detail(&k).starts_with(
                "L collected location_stability (location) 3 times; the rules allow it once, \
                 for KYC: 2 collections after the first, between 2026-02-11T00:01:00.000Z and \
                 2026-02-11T00:02:00.000Z. Source: RBI Guidelines"
            ),
            "{}",
            detail(&k)
        );
    }

    #[test]
    fn records_name_the_sample_and_how_many_more() {
        let mut f = finding(Rule::AboveFrequency, 3, FindingFacts::OneTime { total: 4 });
        f.records = ["disclosure d-1", "disclosure d-4", "consent c1"]
            .iter()
            .map(|s| {
                let (kind, id) = s.split_once(' ').unwrap();
                khata_evidence::audit::RecordRef {
                    kind: kind.into(),
                    id: id.into(),
                    local_id: None,
                }
            })
            .collect();
        f.records_omitted = 1;
        assert_eq!(
            records(&f),
            "disclosure d-1, disclosure d-4, … 1 more disclosures, consent c1"
        );
        assert_eq!(
            detail(&f),
            "4 collections of sms_income under a ONETIME consent: 3 beyond the first, between \
             2026-02-11T00:01:00.000Z and 2026-02-11T00:03:00.000Z"
        );
    }
}
