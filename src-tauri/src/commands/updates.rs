//! Signed updates (Tauri updater, Ed25519 public key in tauri.conf.json), only with the
//! borrower's consent: checking is off until they turn it on in About, and "Check now" is an
//! explicit action. The choice lives in `settings.json` in the data folder.

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use tauri_plugin_updater::UpdaterExt;
use ts_rs::TS;

use crate::error::{AppError, CommandResult, ErrorCode};
use crate::state::AppState;

/// The borrower's update preference.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(rename_all = "camelCase")]
pub struct UpdateSettings {
    /// Check once at start-up. Off by default: Khata contacts no server unless asked.
    pub check_automatically: bool,
}

/// A newer signed release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct UpdateInfo {
    pub version: String,
    pub notes: Option<String>,
}

fn settings_path(state: &AppState) -> std::path::PathBuf {
    state.paths.data_dir.join("settings.json")
}

/// The saved preference; a missing or unreadable file means the default (off).
pub fn load_settings(state: &AppState) -> UpdateSettings {
    std::fs::read(settings_path(state))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn unreachable(e: impl std::fmt::Display) -> AppError {
    AppError::new(
        ErrorCode::LenderUnreachable,
        format!("The update server could not be reached ({e}). Khata keeps working as it is."),
    )
}

pub fn update_settings(state: State<'_, AppState>) -> CommandResult<UpdateSettings> {
    Ok(load_settings(&state))
}

/// Saves the preference (written to a temporary file, then renamed into place).
pub fn set_update_settings(
    state: State<'_, AppState>,
    settings: UpdateSettings,
) -> CommandResult<UpdateSettings> {
    let path = settings_path(&state);
    let tmp = path.with_extension("json.part");
    let io =
        |e: std::io::Error| AppError::new(ErrorCode::Io, format!("Could not save settings: {e}"));
    std::fs::write(
        &tmp,
        serde_json::to_vec_pretty(&settings).expect("serialisable"),
    )
    .map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)?;
    tracing::info!(
        check_automatically = settings.check_automatically,
        "update settings saved"
    );
    Ok(settings)
}

/// Asks the update server for a newer release; `None` when this is the newest.
pub async fn check_for_update(app: AppHandle) -> CommandResult<Option<UpdateInfo>> {
    let update = app
        .updater()
        .map_err(unreachable)?
        .check()
        .await
        .map_err(unreachable)?;
    Ok(update.map(|u| UpdateInfo {
        version: u.version,
        notes: u.body,
    }))
}

/// Downloads the newer release, checks its signature against the built-in public key,
/// installs it and restarts. A bad signature installs nothing.
pub async fn install_update(app: AppHandle) -> CommandResult<()> {
    let Some(update) = app
        .updater()
        .map_err(unreachable)?
        .check()
        .await
        .map_err(unreachable)?
    else {
        return Err(AppError::new(ErrorCode::NotFound, "Khata is up to date."));
    };
    update
        .download_and_install(|_, _| {}, || {})
        .await
        .map_err(|e| {
            AppError::new(
                ErrorCode::SignatureInvalid,
                format!("The update was not installed: {e}"),
            )
        })?;
    app.restart();
}

/// At start-up, only when the borrower turned automatic checks on: logs what it found.
pub fn check_at_startup(app: &AppHandle, state: &AppState) {
    if !load_settings(state).check_automatically {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        match check_for_update(app).await {
            Ok(Some(u)) => tracing::info!(version = %u.version, "an update is available"),
            Ok(None) => tracing::info!("Khata is up to date"),
            Err(e) => tracing::info!(error = %e.message, "update check failed"),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::AppPaths;

    #[test]
    fn updates_are_off_until_turned_on_and_the_choice_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::new(AppPaths::resolve(
            Some(dir.path().into()),
            "/unused".into(),
            "/unused".into(),
        ));
        assert!(!load_settings(&state).check_automatically, "off by default");
        std::fs::write(settings_path(&state), b"not json").unwrap();
        assert!(
            !load_settings(&state).check_automatically,
            "unreadable means off"
        );
        std::fs::write(settings_path(&state), br#"{"checkAutomatically": true}"#).unwrap();
        assert!(load_settings(&state).check_automatically);
    }
}
