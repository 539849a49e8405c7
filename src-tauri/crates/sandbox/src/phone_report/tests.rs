//! The reports read back: every NDJSON line parses and pairs, every Android line has the shape
//! AOSP prints, times are ordered and fall where the state puts them, and each scenario's app
//! does what its lender does.

use chrono::{DateTime, Duration, FixedOffset, NaiveDateTime, TimeZone as _, Utc};
use serde_json::Value;

use super::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 6, 30, 0).unwrap()
}

/// A sandbox state: consent at t0, collections at t0+3s and a day later, revoked at t0+30h
/// (over-collector only, which also collects after it), clock at t0+2d.
fn input(scenario: Scenario) -> ReportInput {
    let created = t0();
    let revoked = scenario
        .over_collects()
        .then(|| created + Duration::hours(30));
    let mut rounds = vec![created + Duration::seconds(3), created + Duration::days(1)];
    if let Some(r) = revoked {
        rounds.push(r + Duration::hours(2));
    }
    let mut collections = vec![];
    for t in rounds {
        for s in ["sms_income", "location_stability", "contacts_network"] {
            if s == "contacts_network" && !scenario.over_collects() {
                continue;
            }
            collections.push(CollectionFacts {
                signal: s.into(),
                collected_at: t,
                consent_id: Some("c-1".into()),
            });
        }
    }
    ReportInput {
        scenario,
        seed: 42,
        lender_id: crate::DEFAULT_LENDER_ID.into(),
        lender_host: "127.0.0.1".into(),
        now: created + Duration::days(2),
        consents: vec![ConsentFacts {
            consent_id: "c-1".into(),
            created_at: created,
            revoked_at: revoked,
            granted: scenario.requested_signals(),
        }],
        collections,
    }
}

