//! Ingest benchmark for the disclosure log (contract v2): N leaves of one lender stored through
//! `Vault::append_log_page`, a page of 1,000 leaves with its signed head per transaction, as a
//! sync stores them, into
//! - `plain`: an unencrypted SQLite database with the same schema and code path (no key),
//! - `cipher`: the SQLCipher vault as the app opens it (`cipher_memory_security` off),
//! - `cipher-memsec`: the SQLCipher vault with `cipher_memory_security` on.
//!
//! SQLCipher's memory security is process-wide and one-way, so each mode runs in a process of
//! its own: `log_ingest all` (the default) runs the three as child processes one after the
//! other and prints the ratios; `log_ingest MODE` runs one mode.
//!
//!     KHATA_BENCH_LEAVES=1000000 cargo run --release -p khata-vault --example log_ingest
//!
//! N comes from `KHATA_BENCH_LEAVES` (default 20,000). Each mode prints one `RESULT` line:
//! wall and thread-CPU seconds of the `append_log_page` calls alone (building the leaves, their
//! hashes and the frontier with `khata-contract` is the client's work and is not timed), and the database's size as
//! `page_count * page_size` after closing, per disclosure. The database lives in a temporary
//! directory under `KHATA_BENCH_DIR` (default the system's). `KHATA_BENCH_PRAGMAS` runs extra
//! SQL on the connection before the ingest, for experiments with settings.

use std::process::Command;
use std::time::{Duration, Instant};

use khata_contract::log::{DisclosureLeaf, LeafRange};
use khata_contract::merkle::{Frontier, leaf_hash};
use khata_contract::redact::statement_bytes;
use khata_vault::*;

const PAGE: usize = 1000;
const LENDER: &str = "lender-sandbox-01";
const SIGNALS: [&str; 8] = [
    "sms_income",
    "emi_bounces",
    "bank_balance",
    "kyc_verified",
    "upi_outflow",
    "device_age",
    "salary_credit",
    "bureau_score",
];
const CONSENT: &str = "9f1c2d3e-4b5a-6789-abcd-ef0123456789";
const MODES: [&str; 3] = ["plain", "cipher", "cipher-memsec"];

fn n_leaves() -> u64 {
    std::env::var("KHATA_BENCH_LEAVES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000)
}

fn leaf(i: u64) -> LogLeafRow {
    let signal = SIGNALS[(i % SIGNALS.len() as u64) as usize];
    let onward = (signal == "emi_bounces").then(|| "bureau-cic-01".to_string());
    let salts: Vec<u8> = (0..16 * (1 + onward.is_some() as usize))
        .map(|k| (i as u8).wrapping_mul(31).wrapping_add(k as u8))
        .collect();
    let at = 1_764_000_000_000 + i as i64 * 1000;
    LogLeafRow {
        signal_id: signal.into(),
        collected_at: at,
        purpose: "103".into(),
        consent_id: Some(CONSENT.into()),
        data_from: 1_756_000_000_000,
        data_to: at,
        value_digest: Some(digest_value(&i.to_le_bytes())),
        onward_recipient: onward,
        log_index: i,
        salts,
    }
}

/// The leaf hash the client computes: the leaf rebuilt as the lender commits to it.
fn leaf_hash_of(l: &LogLeafRow) -> [u8; 32] {
    let leaf = DisclosureLeaf {
        index: l.log_index,
        signal: l.signal_id.clone(),
        collected_at: l.collected_at,
        purpose: l.purpose.clone(),
        consent_id: l.consent_id.clone(),
        data_range: LeafRange {
            from: l.data_from,
            to: l.data_to,
        },
        value_digest: l
            .value_digest
            .map(|d| khata_contract::merkle::encode_hash(&d)),
        onward_recipient: l.onward_recipient.clone(),
    };
    let salt = |k: usize| {
        l.salts
            .get(16 * k..16 * (k + 1))
            .map_or([0; 16], |s| s.try_into().unwrap())
    };
    let object = leaf.to_redactable([salt(0), salt(1)]).unwrap();
    leaf_hash(&statement_bytes(&object).unwrap())
}

/// A signed head as the sandbox sends it (the vault keeps the JSON as received).
fn head(size: u64, root: [u8; 32]) -> TreeHeadRow {
    let signed_json = format!(
        r#"{{"log":"disclosures","lenderId":"{LENDER}","treeSize":{size},"rootHash":"{}","timestamp":"2026-12-02T04:00:00Z","signature":{{"alg":"Ed25519","keyId":"k-2026-1","value":"{}"}}}}"#,
        hex::encode(root),
        "A".repeat(86)
    );
    TreeHeadRow {
        tree_size: size,
        root,
        signed_json,
        received_at: 1_764_000_000_000 + size as i64,
    }
}

/// CPU time of this thread (user + system) from /proc, 10 ms resolution: on a shared machine
/// wall time mostly measures the neighbours. Zero where /proc is missing.
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
    Duration::from_millis(ticks * 10)
}

