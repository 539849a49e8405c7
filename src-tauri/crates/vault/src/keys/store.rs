//! Where a vault's data key is kept between runs: the OS keychain, or process memory for
//! tests and benchmarks.

use std::collections::HashMap;
use std::sync::Mutex;

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
use zeroize::{Zeroize, Zeroizing};

use super::DataKey;
use crate::error::{Result, VaultError};

/// Where a vault's data key is kept between runs.
///
/// Implementations must not fall back to storing keys in a file: if their backing store is
/// unreachable they return [`VaultError::KeychainUnavailable`].
pub trait KeyStore: Send + Sync {
    /// The key for `vault_id`, or [`VaultError::KeyMissing`] when there is none.
    fn load(&self, vault_id: &str) -> Result<DataKey>;
    /// Stores (or replaces) the key for `vault_id`.
    fn store(&self, vault_id: &str, key: &DataKey) -> Result<()>;
    /// Removes the key for `vault_id`; absent is not an error.
    fn delete(&self, vault_id: &str) -> Result<()>;
}

/// A process-local store. Only for tests and benchmarks that exercise the database rather
/// than key custody; keys vanish when the process exits.
#[derive(Default)]
pub struct MemoryKeyStore {
    keys: Mutex<HashMap<String, DataKey>>,
}

impl MemoryKeyStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl KeyStore for MemoryKeyStore {
    fn load(&self, vault_id: &str) -> Result<DataKey> {
        let keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        keys.get(vault_id)
            .cloned()
            .ok_or_else(|| VaultError::KeyMissing {
                vault_id: vault_id.to_owned(),
            })
    }
    fn store(&self, vault_id: &str, key: &DataKey) -> Result<()> {
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        keys.insert(vault_id.to_owned(), key.clone());
        Ok(())
    }
    fn delete(&self, vault_id: &str) -> Result<()> {
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        keys.remove(vault_id);
        Ok(())
    }
}

/// The OS keychain through the `keyring` crate: Secret Service (D-Bus) on Linux, Keychain on
/// macOS, Credential Manager on Windows. Only compiled where Cargo.toml enables a native store,
/// because `keyring` without one silently keeps secrets in an in-memory mock.
///
/// Entries are `service` = [`KeyringStore::DEFAULT_SERVICE`], `username` = the vault id, and
/// the secret is the key in hex.
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
pub struct KeyringStore {
    service: String,
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
impl KeyringStore {
    /// The keychain service name under which vault keys are filed.
    pub const DEFAULT_SERVICE: &'static str = "khata-vault";

    pub fn new() -> Self {
        Self::with_service(Self::DEFAULT_SERVICE)
    }

    /// A store under another service name (tests use this to stay apart from real entries).
    pub fn with_service(service: &str) -> Self {
        KeyringStore {
            service: service.to_owned(),
        }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, vault_id: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, vault_id).map_err(map_keyring_error)
    }
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
impl Default for KeyringStore {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
impl KeyStore for KeyringStore {
    fn load(&self, vault_id: &str) -> Result<DataKey> {
        match self.entry(vault_id)?.get_password() {
            Ok(secret) => {
                let secret = Zeroizing::new(secret);
                DataKey::from_hex(&secret)
            }
            Err(keyring::Error::NoEntry) => Err(VaultError::KeyMissing {
                vault_id: vault_id.to_owned(),
            }),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn store(&self, vault_id: &str, key: &DataKey) -> Result<()> {
        let hex = key.to_hex();
        self.entry(vault_id)?
            .set_password(&hex)
            .map_err(map_keyring_error)
    }

    fn delete(&self, vault_id: &str) -> Result<()> {
        match self.entry(vault_id)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring_error(e)),
        }
    }
}

/// Turns a keyring failure into an actionable message. Keyring errors never contain the
/// secret except `BadEncoding`, whose bytes are zeroized and dropped here.
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
fn map_keyring_error(e: keyring::Error) -> VaultError {
    const PASS: &str = "or use passphrase mode instead of the keychain";
    let hint = match e {
        keyring::Error::NoStorageAccess(inner) => format!(
            "access to the keychain was refused or it is locked ({inner}); unlock your login \
             keyring and retry, {PASS}"
        ),
        keyring::Error::PlatformFailure(inner) => {
            if cfg!(target_os = "linux") {
                format!(
                    "no Secret Service answered on the D-Bus session bus ({inner}); start a \
                     Secret Service provider (gnome-keyring-daemon, KWallet, KeePassXC) in a \
                     session with DBUS_SESSION_BUS_ADDRESS set, {PASS}"
                )
            } else {
                format!("the OS credential store failed ({inner}); retry, {PASS}")
            }
        }
        keyring::Error::BadEncoding(mut bytes) => {
            bytes.zeroize();
            return VaultError::Invalid("the keychain entry is not a Khata vault key".into());
        }
        other => format!("{other}; {PASS}"),
    };
    VaultError::KeychainUnavailable { hint }
}
