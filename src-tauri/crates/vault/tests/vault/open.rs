//! Opening a vault and its failure modes against real SQLCipher files: create and reopen, wrong
//! keys and wrong files as typed errors that change nothing, flipped bytes detected as
//! corruption, and the recovery key and passphrase custody paths.
//!
//! These tests use `MemoryKeyStore`: they test the database and its failure modes, not key
//! custody. The real Secret Service is exercised in the `keychain` module.

use std::path::Path;

use khata_vault::*;

use crate::common::*;

#[test]
fn create_reopen_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, _rk) = new_vault(dir.path(), &store);
    seed(&mut v);
    let ids = ingest(
        &mut v,
        &[event("l-1", "sms.income", 10), event("l-2", "contacts", 20)],
    );
    let id = v.id().to_owned();
    v.close().unwrap();

    let v = Vault::open(dir.path().join("vault.db"), Unlock::Keychain(&store)).unwrap();
    assert_eq!(v.id(), id);
    assert_eq!(
        v.event(ids[0]).unwrap().unwrap().event,
        event("l-1", "sms.income", 10)
    );
    assert_eq!(v.lenders().unwrap().len(), 2);
    assert_eq!(v.signals().unwrap()[0].category, "pd:Contact");
    assert_eq!(v.consent("c-1").unwrap().unwrap(), consent("c-1", "l-1"));
    assert_eq!(v.consents_for_lender("l-1").unwrap().len(), 1);
    // vault.created + 2 lenders + 2 signals + 1 consent, then per lender a link, its event
    // and the sync
    let report = v.check_integrity().unwrap();
    assert_eq!(report.entries, 12);
    let entries = v.ledger_entries(0, 100).unwrap();
    assert_eq!(entries[0].kind, "vault.created");
    assert_eq!(entries.last().unwrap().hash, report.head_hash);
    assert_eq!(
        v.ledger_entries(3, 2).unwrap()[0].prev_hash,
        entries[2].hash
    );
    assert_eq!(entries[0].prev_hash, [0u8; 32]);
    for w in entries.windows(2) {
        assert_eq!(w[1].prev_hash, w[0].hash);
        assert_eq!(
            w[1].hash,
            entry_hash(
                w[1].seq,
                w[1].at,
                &w[1].kind,
                &w[1].record_id,
                &w[1].payload_digest,
                &w[1].prev_hash
            )
        );
    }
    // The file on disk is not SQLite's plaintext format.
    let head = read_or_empty(&dir.path().join("vault.db"));
    assert!(!head.starts_with(b"SQLite format 3"));
}

#[test]
fn create_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (v, _) = new_vault(dir.path(), &store);
    v.close().unwrap();
    let db = dir.path().join("vault.db");
    let before = file_digest(&db);
    let err = Vault::create(&db, Unlock::Keychain(&store)).unwrap_err();
    assert!(matches!(err, VaultError::AlreadyExists(_)), "{err}");
    assert_eq!(file_digest(&db), before);
}

/// Every error is printed both ways and must not contain the key.
fn assert_no_key(err: &VaultError, key_hex: &str) {
    assert!(!format!("{err}").contains(key_hex));
    assert!(!format!("{err:?}").contains(key_hex));
}

