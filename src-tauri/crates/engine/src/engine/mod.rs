//! The engine facade: open the vault, connect lenders, sync, decide, revoke through the outbox,
//! and read everything back for the UI — offline-first, from the vault.
//!
//! [`Engine`] is one type whose methods are spread over one module per use case, so each
//! reason to change lands in a file of its own; this module holds what they all share: the
//! engine's state, opening and closing the vault, and running work on it.

mod config;
mod connect;
mod consents;
mod decide;
mod donate;
mod evidence_view;
mod identity;
mod informed;
mod listing;
mod log_sync;
mod offers;
mod overview;
mod phone;
mod phone_capture;
mod quote_request;
mod revoking;
mod rights;
mod sandbox;
mod sync;
mod timeline;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use khata_lending::LendingClient;
use khata_vault::{DeadlineKeyStore, KeyStore, LenderDisclosure, Vault, now_ms};
use zeroize::Zeroizing;

use crate::convert::Catalog;
use crate::custody::{CustodyView, VaultProbe};
use crate::error::{EngineError, Result};
use crate::launcher::SandboxLender;
use crate::tokens::{DeadlineTokenStore, TokenStore, VaultTokenStore};

/// The outbox checks the lender's signed receipts with the same helper as sync.
pub(crate) use crate::signed::signed_bytes;
pub use config::{
    DEFAULT_SYNC_MAX_PAGES, EngineConfig, SANDBOX_DIR, SANDBOX_LENDER_ID, VAULT_FILE,
};
pub use phone::computer_utc_offset_min;

/// Quotes of pending consent requests, by (request id, withheld signals sorted).
type RequestQuotes = HashMap<(String, Vec<String>), khata_lending::types::Quote>;

/// The engine. `Send + Sync`; share it in an `Arc`.
pub struct Engine {
    pub(crate) vault: Arc<Mutex<Option<Vault>>>,
    custody: CustodyView,
    pub(crate) cfg: EngineConfig,
    tokens: Arc<dyn TokenStore>,
    clients: tokio::sync::Mutex<HashMap<String, LendingClient>>,
    sandbox: tokio::sync::Mutex<Option<Box<dyn SandboxLender>>>,
    pub(crate) deliver_lock: tokio::sync::Mutex<()>,
    /// The last timeline total: (filter, newest event id then, total). Disclosures are only
    /// appended, so the count stays right while the newest id is unchanged; this spares a
    /// full count on every page of a large timeline.
    count_cache: Arc<Mutex<Option<(String, i64, i64)>>>,
    /// The lender's quotes of pending consent requests this session, by (request id, withheld
    /// signals sorted): toggling back to a choice already quoted asks the lender nothing.
    request_quotes: Arc<Mutex<RequestQuotes>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("data_dir", &self.cfg.data_dir)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Opens the vault in `config.data_dir`, creating it on first run. On first run the
    /// recovery key is returned (display form) to be shown once; it is never stored, and its
    /// buffer is wiped when the caller drops it.
    pub async fn open(mut config: EngineConfig) -> Result<(Engine, Option<Zeroizing<String>>)> {
        std::fs::create_dir_all(&config.data_dir)?;
        // The engine keeps no copy of a typed secret once the vault is open.
        let unlock = std::mem::take(&mut config.unlock);
        // Every keychain call has a deadline: a keychain that must prompt and cannot never
        // answers, and the app would sit on "opening" for good.
        let deadline = config.keychain_deadline;
        let key_store: Arc<dyn KeyStore> = Arc::new(DeadlineKeyStore::new(
            match &config.key_store {
                Some(k) => k.clone(),
                None => default_key_store()?,
            },
            deadline,
        ));
        let custody = unlock.resulting_custody();
        let path = config.vault_path();
        let (vault, recovery) = tokio::task::spawn_blocking(move || {
            crate::custody::open_vault(&path, &unlock, key_store.as_ref())
        })
        .await??;
        let vault = Arc::new(Mutex::new(Some(vault)));
        // Lender tokens go where the vault key went: a keychain vault's to the keychain, a
        // passphrase vault's (no keychain) into the vault, under the same key.
        let tokens: Arc<dyn TokenStore> = match (&config.token_store, custody) {
            (Some(t), _) => Arc::new(DeadlineTokenStore::new(t.clone(), deadline)),
            (None, CustodyView::Keychain) => {
                Arc::new(DeadlineTokenStore::new(default_token_store()?, deadline))
            }
            (None, CustodyView::Passphrase) => Arc::new(VaultTokenStore::new(vault.clone())),
        };
        let engine = Engine {
            vault,
            custody,
            cfg: config,
            tokens,
            clients: tokio::sync::Mutex::new(HashMap::new()),
            sandbox: tokio::sync::Mutex::new(None),
            deliver_lock: tokio::sync::Mutex::new(()),
            count_cache: Arc::new(Mutex::new(None)),
            request_quotes: Arc::new(Mutex::new(HashMap::new())),
        };
        // Messages left "sent" by a previous run never got their receipt: due again now
        // (same idempotency key, so the lender replays rather than repeats).
        engine
            .with_vault(|v| {
                let now = now_ms();
                for item in v.due_outbox(i64::MAX, 10_000)? {
                    if item.state == khata_vault::OutboxState::Sent {
                        v.mark_outbox_failed(&item.id, "interrupted before the receipt", now)?;
                    }
                }
                Ok(())
            })
            .await?;
        if engine.cfg.start_sandbox_on_open {
            engine.restart_sandbox().await?;
        }
        Ok((engine, recovery))
    }

