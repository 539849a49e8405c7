//! Whatever the file holds, the readers return a result or an error, never panic: arbitrary
//! bytes under every name a borrower might give them, and each fixture with lines deleted,
//! duplicated, cut short, swapped or filled with noise. Mutated fixtures must still be read
//! line by line: a damaged line is malformed, the rest still counts.

use std::path::Path;

use khata_phone::{CaptureMeta, ReadOptions, read_bytes, survey_bytes, write_bundle};
use proptest::prelude::*;

const NAMES: &[&str] = &[
    "App_Privacy_Report_v4_2026-11-26T10_00_00.ndjson",
    "appops.txt",
    "bugreport-a51-2026-11-26.zip",
    "capture.txt",
];

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for dir in [root.clone(), root.join("android")] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                out.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn exercise(bytes: &[u8], name: &str) {
    if let Ok(s) = survey_bytes(bytes, name) {
        assert!(s.malformed_lines <= s.lines);
        assert!(s.malformed_first.len() <= 50);
        for app in s.apps.iter().take(2) {
            for offset in [None, Some(330)] {
                let opts = ReadOptions {
                    app: Some(app.id.clone()),
                    utc_offset_min: offset,
                };
                if let Ok(r) = read_bytes(bytes, name, &opts) {
                    assert_eq!(r.source.records, app.records);
                    assert_eq!(r.source.bytes, bytes.len() as u64);
                    for o in &r.observations {
                        assert!(o.first_at <= o.last_at);
                        assert!(o.count >= 1 || o.network.is_some());
                    }
                }
            }
        }
    }
    let _ = read_bytes(bytes, name, &ReadOptions::default());
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Truncate(usize, usize),
    Swap(usize, usize),
    Noise(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(l, at)| Mutation::Truncate(l, at)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 0..40)
        )
            .prop_map(|(l, n)| Mutation::Noise(l, n)),
    ]
}

fn mutate(bytes: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
    for m in mutations {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match m {
            Mutation::Delete(i) => {
                lines.remove(i % n);
            }
            Mutation::Duplicate(i) => {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
            Mutation::Truncate(i, at) => {
                let l = &mut lines[i % n];
                let keep = at % (l.len() + 1);
                l.truncate(keep);
            }
            Mutation::Swap(a, b) => lines.swap(a % n, b % n),
            Mutation::Noise(i, noise) => {
                let l = &mut lines[i % n];
                let at = i % (l.len() + 1);
                l.splice(at..at, noise.iter().copied());
            }
        }
    }
    lines.join(&b'\n')
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_under_any_name(bytes in proptest::collection::vec(any::<u8>(), 0..2048), name in 0..NAMES.len()) {
        exercise(&bytes, NAMES[name]);
    }

    #[test]
    fn any_bytes_after_each_format_s_opening(bytes in proptest::collection::vec(any::<u8>(), 0..1024), which in 0..6usize) {
        let head: &[u8] = [
            &b"{\"type\":\"access\",\"accessor\":"[..],
            b"Current AppOps Service state:\n",
            b"PK\x03\x04",
            b"# khata-android-capture 1\n## section: dumpsys appops\n",
            b"Discrete accesses: \nUID|PACKAGE_NAME|",
            b"== dumpstate: 2026-11-26 10:00:00\nDUMP OF SERVICE package:\n  Package [",
        ][which];
        let mut input = head.to_vec();
        input.extend_from_slice(&bytes);
        exercise(&input, NAMES[which % NAMES.len()]);
    }

    #[test]
    fn each_fixture_with_its_lines_mutated(which in any::<usize>(), mutations in proptest::collection::vec(mutation(), 1..8)) {
        let all = fixtures();
        let (name, bytes) = &all[which % all.len()];
        exercise(&mutate(bytes, &mutations), name);
    }

    #[test]
    fn a_bundle_of_any_sections(sections in proptest::collection::vec((0..5usize, proptest::collection::vec(any::<u8>(), 0..512)), 0..5)) {
        let names = [
            "dumpsys package p.q",
            "dumpsys appops --package p.q",
            "cmd appops get p.q",
            "dumpsys appops --history --include-discrete 0",
            "something else",
        ];
        let sections: Vec<(String, Vec<u8>)> = sections
            .into_iter()
            .map(|(n, body)| (names[n].to_string(), body))
            .collect();
        let meta = CaptureMeta { package: "p.q".into(), utc_offset_min: Some(330), device_time_ms: Some(1_764_650_000_123), ..Default::default() };
        exercise(&write_bundle(&meta, &sections), "capture.txt");
    }
}
