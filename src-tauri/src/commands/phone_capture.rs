//! Capturing a connected Android phone over adb: the phones adb sees, and the capture itself
//! (read the phone, keep the capture file, import it as evidence).

use khata_engine::views::{AdbDevice, PhoneImportSummary, Progress};
use tauri::State;
use tauri::ipc::Channel;

use super::forward;
use crate::error::CommandResult;
use crate::state::AppState;

/// The phones adb sees, authorised or not, for the device picker.
pub async fn phone_devices(state: State<'_, AppState>) -> CommandResult<Vec<AdbDevice>> {
    Ok(state.engine().await?.phone_devices().await?)
}

/// Reads the phone `serial` (else the only one connected) over adb and imports what it
/// recorded about `app` (else the app a connected lender declares) for `lender_id` (else the
/// lender chosen as for a saved file). Failures carry their adb code and, where the borrower
/// must pick, the phones or apps to pick from.
pub async fn phone_capture(
    state: State<'_, AppState>,
    serial: Option<String>,
    app: Option<String>,
    lender_id: Option<String>,
    on_progress: Channel<Progress>,
) -> CommandResult<PhoneImportSummary> {
    Ok(state
        .engine()
        .await?
        .phone_capture(serial, app, lender_id, forward(on_progress))
        .await?)
}
