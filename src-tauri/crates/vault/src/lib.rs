//! Khata's encrypted vault: what signals a borrower's phone shared with which lender, under
//! which consent, and what came of it, kept in a SQLCipher database whose key lives in the OS
//! keychain, with every change of state chained into a tamper-evident ledger.
//!
//! Key custody flow:
//! 1. [`Vault::create`] with [`Unlock::Keychain`]`(&`[`KeyringStore`]`::new())` generates a
//!    random data key, stores it in the keychain and returns a [`RecoveryKey`] to show once.
//!    If the keychain is unreachable the error is [`VaultError::KeychainUnavailable`]; the
//!    app then offers [`Unlock::Passphrase`] (Argon2id, see [`Argon2Params`]).
//! 2. [`Vault::open`] with the same `Unlock` re-opens it.
//! 3. When the keychain entry is gone ([`VaultError::KeyMissing`]) or the passphrase is
//!    forgotten, [`Vault::restore`] with the parsed [`RecoveryKey`] re-opens it and puts the
//!    key back in the keychain (or under a new passphrase).
//!
//! This crate has no Tauri dependency: the app, the engine and the CLI all use it.

mod error;
mod keys;
pub mod ledger;
pub mod model;
mod schema;
mod vault;

pub use error::{Result, VaultError};
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
pub use keys::KeyringStore;
pub use keys::{
    Argon2Params, Custody, DataKey, DeadlineKeyStore, KEY_LEN, KEYCHAIN_DEADLINE, KeyStore,
    KeychainElapsed, MemoryKeyStore, RecoveryKey, key_file_path, within_deadline,
};
pub use ledger::{ChainReport, LedgerEntry, entry_hash};
pub use model::*;
pub use schema::SCHEMA_VERSION;
pub use vault::{
    BorrowerRequestRow, ConsentAction, EventStatement, EventWithStatement, HeadStatus,
    LenderDisclosure, LenderIdentity, LenderLink, LogLeafRow, LogState, NOMINEE_UPDATE_KIND,
    NewNotice, Nominee, PHONE_PART_BYTES, PROFILE_UPDATE_KIND, PageMismatch, PhoneImported,
    PinnedKey, Profile, Statement, StoredAuditSummary, StoredConsentRequest, StoredNotice,
    StoredTreeHead, TreeHeadRow, Unlock, Vault, digest_value, log_head_payload, now_ms,
};
