//! Where lender OAuth tokens live: where the vault key lives. A keychain vault keeps them in
//! the OS keychain, every call under a deadline ([`DeadlineTokenStore`]); a passphrase vault,
//! which has no keychain, keeps them in the vault itself, encrypted under the same key
//! ([`VaultTokenStore`]). Never in a file of their own, never in logs. Read back, a lender's tokens
//! are held in a buffer wiped when it is dropped.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use khata_vault::Vault;

use zeroize::Zeroizing;

use crate::error::{EngineError, Result};

/// Secret storage for lender tokens, keyed by lender id.
pub trait TokenStore: Send + Sync {
    /// The lender's stored secret, in a buffer wiped on drop.
    fn get(&self, lender_id: &str) -> Result<Option<Zeroizing<String>>>;
    fn set(&self, lender_id: &str, secret: &str) -> Result<()>;
    fn delete(&self, lender_id: &str) -> Result<()>;
}

/// In-memory tokens, for tests and for sandbox-only sessions; wiped when replaced, deleted or
/// dropped.
#[derive(Default)]
pub struct MemoryTokenStore(Mutex<HashMap<String, Zeroizing<String>>>);

impl TokenStore for MemoryTokenStore {
    fn get(&self, lender_id: &str) -> Result<Option<Zeroizing<String>>> {
        Ok(self.0.lock().expect("tokens").get(lender_id).cloned())
    }
    fn set(&self, lender_id: &str, secret: &str) -> Result<()> {
        self.0
            .lock()
            .expect("tokens")
            .insert(lender_id.into(), Zeroizing::new(secret.into()));
        Ok(())
    }
    fn delete(&self, lender_id: &str) -> Result<()> {
        self.0.lock().expect("tokens").remove(lender_id);
        Ok(())
    }
}

/// Tokens in the OS keychain (Secret Service, macOS Keychain, Windows Credential Manager).
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
pub struct KeyringTokenStore {
    service: String,
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
impl KeyringTokenStore {
    pub fn new() -> Self {
        Self {
            service: "khata-lender-tokens".into(),
        }
    }

    fn entry(&self, lender_id: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, lender_id).map_err(keychain)
    }
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
impl Default for KeyringTokenStore {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
fn keychain(e: keyring::Error) -> EngineError {
    // keyring's messages name the store and the failure, never the secret; only a badly
    // encoded entry carries its bytes, wiped here.
    if let keyring::Error::BadEncoding(mut bytes) = e {
        zeroize::Zeroize::zeroize(&mut bytes);
        return EngineError::KeychainUnavailable(
            "the keychain entry is not a lender's tokens".into(),
        );
    }
    EngineError::KeychainUnavailable(e.to_string())
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
impl TokenStore for KeyringTokenStore {
    fn get(&self, lender_id: &str) -> Result<Option<Zeroizing<String>>> {
        match self.entry(lender_id)?.get_password() {
            Ok(s) => Ok(Some(Zeroizing::new(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keychain(e)),
        }
    }
    fn set(&self, lender_id: &str, secret: &str) -> Result<()> {
        self.entry(lender_id)?
            .set_password(secret)
            .map_err(keychain)
    }
    fn delete(&self, lender_id: &str) -> Result<()> {
        match self.entry(lender_id)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keychain(e)),
        }
    }
}

/// Tokens in the vault's own table, for vaults whose key is under a passphrase (no keychain).
/// Shares the engine's vault handle; called on the blocking pool like every vault call.
pub struct VaultTokenStore {
    vault: Arc<Mutex<Option<Vault>>>,
}

impl VaultTokenStore {
    pub(crate) fn new(vault: Arc<Mutex<Option<Vault>>>) -> Self {
        Self { vault }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Vault) -> khata_vault::Result<T>) -> Result<T> {
        let mut guard = self
            .vault
            .lock()
            .map_err(|_| EngineError::Internal("the vault lock was poisoned".into()))?;
        let v = guard
            .as_mut()
            .ok_or_else(|| EngineError::VaultLocked("the engine is closed".into()))?;
        Ok(f(v)?)
    }
}

impl TokenStore for VaultTokenStore {
    fn get(&self, lender_id: &str) -> Result<Option<Zeroizing<String>>> {
        self.with(|v| v.lender_token(lender_id))
    }
    fn set(&self, lender_id: &str, secret: &str) -> Result<()> {
        self.with(|v| v.set_lender_token(lender_id, secret))
    }
    fn delete(&self, lender_id: &str) -> Result<()> {
        self.with(|v| v.delete_lender_token(lender_id))
    }
}

/// A keychain token store whose every call gives up after a deadline with
/// [`EngineError::KeychainTimeout`] (see `khata_vault::within_deadline`).
pub struct DeadlineTokenStore {
    inner: Arc<dyn TokenStore>,
    limit: Duration,
}

impl DeadlineTokenStore {
    pub fn new(inner: Arc<dyn TokenStore>, limit: Duration) -> Self {
        Self { inner, limit }
    }

    fn run<T: Send + 'static>(
        &self,
        call: impl FnOnce(&dyn TokenStore) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let inner = self.inner.clone();
        khata_vault::within_deadline(self.limit, move || call(inner.as_ref()))?
    }
}

impl TokenStore for DeadlineTokenStore {
    fn get(&self, lender_id: &str) -> Result<Option<Zeroizing<String>>> {
        let id = lender_id.to_owned();
        self.run(move |s| s.get(&id))
    }
    fn set(&self, lender_id: &str, secret: &str) -> Result<()> {
        let (id, secret) = (lender_id.to_owned(), Zeroizing::new(secret.to_owned()));
        self.run(move |s| s.set(&id, &secret))
    }
    fn delete(&self, lender_id: &str) -> Result<()> {
        let id = lender_id.to_owned();
        self.run(move |s| s.delete(&id))
    }
}