/// An iOS report's lines, each parsed.
fn ios_lines(input: &ReportInput) -> Vec<Value> {
    let text = String::from_utf8(render(input, ReportFormat::Ios)).unwrap();
    assert!(text.ends_with('\n'));
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn ios_time(v: &Value, key: &str) -> DateTime<Utc> {
    let s = v[key].as_str().unwrap();
    // Milliseconds and the phone's +05:30 offset, always.
    assert_eq!(s.len(), "2026-11-28T12:00:00.000+05:30".len(), "{s}");
    assert!(s.ends_with("+05:30"), "{s}");
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// (category, begin, end) of an access interval.
type Interval = (String, DateTime<Utc>, Option<DateTime<Utc>>);

/// Each access interval, its begin and end paired by identifier.
fn intervals(lines: &[Value]) -> Vec<Interval> {
    // (identifier, interval)
    let mut out: Vec<(String, Interval)> = vec![];
    for l in lines.iter().filter(|l| l["type"] == "access") {
        assert_eq!(l["accessor"]["identifier"], IOS_APP);
        assert_eq!(l["accessor"]["identifierType"], "bundleID");
        let id = l["identifier"].as_str().unwrap().to_string();
        assert!(
            uuid::Uuid::parse_str(&id).is_ok() && id == id.to_uppercase(),
            "{id}"
        );
        let at = ios_time(l, "timeStamp");
        match l["kind"].as_str().unwrap() {
            "intervalBegin" => {
                assert!(out.iter().all(|o| o.0 != id), "identifier reused");
                out.push((id, (l["category"].as_str().unwrap().into(), at, None)));
            }
            "intervalEnd" => {
                let (_, open) = out
                    .iter_mut()
                    .find(|o| o.0 == id)
                    .expect("end after its begin");
                assert_eq!(open.0, l["category"].as_str().unwrap());
                assert!(open.2.is_none() && open.1 <= at);
                open.2 = Some(at);
            }
            k => panic!("kind {k}"),
        }
    }
    out.into_iter().map(|(_, i)| i).collect()
}

#[test]
fn ios_report_is_well_formed_ordered_and_within_the_clock() {
    for scenario in [Scenario::SalariedGood, Scenario::OverCollector] {
        let input = input(scenario);
        let lines = ios_lines(&input);
        let mut last = None;
        for l in &lines {
            let at = ios_time(l, "timeStamp");
            assert!(at <= input.now, "{l}");
            assert!(at >= input.now - Duration::days(7));
            assert!(last.is_none_or(|p| p <= at), "out of order: {l}");
            last = Some(at);
            if l["type"] == "networkActivity" {
                assert_eq!(l["bundleID"], IOS_APP);
                assert!(ios_time(l, "firstTimeStamp") <= at);
                assert!(l["hits"].as_u64().unwrap() > 0);
                assert_eq!(l["initiatedType"], "AppInitiated");
                assert!(l["domainType"].is_u64());
            }
        }
        let iv = intervals(&lines);
        assert!(!iv.is_empty());
        // iOS apps cannot read SMS or call logs: none in the report.
        assert!(
            iv.iter()
                .all(|(c, ..)| ["contacts", "location", "camera", "microphone"]
                    .contains(&c.as_str()))
        );
    }
}

#[test]
fn ios_over_collector_reads_contacts_after_revocation_and_talks_to_a_profiler() {
    let input = input(Scenario::OverCollector);
    let revoked = input.consents[0].revoked_at.unwrap();
    let created = input.consents[0].created_at;
    let lines = ios_lines(&input);
    let iv = intervals(&lines);
    let of = |c: &str| iv.iter().filter(|i| i.0 == c).collect::<Vec<_>>();
    assert!(
        of("contacts").iter().any(|i| i.1 > revoked),
        "contacts after revocation"
    );
    assert!(
        of("contacts").iter().any(|i| i.1 < created),
        "contacts before any consent"
    );
    assert!(of("camera").len() >= 2, "camera more than once");
    assert!(of("location").len() >= 4, "location again and again");
    // One interval is still open when the report was saved (location, after revocation).
    let open: Vec<_> = iv.iter().filter(|i| i.2.is_none()).collect();
    assert_eq!(open.len(), 1);
    assert!(open[0].0 == "location" && open[0].1 > revoked);
    let net: Vec<&Value> = lines
        .iter()
        .filter(|l| l["type"] == "networkActivity")
        .collect();
    let domain = |d: &str| net.iter().find(|l| l["domain"] == d).copied();
    assert_eq!(domain(plan::PROFILER_DOMAIN).unwrap()["domainType"], 1);
    let unnamed = domain(plan::UNNAMED_DOMAIN).unwrap();
    assert_eq!(unnamed["domainType"], 2);
    assert!(ios_time(unnamed, "timeStamp") > revoked);
    assert!(domain("127.0.0.1").is_some());
}

#[test]
fn ios_well_behaved_app_uses_camera_and_location_once_after_consent() {
    let input = input(Scenario::SalariedGood);
    let created = input.consents[0].created_at;
    let lines = ios_lines(&input);
    let iv = intervals(&lines);
    let of = |c: &str| iv.iter().filter(|i| i.0 == c).collect::<Vec<_>>();
    assert_eq!(of("camera").len(), 1);
    assert_eq!(of("location").len(), 1);
    assert!(of("contacts").is_empty());
    for i in &iv {
        assert!(
            i.1 > created && i.1 < created + Duration::minutes(2),
            "KYC: {i:?}"
        );
        assert!(i.2.is_some());
    }
    let net: Vec<&Value> = lines
        .iter()
        .filter(|l| l["type"] == "networkActivity")
        .collect();
    assert_eq!(net.len(), 1);
    assert_eq!(net[0]["domain"], "127.0.0.1");
}

/// One `Access:`/`Reject:` line of dumpsys: (op, kind, state, local time, ago in ms).
#[derive(Debug)]
struct OpLine {
    op: String,
    kind: String,
    state: String,
    at: DateTime<Utc>,
    ago_ms: i64,
}

/// Reads `-1d2h3m4s5ms` / `+30s0ms` back (the inverse of `android::duration`).
fn parse_duration(s: &str) -> i64 {
    let (sign, rest) = match s.as_bytes()[0] {
        b'-' => (-1, &s[1..]),
        b'+' => (1, &s[1..]),
        _ => (1, s),
    };
    if rest == "0" {
        return 0;
    }
    let rest = rest.strip_suffix("ms").expect("ends in ms");
    let mut total = 0i64;
    let mut num = String::new();
    for c in rest.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let v: i64 = num.parse().unwrap();
        num.clear();
        total += v * match c {
            'd' => 86_400_000,
            'h' => 3_600_000,
            'm' => 60_000,
            's' => 1000,
            _ => panic!("unit {c} in {s}"),
        };
    }
    total += num.parse::<i64>().unwrap();
    sign * total
}

fn dumpsys_lines(input: &ReportInput) -> (String, Vec<OpLine>) {
    let text = String::from_utf8(render(input, ReportFormat::AndroidAppops)).unwrap();
    let ist = FixedOffset::east_opt(330 * 60).unwrap();
    let mut op = String::new();
    let mut out = vec![];
    for line in text.lines() {
        if line.starts_with("      ") && !line.starts_with("       ") && line.ends_with("):") {
            op = line.trim().split(' ').next().unwrap().to_string();
            continue;
        }
        let t = line.trim_start();
        let (kind, rest) = if let Some(r) = t.strip_prefix("Access: [") {
            ("Access", r)
        } else if let Some(r) = t.strip_prefix("Reject: [") {
            ("Reject", r)
        } else {
            continue;
        };
        let (flags, rest) = rest.split_once(']').unwrap();
        let state = flags.strip_suffix("-s").unwrap().to_string();
        // `Access: [fg-s] 2026-…` with a space; `Reject: [bg-s]2026-…` without.
        let rest = match kind {
            "Access" => rest
                .strip_prefix(' ')
                .expect("a space after Access's flags"),
            _ => {
                assert!(
                    rest.starts_with("20"),
                    "no space after Reject's flags: {line}"
                );
                rest
            }
        };
        let (stamp, rest) = rest.split_at("2026-11-28 12:00:00.000".len());
        let naive = NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d %H:%M:%S%.3f").unwrap();
        let at = ist.from_local_datetime(&naive).unwrap().with_timezone(&Utc);
        let ago = rest.trim_start().strip_prefix("(-").unwrap();
        let ago = &ago[..ago.find(')').unwrap()];
        out.push(OpLine {
            op: op.clone(),
            kind: kind.into(),
            state,
            at,
            ago_ms: parse_duration(&format!("+{ago}")),
        });
    }
    (text, out)
}

#[test]
fn android_dumpsys_is_well_formed_and_consistent_with_the_clock() {
    for scenario in [Scenario::SalariedGood, Scenario::OverCollector] {
        let input = input(scenario);
        let (text, lines) = dumpsys_lines(&input);
        assert!(text.starts_with("Current AppOps Service state:\n"));
        assert!(text.contains(&format!("    Package {ANDROID_APP}:\n")));
        assert!(!lines.is_empty());
        for l in &lines {
            assert!(l.at <= input.now);
            // The relative time is the clock minus the absolute one, to the millisecond.
            assert_eq!(l.ago_ms, (input.now - l.at).num_milliseconds(), "{l:?}");
            assert!(["fg", "fgsvc", "bg"].contains(&l.state.as_str()));
        }
        // App-ops keep one last access per op and state.
        let mut keys: Vec<(&str, &str, &str)> = lines
            .iter()
            .map(|l| (l.op.as_str(), l.kind.as_str(), l.state.as_str()))
            .collect();
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), n);
        if scenario == Scenario::SalariedGood {
            let ops: Vec<&str> = lines.iter().map(|l| l.op.as_str()).collect();
            assert!(!ops.contains(&"READ_CONTACTS") && !ops.contains(&"READ_CALL_LOG"));
            assert_eq!(ops.iter().filter(|o| **o == "CAMERA").count(), 1);
            assert_eq!(ops.iter().filter(|o| **o == "FINE_LOCATION").count(), 1);
            // SMS read at the last consented collection, two seconds before it.
            let sms = lines
                .iter()
                .filter(|l| l.op == "READ_SMS")
                .max_by_key(|l| l.at)
                .unwrap();
            assert_eq!(sms.state, "bg");
            let last_collection = input.collections.last().unwrap().collected_at;
            assert_eq!(sms.at, last_collection - Duration::seconds(2));
        }
    }
}

