//! Vault benchmarks, SQLCipher side by side with plain SQLite on the same schema and code.
//!
//!     cargo bench -p khata-vault                               # 100k events (quick)
//!     KHATA_BENCH_EVENTS=1000000 cargo bench -p khata-vault    # the figures in BENCHMARKS.md
//!
//! The one-off ingest of N events through the sync path (pages of 10,000 disclosures from one
//! lender per transaction, every event chained into the ledger) is timed once per mode and
//! printed; criterion then measures a further 10k-disclosure page, open + latest-50-of-one-
//! lender, and open + verify of the whole chain.
//!
//! Plain SQLite is built and measured first. The vault leaves SQLCipher's process-wide
//! `cipher_memory_security` off; `examples/log_ingest.rs` measures it on and off, each in a
//! process of its own.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use khata_vault::*;

const BATCH: usize = 10_000;
const LENDERS: usize = 20;
const SIGNALS: usize = 10;

fn n_events() -> usize {
    std::env::var("KHATA_BENCH_EVENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000)
}

/// The lender of the page that holds disclosure `i` (one lender per page, as a sync stores).
fn lender_of(i: usize) -> String {
    format!("l-{}", (i / BATCH) % LENDERS)
}

fn disclosure(i: usize) -> LenderDisclosure {
    let lender_id = lender_of(i);
    LenderDisclosure {
        event: NewShareEvent {
            signal_id: format!("s-{}", i % SIGNALS),
            consent_id: Some(format!("c-{lender_id}")),
            lender_id,
            collected_at: 1_700_000_000_000 + i as i64 * 1000,
            purpose: "credit-assessment".into(),
            value_digest: digest_value(&i.to_le_bytes()),
            onward_recipient: i.is_multiple_of(10).then(|| "bureau.example".into()),
            lender_signature: None,
        },
        lender_ref: format!("d-{i}"),
        lender_seq: i as i64,
        statement: format!("{{\"disclosureId\":\"d-{i}\"}}").into_bytes(),
    }
}

/// Stores one page of disclosures (all from one lender) in one transaction.
fn ingest(v: &mut Vault, page: &[LenderDisclosure]) {
    let lender = page[0].event.lender_id.clone();
    let n = v.ingest_disclosures(&lender, page, None, 0).unwrap();
    assert_eq!(n, page.len());
}

/// The first screen's query: the newest 50 disclosures of one lender.
fn latest_50(v: &Vault, lender_id: &str) -> Vec<EventWithStatement> {
    let filter = EventFilter {
        lender_id: Some(lender_id.into()),
        ..Default::default()
    };
    v.events_with_statements(&filter, None, None, 50).unwrap()
}

fn seed(v: &mut Vault) {
    for l in 0..LENDERS {
        v.upsert_lender(&Lender {
            id: format!("l-{l}"),
            name: format!("Lender {l}"),
            registration: None,
            contact: None,
            public_key: None,
        })
        .unwrap();
        v.upsert_lender_link(&LenderLink {
            lender_id: format!("l-{l}"),
            api_base: "http://127.0.0.1:1".into(),
            discovery: "{}".into(),
            is_sandbox: true,
            sync_cursor: None,
            last_sync_at: None,
            reachable: true,
        })
        .unwrap();
    }
    for s in 0..SIGNALS {
        v.upsert_signal(&Signal {
            id: format!("s-{s}"),
            name: format!("Signal {s}"),
            category: "pd:Income".into(),
            sensitivity: Sensitivity::Medium,
            regulatory_flags: vec![],
        })
        .unwrap();
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Cipher,
    Plain,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Cipher => "sqlcipher",
            Mode::Plain => "plain",
        }
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    db: PathBuf,
    store: MemoryKeyStore,
}

impl Fixture {
    fn open(&self, mode: Mode) -> Vault {
        match mode {
            Mode::Cipher => Vault::open(&self.db, Unlock::Keychain(&self.store)).unwrap(),
            Mode::Plain => Vault::__plaintext_for_benchmarks(&self.db).unwrap(),
        }
    }
}

/// CPU time of this thread (user + system) from /proc, 10 ms resolution. The machine is
/// shared, so wall time alone mostly measures the neighbours; CPU time is what an idle core
/// would take (less cache effects). Zero where /proc is missing.
fn thread_cpu() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") else {
        return Duration::ZERO;
    };
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return Duration::ZERO;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    // After the command name: f[0] is field 3 (state); utime is field 14, stime field 15.
    let ticks: u64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
    Duration::from_millis(ticks * 10) // CLK_TCK is 100 on Linux
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

