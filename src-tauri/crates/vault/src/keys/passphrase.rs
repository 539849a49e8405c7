//! Passphrase mode: the key that wraps the data key on machines without a reachable keychain,
//! derived with Argon2id.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Result, VaultError};

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

    pub(super) fn derive(&self, passphrase: &str, salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
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
