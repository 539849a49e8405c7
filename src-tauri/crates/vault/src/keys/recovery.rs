//! The recovery key: shown once at creation, typed back in when the keychain entry or the
//! passphrase is gone.

use std::fmt;

use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Result, VaultError};

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

    pub(super) fn wrapping_key(&self, salt: &[u8]) -> Zeroizing<[u8; 32]> {
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
}
