//! Canaries: 1,000 unique fake PII strings go into the vault through every text path (event
//! purposes, onward recipients, digest inputs, consent texts, rights-request details,
//! revocation reasons, offer reasons). None may appear in the database, its `-wal` and `-shm`,
//! the key file, temp files, the crate's log or SQLCipher's own log, scanned as raw bytes,
//! both while the vault is open and after it is closed.
//!
//! Uses `MemoryKeyStore`: this test is about what reaches the disk, not key custody.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::common::*;
use khata_vault::*;
use rand::RngCore;

struct Canary {
    /// Short unique token, found even if a long string were split across pages.
    token: String,
    full: String,
}

fn canaries() -> Vec<Canary> {
    let mut rng = rand::rng();
    (0..1000)
        .map(|i| {
            let token = format!("KCAN{i:04}X{:08x}", rng.next_u32());
            let full = format!(
                "{token} Priya Sharma, +91 98{:08}, PAN ABCPS{:04}K, 12 MG Road Bengaluru",
                rng.next_u32() % 100_000_000,
                i
            );
            Canary { token, full }
        })
        .collect()
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(rd) = fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                files_under(&p, out);
            } else {
                out.push(p);
            }
        }
    }
}

/// Files in the system temp dir created since `since` (top level only: other processes'
/// trees are not ours to walk).
fn new_temp_files(since: SystemTime) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = fs::read_dir(std::env::temp_dir()) {
        for e in rd.flatten() {
            let Ok(md) = e.metadata() else { continue };
            let fresh = md.modified().map(|m| m >= since).unwrap_or(false);
            if md.is_file() && fresh && md.len() < 64 << 20 {
                out.push(e.path());
            }
        }
    }
    out
}

fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    hay.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

/// Markers every canary carries; any of them on disk is a leak, whichever canary it is from.
const MARKERS: [&[u8]; 3] = [b"KCAN", b"Priya Sharma", b"MG Road Bengaluru"];

/// Canary material found in `files`, as (file, what). One pass per marker rather than per
/// canary; a `KCAN` hit is resolved to its canary's token when the whole token is there.
fn scan(files: &[PathBuf], canaries: &[Canary]) -> Vec<(PathBuf, String)> {
    let tokens: std::collections::HashSet<&[u8]> =
        canaries.iter().map(|c| c.token.as_bytes()).collect();
    let mut hits = Vec::new();
    for f in files {
        let Ok(bytes) = fs::read(f) else { continue };
        for m in MARKERS {
            for at in find_all(&bytes, m) {
                let what = bytes
                    .get(at..at + 17)
                    .filter(|t| tokens.contains(t))
                    .map(|t| String::from_utf8_lossy(t).into_owned())
                    .unwrap_or_else(|| String::from_utf8_lossy(m).into_owned());
                hits.push((f.clone(), what));
            }
        }
    }
    hits
}

