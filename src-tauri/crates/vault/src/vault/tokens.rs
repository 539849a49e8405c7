//! Lender OAuth tokens kept in the vault, for vaults whose key is under a passphrase: there is
//! no keychain to hold them, and the vault is encrypted with the same key the borrower types.
//! Written outside the ledger (see schema version 8), never exported.

use rusqlite::OptionalExtension;
use zeroize::Zeroizing;

use super::{Vault, now_ms};
use crate::error::Result;

impl Vault {
    /// The token secret kept for `lender_id`, if any.
    pub fn lender_token(&self, lender_id: &str) -> Result<Option<Zeroizing<String>>> {
        Ok(self
            .conn
            .prepare_cached("SELECT secret FROM lender_tokens WHERE lender_id = ?1")?
            .query_row([lender_id], |r| r.get::<_, String>(0))
            .optional()?
            .map(Zeroizing::new))
    }

    /// Stores (or replaces) the token secret for `lender_id`.
    pub fn set_lender_token(&mut self, lender_id: &str, secret: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO lender_tokens (lender_id, secret, updated_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT(lender_id) DO UPDATE SET secret = excluded.secret, \
                 updated_at = excluded.updated_at",
            )?
            .execute(rusqlite::params![lender_id, secret, now_ms()])?;
        Ok(())
    }

    /// Forgets the token for `lender_id`; absent is not an error.
    pub fn delete_lender_token(&mut self, lender_id: &str) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM lender_tokens WHERE lender_id = ?1")?
            .execute([lender_id])?;
        Ok(())
    }
}
