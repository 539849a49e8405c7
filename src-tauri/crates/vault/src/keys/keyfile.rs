//! The key sidecar next to the database: wrapped copies of the data key (under the recovery
//! key and, in passphrase mode, under the passphrase), their salts and parameters, and a
//! one-way check value. Written atomically so a crash never leaves it torn.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::{Argon2Params, DataKey, KEY_LEN, RecoveryKey};
use crate::error::{Result, VaultError};

/// How the data key is kept between runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Custody {
    Keychain,
    Passphrase,
}

impl Custody {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Custody::Keychain => "keychain",
            Custody::Passphrase => "passphrase",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Wrapped {
    salt: String,
    nonce: String,
    ciphertext: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PassphraseWrap {
    kdf: String,
    params: Argon2Params,
    #[serde(flatten)]
    wrapped: Wrapped,
}

/// The sidecar next to the database: only wrapped keys, salts, parameters and a check value.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct KeyFile {
    pub format: String,
    pub vault_id: String,
    pub custody: Custody,
    pub key_check: String,
    /// The database file's first 16 bytes (SQLCipher's plaintext salt), to tell "this key
    /// file belongs to another vault" apart from a wrong key or a damaged file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_salt: Option<String>,
    pub recovery: Wrapped,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passphrase: Option<PassphraseWrap>,
}

pub(crate) const KEYFILE_FORMAT: &str = "khata-vault-keys/1";

/// The sidecar path for a database path: `vault.db` → `vault.keys.json`.
pub fn key_file_path(db_path: &Path) -> PathBuf {
    db_path.with_extension("keys.json")
}

fn seal(wrapping_key: &[u8; 32], salt: Vec<u8>, key: &DataKey, aad: &str) -> Wrapped {
    let cipher = XChaCha20Poly1305::new(wrapping_key.into());
    let mut nonce = [0u8; 24];
    rand::rng().fill_bytes(&mut nonce);
    let ct = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: key.as_bytes(),
                aad: aad.as_bytes(),
            },
        )
        .expect("XChaCha20-Poly1305 encryption of 32 bytes cannot fail");
    Wrapped {
        salt: hex::encode(salt),
        nonce: hex::encode(nonce),
        ciphertext: hex::encode(ct),
    }
}

fn open_sealed(wrapping_key: &[u8; 32], w: &Wrapped, aad: &str) -> Result<DataKey> {
    let bad = || VaultError::Invalid("the key file's wrapped key is malformed".into());
    let nonce = hex::decode(&w.nonce).map_err(|_| bad())?;
    let ct = hex::decode(&w.ciphertext).map_err(|_| bad())?;
    if nonce.len() != 24 {
        return Err(bad());
    }
    let cipher = XChaCha20Poly1305::new(wrapping_key.into());
    let pt = Zeroizing::new(
        cipher
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &ct,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| VaultError::WrongKey)?,
    );
    let mut k = [0u8; KEY_LEN];
    if pt.len() != KEY_LEN {
        return Err(bad());
    }
    k.copy_from_slice(&pt);
    let key = DataKey(k);
    k.zeroize();
    Ok(key)
}

fn salt16() -> Vec<u8> {
    let mut s = vec![0u8; 16];
    rand::rng().fill_bytes(&mut s);
    s
}

impl KeyFile {
    pub(crate) fn new(
        vault_id: &str,
        key: &DataKey,
        recovery: &RecoveryKey,
        custody: Custody,
    ) -> Self {
        let salt = salt16();
        let wk = recovery.wrapping_key(&salt);
        KeyFile {
            format: KEYFILE_FORMAT.into(),
            vault_id: vault_id.into(),
            custody,
            key_check: key.check_value(),
            db_salt: None,
            recovery: seal(&wk, salt, key, vault_id),
            passphrase: None,
        }
    }

    /// Wraps `key` under a passphrase and switches custody to passphrase mode.
    pub(crate) fn set_passphrase(&mut self, key: &DataKey, passphrase: &str) -> Result<()> {
        let params = Argon2Params::DEFAULT;
        let salt = salt16();
        let wk = params.derive(passphrase, &salt)?;
        self.passphrase = Some(PassphraseWrap {
            kdf: "argon2id-v19".into(),
            params,
            wrapped: seal(&wk, salt, key, &self.vault_id),
        });
        self.custody = Custody::Passphrase;
        Ok(())
    }

    pub(crate) fn unwrap_with_passphrase(&self, passphrase: &str) -> Result<DataKey> {
        let pw = self.passphrase.as_ref().ok_or(VaultError::WrongMode {
            actual: self.custody.name(),
            requested: "passphrase",
        })?;
        if pw.kdf != "argon2id-v19" {
            return Err(VaultError::Invalid(format!("unknown KDF {:?}", pw.kdf)));
        }
        let salt = hex::decode(&pw.wrapped.salt)
            .map_err(|_| VaultError::Invalid("the key file's salt is malformed".into()))?;
        let wk = pw.params.derive(passphrase, &salt)?;
        open_sealed(&wk, &pw.wrapped, &self.vault_id)
    }

    pub(crate) fn unwrap_with_recovery(&self, recovery: &RecoveryKey) -> Result<DataKey> {
        let salt = hex::decode(&self.recovery.salt)
            .map_err(|_| VaultError::Invalid("the key file's salt is malformed".into()))?;
        let wk = recovery.wrapping_key(&salt);
        open_sealed(&wk, &self.recovery, &self.vault_id)
    }

    pub(crate) fn read(path: &Path) -> Result<Self> {
        let bytes = fs::read(path).map_err(|e| VaultError::io(path, e))?;
        let kf: KeyFile = serde_json::from_slice(&bytes).map_err(|_| VaultError::NotAVault {
            path: path.to_owned(),
            reason: "the key file is not valid Khata key-file JSON".into(),
        })?;
        if kf.format != KEYFILE_FORMAT {
            return Err(VaultError::NotAVault {
                path: path.to_owned(),
                reason: format!("unknown key-file format {:?}", kf.format),
            });
        }
        Ok(kf)
    }

    /// Writes atomically (temp file, fsync, rename, fsync dir) so a crash never leaves a torn
    /// sidecar. `create_new` refuses to replace an existing file.
    pub(crate) fn write(&self, path: &Path, create_new: bool) -> Result<()> {
        if create_new && path.exists() {
            return Err(VaultError::AlreadyExists(path.to_owned()));
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let tmp = path.with_extension("keys.json.tmp");
        let json = serde_json::to_vec_pretty(self)?;
        {
            let mut f = fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .open(&tmp)
                .map_err(|e| VaultError::io(&tmp, e))?;
            f.write_all(&json).map_err(|e| VaultError::io(&tmp, e))?;
            f.sync_all().map_err(|e| VaultError::io(&tmp, e))?;
        }
        fs::rename(&tmp, path).map_err(|e| VaultError::io(path, e))?;
        if let Ok(d) = fs::File::open(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        }) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_wrap_unwraps_only_with_the_right_key() {
        let key = DataKey::generate();
        let rk = RecoveryKey::generate();
        let kf = KeyFile::new("v1", &key, &rk, Custody::Keychain);
        assert_eq!(kf.unwrap_with_recovery(&rk).unwrap(), key);
        assert!(matches!(
            kf.unwrap_with_recovery(&RecoveryKey::generate()),
            Err(VaultError::WrongKey)
        ));
        let json = serde_json::to_string(&kf).unwrap();
        assert!(!json.contains(&*key.to_hex()));
    }
}
