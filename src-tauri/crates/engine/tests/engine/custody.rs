//! Opening the engine in each custody mode: keychain (an in-memory `KeyStore`, so the
//! developer's real keychain is never touched; the real Secret Service is the vault crate's
//! tested concern), passphrase, and restore with the recovery key.

use std::sync::Arc;

use khata_engine::*;
use khata_vault::{KeyStore, MemoryKeyStore};
use zeroize::Zeroizing;

fn secret(s: &str) -> Secret {
    Arc::new(Zeroizing::new(s.to_owned()))
}

fn config(dir: &std::path::Path, keys: &Arc<MemoryKeyStore>, unlock: VaultUnlock) -> EngineConfig {
    let mut c = EngineConfig::new(dir);
    c.key_store = Some(keys.clone());
    c.start_sandbox_on_open = false;
    c.unlock = unlock;
    c
}

const PASS: &str = "correct horse battery staple";

#[tokio::test]
async fn passphrase_vault_asks_for_its_passphrase_and_opens_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    assert_eq!(
        Engine::probe(dir.path()).unwrap(),
        VaultProbe {
            exists: false,
            custody: None
        }
    );

    // Too short a passphrase creates nothing.
    let err = Engine::open(config(
        dir.path(),
        &keys,
        VaultUnlock::Passphrase(secret("short")),
    ))
    .await
    .unwrap_err();
    assert_eq!(err.code(), "invalid_input", "{err}");
    assert!(!Engine::probe(dir.path()).unwrap().exists);

    let (engine, recovery) = Engine::open(config(
        dir.path(),
        &keys,
        VaultUnlock::Passphrase(secret(PASS)),
    ))
    .await
    .unwrap();
    assert!(recovery.is_some(), "a new vault shows its recovery key");
    assert_eq!(engine.custody(), CustodyView::Passphrase);
    engine.close().await;
    assert_eq!(
        Engine::probe(dir.path()).unwrap(),
        VaultProbe {
            exists: true,
            custody: Some(CustodyView::Passphrase)
        }
    );

    // The keychain path does not guess: it says a passphrase is needed.
    let err = Engine::open(config(dir.path(), &keys, VaultUnlock::Keychain))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "passphrase_required", "{err}");

    let err = Engine::open(config(
        dir.path(),
        &keys,
        VaultUnlock::Passphrase(secret("not the passphrase at all")),
    ))
    .await
    .unwrap_err();
    assert_eq!(err.code(), "vault_locked", "{err}");

    let (engine, recovery) = Engine::open(config(
        dir.path(),
        &keys,
        VaultUnlock::Passphrase(secret(PASS)),
    ))
    .await
    .unwrap();
    assert!(recovery.is_none());
    let (_, entries) = engine.verify_ledger().await.unwrap();
    assert!(entries >= 1);
    engine.close().await;
}

#[tokio::test]
async fn recovery_key_restores_a_vault_whose_keychain_entry_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, recovery) = Engine::open(config(dir.path(), &keys, VaultUnlock::Keychain))
        .await
        .unwrap();
    let recovery = recovery.unwrap();
    engine.close().await;

    // A new machine: an empty keychain.
    let empty = Arc::new(MemoryKeyStore::new());
    let err = Engine::open(config(dir.path(), &empty, VaultUnlock::Keychain))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "key_missing", "{err}");

    // A mistyped recovery key is refused before it is tried.
    let err = Engine::open(config(
        dir.path(),
        &empty,
        VaultUnlock::RecoveryKey {
            recovery_key: secret("AAAA-BBBB"),
            new_passphrase: None,
        },
    ))
    .await
    .unwrap_err();
    assert_eq!(err.code(), "invalid_input", "{err}");

    let (engine, _) = Engine::open(config(
        dir.path(),
        &empty,
        VaultUnlock::RecoveryKey {
            recovery_key: secret(&recovery),
            new_passphrase: None,
        },
    ))
    .await
    .unwrap();
    assert_eq!(engine.custody(), CustodyView::Keychain);
    engine.close().await;
    let vault_id =
        std::fs::read_to_string(khata_vault::key_file_path(&dir.path().join(VAULT_FILE))).unwrap();
    let vault_id: serde_json::Value = serde_json::from_str(&vault_id).unwrap();
    assert!(
        empty.load(vault_id["vault_id"].as_str().unwrap()).is_ok(),
        "the key is back in the keychain"
    );
    // …so the plain keychain path opens it again.
    let (engine, _) = Engine::open(config(dir.path(), &empty, VaultUnlock::Keychain))
        .await
        .unwrap();
    engine.close().await;

    // The same recovery key can move the vault to passphrase custody.
    let (engine, _) = Engine::open(config(
        dir.path(),
        &empty,
        VaultUnlock::RecoveryKey {
            recovery_key: secret(&recovery),
            new_passphrase: Some(secret(PASS)),
        },
    ))
    .await
    .unwrap();
    assert_eq!(engine.custody(), CustodyView::Passphrase);
    engine.close().await;
    assert_eq!(
        Engine::probe(dir.path()).unwrap().custody,
        Some(CustodyView::Passphrase)
    );
}

/// Secrets cross the engine's API in buffers wiped when dropped: the recovery key it hands
/// out, the passphrase and recovery key it is given, and the lender tokens it reads back. The
/// bindings are typed, so turning any of them back into a plain `String` stops this test from
/// compiling; and none of them prints itself in `Debug` output.
#[tokio::test]
async fn secrets_cross_the_engine_api_in_buffers_wiped_on_drop() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let opened: (Engine, Option<Zeroizing<String>>) =
        Engine::open(config(dir.path(), &keys, VaultUnlock::Keychain))
            .await
            .unwrap();
    let (engine, recovery) = opened;
    let recovery = recovery.expect("a new vault's recovery key");
    assert_eq!(recovery.len(), 9 * 4 + 8);
    assert!(!format!("{recovery:?}").contains(recovery.as_str()));
    engine.close().await;

    let given: Secret = secret(PASS);
    let _: &Zeroizing<String> = &given;
    assert!(!format!("{:?}", VaultUnlock::Passphrase(given)).contains(PASS));

    let tokens = MemoryTokenStore::default();
    let store: &dyn TokenStore = &tokens;
    type Read = Result<Option<Zeroizing<String>>>;
    let get: fn(&dyn TokenStore, &str) -> Read = |s, id| s.get(id);
    store.set("lender-a", r#"{"accessToken":"at-1"}"#).unwrap();
    let read = get(store, "lender-a").unwrap().expect("stored");
    assert_eq!(read.as_str(), r#"{"accessToken":"at-1"}"#);
    assert!(!format!("{read:?}").contains("at-1"));
    store.delete("lender-a").unwrap();
    assert!(get(store, "lender-a").unwrap().is_none());
}
