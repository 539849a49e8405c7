//! Why a phone file could not be read. These are data (the engine maps each to an error code
//! and the UI words it); the messages here are for logs and the CLI's fallbacks.

use khata_evidence::phone::SourceFormat;
use serde::Serialize;

use crate::AppSeen;

/// A failure to read a phone file as a whole. Lines that cannot be read are not errors: they
/// are counted and named in the [`crate::Survey`] and [`crate::Reading`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PhoneError {
    /// Not one of the formats Khata reads; `understood` lists them.
    #[error("not a phone report Khata can read (it reads: {})", names(understood))]
    UnknownFormat { understood: Vec<SourceFormat> },
    /// The file's times are device-local without an offset: the caller must say which.
    #[error("the file's times carry no UTC offset; the phone's time zone is needed")]
    NeedsUtcOffset,
    /// No app was named and the file holds records of several.
    #[error("the file holds records of {} apps; choose one", apps.len())]
    ChooseApp { apps: Vec<AppSeen> },
    /// The named app has no record in the file.
    #[error("the file holds no record of {app}")]
    AppNotInFile { app: String, apps: Vec<AppSeen> },
    #[error("could not read the file: {0}")]
    Io(String),
    /// A bug report zip that cannot be read, or whose entries are refused (unsafe names,
    /// absurd sizes).
    #[error("could not read the bug report zip: {0}")]
    Zip(String),
    /// Larger than Khata reads (`limit` bytes).
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
}

impl From<std::io::Error> for PhoneError {
    fn from(e: std::io::Error) -> Self {
        PhoneError::Io(e.to_string())
    }
}

fn names(formats: &[SourceFormat]) -> String {
    formats
        .iter()
        .map(|f| crate::detect::format_id(*f))
        .collect::<Vec<_>>()
        .join(", ")
}
