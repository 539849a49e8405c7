//! How fast an iOS App Privacy Report is read, and in how much memory: writes a realistic
//! report of N lines (default 1,000,000) to a temporary file, then times `survey` and `read`
//! of the lender's app (MB/s) and prints the peak resident memory (VmHWM) before and after, so
//! a flat-memory regression shows as a jump between sizes. docs/BENCHMARKS.md, "Phone evidence".
//!
//! With OUT, the report is written there and kept (for timing `khata phone import` of it).
//!
//! ```text
//! CARGO_PROFILE_RELEASE_LTO=false cargo build --release -p khata-phone --example ios_import_bench
//! target/release/examples/ios_import_bench [LINES] [OUT]
//! ```

use std::io::{BufWriter, Write};
use std::time::Instant;

use khata_phone::{ReadOptions, read, survey};

const LENDER: &str = "in.khata.sandbox.Lender";
const OTHERS: [&str; 5] = [
    "com.apple.mobilesafari",
    "com.whatsapp",
    "com.google.Maps",
    "com.apple.camera",
    "net.whatsapp.WhatsAppBusiness",
];
const CATEGORIES: [&str; 6] = [
    "location",
    "contacts",
    "camera",
    "photos",
    "microphone",
    "mediaLibrary",
];
const DOMAINS: [(&str, &str, u8); 5] = [
    ("api.lender.example", "Lender Pvt Ltd", 2),
    ("tracker.profiler.example", "Profiler Inc.", 1),
    ("cdn.example.net", "", 2),
    ("graph.facebook.com", "Meta Platforms, Inc.", 1),
    ("www.google-analytics.com", "Google LLC", 1),
];

/// Peak resident memory so far, from /proc (Linux), in KiB.
fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `2026-11-20T00:00:00.000+05:30` plus `s` seconds, in the report's own format.
fn stamp(s: u64) -> String {
    let base = 1_763_577_000u64; // 2026-11-20T00:00:00+05:30
    let t = chrono::DateTime::from_timestamp((base + s) as i64, (s % 1000) as u32 * 1_000_000)
        .unwrap()
        .with_timezone(&chrono::FixedOffset::east_opt(330 * 60).unwrap());
    t.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
}

fn write_report(path: &std::path::Path, lines: u64) -> std::io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let week = 7 * 86_400;
    // `i` counts lines, `n` records (an access interval is two lines): a quarter of the
    // records are the lender's app, a tenth are network activity.
    let (mut i, mut n) = (0u64, 0u64);
    while i < lines {
        n += 1;
        let app = if n.is_multiple_of(4) {
            LENDER
        } else {
            OTHERS[(n % 5) as usize]
        };
        let at = i * week / lines.max(1);
        if n % 10 == 9 {
            let (domain, owner, ty) = DOMAINS[(n / 10 % 5) as usize];
            writeln!(
                w,
                r#"{{"domain":"{domain}","firstTimeStamp":"{}","context":"","timeStamp":"{}","domainType":{ty},"initiatedType":"AppInitiated","hits":{},"type":"networkActivity","domainOwner":"{owner}","bundleID":"{app}"}}"#,
                stamp(at),
                stamp(at + 600),
                n % 37 + 1
            )?;
            i += 1;
            continue;
        }
        let category = CATEGORIES[(n / 7 % 6) as usize];
        let id = format!("{:08X}-0000-4000-8000-{:012X}", n / 3, n);
        for (kind, t) in [("intervalBegin", at), ("intervalEnd", at + 3)] {
            writeln!(
                w,
                r#"{{"accessor":{{"identifier":"{app}","identifierType":"bundleID"}},"category":"{category}","identifier":"{id}","kind":"{kind}","timeStamp":"{}","type":"access","outOfProcess":false}}"#,
                stamp(t)
            )?;
            i += 1;
        }
    }
    w.flush()
}

fn main() {
    let lines: u64 = std::env::args()
        .nth(1)
        .map(|a| a.replace('_', "").parse().expect("LINES is a number"))
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = std::env::args()
        .nth(2)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("App_Privacy_Report_v4_bench.ndjson"));
    write_report(&path, lines).expect("write the report");
    let bytes = std::fs::metadata(&path).expect("size").len();
    let mb = bytes as f64 / 1e6;
    let before = vm_hwm_kib();

    let t = Instant::now();
    let s = survey(&path).expect("survey");
    let survey_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let r = read(
        &path,
        &ReadOptions {
            app: Some(LENDER.into()),
            utc_offset_min: None,
        },
    )
    .expect("read");
    let read_s = t.elapsed().as_secs_f64();

    println!(
        "lines {} ({:.1} MB), apps {}, malformed {}",
        s.lines,
        mb,
        s.apps.len(),
        s.malformed_lines
    );
    println!(
        "survey: {survey_s:.2} s, {:.0} MB/s",
        mb / survey_s.max(1e-9)
    );
    println!(
        "read (SHA-256 on the same pass): {read_s:.2} s, {:.0} MB/s; {} records of the lender, {} observations",
        mb / read_s.max(1e-9),
        r.source.records,
        r.observations.len()
    );
    match (before, vm_hwm_kib()) {
        (Some(b), Some(a)) => println!(
            "peak RSS (VmHWM): {:.1} MiB before reading, {:.1} MiB after",
            b as f64 / 1024.0,
            a as f64 / 1024.0
        ),
        _ => println!("peak RSS: not available on this system"),
    }
}
