//! Where lender OAuth tokens live: the OS keychain (never the vault file, never logs).

use std::collections::HashMap;
use std::sync::Mutex;

use crate::error::{EngineError, Result};

/// Secret storage for lender tokens, keyed by lender id.
pub trait TokenStore: Send + Sync {
    fn get(&self, lender_id: &str) -> Result<Option<String>>;
    fn set(&self, lender_id: &str, secret: &str) -> Result<()>;
    fn delete(&self, lender_id: &str) -> Result<()>;
}

/// In-memory tokens, for tests and for sandbox-only sessions.
#[derive(Default)]
pub struct MemoryTokenStore(Mutex<HashMap<String, String>>);

impl TokenStore for MemoryTokenStore {
    fn get(&self, lender_id: &str) -> Result<Option<String>> {
        Ok(self.0.lock().expect("tokens").get(lender_id).cloned())
    }
    fn set(&self, lender_id: &str, secret: &str) -> Result<()> {
        self.0
            .lock()
            .expect("tokens")
            .insert(lender_id.into(), secret.into());
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
    // keyring's messages name the store and the failure, never the secret.
    EngineError::KeychainUnavailable(e.to_string())
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
impl TokenStore for KeyringTokenStore {
    fn get(&self, lender_id: &str) -> Result<Option<String>> {
        match self.entry(lender_id)?.get_password() {
            Ok(s) => Ok(Some(s)),
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