#[test]
fn android_over_collector_reads_after_revocation_and_in_the_background() {
    let input = input(Scenario::OverCollector);
    let revoked = input.consents[0].revoked_at.unwrap();
    let (_, lines) = dumpsys_lines(&input);
    let find = |op: &str, state: &str| {
        lines
            .iter()
            .find(|l| l.op == op && l.state == state && l.kind == "Access")
            .unwrap_or_else(|| panic!("{op} {state}"))
    };
    assert!(find("READ_CONTACTS", "bg").at > revoked);
    assert!(find("READ_CALL_LOG", "bg").at > revoked);
    assert!(find("FINE_LOCATION", "bg").at > revoked);
    assert!(find("READ_CONTACTS", "fg").at < input.consents[0].created_at);
    // The camera twice: once on screen for KYC, once from a foreground service.
    assert!(find("CAMERA", "fg").at < find("CAMERA", "fgsvc").at);
    let reject = lines.iter().find(|l| l.kind == "Reject").unwrap();
    assert_eq!(
        (reject.op.as_str(), reject.state.as_str()),
        ("RECORD_AUDIO", "bg")
    );
}

#[test]
fn android_cmd_times_count_back_from_the_clock() {
    let input = input(Scenario::OverCollector);
    let text = String::from_utf8(render(&input, ReportFormat::AndroidCmd)).unwrap();
    let (_, dumpsys) = dumpsys_lines(&input);
    let mut seen = 0;
    for line in text.lines().skip(1) {
        let mut parts = line.split("; ");
        let (op, mode) = parts.next().unwrap().split_once(": ").unwrap();
        assert!(["allow", "ignore"].contains(&mode), "{line}");
        for p in parts {
            let (k, v) = p.split_once('=').unwrap();
            match k {
                "time" | "rejectTime" => {
                    let ago = parse_duration(v.strip_suffix(" ago").unwrap());
                    let kind = if k == "time" { "Access" } else { "Reject" };
                    // The latest of the op's per-state lines in dumpsys.
                    let latest = dumpsys
                        .iter()
                        .filter(|l| l.op == op && l.kind == kind)
                        .map(|l| l.at)
                        .max()
                        .unwrap();
                    assert_eq!(input.now - Duration::milliseconds(ago), latest, "{line}");
                    seen += 1;
                }
                "duration" => assert!(parse_duration(v) > 0),
                _ => panic!("{line}"),
            }
        }
    }
    assert!(seen >= 6, "{text}");
    assert!(text.contains("READ_CONTACTS: allow; time=+"));
    assert!(text.contains("RECORD_AUDIO: ignore; rejectTime=+"));
}

