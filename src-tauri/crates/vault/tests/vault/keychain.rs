//! Key custody against the real Secret Service (Linux). Run inside a throwaway keyring:
//!
//!     tests/support/with-keyring cargo test -p khata-vault --test vault keychain
//!
//! Outside such a session these tests fail on purpose rather than skip, so a missing
//! keychain never passes silently.
#![cfg(target_os = "linux")]

use std::process::Command;

use khata_vault::*;

use crate::common;

fn require_session() {
    assert_eq!(
        std::env::var("KHATA_IN_KEYRING_SESSION").as_deref(),
        Ok("1"),
        "run this test under tests/support/with-keyring (it needs a real Secret Service)"
    );
}

/// A service name per test, so parallel tests never see each other's entries.
fn service(test: &str) -> String {
    format!("khata-vault-test-{test}-{}", std::process::id())
}

/// Reads an entry with `secret-tool`, a separate process talking to the Secret Service
/// over D-Bus: if the keyring crate had fallen back to its in-memory mock, this finds nothing.
fn secret_tool_lookup(service: &str, user: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", user])
        .output()
        .expect("secret-tool (libsecret-tools) must be installed");
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).unwrap())
        .filter(|s| !s.is_empty())
}

fn secret_tool_clear(service: &str, user: &str) {
    let st = Command::new("secret-tool")
        .args(["clear", "service", service, "username", user])
        .status()
        .unwrap();
    assert!(st.success());
}

#[test]
fn key_lives_in_the_real_secret_service() {
    require_session();
    let svc = service("real");
    let store = KeyringStore::with_service(&svc);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vault.db");
    let (mut v, rk) = Vault::create(&db, Unlock::Keychain(&store)).unwrap();
    common::seed(&mut v);
    let id = v.id().to_owned();
    v.close().unwrap();

    // Another process sees the key that the vault stored, and it is the key that opens it.
    let seen = secret_tool_lookup(&svc, &id).expect("the key is not in the Secret Service");
    assert_eq!(seen.trim(), &*store.load(&id).unwrap().to_hex());
    let key_file = std::fs::read_to_string(key_file_path(&db)).unwrap();
    assert!(
        !key_file.contains(seen.trim()),
        "key file holds the key in the clear"
    );
    Vault::open(&db, Unlock::Keychain(&store))
        .unwrap()
        .close()
        .unwrap();

    // Deleting the entry from outside makes the vault report it missing...
    secret_tool_clear(&svc, &id);
    let err = Vault::open(&db, Unlock::Keychain(&store)).unwrap_err();
    assert!(matches!(err, VaultError::KeyMissing { .. }), "{err}");

    // ...and the recovery key puts it back where secret-tool can see it again.
    let typed = RecoveryKey::parse(&rk.to_display()).unwrap();
    let v = Vault::restore(&db, &typed, Unlock::Keychain(&store)).unwrap();
    assert_eq!(v.lenders().unwrap().len(), 2);
    v.close().unwrap();
    let again = secret_tool_lookup(&svc, &id).expect("restore did not re-store the key");
    assert_eq!(again.trim(), seen.trim());
    let v = Vault::open(&db, Unlock::Keychain(&store)).unwrap();
    v.check_integrity().unwrap();
    store.delete(&id).unwrap();
    assert!(secret_tool_lookup(&svc, &id).is_none());
}

#[test]
fn a_key_stored_by_another_process_is_read_back() {
    require_session();
    let svc = service("foreign");
    let key = DataKey::generate();
    let mut child = Command::new("secret-tool")
        .args([
            "store",
            "--label=khata test",
            "service",
            &svc,
            "username",
            "v-foreign",
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(key.to_hex().as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    let store = KeyringStore::with_service(&svc);
    assert_eq!(store.load("v-foreign").unwrap(), key);
    store.delete("v-foreign").unwrap();
}

/// Runs `command` (this test binary's `child` test, possibly wrapped), checks it succeeded and
/// that it found the keychain unavailable with an actionable hint; returns its stdout.
fn expect_unavailable(mut command: Command, child: &str) -> String {
    let out = command
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            &format!("keychain::{child}"),
            "--nocapture",
            "--test-threads=1",
        ])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with("RESULT "))
        .unwrap_or_else(|| panic!("child printed no result: {stdout}"));
    println!("{line}");
    assert!(line.starts_with("RESULT unavailable: "), "{line}");
    assert!(
        line.contains("passphrase mode"),
        "hint is not actionable: {line}"
    );
    stdout
}

