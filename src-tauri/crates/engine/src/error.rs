//! One error type for every engine call, with a stable code for the UI to branch on and a
//! sentence fit for a borrower. Messages never carry secrets (tokens, keys, recovery keys).

use khata_lending::LendingError;
use khata_vault::VaultError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The lender could not be reached (network, timeout, 5xx); nothing local changed.
    #[error("The lender could not be reached ({0}). Khata keeps working from your vault.")]
    LenderUnreachable(String),
    /// The lender answered but refused or sent something unusable.
    #[error("The lender refused the request: {0}")]
    LenderRejected(String),
    #[error("Your vault is locked: {0}")]
    VaultLocked(String),
    #[error("The system keychain is unavailable: {0}")]
    KeychainUnavailable(String),
    /// The keychain did not answer within the deadline (`khata_vault::KEYCHAIN_DEADLINE`),
    /// e.g. waiting for a password prompt that cannot appear. Nothing was changed meanwhile.
    #[error(
        "The system keychain did not answer within {seconds} seconds; it may be waiting for a \
         password prompt that cannot appear. Try again, or use a passphrase instead."
    )]
    KeychainTimeout { seconds: u64 },
    /// The vault is protected by a passphrase and none was given.
    #[error("This vault is protected by a passphrase. Enter it to open the vault.")]
    PassphraseRequired,
    /// The keychain answers but holds no key for this vault (new OS install, moved vault).
    #[error(
        "The system keychain holds no key for this vault (a new system or a moved vault). \
         Open it with its recovery key."
    )]
    KeyMissing,
    #[error("Not found: {0}")]
    NotFound(String),
    #[error("{0}")]
    InvalidInput(String),
    /// A lender statement failed its signature check; it was not stored.
    #[error("The lender's signature did not verify ({0}); nothing was stored.")]
    SignatureInvalid(String),
    #[error("A file could not be read or written: {0}")]
    Io(String),
    #[error("Cancelled.")]
    Cancelled,
    /// A discovery document claims the id of a lender already connected, from another origin
    /// or with other keys; nothing stored changed. The borrower may re-pin after comparing
    /// both fingerprints.
    #[error(
        "A lender at {} claims to be {}, which you connected at {} (keys {}); it offers keys {}. \
         Nothing was changed. Re-pin only if you trust the new keys.",
        .0.offered_origin, .0.lender_id, .0.pinned_origin, .0.pinned_fingerprint,
        .0.offered_fingerprint
    )]
    LenderIdentityConflict(Box<crate::views::IdentityConflictView>),
    /// A phone file in none of the formats Khata reads; `understood` lists them.
    #[error(
        "Khata cannot read this file as a phone report. It reads: {}.",
        formats_en(understood)
    )]
    PhoneUnknownFormat {
        understood: Vec<khata_evidence::phone::SourceFormat>,
    },
    /// An Android file whose times carry no time zone, imported without one.
    #[error(
        "This file's times carry no time zone. Choose the time zone the phone was set to \
         (in India, +05:30) and import it again."
    )]
    PhoneNeedsTimeZone,
    /// No app was named and the file has records of several.
    #[error(
        "The file has records of several apps ({}). Choose the lender's app.",
        .apps.join(", ")
    )]
    PhoneChooseApp { apps: Vec<String> },
    /// The app named has no record in the file.
    #[error("The file has no record of {app}. {}", apps_in_file(apps))]
    PhoneAppNotInFile { app: String, apps: Vec<String> },
    /// No single lender the import could belong to: the borrower chooses among `lenders`.
    #[error("{}", choose_lender_en(app, lenders))]
    PhoneChooseLender { app: String, lenders: Vec<String> },
    /// adb could not read the phone (missing, no device, unauthorised…); its own code.
    #[error(transparent)]
    Adb(#[from] crate::adb::AdbError),
    #[error("Something went wrong inside Khata: {0}")]
    Internal(String),
}

fn formats_en(formats: &[khata_evidence::phone::SourceFormat]) -> String {
    formats
        .iter()
        .map(|f| crate::phone_words::format_en(*f))
        .collect::<Vec<_>>()
        .join("; ")
}

fn apps_in_file(apps: &[String]) -> String {
    if apps.is_empty() {
        "It has no app records at all.".into()
    } else {
        format!("Apps in it: {}.", apps.join(", "))
    }
}

fn choose_lender_en(app: &str, lenders: &[String]) -> String {
    if lenders.is_empty() {
        format!("Connect the lender whose app {app} is, then import the file again.")
    } else {
        format!(
            "Choose which lender the app {app} belongs to ({}).",
            lenders.join(", ")
        )
    }
}

