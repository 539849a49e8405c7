//! The vault handle, split per aggregate: each child module is one `impl Vault` block for one
//! kind of record (lenders, lender identities and keys, consents, consent actions, disclosures,
//! the lenders' disclosure logs, statements, offers, rights, the outbox, lender tokens of
//! passphrase vaults, phone evidence, the borrower's profile and nominee) plus opening and integrity. Every record write goes through [`Vault::write`], so a record and its ledger entry
//! commit together; the tokens are secrets and stay out of the ledger.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, Row, Transaction, TransactionBehavior};
use serde::Serialize;

use crate::error::Result;
use crate::ledger::Appender;

mod consent_actions;
mod consents;
mod disclosures;
mod identity;
mod integrity;
mod lenders;
mod log;
mod notices;
mod offers;
mod open;
mod outbox;
mod phone;
mod profile;
mod requests;
mod rights;
mod statements;
mod tokens;

pub use consent_actions::ConsentAction;
pub use consents::StoredConsentRequest;
pub use disclosures::{EventStatement, EventWithStatement, LenderDisclosure};
pub use identity::{LenderIdentity, PinnedKey};
pub use lenders::LenderLink;
pub use log::{
    HeadStatus, LogLeafRow, LogState, PageMismatch, StoredTreeHead, TreeHeadRow, log_head_payload,
};
pub use notices::{NewNotice, StoredAuditSummary, StoredNotice};
pub use open::Unlock;
pub use phone::{PHONE_PART_BYTES, PhoneImported};
pub use profile::{NOMINEE_UPDATE_KIND, Nominee, PROFILE_UPDATE_KIND, Profile};
pub use requests::BorrowerRequestRow;
pub use statements::Statement;

/// An open vault. One per process is the intended use; the app keeps it behind a mutex.
pub struct Vault {
    conn: Connection,
    path: PathBuf,
    vault_id: String,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.path)
            .field("vault_id", &self.vault_id)
            .finish_non_exhaustive()
    }
}

/// Current time in Unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Domain-separated SHA-256 of a shared value, for [`NewShareEvent::value_digest`]: the vault
/// records *that* a value was shared and can later prove which, without keeping it.
pub fn digest_value(value: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::new()
        .chain_update(b"khata-value v1\0")
        .chain_update(value)
        .finalize()
        .into()
}

fn json<T: Serialize + ?Sized>(v: &T) -> Result<Vec<u8>> {
    Ok(serde_json::to_vec(v)?)
}

fn json_str<T: Serialize + ?Sized>(v: &T) -> Result<String> {
    Ok(serde_json::to_string(v)?)
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str, col: usize) -> rusqlite::Result<T> {
    serde_json::from_str(s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn blob32(row: &Row<'_>, col: usize) -> rusqlite::Result<[u8; 32]> {
    let b = row.get_ref(col)?.as_blob()?;
    b.try_into().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            col,
            rusqlite::types::Type::Blob,
            "digest is not 32 bytes".into(),
        )
    })
}

impl Vault {
    /// Closes the database, checkpointing the WAL, and reports any error doing so.
    pub fn close(self) -> Result<()> {
        self.conn.close().map_err(|(_, e)| e.into())
    }

    /// The vault's id (the keychain entry's user name).
    pub fn id(&self) -> &str {
        &self.vault_id
    }

    /// The database file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction with a ledger appender: the records and
    /// their ledger entries commit together or not at all.
    fn write<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>, &mut Appender) -> Result<T>,
    ) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut led = Appender::begin(&tx, now_ms())?;
        let out = f(&tx, &mut led)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs SQL against the underlying connection. For the crate's tests and benchmarks
    /// (e.g. `EXPLAIN QUERY PLAN`, simulating tampering); not for application code.
    #[doc(hidden)]
    pub fn __connection(&self) -> &Connection {
        &self.conn
    }
}