/// Builds a vault with `n` events, timing the ingest.
fn build(mode: Mode, n: usize) -> (Fixture, Duration, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vault.db");
    let store = MemoryKeyStore::new();
    let mut v = match mode {
        Mode::Cipher => Vault::create(&db, Unlock::Keychain(&store)).unwrap().0,
        Mode::Plain => Vault::__plaintext_for_benchmarks(&db).unwrap(),
    };
    seed(&mut v);
    let mut batch = Vec::with_capacity(BATCH);
    let mut spent = Duration::ZERO;
    let mut cpu = Duration::ZERO;
    let mut i = 0;
    while i < n {
        batch.clear();
        batch.extend((i..(i + BATCH).min(n)).map(disclosure));
        let (t, c) = (Instant::now(), thread_cpu());
        ingest(&mut v, &batch);
        spent += t.elapsed();
        cpu += thread_cpu() - c;
        i += batch.len();
    }
    v.close().unwrap();
    (
        Fixture {
            _dir: dir,
            db,
            store,
        },
        spent,
        cpu,
    )
}

fn benches(c: &mut Criterion) {
    let n = n_events();
    let mut fixtures = Vec::new();
    let mut rates = Vec::new();
    // Each mode is built and measured once before the next starts, plain first. The one-off
    // open + query and verify are what the app sees on start (OS cache warm, SQLite cache cold).
    for mode in [Mode::Plain, Mode::Cipher] {
        let (fx, spent, cpu) = build(mode, n);
        let rate = n as f64 / spent.as_secs_f64();
        let cpu_rate = n as f64 / cpu.as_secs_f64();
        let bytes = file_len(&fx.db);
        println!(
            "[vault] {:9} ingest {n} events with chaining: wall {:.2} s = {:.0} events/s; \
             cpu {:.2} s = {:.0} events/s; {bytes} bytes on disk = {:.1} bytes/event",
            mode.name(),
            spent.as_secs_f64(),
            rate,
            cpu.as_secs_f64(),
            cpu_rate,
            bytes as f64 / n as f64
        );
        rates.push((rate, cpu_rate));
        let t = Instant::now();
        let v = fx.open(mode);
        let got = latest_50(&v, &lender_of(0));
        let first = t.elapsed();
        assert_eq!(got.len(), 50);
        let (t, c) = (Instant::now(), thread_cpu());
        let report = v.verify().unwrap();
        let (verify, verify_cpu) = (t.elapsed(), thread_cpu() - c);
        // Per lender its record and link, per signal its record, per page its sync, and
        // `vault.created` in the encrypted vault.
        assert_eq!(
            report.entries as usize,
            n + 2 * LENDERS + SIGNALS + n.div_ceil(BATCH) + (mode == Mode::Cipher) as usize
        );
        v.close().unwrap();
        println!(
            "[vault] {:9} first open + latest 50: {:.1} ms; verify {} entries: wall {:.0} ms, \
             cpu {:.0} ms",
            mode.name(),
            first.as_secs_f64() * 1e3,
            report.entries,
            verify.as_secs_f64() * 1e3,
            verify_cpu.as_secs_f64() * 1e3
        );
        fixtures.push((mode, fx));
    }
    println!(
        "[vault] sqlcipher/plain ingest ratio: wall {:.2}, cpu {:.2}",
        rates[1].0 / rates[0].0,
        rates[1].1 / rates[0].1
    );

    let mut g = c.benchmark_group(format!("open_latest50_at_{n}"));
    for (mode, fx) in &fixtures {
        g.bench_function(BenchmarkId::from_parameter(mode.name()), |b| {
            b.iter(|| {
                let v = fx.open(*mode);
                black_box(latest_50(&v, &lender_of(0)));
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group(format!("verify_at_{n}"));
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    for (mode, fx) in &fixtures {
        let v = fx.open(*mode);
        g.bench_function(BenchmarkId::from_parameter(mode.name()), |b| {
            b.iter(|| black_box(v.verify().unwrap()))
        });
    }
    g.finish();

    let mut g = c.benchmark_group(format!("ingest_10k_batch_at_{n}"));
    g.sample_size(10);
    g.throughput(Throughput::Elements(BATCH as u64));
    for (mode, fx) in &fixtures {
        let mut v = fx.open(*mode);
        // Each iteration stores a page not stored before (a re-sent page would be skipped).
        let mut next = n.next_multiple_of(BATCH);
        g.bench_function(BenchmarkId::from_parameter(mode.name()), |b| {
            b.iter_batched(
                || {
                    let page: Vec<_> = (next..next + BATCH).map(disclosure).collect();
                    next += BATCH;
                    page
                },
                |page| ingest(&mut v, black_box(&page)),
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

criterion_group! {
    name = vault;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = benches
}
criterion_main!(vault);
