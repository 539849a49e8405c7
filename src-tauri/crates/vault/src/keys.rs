//! Key custody: the vault's random data key, where it is kept (OS keychain or a passphrase),
//! the recovery key shown once at creation, and the key sidecar file.
//!
//! The data key is a random 256-bit SQLCipher raw key. It is never written to disk in the
//! clear. The sidecar (`<name>.keys.json` next to the database) holds only *wrapped* copies
//! (XChaCha20-Poly1305), the salts and KDF parameters needed to unwrap them, and a one-way
//! check value, so it is safe to copy along with the database.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Result, VaultError};

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

// ---------------------------------------------------------------------------------------------
// Recovery key

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RECOVERY_LEN: usize = 20; // 160 bits = 32 base32 characters, no padding
const RECOVERY_CHARS: usize = 32;
const CHECK_CHARS: usize = 4;

/// The recovery key, shown once when a vault is created, that re-opens it when the keychain
/// entry or passphrase is gone.
///
/// 160 random bits written as 32 Crockford base32 characters in eight groups of four, plus
/// one group of four checksum characters (the first 20 bits of a SHA-256 over the key) that
/// catches typos before any unwrap is tried, e.g. `7F3K-Q9ZD-…-M2XA-CHK4`. Crockford's alphabet avoids I, L, O, U; input is case-insensitive,
/// `I`/`L` read as `1`, `O` as `0`, and spaces or dashes are ignored.
///
/// 160 bits from a CSPRNG need no stretching, so the wrapping key is a domain-separated
/// SHA-256 of salt and key.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct RecoveryKey([u8; RECOVERY_LEN]);

impl RecoveryKey {
    pub(crate) fn generate() -> Self {
        let mut k = [0u8; RECOVERY_LEN];
        rand::rng().fill_bytes(&mut k);
        RecoveryKey(k)
    }

    /// Parses what the user typed; [`VaultError::BadRecoveryKey`] on a typo.
    pub fn parse(input: &str) -> Result<Self> {
        let mut digits = Zeroizing::new(Vec::with_capacity(RECOVERY_CHARS + CHECK_CHARS));
        for c in input.chars() {
            let v = match c.to_ascii_uppercase() {
                '-' | ' ' | '\t' | '\n' | '\r' => continue,
                'O' => 0,
                'I' | 'L' => 1,
                u => match CROCKFORD.iter().position(|&b| b as char == u) {
                    Some(p) => p as u8,
                    None => {
                        return Err(VaultError::BadRecoveryKey(
                            "it contains a character that is not in the recovery alphabet".into(),
                        ));
                    }
                },
            };
            digits.push(v);
        }
        if digits.len() != RECOVERY_CHARS + CHECK_CHARS {
            return Err(VaultError::BadRecoveryKey(format!(
                "it must have {} characters (9 groups of 4), found {}",
                RECOVERY_CHARS + CHECK_CHARS,
                digits.len()
            )));
        }
        let mut bytes = [0u8; RECOVERY_LEN];
        let mut acc: u64 = 0;
        let mut bits = 0;
        let mut i = 0;
        for &d in &digits[..RECOVERY_CHARS] {
            acc = (acc << 5) | d as u64;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                bytes[i] = (acc >> bits) as u8;
                i += 1;
            }
        }
        acc.zeroize();
        let key = RecoveryKey(bytes);
        bytes.zeroize();
        if digits[RECOVERY_CHARS..] != key.check_digits() {
            return Err(VaultError::BadRecoveryKey(
                "its checksum group does not match; check for a mistyped character".into(),
            ));
        }
        Ok(key)
    }

    fn check_digits(&self) -> [u8; CHECK_CHARS] {
        let d = Sha256::new()
            .chain_update(b"khata-vault recovery-check v1\0")
            .chain_update(self.0)
            .finalize();
        let v = u32::from_be_bytes([d[0], d[1], d[2], d[3]]) >> 12; // 20 bits
        [
            ((v >> 15) & 31) as u8,
            ((v >> 10) & 31) as u8,
            ((v >> 5) & 31) as u8,
            (v & 31) as u8,
        ]
    }

    /// The grouped form to show the user, e.g. `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-CCCC`.
    pub fn to_display(&self) -> Zeroizing<String> {
        let mut digits = Zeroizing::new(Vec::with_capacity(RECOVERY_CHARS + CHECK_CHARS));
        let mut acc: u64 = 0;
        let mut bits = 0;
        for &b in &self.0 {
            acc = (acc << 8) | b as u64;
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                digits.push(((acc >> bits) & 31) as u8);
            }
        }
        acc.zeroize();
        digits.extend_from_slice(&self.check_digits());
        let mut out = Zeroizing::new(String::with_capacity(45));
        for (i, d) in digits.iter().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(CROCKFORD[*d as usize] as char);
        }
        out
    }

    fn wrapping_key(&self, salt: &[u8]) -> Zeroizing<[u8; 32]> {
        let mut h = Sha256::new();
        h.update(b"khata-vault recovery-wrap v1\0");
        h.update(salt);
        h.update(self.0);
        Zeroizing::new(h.finalize().into())
    }
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey(<redacted>)")
    }
}

// ---------------------------------------------------------------------------------------------
// Passphrase mode

/// Argon2id parameters for passphrase mode: RFC 9106's second recommended option, 64 MiB of
/// memory (`m_cost_kib` = 65 536), 3 passes, 4 lanes, 32-byte output. The derived key only
/// wraps the random data key, so changing the passphrase never re-encrypts the database.
/// Parameters and salt are stored in the sidecar; opening rejects parameters below 64 MiB
/// so a tampered sidecar cannot downgrade the KDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Argon2Params {
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl Argon2Params {
    pub const MIN_M_COST_KIB: u32 = 64 * 1024;
    pub const DEFAULT: Argon2Params = Argon2Params {
        m_cost_kib: 64 * 1024,
        t_cost: 3,
        p_cost: 4,
    };

    fn derive(&self, passphrase: &str, salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        if self.m_cost_kib < Self::MIN_M_COST_KIB || self.t_cost < 1 {
            return Err(VaultError::NotAVault {
                path: PathBuf::new(),
                reason: "the key file asks for weaker Argon2id parameters than allowed".into(),
            });
        }
        let params = argon2::Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(32))
            .map_err(|e| VaultError::Invalid(format!("Argon2id parameters: {e}")))?;
        let a2 = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut out = Zeroizing::new([0u8; 32]);
        a2.hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
            .map_err(|e| VaultError::Invalid(format!("passphrase derivation: {e}")))?;
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------------
// Sidecar file

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
    fn recovery_key_round_trips_and_catches_typos() {
        let k = RecoveryKey::generate();
        let shown = k.to_display();
        assert_eq!(shown.len(), 9 * 4 + 8);
        assert_eq!(RecoveryKey::parse(&shown).unwrap(), k);
        assert_eq!(
            RecoveryKey::parse(&shown.to_lowercase().replace('-', " ")).unwrap(),
            k
        );
        // Change one character: the checksum group must catch it.
        let mut typo: Vec<char> = shown.chars().collect();
        typo[0] = if typo[0] == 'A' { 'B' } else { 'A' };
        let typo: String = typo.into_iter().collect();
        assert!(matches!(
            RecoveryKey::parse(&typo),
            Err(VaultError::BadRecoveryKey(_))
        ));
        assert!(matches!(
            RecoveryKey::parse("UUUU"),
            Err(VaultError::BadRecoveryKey(_))
        ));
    }

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