    /// Restarts the built-in sandbox lender if the vault is connected to it (a failure is
    /// logged: the lender is then unreachable, as any lender can be). The app runs this in the
    /// background after opening (`start_sandbox_on_open` off): nothing on its home screen needs
    /// the lender, and a sandbox with a long disclosure log takes seconds to rebuild its tree;
    /// whatever talks to the lender meanwhile waits for the restart (`ensure_sandbox`'s lock).
    pub async fn restart_sandbox(&self) -> Result<()> {
        let has_sandbox = self
            .with_vault(|v| Ok(v.lender_links()?.iter().any(|l| l.is_sandbox)))
            .await?;
        if has_sandbox && let Err(e) = self.ensure_sandbox(None).await {
            tracing::warn!(error = %e, "could not restart the sandbox lender");
        }
        Ok(())
    }

    /// Whether a vault exists in `data_dir` and how its key is kept, without opening it.
    pub fn probe(data_dir: &Path) -> Result<VaultProbe> {
        crate::custody::probe(&data_dir.join(VAULT_FILE))
    }

    /// Where this engine's vault key is kept.
    pub fn custody(&self) -> CustodyView {
        self.custody
    }

    /// Stops the sandbox and closes the vault (checkpointing its WAL).
    pub async fn close(self) {
        if let Some(sb) = self.sandbox.lock().await.take() {
            let _ = sb.stop().await;
        }
        let vault = self.vault.lock().ok().and_then(|mut g| g.take());
        if let Some(v) = vault {
            let _ = tokio::task::spawn_blocking(move || v.close()).await;
        }
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.cfg.data_dir
    }

    /// Runs `f` on the vault on the blocking pool; the mutex is never held across an await.
    pub(crate) async fn with_vault<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Vault) -> Result<T> + Send + 'static,
    {
        let vault = self.vault.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = vault
                .lock()
                .map_err(|_| EngineError::Internal("the vault lock was poisoned".into()))?;
            let v = guard
                .as_mut()
                .ok_or_else(|| EngineError::VaultLocked("the engine is closed".into()))?;
            f(v)
        })
        .await?
    }

    pub(crate) fn catalog(v: &Vault) -> Result<Catalog> {
        Catalog::load(v)
    }
}

pub(crate) fn lender_names(v: &Vault) -> Result<HashMap<String, String>> {
    Ok(v.lenders()?.into_iter().map(|l| (l.id, l.name)).collect())
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
fn default_key_store() -> Result<Arc<dyn KeyStore>> {
    Ok(Arc::new(khata_vault::KeyringStore::new()))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn default_key_store() -> Result<Arc<dyn KeyStore>> {
    Err(EngineError::KeychainUnavailable(
        "this platform has no supported keychain".into(),
    ))
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
fn default_token_store() -> Result<Arc<dyn TokenStore>> {
    Ok(Arc::new(crate::tokens::KeyringTokenStore::new()))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn default_token_store() -> Result<Arc<dyn TokenStore>> {
    Err(EngineError::KeychainUnavailable(
        "this platform has no supported keychain".into(),
    ))
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<Engine>();
}

#[allow(dead_code)]
fn _unused(_: LenderDisclosure) {}
