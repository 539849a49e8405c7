//! How the vault's key is unlocked when the engine opens: the OS keychain (the default), a
//! passphrase (for machines where no keychain answers), or the recovery key (keychain entry
//! gone, passphrase forgotten, vault moved). The app asks the borrower which, so the engine
//! only says what it needs ([`probe`]) and never falls back to keeping the key in a file.

use std::path::Path;
use std::sync::Arc;

use khata_vault::{Custody, KeyStore, RecoveryKey, Unlock, Vault};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::error::{EngineError, Result};

/// A secret typed by the borrower, wiped from memory when the last copy is dropped.
pub type Secret = Arc<Zeroizing<String>>;

/// Shortest passphrase accepted for a new vault. Argon2id (64 MiB) slows guessing, but a
/// short passphrase is still guessable offline from a stolen vault file.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

/// How to unlock (or, on first run, protect) the vault key.
#[derive(Clone, Default)]
pub enum VaultUnlock {
    /// The key is in the OS keychain.
    #[default]
    Keychain,
    /// Open a passphrase vault, or create a new vault protected by this passphrase.
    Passphrase(Secret),
    /// Re-open with the recovery key, then keep the key in the keychain (`new_passphrase`
    /// `None`) or under a new passphrase.
    RecoveryKey {
        recovery_key: Secret,
        new_passphrase: Option<Secret>,
    },
}

impl VaultUnlock {
    /// Where the key is kept after a successful open.
    pub fn resulting_custody(&self) -> CustodyView {
        match self {
            Self::Keychain
            | Self::RecoveryKey {
                new_passphrase: None,
                ..
            } => CustodyView::Keychain,
            Self::Passphrase(_)
            | Self::RecoveryKey {
                new_passphrase: Some(_),
                ..
            } => CustodyView::Passphrase,
        }
    }
}

impl std::fmt::Debug for VaultUnlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secrets themselves.
        let kind = match self {
            Self::Keychain => "Keychain",
            Self::Passphrase(_) => "Passphrase(…)",
            Self::RecoveryKey { .. } => "RecoveryKey(…)",
        };
        f.write_str(kind)
    }
}

/// Where the vault key is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CustodyView {
    Keychain,
    Passphrase,
}

impl From<Custody> for CustodyView {
    fn from(c: Custody) -> Self {
        match c {
            Custody::Keychain => Self::Keychain,
            Custody::Passphrase => Self::Passphrase,
        }
    }
}

/// What is known about the vault before it is opened (no key needed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VaultProbe {
    /// False on first run.
    pub exists: bool,
    /// How the existing vault's key is kept; `None` when there is no vault yet.
    pub custody: Option<CustodyView>,
}

/// Reads the vault's key file (not the key) to tell whether a passphrase will be needed.
pub fn probe(vault_path: &Path) -> Result<VaultProbe> {
    let custody = Vault::custody_of(vault_path)?;
    Ok(VaultProbe {
        exists: custody.is_some(),
        custody: custody.map(CustodyView::from),
    })
}

fn check_new_passphrase(p: &str) -> Result<()> {
    if p.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(EngineError::InvalidInput(format!(
            "Choose a passphrase of at least {MIN_PASSPHRASE_CHARS} characters; a few words \
             you can remember work well."
        )));
    }
    Ok(())
}

/// Opens the vault at `path` as `unlock` says, creating it on first run. Returns the
/// recovery key (display form, in a buffer wiped on drop) when a vault was created, to be
/// shown once.
pub(crate) fn open_vault(
    path: &Path,
    unlock: &VaultUnlock,
    key_store: &dyn KeyStore,
) -> Result<(Vault, Option<Zeroizing<String>>)> {
    let existing = Vault::custody_of(path)?;
    match (unlock, existing) {
        (VaultUnlock::Keychain, Some(Custody::Passphrase)) => Err(EngineError::PassphraseRequired),
        (VaultUnlock::Keychain, Some(Custody::Keychain)) => {
            Ok((Vault::open(path, Unlock::Keychain(key_store))?, None))
        }
        (VaultUnlock::Passphrase(p), Some(_)) => {
            Ok((Vault::open(path, Unlock::Passphrase(p))?, None))
        }
        (VaultUnlock::Keychain, None) => {
            let (v, rk) = Vault::create(path, Unlock::Keychain(key_store))?;
            Ok((v, Some(rk.to_display())))
        }
        (VaultUnlock::Passphrase(p), None) => {
            check_new_passphrase(p)?;
            let (v, rk) = Vault::create(path, Unlock::Passphrase(p))?;
            Ok((v, Some(rk.to_display())))
        }
        (VaultUnlock::RecoveryKey { .. }, None) => Err(EngineError::NotFound(
            "there is no vault here to restore; the recovery key opens an existing vault".into(),
        )),
        (
            VaultUnlock::RecoveryKey {
                recovery_key,
                new_passphrase,
            },
            Some(_),
        ) => {
            let rk = RecoveryKey::parse(recovery_key)?;
            let v = match new_passphrase {
                Some(p) => {
                    check_new_passphrase(p)?;
                    Vault::restore(path, &rk, Unlock::Passphrase(p))?
                }
                None => Vault::restore(path, &rk, Unlock::Keychain(key_store))?,
            };
            Ok((v, None))
        }
    }
}
