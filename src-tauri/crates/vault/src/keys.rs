//! Key custody: the vault's random data key, where it is kept (OS keychain or a passphrase),
//! the recovery key shown once at creation, and the key sidecar file.
//!
//! The data key is a random 256-bit SQLCipher raw key. It is never written to disk in the
//! clear. The sidecar (`<name>.keys.json` next to the database) holds only *wrapped* copies
//! (XChaCha20-Poly1305), the salts and KDF parameters needed to unwrap them, and a one-way
//! check value, so it is safe to copy along with the database. One module per custody piece:
//! `store` (keychain and in-memory stores), `deadline` (no keychain call waits for ever), `recovery` (the recovery key), `passphrase`
//! (Argon2id) and `keyfile` (the sidecar and its wrapping).

use std::fmt;

use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Result, VaultError};

mod deadline;
mod keyfile;
mod passphrase;
mod recovery;
mod store;

pub use deadline::{DeadlineKeyStore, KEYCHAIN_DEADLINE, KeychainElapsed, within_deadline};
pub(crate) use keyfile::KeyFile;
pub use keyfile::{Custody, key_file_path};
pub use passphrase::Argon2Params;
pub use recovery::RecoveryKey;
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
pub use store::KeyringStore;
pub use store::{KeyStore, MemoryKeyStore};

/// Length of the SQLCipher raw key in bytes.
pub const KEY_LEN: usize = 32;

/// The vault's 256-bit data key. Zeroized on drop; `Debug` never prints it.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct DataKey([u8; KEY_LEN]);

impl DataKey {
    /// A fresh key from the OS-seeded CSPRNG.
    pub fn generate() -> Self {
        let mut k = [0u8; KEY_LEN];
        rand::rng().fill_bytes(&mut k);
        DataKey(k)
    }

    /// Wraps existing key bytes (e.g. read back from a custom [`KeyStore`]).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        DataKey(bytes)
    }

    /// Parses 64 hex digits; the input is the caller's to zeroize.
    pub fn from_hex(hex_str: &str) -> Result<Self> {
        let mut k = [0u8; KEY_LEN];
        hex::decode_to_slice(hex_str.trim(), &mut k)
            .map_err(|_| VaultError::Invalid("a stored vault key is not 64 hex digits".into()))?;
        Ok(DataKey(k))
    }

    /// The raw bytes, for stores that keep binary secrets.
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// Lower-case hex in a zeroizing string, the form kept in the keychain.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0))
    }

    /// The `PRAGMA key` statement for a raw key (SQLCipher skips its KDF for `x'…'` keys).
    pub(crate) fn pragma_statement(&self) -> Zeroizing<String> {
        let hex = self.to_hex();
        let mut s = Zeroizing::new(String::with_capacity(80));
        s.push_str("PRAGMA key = \"x'");
        s.push_str(&hex);
        s.push_str("'\";");
        s
    }

    /// One-way check value stored in the sidecar so that "wrong key" can be told apart from
    /// "right key, damaged file". SHA-256 of a random 256-bit key reveals nothing usable.
    pub(crate) fn check_value(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"khata-vault key-check v1\0");
        h.update(self.0);
        hex::encode(h.finalize())
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_redacts_keys() {
        let k = DataKey::generate();
        let dbg = format!("{k:?}");
        assert!(!dbg.contains(&*k.to_hex()));
        assert_eq!(
            format!("{:?}", RecoveryKey::generate()),
            "RecoveryKey(<redacted>)"
        );
    }
}