/// Child half of `unreachable_keychain_fails_closed`: runs with a dead bus address.
#[test]
fn unreachable_keychain_child() {
    let Ok(dir) = std::env::var("KHATA_KEYCHAIN_CHILD_DIR") else {
        return;
    };
    let db = std::path::Path::new(&dir).join("vault.db");
    let store = KeyringStore::with_service("khata-vault-test-unreachable");
    match Vault::create(&db, Unlock::Keychain(&store)) {
        Err(VaultError::KeychainUnavailable { hint }) => println!("\nRESULT unavailable: {hint}"),
        Err(e) => println!("\nRESULT other: {e}"),
        Ok(_) => println!("\nRESULT created"),
    }
    match Vault::open(&db, Unlock::Keychain(&store)) {
        Err(e) => println!("\nOPEN {e}"),
        Ok(_) => println!("\nOPEN ok"),
    }
}

#[test]
fn unreachable_keychain_fails_closed() {
    // No keychain session needed: this runs the child with no reachable Secret Service.
    let dir = tempfile::tempdir().unwrap();
    // The test binary itself, run directly with a dead bus address.
    let mut child = Command::new("env");
    child.env("KHATA_KEYCHAIN_CHILD_DIR", dir.path()).env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/khata-no-bus",
    );
    expect_unavailable(child, "unreachable_keychain_child");
    // Fail closed: no database, no key file, nothing that could hold a key.
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

/// Child half of `locked_keyring_fails_closed`: runs in its own keyring session (so locking
/// the login collection cannot disturb the other tests), with no display for a prompt.
#[test]
fn locked_keyring_child() {
    let Ok(dir) = std::env::var("KHATA_LOCKED_CHILD_DIR") else {
        return;
    };
    require_session();
    let db = std::path::Path::new(&dir).join("vault.db");
    let store = KeyringStore::with_service(&service("locked"));
    let (v, _rk) = Vault::create(&db, Unlock::Keychain(&store)).unwrap();
    v.close().unwrap();
    let before = std::fs::read(&db).unwrap();
    // Lock the login collection the way a screen lock or `seahorse` would.
    let st = Command::new("gdbus")
        .args([
            "call",
            "--session",
            "--dest",
            "org.freedesktop.secrets",
            "--object-path",
            "/org/freedesktop/secrets",
            "--method",
            "org.freedesktop.Secret.Service.Lock",
            "[objectpath '/org/freedesktop/secrets/collection/login']",
        ])
        .status()
        .expect("gdbus (libglib2.0-bin) must be installed");
    assert!(st.success());
    match Vault::open(&db, Unlock::Keychain(&store)) {
        Err(VaultError::KeychainUnavailable { hint }) => println!("\nRESULT unavailable: {hint}"),
        Err(e) => println!("\nRESULT other: {e}"),
        Ok(_) => println!("\nRESULT opened"),
    }
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the vault file changed"
    );
    println!("\nFILE unchanged");
}

#[test]
fn locked_keyring_fails_closed() {
    // A fresh private keyring per run; DISPLAY removed so the unlock prompt cannot appear
    // (headless is exactly the case the app must explain).
    let dir = tempfile::tempdir().unwrap();
    let with_keyring = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../tests/support/with-keyring");
    let mut child = Command::new(with_keyring);
    child
        .env("KHATA_LOCKED_CHILD_DIR", dir.path())
        .env_remove("KHATA_IN_KEYRING_SESSION")
        .env_remove("KHATA_KEYRING_DIR");
    let stdout = expect_unavailable(child, "locked_keyring_child");
    assert!(stdout.contains("FILE unchanged"), "{stdout}");
}