fn run(mode: &str, n: u64) {
    let base = std::env::var_os("KHATA_BENCH_DIR").unwrap_or_else(|| std::env::temp_dir().into());
    let dir = tempfile::tempdir_in(base).unwrap();
    let db = dir.path().join("vault.db");
    let store = MemoryKeyStore::new();
    let open = || match mode {
        "plain" => Vault::__plaintext_for_benchmarks(&db).unwrap(),
        _ => Vault::open(&db, Unlock::Keychain(&store)).unwrap(),
    };
    let mut v = match mode {
        "plain" => Vault::__plaintext_for_benchmarks(&db).unwrap(),
        "cipher" => Vault::create(&db, Unlock::Keychain(&store)).unwrap().0,
        "cipher-memsec" => {
            Vault::__memory_security_for_benchmarks();
            Vault::create(&db, Unlock::Keychain(&store)).unwrap().0
        }
        other => panic!("unknown mode {other}; one of {MODES:?} or all"),
    };
    if let Ok(pragmas) = std::env::var("KHATA_BENCH_PRAGMAS") {
        // For experiments only: the figures in docs/BENCHMARKS.md are without.
        v.__connection().execute_batch(&pragmas).unwrap();
    }
    let memsec: String = v
        .__connection()
        .query_row("PRAGMA cipher_memory_security", [], |r| r.get(0))
        .unwrap_or_else(|_| "n/a".into());
    v.upsert_lender(&Lender {
        id: LENDER.into(),
        name: "Sandbox Lender".into(),
        registration: None,
        contact: None,
        public_key: None,
    })
    .unwrap();
    for s in SIGNALS {
        v.upsert_signal(&Signal {
            id: s.into(),
            name: s.into(),
            category: "pd:Income".into(),
            sensitivity: Sensitivity::Medium,
            regulatory_flags: vec![],
        })
        .unwrap();
    }

    let mut frontier = Frontier::new();
    let (mut wall, mut cpu) = (Duration::ZERO, Duration::ZERO);
    let mut page = Vec::with_capacity(PAGE);
    let mut i = 0;
    while i < n {
        page.clear();
        for k in i..(i + PAGE as u64).min(n) {
            let l = leaf(k);
            frontier.push(leaf_hash_of(&l));
            page.push(l);
        }
        let size = frontier.size();
        let h = head(size, frontier.root());
        let hashes = frontier.hashes().concat();
        let (t, c) = (Instant::now(), thread_cpu());
        let new = v.append_log_page(LENDER, &page, &h, size, &hashes).unwrap();
        wall += t.elapsed();
        cpu += thread_cpu() - c;
        assert_eq!(new, page.len());
        i += page.len() as u64;
    }
    v.close().unwrap();

    let v = open();
    let pages: i64 = v
        .__connection()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    // SQLCipher answers `page_size` as text (its `cipher_page_size`).
    let page_size: i64 = v
        .__connection()
        .query_row("PRAGMA page_size", [], |r| {
            Ok(match r.get::<_, rusqlite::types::Value>(0)? {
                rusqlite::types::Value::Integer(i) => i,
                rusqlite::types::Value::Text(t) => t.parse().unwrap(),
                other => panic!("page_size {other:?}"),
            })
        })
        .unwrap();
    let t = Instant::now();
    let streamed = v
        .for_each_log_leaf(LENDER, |_| Ok::<_, VaultError>(()))
        .unwrap();
    let stream = t.elapsed();
    assert_eq!(streamed, n);
    assert_eq!(v.event_count().unwrap(), n as i64);
    assert_eq!(v.log_state(LENDER).unwrap().unwrap().size, n);
    v.verify().unwrap();
    v.close().unwrap();

    let bytes = (pages * page_size) as f64;
    println!(
        "[log_ingest] {mode:13} (cipher_memory_security {memsec}) {n} leaves: wall {:.2} s = \
         {:.0}/s; cpu {:.2} s = {:.0}/s; {} pages x {page_size} B = {:.1} B/disclosure; \
         stream all leaves {:.2} s",
        wall.as_secs_f64(),
        n as f64 / wall.as_secs_f64(),
        cpu.as_secs_f64(),
        n as f64 / cpu.as_secs_f64(),
        pages,
        bytes / n as f64,
        stream.as_secs_f64()
    );
    println!(
        "RESULT {mode} {} {} {}",
        wall.as_secs_f64(),
        cpu.as_secs_f64(),
        bytes / n as f64
    );
}

fn main() {
    let n = n_leaves();
    let mode = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    if mode != "all" {
        run(&mode, n);
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let mut results = Vec::new();
    for m in MODES {
        let out = Command::new(&exe).arg(m).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        print!("{stdout}");
        assert!(
            out.status.success(),
            "{m} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let line = stdout.lines().find(|l| l.starts_with("RESULT ")).unwrap();
        let f: Vec<f64> = line
            .split_whitespace()
            .skip(2)
            .map(|x| x.parse().unwrap())
            .collect();
        results.push((f[0], f[1]));
    }
    let (plain, cipher, memsec) = (results[0], results[1], results[2]);
    println!(
        "[log_ingest] rate vs plain SQLite: cipher wall {:.2}x, cpu {:.2}x; cipher-memsec wall \
         {:.2}x, cpu {:.2}x",
        plain.0 / cipher.0,
        plain.1 / cipher.1,
        plain.0 / memsec.0,
        plain.1 / memsec.1
    );
}
