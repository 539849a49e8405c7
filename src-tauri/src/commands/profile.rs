//! Your details: the borrower's profile (letters are signed with it) and nominee (DPDP Act
//! 2023, s.14), and the nominee packet saved through the native dialog.

use khata_engine::nominee_packet::NomineePacketSummary;
use khata_engine::profile::{NomineeInput, NomineeView, ProfileInput, ProfileView};
use tauri::{AppHandle, State};

use crate::error::CommandResult;
use crate::state::AppState;

/// The borrower's details, with each connected lender's customer id.
pub async fn profile(state: State<'_, AppState>) -> CommandResult<ProfileView> {
    Ok(state.engine().await?.profile().await?)
}

/// Saves the borrower's details; returns them as kept.
pub async fn save_profile(
    state: State<'_, AppState>,
    profile: ProfileInput,
) -> CommandResult<ProfileView> {
    Ok(state.engine().await?.save_profile(profile).await?)
}

/// The borrower's nominee, if recorded.
pub async fn nominee(state: State<'_, AppState>) -> CommandResult<Option<NomineeView>> {
    Ok(state.engine().await?.nominee().await?)
}

/// Records the nominee (dated now), or removes it (`None`).
pub async fn save_nominee(
    state: State<'_, AppState>,
    nominee: Option<NomineeInput>,
) -> CommandResult<Option<NomineeView>> {
    Ok(state.engine().await?.save_nominee(nominee).await?)
}

/// Asks where to save, then writes the nominee packet (zip); `None` if cancelled.
pub async fn save_nominee_packet(
    app: AppHandle,
    state: State<'_, AppState>,
    lender_id: Option<String>,
    letter: String,
) -> CommandResult<Option<NomineePacketSummary>> {
    let engine = state.engine().await?;
    let Some(path) =
        super::ask_save_path(&app, "khata-nominee.zip", "Nominee packet (zip)", "zip").await
    else {
        return Ok(None);
    };
    Ok(Some(
        engine
            .save_nominee_packet(lender_id.as_deref(), &letter, &path)
            .await?,
    ))
}
