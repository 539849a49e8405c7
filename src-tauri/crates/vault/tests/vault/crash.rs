//! Crash safety: a child process writes events and prints each acknowledged commit; the
//! parent SIGKILLs it at a random point and checks that every acknowledged record survived,
//! the file is clean and the chain verifies.
//!
//! `KHATA_CRASH_TRIALS` sets the number of kills (default 20 for `make test`; the figure in
//! docs/BENCHMARKS.md is from `KHATA_CRASH_TRIALS=200`).
//!
//! The key is handed to the child through an environment variable and an in-process
//! `KeyStore`: these trials test the database under kills, not key custody.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use khata_vault::*;

use crate::common;
use rand::Rng;

const KEY_ENV: &str = "KHATA_CRASH_KEY";
const DB_ENV: &str = "KHATA_CRASH_DB";
const VAULT_ENV: &str = "KHATA_CRASH_VAULT_ID";

/// Child half: writes until killed. Does nothing unless started by `sigkill_trials`.
#[test]
fn crash_child() {
    let (Ok(db), Ok(key), Ok(vault_id)) = (
        std::env::var(DB_ENV),
        std::env::var(KEY_ENV),
        std::env::var(VAULT_ENV),
    ) else {
        return;
    };
    let store = MemoryKeyStore::new();
    store
        .store(&vault_id, &DataKey::from_hex(&key).unwrap())
        .unwrap();
    let mut v = Vault::open(&db, Unlock::Keychain(&store)).unwrap();
    let mut rng = rand::rng();
    let mut out = std::io::stdout().lock();
    let mut t = 0i64;
    // Bounded so a child whose parent died stops by itself.
    for round in 0..100_000 {
        if round % 7 == 3 {
            // Some non-event state changes too, so kills land in other transactions.
            v.upsert_lender(&common::lender(&format!("l-{}", rng.random_range(1..4))))
                .unwrap();
        }
        let n = if rng.random_bool(0.5) {
            1
        } else {
            rng.random_range(2..200)
        };
        let evs: Vec<_> = (0..n)
            .map(|_| {
                t += 1;
                common::event("l-1", "sms.income", t)
            })
            .collect();
        let ids = common::ingest(&mut v, &evs);
        writeln!(out, "\nACK {} {}", ids[0], ids[ids.len() - 1]).unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn sigkill_trials() {
    let trials: usize = std::env::var("KHATA_CRASH_TRIALS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vault.db");
    let store = MemoryKeyStore::new();
    let (mut v, _) = Vault::create(&db, Unlock::Keychain(&store)).unwrap();
    common::seed(&mut v);
    let vault_id = v.id().to_owned();
    v.close().unwrap();
    let key = store.load(&vault_id).unwrap().to_hex();

    let mut rng = rand::rng();
    let mut acked: Vec<(i64, i64)> = Vec::new();
    for trial in 0..trials {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "crash::crash_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(DB_ENV, &db)
            .env(KEY_ENV, &*key)
            .env(VAULT_ENV, &vault_id)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill right after the k-th acknowledgement: the child is then inside its next
        // transaction (or between two), at a point that varies with k and the scheduler.
        let k = rng.random_range(1..=40);
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = 0;
        while seen < k {
            let Some(line) = lines.next() else { break };
            let line = line.unwrap();
            if let Some(rest) = line.strip_prefix("ACK ") {
                let mut it = rest.split(' ').map(|s| s.parse::<i64>().unwrap());
                acked.push((it.next().unwrap(), it.next().unwrap()));
                seen += 1;
            }
        }
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(9),
            "trial {trial}: child exited early: {status:?}"
        );
        // Anything the child acknowledged after we stopped reading still counts.
        for line in lines.map_while(|l| l.ok()) {
            if let Some(rest) = line.strip_prefix("ACK ") {
                let mut it = rest.split(' ').map(|s| s.parse::<i64>().unwrap());
                acked.push((it.next().unwrap(), it.next().unwrap()));
            }
        }

        let v = Vault::open(&db, Unlock::Keychain(&store)).unwrap();
        let report = v
            .check_integrity()
            .unwrap_or_else(|e| panic!("trial {trial}: {e}"));
        let c = v.__connection();
        for &(first, last) in &acked {
            let n: i64 = c
                .query_row(
                    "SELECT count(*) FROM share_events WHERE id BETWEEN ?1 AND ?2",
                    [first, last],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(
                n,
                last - first + 1,
                "trial {trial}: acknowledged {first}..={last} lost"
            );
        }
        // Records and their ledger entries committed together.
        let (events, entries): (i64, i64) = c
            .query_row(
                "SELECT (SELECT count(*) FROM share_events), \
                 (SELECT count(*) FROM ledger WHERE kind = 'event.add')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(events, entries, "trial {trial}");
        assert!(report.entries as i64 > entries);
        v.close().unwrap();
    }
    let total: i64 = acked.iter().map(|(a, b)| b - a + 1).sum();
    eprintln!(
        "crash trials: {trials} SIGKILLs, {} acknowledged commits ({total} events) all present, \
         integrity_check + cipher_integrity_check clean, chain verified after every kill",
        acked.len()
    );
}