#[test]
fn wrong_keys_are_typed_errors_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, rk) = new_vault(dir.path(), &store);
    seed(&mut v);
    let id = v.id().to_owned();
    v.close().unwrap();
    let db = dir.path().join("vault.db");
    let kf = key_file_path(&db);
    let (db_before, kf_before) = (file_digest(&db), file_digest(&kf));
    let key_hex = store.load(&id).unwrap().to_hex().to_string();

    // A keystore that holds some other key for this vault.
    let other = MemoryKeyStore::new();
    other.store(&id, &DataKey::generate()).unwrap();
    let err = Vault::open(&db, Unlock::Keychain(&other)).unwrap_err();
    assert!(matches!(err, VaultError::WrongKey), "{err}");
    assert_no_key(&err, &key_hex);

    // A keystore with no entry.
    let err = Vault::open(&db, Unlock::Keychain(&MemoryKeyStore::new())).unwrap_err();
    assert!(matches!(err, VaultError::KeyMissing { .. }), "{err}");

    // A different, well-formed recovery key.
    let wrong_rk = RecoveryKey::parse(&{
        // Build a valid-looking key from another vault.
        let d2 = tempfile::tempdir().unwrap();
        let (_, rk2) = new_vault(d2.path(), &MemoryKeyStore::new());
        rk2.to_display().to_string()
    })
    .unwrap();
    assert_ne!(wrong_rk, rk);
    let err = Vault::restore(&db, &wrong_rk, Unlock::Keychain(&store)).unwrap_err();
    assert!(matches!(err, VaultError::WrongKey), "{err}");

    // Keychain vault opened as a passphrase vault.
    let err = Vault::open(&db, Unlock::Passphrase("anything")).unwrap_err();
    assert!(matches!(err, VaultError::WrongMode { .. }), "{err}");

    assert_eq!(file_digest(&db), db_before);
    assert_eq!(file_digest(&kf), kf_before);
    // And the right key still opens it.
    Vault::open(&db, Unlock::Keychain(&store))
        .unwrap()
        .check_integrity()
        .unwrap();
}

#[test]
fn wrong_files_are_not_a_vault() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();

    // A plain SQLite database.
    let plain = dir.path().join("plain.db");
    rusqlite::Connection::open(&plain)
        .unwrap()
        .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    let before = file_digest(&plain);
    let err = Vault::open(&plain, Unlock::Keychain(&store)).unwrap_err();
    assert!(matches!(err, VaultError::NotAVault { .. }), "{err}");
    assert!(err.to_string().contains("unencrypted"), "{err}");
    assert_eq!(file_digest(&plain), before);

    // Random bytes with a real vault's key file next to it.
    let (v, _) = new_vault(dir.path(), &store);
    v.close().unwrap();
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![0x5a; 8192]).unwrap();
    std::fs::copy(dir.path().join("vault.keys.json"), key_file_path(&junk)).unwrap();
    let err = Vault::open(&junk, Unlock::Keychain(&store)).unwrap_err();
    assert!(matches!(err, VaultError::NotAVault { .. }), "{err}");
    assert_eq!(read_or_empty(&junk), vec![0x5a; 8192]);

    // An encrypted file without its key file.
    let lone = dir.path().join("lone.db");
    std::fs::copy(dir.path().join("vault.db"), &lone).unwrap();
    let err = Vault::open(&lone, Unlock::Keychain(&store)).unwrap_err();
    assert!(matches!(err, VaultError::NotAVault { .. }), "{err}");
    assert!(err.to_string().contains("key file"), "{err}");

    // Empty file; missing file.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    std::fs::copy(dir.path().join("vault.keys.json"), key_file_path(&empty)).unwrap();
    let err = Vault::open(&empty, Unlock::Keychain(&store)).unwrap_err();
    assert!(matches!(err, VaultError::NotAVault { .. }), "{err}");
    let err = Vault::open(dir.path().join("nope.db"), Unlock::Keychain(&store)).unwrap_err();
    assert!(matches!(err, VaultError::Io { .. }), "{err}");
}

/// Flips one byte at `offset` in a closed vault's file.
fn flip(db: &Path, offset: usize) {
    let mut bytes = std::fs::read(db).unwrap();
    bytes[offset] ^= 0x01;
    std::fs::write(db, bytes).unwrap();
}

fn corrupt_fixture() -> (tempfile::TempDir, MemoryKeyStore, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, _) = new_vault(dir.path(), &store);
    seed(&mut v);
    let evs: Vec<_> = (0..2000).map(|i| event("l-1", "sms.income", i)).collect();
    ingest(&mut v, &evs);
    v.close().unwrap(); // checkpoints: every page is in the main file
    let db = dir.path().join("vault.db");
    (dir, store, db)
}

