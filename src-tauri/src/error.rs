//! The one error type every command returns. The UI receives `{code, message}`: a stable,
//! machine-readable code to branch on, and a sentence fit to show a borrower. Internal detail
//! stays in the log (never secrets), not in the message.

use khata_engine::adb::AdbError;
use serde::Serialize;
use ts_rs::TS;

/// Stable error codes the UI can branch on. Serialised in `snake_case`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Something failed that the borrower cannot fix; details are in the log.
    Internal,
    /// The request itself was not valid (bad argument from the UI).
    InvalidInput,
    /// A file or folder could not be read or written.
    Io,
    /// The lender could not be reached; the app keeps working from the vault.
    LenderUnreachable,
    /// The lender answered but refused the request.
    LenderRejected,
    /// The vault could not be opened (wrong key, damaged file, locked keychain entry).
    VaultLocked,
    /// No OS keychain could be reached to hold the vault key.
    KeychainUnavailable,
    /// The OS keychain did not answer in time (a prompt that cannot appear); the unlock
    /// screen offers to try again or to use a passphrase.
    KeychainTimeout,
    /// The vault is protected by a passphrase; the unlock screen asks for it.
    PassphraseRequired,
    /// The keychain has no key for this vault; the recovery key opens it.
    KeyMissing,
    /// The record asked for does not exist.
    NotFound,
    /// A lender's statement failed signature verification and was not stored.
    SignatureInvalid,
    /// The user cancelled long-running work.
    Cancelled,
    /// A lender claimed the id of one already connected, from another origin or with other
    /// keys; `conflict` carries both origins and fingerprints, and nothing was changed.
    LenderIdentityConflict,
    /// A phone file in none of the formats Khata reads.
    PhoneUnknownFormat,
    /// An Android file whose times carry no time zone: the borrower chooses the phone's.
    PhoneNeedsTimeZone,
    /// The file has records of several apps: the borrower chooses the lender's.
    PhoneChooseApp,
    /// The app asked for has no record in the file.
    PhoneAppNotInFile,
    /// No single lender the import belongs to: the borrower chooses.
    PhoneChooseLender,
    /// adb, the Android tool a phone capture runs, is not installed (or not where
    /// `KHATA_ADB` says); the guide says how to install it.
    AdbMissing,
    /// No phone is connected over USB (or not the one chosen).
    AdbNoDevice,
    /// The phone has not authorised this computer: unlock it and accept the prompt.
    AdbUnauthorized,
    /// Several phones are connected; `devices` lists them to pick one.
    AdbSeveralDevices,
    /// The phone is connected but offline, or in recovery or bootloader mode.
    AdbOffline,
    /// The computer's USB permissions keep adb from the phone (Linux udev rules).
    AdbNoPermission,
    /// No app was named and no connected lender declares one on the phone; `packages` lists
    /// the phone's own apps to choose from.
    AdbChooseApp,
    /// The app to capture is not installed on the phone.
    PhoneAppNotInstalled,
    /// adb or the phone failed or did not answer in time; adb's text is in the log.
    AdbFailed,
}

/// What a command returns on failure, serialised as `{ "code": …, "message": … }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    /// With `lender_identity_conflict`: what the UI shows the borrower before a re-pin (boxed:
    /// every command's error stays small).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub conflict: Option<Box<khata_engine::views::IdentityConflictView>>,
    /// With `adb_several_devices`: the connected phones, to pick one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub devices: Option<Vec<khata_engine::views::AdbDevice>>,
    /// With `adb_choose_app`: the apps on the phone (not system apps), to pick the lender's.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub packages: Option<Vec<String>>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            conflict: None,
            devices: None,
            packages: None,
        }
    }
}

