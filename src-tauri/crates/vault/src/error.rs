//! One error type for the whole vault, so callers can match on what went wrong and show an
//! actionable message. No variant carries key material: messages are safe to log and display.

use std::path::PathBuf;

/// Everything that can go wrong opening or using a vault.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The key (from the keychain, passphrase or recovery key) does not open this vault.
    #[error("the key does not open this vault (wrong key, passphrase or recovery key)")]
    WrongKey,

    /// The file is not a Khata vault: a plain SQLite database, a different file, or a vault
    /// whose key sidecar (`*.keys.json`) is missing or belongs to another vault.
    #[error("{path} is not a Khata vault: {reason}")]
    NotAVault { path: PathBuf, reason: String },

    /// The key is right but the file's pages fail their authentication or SQLite's checks:
    /// the file was damaged or tampered with. Nothing has been written to it.
    #[error("the vault file is corrupt or was tampered with: {details}")]
    Corrupt { details: String },

    /// The OS keychain could not be reached; `hint` says what to do about it.
    #[error("the OS keychain is unavailable: {hint}")]
    KeychainUnavailable { hint: String },

    /// The OS keychain did not answer within [`crate::KEYCHAIN_DEADLINE`] (a prompt that
    /// cannot appear, a hung Secret Service). Nothing was read or written by Khata meanwhile.
    #[error(
        "the OS keychain did not answer within {seconds} s (it may be waiting for a password \
         prompt that cannot appear); retry, or use passphrase mode instead of the keychain"
    )]
    KeychainTimeout { seconds: u64 },

    /// The keychain works but holds no key for this vault (new OS install, moved vault).
    #[error("the keychain holds no key for vault {vault_id}: restore it with its recovery key")]
    KeyMissing { vault_id: String },

    /// The recovery key was mistyped (checksum or alphabet); it was not tried against the vault.
    #[error("the recovery key is not valid: {0}")]
    BadRecoveryKey(String),

    /// `create` refuses to overwrite anything that exists.
    #[error("refusing to overwrite existing file {0}")]
    AlreadyExists(PathBuf),

    /// Opening in passphrase mode a vault that uses the keychain, or the other way round.
    #[error("this vault uses {actual} mode, not {requested}")]
    WrongMode {
        actual: &'static str,
        requested: &'static str,
    },

    /// The key file asks for Argon2id parameters outside the bounds Khata accepts
    /// ([`crate::Argon2Params::check`]): far more memory or passes than any honest key file
    /// (the app would exhaust memory or hang) or fewer than Khata writes (a weakened KDF).
    /// Refused before anything is allocated; the recovery key still opens the vault.
    #[error(
        "the key file asks for Argon2id parameters outside the accepted bounds \
         (memory {m_cost_kib} KiB, {t_cost} passes, {p_cost} lanes): it may have been tampered with; \
         the recovery key still opens the vault"
    )]
    KdfParamsOutOfBounds {
        m_cost_kib: u32,
        t_cost: u32,
        p_cost: u32,
    },

    /// The ledger's hash chain is broken at `seq` (the first bad entry).
    #[error("the ledger is broken at entry {seq}: {reason}")]
    LedgerBroken { seq: i64, reason: String },

    /// A schema migration failed; the transaction was rolled back.
    #[error("schema migration failed: {0}")]
    Migration(String),

    /// A record referred to by id does not exist.
    #[error("no {kind} with id {id}")]
    NotFound { kind: &'static str, id: String },

    /// A page of a lender's disclosure log disagrees with what the vault already holds for that
    /// lender: a different leaf at a stored index (`what` = "leaf", `at` = the index), or a
    /// different tree head or frontier at a stored size (`what` = "tree head" / "frontier",
    /// `at` = the size). Nothing of the page was stored; the lender has rewritten its log.
    #[error("lender {lender_id}'s log already holds a different {what} at {at}")]
    LogConflict {
        lender_id: String,
        what: &'static str,
        at: u64,
    },

    /// Input the vault refuses (e.g. a status transition that is not allowed).
    #[error("invalid input: {0}")]
    Invalid(String),

    #[error("I/O error on {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),

    #[error("serialisation error: {0}")]
    Json(#[from] serde_json::Error),
}

impl VaultError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        VaultError::Io {
            path: path.into(),
            source,
        }
    }
}

impl From<rusqlite::Error> for VaultError {
    /// Page-authentication failures (SQLCipher's HMAC) and SQLite corruption reports surface as
    /// [`VaultError::Corrupt`] wherever they happen, not only at open.
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
        if let rusqlite::Error::SqliteFailure(f, msg) = &e
            && matches!(f.code, DatabaseCorrupt | NotADatabase)
        {
            return VaultError::Corrupt {
                details: msg.clone().unwrap_or_else(|| f.to_string()),
            };
        }
        VaultError::Sqlite(e)
    }
}

/// Shorthand used across the crate.
pub type Result<T, E = VaultError> = std::result::Result<T, E>;
