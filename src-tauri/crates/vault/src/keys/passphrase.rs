//! Passphrase mode: the key that wraps the data key on machines without a reachable keychain,
//! derived with Argon2id.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Result, VaultError};

/// Argon2id parameters for passphrase mode: RFC 9106's second recommended option, 64 MiB of
/// memory (`m_cost_kib` = 65 536), 3 passes, 4 lanes, 32-byte output. The derived key only
/// wraps the random data key, so changing the passphrase never re-encrypts the database.
/// Parameters and salt are stored in the sidecar, which anyone with access to the files can
/// edit, so they are bounds-checked ([`Argon2Params::check`]) before anything is allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Argon2Params {
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl Argon2Params {
    /// Khata has only ever written [`Self::DEFAULT`], so anything cheaper is a downgrade: a
    /// tampered sidecar must not make the passphrase cheaper to guess.
    pub const MIN_M_COST_KIB: u32 = 64 * 1024;
    /// 1 GiB: 16 times the default leaves room for a stronger future default while staying
    /// allocatable on the low-end laptops borrowers use; beyond it the app would exhaust memory.
    pub const MAX_M_COST_KIB: u32 = 1024 * 1024;
    /// As with memory, fewer passes than Khata writes would weaken the KDF.
    pub const MIN_T_COST: u32 = 3;
    /// With the largest memory, 16 passes already take tens of seconds; more would only hang.
    pub const MAX_T_COST: u32 = 16;
    /// Argon2 needs at least one lane; more than 16 buys nothing on a desktop and no honest
    /// key file asks for them.
    pub const MIN_P_COST: u32 = 1;
    pub const MAX_P_COST: u32 = 16;

    pub const DEFAULT: Argon2Params = Argon2Params {
        m_cost_kib: 64 * 1024,
        t_cost: 3,
        p_cost: 4,
    };

    /// Refuses parameters outside the bounds above with
    /// [`VaultError::KdfParamsOutOfBounds`], before any memory is allocated for them.
    pub fn check(&self) -> Result<()> {
        let in_bounds = (Self::MIN_M_COST_KIB..=Self::MAX_M_COST_KIB).contains(&self.m_cost_kib)
            && (Self::MIN_T_COST..=Self::MAX_T_COST).contains(&self.t_cost)
            && (Self::MIN_P_COST..=Self::MAX_P_COST).contains(&self.p_cost);
        if in_bounds {
            Ok(())
        } else {
            Err(VaultError::KdfParamsOutOfBounds {
                m_cost_kib: self.m_cost_kib,
                t_cost: self.t_cost,
                p_cost: self.p_cost,
            })
        }
    }

    pub(super) fn derive(&self, passphrase: &str, salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        self.check()?;
        let params = argon2::Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(32))
            .map_err(|e| VaultError::Invalid(format!("Argon2id parameters: {e}")))?;
        let a2 = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut out = Zeroizing::new([0u8; 32]);
        a2.hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
            .map_err(|e| VaultError::Invalid(format!("passphrase derivation: {e}")))?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_within_bounds_and_the_edges_are_inclusive() {
        Argon2Params::DEFAULT.check().unwrap();
        let edge = |m_cost_kib, t_cost, p_cost| {
            Argon2Params {
                m_cost_kib,
                t_cost,
                p_cost,
            }
            .check()
        };
        edge(Argon2Params::MIN_M_COST_KIB, 3, 1).unwrap();
        edge(Argon2Params::MAX_M_COST_KIB, 16, 16).unwrap();
        assert!(edge(Argon2Params::MIN_M_COST_KIB - 1, 3, 4).is_err());
        assert!(edge(Argon2Params::MAX_M_COST_KIB + 1, 3, 4).is_err());
        assert!(edge(65536, 2, 4).is_err());
        assert!(edge(65536, 17, 4).is_err());
        assert!(edge(65536, 3, 17).is_err());
    }
}
