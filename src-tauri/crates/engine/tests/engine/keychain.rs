//! Lender tokens and the keychain. A vault under a passphrase has no keychain, so a real
//! lender's tokens are kept in the vault and survive a restart; a keychain that never answers
//! (a prompt that cannot appear) turns into a typed `keychain_timeout` instead of a hang; a
//! token that cannot be kept anywhere makes the connect fail and records nothing.
//!
//! The lenders here are real sandbox lenders on loopback, connected through the browser
//! OAuth flow (the "browser" follows the redirect), with tokens they check on every call.

use std::sync::Arc;
use std::time::Duration;

use khata_engine::*;
use khata_vault::{DataKey, KeyStore, MemoryKeyStore};
use zeroize::Zeroizing;

use crate::{config, connect_through_browser, noop};

const PASS: &str = "correct horse battery staple";

fn passphrase() -> Secret {
    Arc::new(Zeroizing::new(PASS.to_owned()))
}

/// A passphrase vault left to choose its own token store (no keychain, no in-memory one).
fn passphrase_config(dir: &std::path::Path, keys: &Arc<MemoryKeyStore>) -> EngineConfig {
    let mut c = config(dir, keys);
    c.unlock = VaultUnlock::Passphrase(passphrase());
    c.token_store = None;
    c.start_sandbox_on_open = false;
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passphrase_vault_keeps_a_real_lenders_tokens_across_restarts() {
    let sb = khata_sandbox::start(khata_sandbox::SandboxConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());

    let (engine, recovery) = Engine::open(passphrase_config(dir.path(), &keys))
        .await
        .unwrap();
    assert!(recovery.is_some());
    assert_eq!(engine.custody(), CustodyView::Passphrase);
    let lender = connect_through_browser(&engine, sb.base_url(), None)
        .await
        .unwrap();
    assert!(!lender.is_sandbox);
    assert!(engine.sync(&lender.id, noop).await.unwrap().reachable);
    engine.close().await;

    // A new session (the next `khata sync`, the app started again) finds the tokens in the
    // vault, refreshes them with the lender and syncs; twice, so the rotated pair was kept.
    for _ in 0..2 {
        let (engine, _) = Engine::open(passphrase_config(dir.path(), &keys))
            .await
            .unwrap();
        let synced = engine.sync(&lender.id, noop).await;
        let synced = synced.unwrap_or_else(|e| panic!("sync after a restart: {e}"));
        assert!(synced.reachable);
        assert_eq!(engine.consent_requests().await.unwrap().len(), 1);
        engine.close().await;
    }
    assert!(keys.load("anything").is_err(), "nothing went to a keychain");
    sb.shutdown().await.unwrap();
}

/// A keychain that waits for a prompt nobody can answer: every call blocks for good (what
/// the Secret Service does when it must show a prompt that cannot appear).
struct NeverAnswers;

fn park_forever() -> ! {
    loop {
        std::thread::park();
    }
}

impl KeyStore for NeverAnswers {
    fn load(&self, _: &str) -> khata_vault::Result<DataKey> {
        park_forever()
    }
    fn store(&self, _: &str, _: &DataKey) -> khata_vault::Result<()> {
        park_forever()
    }
    fn delete(&self, _: &str) -> khata_vault::Result<()> {
        park_forever()
    }
}

impl TokenStore for NeverAnswers {
    fn get(&self, _: &str) -> Result<Option<Zeroizing<String>>> {
        park_forever()
    }
    fn set(&self, _: &str, _: &str) -> Result<()> {
        park_forever()
    }
    fn delete(&self, _: &str) -> Result<()> {
        park_forever()
    }
}

/// A token store that refuses every write (a keychain that says no).
struct Refuses;

impl TokenStore for Refuses {
    fn get(&self, _: &str) -> Result<Option<Zeroizing<String>>> {
        Ok(None)
    }
    fn set(&self, _: &str, _: &str) -> Result<()> {
        Err(EngineError::KeychainUnavailable("access refused".into()))
    }
    fn delete(&self, _: &str) -> Result<()> {
        Ok(())
    }
}

const DEADLINE: Duration = Duration::from_millis(300);
/// Far longer than the deadline: reaching it means the engine waited for the keychain.
const HANG: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keychain_that_never_answers_is_a_typed_timeout_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let open = |keys: Arc<dyn KeyStore>| {
        let mut c = config(dir.path(), &Arc::new(MemoryKeyStore::new()));
        c.key_store = Some(keys);
        c.keychain_deadline = DEADLINE;
        c.start_sandbox_on_open = false;
        Engine::open(c)
    };

    // First run: storing the new vault's key never returns.
    let err = tokio::time::timeout(HANG, open(Arc::new(NeverAnswers)))
        .await
        .expect("creating a vault waited for the keychain")
        .unwrap_err();
    assert_eq!(err.code(), "keychain_timeout", "{err}");
    assert!(
        !Engine::probe(dir.path()).unwrap().exists,
        "nothing created"
    );

    // An existing keychain vault: reading its key never returns.
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = open(keys.clone()).await.unwrap();
    engine.close().await;
    let err = tokio::time::timeout(HANG, open(Arc::new(NeverAnswers)))
        .await
        .expect("opening the vault waited for the keychain")
        .unwrap_err();
    assert_eq!(err.code(), "keychain_timeout", "{err}");
    assert!(err.to_string().contains("passphrase"), "{err}");

    // Retry once the keychain answers: the normal path is unchanged.
    let (engine, _) = open(keys).await.unwrap();
    assert_eq!(engine.custody(), CustodyView::Keychain);
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_keychain_that_never_answers_fails_the_connect_in_time() {
    let sb = khata_sandbox::start(khata_sandbox::SandboxConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let mut c = config(dir.path(), &keys);
    c.token_store = Some(Arc::new(NeverAnswers));
    c.keychain_deadline = DEADLINE;
    let (engine, _) = Engine::open(c).await.unwrap();
    let err = tokio::time::timeout(HANG, connect_through_browser(&engine, sb.base_url(), None))
        .await
        .expect("connect waited for the keychain")
        .unwrap_err();
    assert_eq!(err.code(), "keychain_timeout", "{err}");
    assert!(
        engine.lenders().await.unwrap().is_empty(),
        "a lender whose token was not kept is not shown as connected"
    );
    engine.close().await;
    sb.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_that_cannot_be_kept_fails_the_connect_loudly() {
    let sb = khata_sandbox::start(khata_sandbox::SandboxConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let mut c = config(dir.path(), &keys);
    c.token_store = Some(Arc::new(Refuses));
    let (engine, _) = Engine::open(c).await.unwrap();
    let err = connect_through_browser(&engine, sb.base_url(), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "keychain_unavailable", "{err}");
    assert!(engine.lenders().await.unwrap().is_empty());
    engine.close().await;
    sb.shutdown().await.unwrap();
}