#[test]
fn flipped_byte_in_a_data_page_is_detected() {
    // Several places, so the test does not depend on which kind of page (table, index,
    // ledger) a schema change happens to put at one offset.
    for eighths in 2..=6 {
        let (_dir, store, db) = corrupt_fixture();
        let len = std::fs::metadata(&db).unwrap().len() as usize;
        assert!(len > 40 * 4096, "fixture too small: {len}");
        flip(&db, len / 8 * eighths + 123);
        let before = file_digest(&db);
        // Opening reads only the schema; the full check must find the damaged page.
        let err = match Vault::open(&db, Unlock::Keychain(&store)) {
            Ok(v) => v.check_integrity().unwrap_err(),
            Err(e) => e,
        };
        assert!(
            matches!(err, VaultError::Corrupt { .. }),
            "flip at {eighths}/8: {err}"
        );
        assert_eq!(file_digest(&db), before, "a failed check must not write");
    }
}

#[test]
fn flipped_byte_in_the_first_page_is_corrupt_not_wrong_key() {
    let (_dir, store, db) = corrupt_fixture();
    flip(&db, 200);
    let before = file_digest(&db);
    let err = Vault::open(&db, Unlock::Keychain(&store)).unwrap_err();
    assert!(matches!(err, VaultError::Corrupt { .. }), "{err}");
    assert_eq!(file_digest(&db), before);
}

#[test]
fn recovery_key_restores_a_lost_keychain_entry() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, rk) = new_vault(dir.path(), &store);
    seed(&mut v);
    let id = v.id().to_owned();
    v.close().unwrap();
    let db = dir.path().join("vault.db");

    store.delete(&id).unwrap();
    let err = Vault::open(&db, Unlock::Keychain(&store)).unwrap_err();
    assert!(matches!(err, VaultError::KeyMissing { .. }), "{err}");
    assert!(err.to_string().contains("recovery key"));

    let typed = RecoveryKey::parse(&rk.to_display().to_lowercase()).unwrap();
    let v = Vault::restore(&db, &typed, Unlock::Keychain(&store)).unwrap();
    assert_eq!(v.lenders().unwrap().len(), 2);
    v.close().unwrap();
    let v = Vault::open(&db, Unlock::Keychain(&store)).unwrap();
    let last = v.ledger_entries(0, 100).unwrap().pop().unwrap();
    assert_eq!(last.kind, "custody.restored");
    v.check_integrity().unwrap();
}

#[test]
fn passphrase_mode_and_switching_with_the_recovery_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vault.db");
    let (mut v, rk) = Vault::create(&db, Unlock::Passphrase("correct horse")).unwrap();
    seed(&mut v);
    v.close().unwrap();

    // The key file records the KDF and its parameters, never the key.
    let kf: serde_json::Value =
        serde_json::from_slice(&std::fs::read(key_file_path(&db)).unwrap()).unwrap();
    assert_eq!(kf["custody"], "passphrase");
    assert_eq!(kf["passphrase"]["kdf"], "argon2id-v19");
    assert!(kf["passphrase"]["params"]["m_cost_kib"].as_u64().unwrap() >= 65536);

    let err = Vault::open(&db, Unlock::Passphrase("wrong horse")).unwrap_err();
    assert!(matches!(err, VaultError::WrongKey), "{err}");
    let err = Vault::open(&db, Unlock::Keychain(&MemoryKeyStore::new())).unwrap_err();
    assert!(matches!(err, VaultError::WrongMode { .. }), "{err}");

    // Forgotten passphrase: the recovery key sets a new one.
    let v = Vault::restore(&db, &rk, Unlock::Passphrase("new passphrase")).unwrap();
    v.close().unwrap();
    assert!(matches!(
        Vault::open(&db, Unlock::Passphrase("correct horse")).unwrap_err(),
        VaultError::WrongKey
    ));
    let v = Vault::open(&db, Unlock::Passphrase("new passphrase")).unwrap();
    assert_eq!(v.lenders().unwrap().len(), 2);
    v.check_integrity().unwrap();
}

/// Rewrites the passphrase wrap's Argon2id parameters in the key file, as anyone who can edit
/// the sidecar could.
fn set_kdf_params(db: &Path, m_cost_kib: u32, t_cost: u32, p_cost: u32) {
    let path = key_file_path(db);
    let mut kf: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    kf["passphrase"]["params"] =
        serde_json::json!({"m_cost_kib": m_cost_kib, "t_cost": t_cost, "p_cost": p_cost});
    std::fs::write(&path, serde_json::to_vec_pretty(&kf).unwrap()).unwrap();
}