#[test]
fn durations_print_as_android_does() {
    use super::android::duration;
    assert_eq!(duration(0), "0");
    assert_eq!(duration(30_000), "+30s0ms");
    assert_eq!(
        duration(-(22 * 86_400_000 + 4 * 3_600_000 + 22 * 60_000 + 19_762)),
        "-22d4h22m19s762ms"
    );
    assert_eq!(duration(86_400_000 + 5), "+1d0h0m0s5ms");
    assert_eq!(duration(-33), "-33ms");
    for ms in [1, 999, 1000, 61_001, 90_061_001, 700_000_000_123] {
        assert_eq!(parse_duration(&duration(ms)), ms);
    }
}

#[test]
fn same_state_same_bytes_and_times_fit_a_revocation_seconds_ago() {
    for f in FORMATS {
        let a = render(&input(Scenario::OverCollector), f);
        assert_eq!(a, render(&input(Scenario::OverCollector), f), "{f}");
        let mut other = input(Scenario::OverCollector);
        other.seed = 7;
        if f == ReportFormat::Ios {
            assert_ne!(a, render(&other, f), "the seed changes identifiers");
        }
    }
    // Consent, revocation and the report within seconds (an end-to-end run): the reads after
    // the revocation still fall between it and the clock.
    let mut quick = input(Scenario::OverCollector);
    let created = quick.now - Duration::seconds(9);
    quick.consents[0].created_at = created;
    quick.consents[0].revoked_at = Some(created + Duration::seconds(5));
    quick.collections = vec![CollectionFacts {
        signal: "contacts_network".into(),
        collected_at: created + Duration::seconds(6),
        consent_id: Some("c-1".into()),
    }];
    let iv = intervals(&ios_lines(&quick));
    let revoked = quick.consents[0].revoked_at.unwrap();
    let after: Vec<_> = iv
        .iter()
        .filter(|i| i.0 == "contacts" && i.1 > revoked)
        .collect();
    assert!(after.len() >= 2, "{iv:?}");
    assert!(
        iv.iter()
            .all(|i| i.1 <= quick.now && i.2.is_none_or(|e| e <= quick.now))
    );
}

#[test]
fn a_scenario_run_of_its_own_tells_the_same_story() {
    let now = t0();
    let run = scenario_run(Scenario::OverCollector, 42, now);
    let revoked = run.consents[0].revoked_at.unwrap();
    assert!(run.consents[0].created_at < revoked && revoked < now);
    assert!(run.collections.iter().any(|c| c.collected_at > revoked));
    let iv = intervals(&ios_lines(&run));
    assert!(iv.iter().any(|i| i.0 == "contacts" && i.1 > revoked));
    let good = scenario_run(Scenario::SalariedGood, 42, now);
    assert!(good.consents[0].revoked_at.is_none());
    let (_, lines) = dumpsys_lines(&good);
    // SMS read on screen at the first collection (the borrower had just consented), and in the
    // background at the last one; app-ops keep one of each.
    let sms: Vec<&OpLine> = lines.iter().filter(|l| l.op == "READ_SMS").collect();
    let last_round = good.collections.last().unwrap().collected_at;
    assert_eq!(sms.len(), 2);
    assert_eq!((sms[0].state.as_str(), sms[1].state.as_str()), ("fg", "bg"));
    assert_eq!(sms[1].at, last_round - Duration::seconds(2));
}