impl EngineError {
    /// Stable snake_case code for the UI's message catalogue.
    pub fn code(&self) -> &'static str {
        match self {
            Self::LenderUnreachable(_) => "lender_unreachable",
            Self::LenderRejected(_) => "lender_rejected",
            Self::VaultLocked(_) => "vault_locked",
            Self::KeychainUnavailable(_) => "keychain_unavailable",
            Self::KeychainTimeout { .. } => "keychain_timeout",
            Self::PassphraseRequired => "passphrase_required",
            Self::KeyMissing => "key_missing",
            Self::NotFound(_) => "not_found",
            Self::InvalidInput(_) => "invalid_input",
            Self::SignatureInvalid(_) => "signature_invalid",
            Self::Io(_) => "io",
            Self::Cancelled => "cancelled",
            Self::LenderIdentityConflict(_) => "lender_identity_conflict",
            Self::PhoneUnknownFormat { .. } => "phone_unknown_format",
            Self::PhoneNeedsTimeZone => "phone_needs_time_zone",
            Self::PhoneChooseApp { .. } => "phone_choose_app",
            Self::PhoneAppNotInFile { .. } => "phone_app_not_in_file",
            Self::PhoneChooseLender { .. } => "phone_choose_lender",
            Self::Adb(e) => e.code(),
            Self::Internal(_) => "internal",
        }
    }

    /// True when the lender could not be reached (offline-first paths treat this as normal).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Self::LenderUnreachable(_))
    }
}

impl From<VaultError> for EngineError {
    fn from(e: VaultError) -> Self {
        match e {
            // A key file whose KDF parameters are out of bounds leaves the vault locked: the
            // unlock screen shows why and keeps the recovery-key route open.
            VaultError::WrongKey
            | VaultError::WrongMode { .. }
            | VaultError::KdfParamsOutOfBounds { .. } => Self::VaultLocked(e.to_string()),
            VaultError::KeyMissing { .. } => Self::KeyMissing,
            VaultError::BadRecoveryKey(_) => Self::InvalidInput(e.to_string()),
            VaultError::KeychainUnavailable { .. } => Self::KeychainUnavailable(e.to_string()),
            VaultError::KeychainTimeout { seconds } => Self::KeychainTimeout { seconds },
            VaultError::NotFound { .. } => Self::NotFound(e.to_string()),
            VaultError::Invalid(m) => Self::InvalidInput(m),
            VaultError::Io { .. } => Self::Io(e.to_string()),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<LendingError> for EngineError {
    fn from(e: LendingError) -> Self {
        match &e {
            LendingError::Network(_) | LendingError::Timeout => {
                Self::LenderUnreachable(e.to_string())
            }
            LendingError::Http { status, .. } if *status >= 500 || *status == 429 => {
                Self::LenderUnreachable(e.to_string())
            }
            LendingError::Http { status: 404, .. } => Self::NotFound(e.to_string()),
            LendingError::BadSignature(_) => Self::SignatureInvalid(e.to_string()),
            // A URL Khata will not talk to: plain http beyond loopback, or an endpoint outside
            // the origin of the lender's discovery document.
            LendingError::InsecureUrl { .. }
            | LendingError::ForeignOrigin { .. }
            | LendingError::Usage(_) => Self::InvalidInput(e.to_string()),
            _ => Self::LenderRejected(e.to_string()),
        }
    }
}

impl From<khata_vault::KeychainElapsed> for EngineError {
    fn from(e: khata_vault::KeychainElapsed) -> Self {
        VaultError::from(e).into()
    }
}

impl From<std::io::Error> for EngineError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e.to_string())
    }
}

impl From<serde_json::Error> for EngineError {
    fn from(e: serde_json::Error) -> Self {
        Self::Internal(format!("JSON: {e}"))
    }
}

impl From<tokio::task::JoinError> for EngineError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::Internal(format!("background task failed: {e}"))
    }
}

pub type Result<T, E = EngineError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_bounds_kdf_parameters_leave_the_vault_locked() {
        let e = EngineError::from(VaultError::KdfParamsOutOfBounds {
            m_cost_kib: u32::MAX,
            t_cost: 3,
            p_cost: 4,
        });
        assert_eq!(e.code(), "vault_locked");
        assert!(e.to_string().contains("recovery key"), "{e}");
    }

    #[test]
    fn a_keychain_that_did_not_answer_is_its_own_code() {
        let e = EngineError::from(VaultError::KeychainTimeout { seconds: 10 });
        assert_eq!(e.code(), "keychain_timeout");
        assert!(e.to_string().contains("10 seconds"), "{e}");
        assert!(e.to_string().contains("passphrase"), "{e}");
    }
}