#[test]
fn no_canary_reaches_the_disk_in_the_clear() {
    let started = SystemTime::now();
    let root = tempfile::tempdir().unwrap();
    let vault_dir = root.path().join("vault");
    let tmp_dir = root.path().join("sqlite-tmp");
    fs::create_dir_all(&vault_dir).unwrap();
    fs::create_dir_all(&tmp_dir).unwrap();
    // SAFETY: this binary has a single test and sets the variable before SQLite starts.
    unsafe { std::env::set_var("SQLITE_TMPDIR", &tmp_dir) };

    let log_path = root.path().join("khata.log");
    let log = fs::File::create(&log_path).unwrap();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(Mutex::new(log))
        .with_ansi(false)
        .init();

    let cs = canaries();
    let store = MemoryKeyStore::new();
    let db = vault_dir.join("vault.db");
    let (mut v, _rk) = Vault::create(&db, Unlock::Keychain(&store)).unwrap();
    let cipher_log = root.path().join("sqlcipher.log");
    v.__connection()
        .execute_batch(&format!(
            "PRAGMA cipher_log = '{}'; PRAGMA cipher_log_level = DEBUG;",
            cipher_log.display()
        ))
        .unwrap();
    seed(&mut v);

    let mut events = Vec::new();
    for (i, c) in cs.iter().enumerate() {
        let mut e = event(
            if i % 2 == 0 { "l-1" } else { "l-2" },
            "sms.income",
            i as i64,
        );
        match i % 5 {
            0 => e.onward_recipient = Some(c.full.clone()),
            1 => e.purpose = c.full.clone(),
            2 => e.value_digest = digest_value(c.full.as_bytes()),
            3 => {
                let mut k = consent(&format!("c-canary-{i}"), "l-2");
                k.purpose_text = c.full.clone();
                v.upsert_consent(&k).unwrap();
                if i % 10 == 3 {
                    let signals = [c.full.clone()];
                    v.record_consent_action(
                        &k.id,
                        ConsentActionKind::Revoke,
                        &signals,
                        Some(ConsentStatus::Revoked),
                        |a| format!("{{\"id\":\"{}\"}}", a.revocation.id),
                    )
                    .unwrap();
                }
            }
            _ => {
                v.add_rights_request("l-1", RightsKind::Correction, Some(&c.full), None)
                    .unwrap();
                if i % 10 == 4 {
                    let o = Offer {
                        id: format!("o-{i}"),
                        lender_id: "l-1".into(),
                        consent_id: None,
                        received_at: i as i64,
                        decision: Decision::Declined,
                        amount_minor: None,
                        currency: None,
                        apr_bps: None,
                        tenure_months: None,
                        explanation: Explanation {
                            method: "shap".into(),
                            baseline: 0.1,
                            score: 0.05,
                            contributions: vec![],
                            reason_codes: vec![c.full.clone()],
                        },
                        signature: None,
                    };
                    v.add_offer(&o).unwrap();
                }
            }
        }
        events.push(e);
    }
    // Half one by one, half in one page per lender, so the WAL holds many small frames too.
    for e in &events[..500] {
        ingest(&mut v, std::slice::from_ref(e));
    }
    let (l1, l2): (Vec<_>, Vec<_>) = events[500..]
        .iter()
        .cloned()
        .partition(|e| e.lender_id == "l-1");
    ingest(&mut v, &l1);
    ingest(&mut v, &l2);
    // A query that sorts text without an index, to tempt SQLite into a temp file.
    let n: i64 = v
        .__connection()
        .query_row(
            "SELECT count(*) FROM (SELECT DISTINCT purpose FROM share_events \
             ORDER BY onward_recipient, purpose)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(n > 200);
    v.verify().unwrap();

    let collect = || {
        let mut files = Vec::new();
        files_under(root.path(), &mut files);
        files.extend(new_temp_files(started));
        files
    };
    // While open: the WAL and shared-memory index exist and hold the recent writes.
    let open_files = collect();
    let wal = vault_dir.join("vault.db-wal");
    assert!(
        open_files.contains(&wal),
        "expected a WAL while open: {open_files:?}"
    );
    assert!(fs::metadata(&wal).unwrap().len() > 0);
    assert!(open_files.contains(&vault_dir.join("vault.db-shm")));
    let hits = scan(&open_files, &cs);
    assert!(
        hits.is_empty(),
        "canaries on disk while open: {:?}",
        &hits[..hits.len().min(5)]
    );

    v.close().unwrap();
    let closed_files = collect();
    let hits = scan(&closed_files, &cs);
    assert!(
        hits.is_empty(),
        "canaries on disk after close: {:?}",
        &hits[..hits.len().min(5)]
    );
    // The logs were written (so scanning them meant something).
    assert!(fs::metadata(&log_path).unwrap().len() > 0);

    // Positive control: the same scan finds canaries in an unencrypted database.
    let plain_dir = root.path().join("plain");
    fs::create_dir_all(&plain_dir).unwrap();
    let mut p = Vault::__plaintext_for_benchmarks(plain_dir.join("plain.db")).unwrap();
    seed(&mut p);
    ingest(&mut p, &events[..50]);
    p.close().unwrap();
    let mut plain_files = Vec::new();
    files_under(&plain_dir, &mut plain_files);
    let found = scan(&plain_files, &cs[..50]);
    let tokens_found = found
        .iter()
        .filter(|(_, w)| cs[..50].iter().any(|c| c.token == *w))
        .count();
    assert!(
        tokens_found >= 10,
        "scanner failed its positive control: {found:?}"
    );
}