impl From<khata_engine::EngineError> for AppError {
    fn from(error: khata_engine::EngineError) -> Self {
        use khata_engine::EngineError as E;
        let code = match &error {
            E::LenderUnreachable(_) => ErrorCode::LenderUnreachable,
            E::LenderRejected(_) => ErrorCode::LenderRejected,
            E::VaultLocked(_) => ErrorCode::VaultLocked,
            E::KeychainUnavailable(_) => ErrorCode::KeychainUnavailable,
            E::KeychainTimeout { .. } => ErrorCode::KeychainTimeout,
            E::PassphraseRequired => ErrorCode::PassphraseRequired,
            E::KeyMissing => ErrorCode::KeyMissing,
            E::NotFound(_) => ErrorCode::NotFound,
            E::InvalidInput(_) => ErrorCode::InvalidInput,
            E::SignatureInvalid(_) => ErrorCode::SignatureInvalid,
            E::Io(_) => ErrorCode::Io,
            E::Cancelled => ErrorCode::Cancelled,
            E::Internal(_) => ErrorCode::Internal,
            E::LenderIdentityConflict(_) => ErrorCode::LenderIdentityConflict,
            E::PhoneUnknownFormat { .. } => ErrorCode::PhoneUnknownFormat,
            E::PhoneNeedsTimeZone => ErrorCode::PhoneNeedsTimeZone,
            E::PhoneChooseApp { .. } => ErrorCode::PhoneChooseApp,
            E::PhoneAppNotInFile { .. } => ErrorCode::PhoneAppNotInFile,
            E::PhoneChooseLender { .. } => ErrorCode::PhoneChooseLender,
            E::Adb(a) => adb_code(a),
        };
        let conflict = match &error {
            E::LenderIdentityConflict(c) => Some(c.clone()),
            _ => None,
        };
        let (devices, packages) = match &error {
            E::Adb(AdbError::SeveralDevices { devices }) => (Some(devices.clone()), None),
            E::Adb(AdbError::ChooseApp { packages }) => (None, Some(packages.clone())),
            _ => (None, None),
        };
        // Engine messages are written for borrowers and never carry secrets.
        tracing::warn!(code = error.code(), "command failed");
        Self {
            conflict,
            devices,
            packages,
            ..Self::new(code, error.to_string())
        }
    }
}

fn adb_code(error: &AdbError) -> ErrorCode {
    match error {
        AdbError::Missing { .. } => ErrorCode::AdbMissing,
        AdbError::NoDevice { .. } => ErrorCode::AdbNoDevice,
        AdbError::Unauthorized { .. } => ErrorCode::AdbUnauthorized,
        AdbError::SeveralDevices { .. } => ErrorCode::AdbSeveralDevices,
        AdbError::NotReady { .. } => ErrorCode::AdbOffline,
        AdbError::NoPermission { .. } => ErrorCode::AdbNoPermission,
        AdbError::ChooseApp { .. } => ErrorCode::AdbChooseApp,
        AdbError::PackageNotInstalled { .. } => ErrorCode::PhoneAppNotInstalled,
        AdbError::InvalidPackage { .. } => ErrorCode::InvalidInput,
        AdbError::Timeout { .. } | AdbError::Failed { .. } => ErrorCode::AdbFailed,
    }
}