#[test]
fn key_file_kdf_parameters_out_of_bounds_are_refused_before_deriving() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vault.db");
    let (v, _rk) = Vault::create(&db, Unlock::Passphrase("correct horse")).unwrap();
    v.close().unwrap();
    let honest = std::fs::read(key_file_path(&db)).unwrap();

    // Terabytes of memory (the app would allocate and die), a trivially cheap KDF, one pass,
    // and more lanes than any machine the app runs on.
    for (m, t, p) in [
        (u32::MAX, 3, 4),
        (8, 3, 4),
        (64 * 1024, 1, 4),
        (64 * 1024, u32::MAX, 4),
        (64 * 1024, 3, 0),
        (64 * 1024, 3, u32::MAX),
    ] {
        set_kdf_params(&db, m, t, p);
        let started = std::time::Instant::now();
        let err = Vault::open(&db, Unlock::Passphrase("correct horse")).unwrap_err();
        assert!(
            started.elapsed() < std::time::Duration::from_millis(500),
            "({m}, {t}, {p}) took {:?}",
            started.elapsed()
        );
        match err {
            VaultError::KdfParamsOutOfBounds {
                m_cost_kib,
                t_cost,
                p_cost,
            } => assert_eq!((m_cost_kib, t_cost, p_cost), (m, t, p)),
            other => panic!("({m}, {t}, {p}): expected KdfParamsOutOfBounds, got {other}"),
        }
    }

    // The recovery key does not go through Argon2id, so it still opens the tampered vault and
    // sets a fresh passphrase wrap with the default parameters.
    let (rk_dir, rk) = {
        let d = tempfile::tempdir().unwrap();
        let db2 = d.path().join("vault.db");
        let (v, rk) = Vault::create(&db2, Unlock::Passphrase("correct horse")).unwrap();
        v.close().unwrap();
        (d, rk)
    };
    let db2 = rk_dir.path().join("vault.db");
    set_kdf_params(&db2, u32::MAX, 3, 4);
    Vault::restore(&db2, &rk, Unlock::Passphrase("new passphrase"))
        .unwrap()
        .close()
        .unwrap();
    Vault::open(&db2, Unlock::Passphrase("new passphrase"))
        .unwrap()
        .close()
        .unwrap();

    // The honest key file still opens.
    std::fs::write(key_file_path(&db), honest).unwrap();
    Vault::open(&db, Unlock::Passphrase("correct horse"))
        .unwrap()
        .close()
        .unwrap();
}

#[test]
fn lender_tokens_of_a_passphrase_vault_are_kept_encrypted_and_outside_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vault.db");
    let pass = "correct horse battery staple";
    let secret = r#"{"accessToken":"KTOKEN-canary-7f3a","refreshToken":"KREFRESH-canary-19bc"}"#;
    let (mut v, _rk) = Vault::create(&db, Unlock::Passphrase(pass)).unwrap();
    assert!(v.lender_token("l-1").unwrap().is_none());
    let entries_before = v.check_integrity().unwrap().entries;
    v.set_lender_token("l-1", "first").unwrap();
    v.set_lender_token("l-1", secret).unwrap();
    assert_eq!(
        v.check_integrity().unwrap().entries,
        entries_before,
        "a token never enters the ledger"
    );
    v.close().unwrap();

    for file in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        for canary in [&b"KTOKEN-canary"[..], b"KREFRESH-canary"] {
            assert!(
                !bytes.windows(canary.len()).any(|w| w == canary),
                "a token is on disk in the clear"
            );
        }
    }

    let mut v = Vault::open(&db, Unlock::Passphrase(pass)).unwrap();
    assert_eq!(
        v.lender_token("l-1")
            .unwrap()
            .as_deref()
            .map(|s| s.as_str()),
        Some(secret)
    );
    v.delete_lender_token("l-1").unwrap();
    v.delete_lender_token("l-1").unwrap();
    assert!(v.lender_token("l-1").unwrap().is_none());
    v.close().unwrap();
}
