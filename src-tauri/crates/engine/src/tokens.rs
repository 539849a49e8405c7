//! Where lender OAuth tokens live: the OS keychain (never the vault file, never logs). Read
//! back, a lender's tokens are held in a buffer wiped when it is dropped.

use std::collections::HashMap;
use std::sync::Mutex;

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