/// Result type of every Tauri command.
pub type CommandResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_and_message_only() {
        let error = AppError::new(ErrorCode::InvalidInput, "The lender URL is not valid.");
        assert_eq!(
            serde_json::to_string(&error).unwrap(),
            r#"{"code":"invalid_input","message":"The lender URL is not valid."}"#
        );
        let error = AppError::new(ErrorCode::Internal, "x");
        assert_eq!(serde_json::to_value(&error).unwrap()["code"], "internal");
        let error = AppError::new(ErrorCode::Io, "x");
        assert_eq!(serde_json::to_value(&error).unwrap()["code"], "io");
    }

    /// A refused connect carries both identities for the UI to show.
    #[test]
    fn an_identity_conflict_carries_both_fingerprints() {
        let conflict = khata_engine::views::IdentityConflictView {
            lender_id: "l-1".into(),
            pinned_origin: "https://lender.example".into(),
            pinned_fingerprint: "AAAA".into(),
            offered_origin: "http://127.0.0.1:9".into(),
            offered_fingerprint: "BBBB".into(),
        };
        let error = AppError::from(khata_engine::EngineError::LenderIdentityConflict(Box::new(
            conflict,
        )));
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["code"], "lender_identity_conflict");
        assert_eq!(json["conflict"]["pinnedFingerprint"], "AAAA");
        assert_eq!(json["conflict"]["offeredOrigin"], "http://127.0.0.1:9");
    }

    #[test]
    fn engine_errors_keep_their_code_and_sentence() {
        let error = AppError::from(khata_engine::EngineError::LenderUnreachable(
            "timeout".into(),
        ));
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["code"], "lender_unreachable");
        assert_eq!(
            json["code"],
            khata_engine::EngineError::LenderUnreachable(String::new()).code()
        );
        assert!(
            json["message"]
                .as_str()
                .unwrap()
                .contains("keeps working from your vault")
        );
    }

    /// Each adb failure keeps the engine's code, and carries what the UI offers to pick from.
    #[test]
    fn adb_failures_keep_their_code_and_what_to_choose_from() {
        use khata_engine::views::{AdbDevice, AdbDeviceState};
        let phone = |serial: &str, state| AdbDevice {
            serial: serial.into(),
            state,
            model: None,
        };
        let cases = [
            AdbError::Missing { looked_in: vec![] },
            AdbError::NoDevice { serial: None },
            AdbError::Unauthorized {
                serial: "A1".into(),
            },
            AdbError::SeveralDevices {
                devices: vec![
                    phone("A1", AdbDeviceState::Device),
                    phone("B2", AdbDeviceState::Unauthorized),
                ],
            },
            AdbError::NotReady {
                serial: "A1".into(),
                state: AdbDeviceState::Offline,
            },
            AdbError::NoPermission {
                serial: "A1".into(),
            },
            AdbError::ChooseApp {
                packages: vec!["com.example.notes".into()],
            },
            AdbError::PackageNotInstalled {
                package: "in.khata.sandbox.lender".into(),
            },
            AdbError::Failed {
                step: "dumpsys".into(),
                detail: "error: closed".into(),
            },
        ];
        for adb in cases {
            let engine = khata_engine::EngineError::from(adb.clone());
            let json = serde_json::to_value(AppError::from(engine)).unwrap();
            assert_eq!(json["code"], adb.code(), "{adb:?}");
            // adb's own text stays in the log.
            assert!(!json["message"].as_str().unwrap().contains("error: closed"));
            match adb {
                AdbError::SeveralDevices { .. } => {
                    assert_eq!(json["devices"][1]["serial"], "B2");
                    assert_eq!(json["devices"][1]["state"], "unauthorized");
                }
                AdbError::ChooseApp { .. } => {
                    assert_eq!(json["packages"][0], "com.example.notes")
                }
                _ => assert!(json.get("devices").is_none() && json.get("packages").is_none()),
            }
        }
    }

    #[test]
    fn phone_errors_keep_the_engines_codes() {
        use khata_engine::EngineError as E;
        for e in [
            E::PhoneUnknownFormat { understood: vec![] },
            E::PhoneNeedsTimeZone,
            E::PhoneChooseApp {
                apps: vec!["in.a".into(), "in.b".into()],
            },
            E::PhoneAppNotInFile {
                app: "in.c".into(),
                apps: vec!["in.a".into()],
            },
            E::PhoneChooseLender {
                app: "in.a".into(),
                lenders: vec!["l-1".into(), "l-2".into()],
            },
        ] {
            let code = e.code();
            let sentence = e.to_string();
            let json = serde_json::to_value(AppError::from(e)).unwrap();
            assert_eq!(json["code"], code);
            assert_eq!(json["message"], sentence);
        }
    }

    #[test]
    fn a_keychain_that_did_not_answer_keeps_its_code() {
        let engine = khata_engine::EngineError::KeychainTimeout { seconds: 10 };
        let json = serde_json::to_value(AppError::from(engine)).unwrap();
        assert_eq!(json["code"], "keychain_timeout");
        assert_eq!(
            json["code"],
            khata_engine::EngineError::KeychainTimeout { seconds: 0 }.code()
        );
    }
}