#[test]
fn formats_and_app_ids() {
    for f in FORMATS {
        assert_eq!(f.name().parse::<ReportFormat>(), Ok(f));
    }
    let err = "pdf".parse::<ReportFormat>().unwrap_err();
    assert!(err.contains("ios, android-appops, android-cmd"), "{err}");
    assert_eq!(
        ReportFormat::Ios.file_name(t0()),
        "App_Privacy_Report_v4_2026-11-28T12_00_00.ndjson"
    );
    // Stable ids that pass the contract's own check, the default lender's exactly as documented.
    let default = apps(crate::DEFAULT_LENDER_ID);
    assert_eq!(default[0].id, ANDROID_APP);
    assert_eq!(default[1].id, IOS_APP);
    for id in [crate::DEFAULT_LENDER_ID, "lender-2", "9-Lender", "☃"] {
        let apps = apps(id);
        assert_eq!(khata_contract::apps::check(&apps), Ok(()), "{id}");
        assert_eq!(apps, super::apps(id));
    }
    assert_ne!(apps("lender-2"), default);
}

#[test]
fn android_capture_bundle_holds_the_phones_facts_and_each_section_verbatim() {
    let input = input(Scenario::OverCollector);
    let text = String::from_utf8(render(&input, ReportFormat::AndroidCapture)).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("# khata-android-capture 1"));
    let header: Vec<(&str, &str)> = lines
        .by_ref()
        .take_while(|l| !l.starts_with("## "))
        .map(|l| l.strip_prefix("# ").unwrap().split_once(": ").unwrap())
        .collect();
    let keys: Vec<&str> = header.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        keys,
        [
            "serial",
            "model",
            "android",
            "sdk",
            "utc-offset",
            "device-time-ms",
            "package"
        ]
    );
    let get = |k: &str| header.iter().find(|(x, _)| *x == k).unwrap().1;
    assert_eq!(get("utc-offset"), "+05:30");
    assert_eq!(
        get("device-time-ms"),
        input.now.timestamp_millis().to_string()
    );
    assert_eq!(get("package"), ANDROID_APP);
    // The sections, in order, each exactly the output of its command.
    let sections: Vec<&str> = text.split("## section: ").skip(1).collect();
    let names: Vec<&str> = sections
        .iter()
        .map(|s| s.split_once('\n').unwrap().0)
        .collect();
    assert_eq!(
        names,
        [
            format!("dumpsys package {ANDROID_APP}"),
            format!("dumpsys appops --package {ANDROID_APP}"),
            format!("cmd appops get {ANDROID_APP}"),
        ]
    );
    let body = |i: usize| sections[i].split_once('\n').unwrap().1;
    assert_eq!(
        body(1).as_bytes(),
        render(&input, ReportFormat::AndroidAppops).as_slice()
    );
    assert_eq!(
        body(2).as_bytes(),
        render(&input, ReportFormat::AndroidCmd).as_slice()
    );
    let package = body(0);
    assert!(package.contains(&format!("  Package [{ANDROID_APP}] (")));
    assert!(package.contains("      android.permission.QUERY_ALL_PACKAGES: granted=true\n"));
    assert!(package.contains("        android.permission.READ_CONTACTS: granted=true, flags=[ "));
    assert!(package.contains("        android.permission.RECORD_AUDIO: granted=false, flags=[ "));
    // Installed before the first access the app made.
    let installed = package
        .lines()
        .find_map(|l| l.trim().strip_prefix("firstInstallTime="))
        .unwrap();
    let installed = NaiveDateTime::parse_from_str(installed, "%Y-%m-%d %H:%M:%S").unwrap();
    let installed = FixedOffset::east_opt(330 * 60)
        .unwrap()
        .from_local_datetime(&installed)
        .unwrap()
        .with_timezone(&Utc);
    let (_, ops) = dumpsys_lines(&input);
    assert!(ops.iter().all(|l| l.at > installed));
    // The well-behaved app asks for no contacts, call log or microphone.
    let good = String::from_utf8(render(
        &super::tests::input(Scenario::SalariedGood),
        ReportFormat::AndroidCapture,
    ))
    .unwrap();
    assert!(!good.contains("READ_CONTACTS") && !good.contains("RECORD_AUDIO"));
    assert!(good.contains("android.permission.READ_SMS: granted=true"));
}
