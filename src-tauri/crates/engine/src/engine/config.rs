//! How an engine is opened: where its data lives, which keychains hold its secrets, how the
//! built-in sandbox lender starts, and how the outbox backs off.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use khata_lending::ClientConfig;
use khata_sandbox::{Faults, Scenario};
use khata_vault::KeyStore;

use crate::custody::VaultUnlock;
use crate::tokens::TokenStore;

/// File name of the vault inside the data directory.
pub const VAULT_FILE: &str = "khata.vault";
/// Folder of the built-in sandbox lender's state inside the data directory.
pub const SANDBOX_DIR: &str = "sandbox-lender";
/// The built-in sandbox's lender id.
pub const SANDBOX_LENDER_ID: &str = "khata-sandbox-lender";

/// How to open an engine.
#[derive(Clone)]
pub struct EngineConfig {
    /// Where the vault (and the sandbox lender's state) live.
    pub data_dir: PathBuf,
    /// The keychain holding the vault key; `None` uses the OS keychain
    /// ([`khata_vault::KeyringStore`]).
    pub key_store: Option<Arc<dyn KeyStore>>,
    /// How the vault key is unlocked: keychain (default), passphrase or recovery key.
    pub unlock: VaultUnlock,
    /// Lender tokens; `None` uses the OS keychain ([`crate::KeyringTokenStore`]).
    pub token_store: Option<Arc<dyn TokenStore>>,
    /// Scenario of the built-in sandbox lender on its first start.
    pub sandbox_scenario: Scenario,
    /// Faults injected into the built-in sandbox (tests and demos).
    pub sandbox_faults: Option<Faults>,
    /// Restart the built-in sandbox on open when one was connected before.
    pub start_sandbox_on_open: bool,
    /// OAuth client id presented to lenders.
    pub client_id: String,
    pub client: ClientConfig,
    /// Full-jitter backoff of outbox retries: `random(0, min(cap, base · 2^attempt))`.
    pub outbox_backoff_base: Duration,
    pub outbox_backoff_cap: Duration,
}

impl EngineConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            key_store: None,
            unlock: VaultUnlock::Keychain,
            token_store: None,
            sandbox_scenario: Scenario::SalariedGood,
            sandbox_faults: None,
            start_sandbox_on_open: true,
            client_id: "khata-desktop".into(),
            client: ClientConfig::default(),
            outbox_backoff_base: Duration::from_secs(2),
            outbox_backoff_cap: Duration::from_secs(600),
        }
    }

    pub fn vault_path(&self) -> PathBuf {
        self.data_dir.join(VAULT_FILE)
    }
}

impl std::fmt::Debug for EngineConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineConfig")
            .field("data_dir", &self.data_dir)
            .field("sandbox_scenario", &self.sandbox_scenario)
            .finish_non_exhaustive()
    }
}
