//! How an engine is opened: where its data lives, which keychains hold its secrets, how the
//! built-in sandbox lender starts, and how the outbox backs off.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use khata_lending::ClientConfig;
use khata_vault::KeyStore;

use crate::custody::VaultUnlock;
use crate::launcher::SandboxLauncher;
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
    /// Lender tokens; `None` keeps them where the vault key is kept: the OS keychain
    /// ([`crate::KeyringTokenStore`]) for a keychain vault, the vault itself for a passphrase
    /// vault ([`crate::VaultTokenStore`]).
    pub token_store: Option<Arc<dyn TokenStore>>,
    /// How long any keychain call (vault key or lender token) may take before the engine
    /// stops waiting with `keychain_timeout` ([`khata_vault::KEYCHAIN_DEADLINE`] by default).
    pub keychain_deadline: Duration,
    /// Starts the built-in sandbox lender (its scenario and faults are the launcher's); `None`
    /// leaves the app without one, and connecting it fails.
    pub sandbox: Option<Arc<dyn SandboxLauncher>>,
    /// Restart the built-in sandbox on open when one was connected before.
    pub start_sandbox_on_open: bool,
    /// OAuth client id presented to lenders.
    pub client_id: String,
    pub client: ClientConfig,
    /// Full-jitter backoff of outbox retries: `random(0, min(cap, base · 2^attempt))`.
    pub outbox_backoff_base: Duration,
    pub outbox_backoff_cap: Duration,
    /// Disclosures asked for per page when syncing (the contract allows 1–1000).
    pub sync_page_limit: u32,
    /// Pages of disclosures one sync fetches at most; the next sync resumes from the stored
    /// cursor. With [`DEFAULT_SYNC_MAX_PAGES`] and 1000 a page, ten million disclosures.
    pub sync_max_pages: u32,
    /// The adb binary and server a phone capture uses (found and adb's own by default).
    pub adb: crate::adb::AdbSettings,
}

/// The default cap on disclosure pages per sync.
pub const DEFAULT_SYNC_MAX_PAGES: u32 = 10_000;

impl EngineConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            key_store: None,
            unlock: VaultUnlock::Keychain,
            token_store: None,
            keychain_deadline: khata_vault::KEYCHAIN_DEADLINE,
            sandbox: None,
            start_sandbox_on_open: true,
            client_id: "khata-desktop".into(),
            client: ClientConfig::default(),
            outbox_backoff_base: Duration::from_secs(2),
            outbox_backoff_cap: Duration::from_secs(600),
            sync_page_limit: 1000,
            sync_max_pages: DEFAULT_SYNC_MAX_PAGES,
            adb: crate::adb::AdbSettings::default(),
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
            .field("sandbox", &self.sandbox.is_some())
            .finish_non_exhaustive()
    }
}
