//! Arbitrary bytes as a phone report a borrower drops on Khata: format detection, the survey
//! and the reading of the first apps it names (with and without a UTC offset) must return an
//! error or a value, never panic, and what they return must hold together. Input: byte 0 picks
//! the file name (which can decide the format of an ambiguous head); the rest is the file.
//!
//! Seeds (`seeds/phone_reports/`) are the parser fixtures of `khata-phone` behind their name
//! byte, and a small bug report zip.
#![no_main]

use khata_phone::{ReadOptions, read_bytes, survey_bytes};
use libfuzzer_sys::fuzz_target;

/// Must match the order `seeds.rs` writes the seeds with.
pub const NAMES: [&str; 4] = [
    "App_Privacy_Report_v4_2026-11-26T10_00_00.ndjson",
    "dumpsys.txt",
    "bugreport-a51-TP1A-2026-11-26.zip",
    "khata-capture.txt",
];

fuzz_target!(|data: &[u8]| {
    let [n, file @ ..] = data else {
        return;
    };
    let name = NAMES[*n as usize % NAMES.len()];
    let Ok(survey) = survey_bytes(file, name) else {
        let _ = read_bytes(file, name, &ReadOptions::default());
        return;
    };
    assert!(survey.malformed_lines <= survey.lines);
    assert!(survey.malformed_first.len() <= 50);
    for app in survey.apps.iter().take(2) {
        for utc_offset_min in [None, Some(330)] {
            let opts = ReadOptions {
                app: Some(app.id.clone()),
                utc_offset_min,
            };
            if let Ok(r) = read_bytes(file, name, &opts) {
                assert_eq!(r.source.records, app.records);
                assert!(r.observations.iter().all(|o| o.first_at <= o.last_at));
            }
        }
    }
});
