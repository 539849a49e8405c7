//! Capturing a connected Android phone over adb: the phones adb sees, and the capture itself
//! (read the phone, keep the capture file, import it as evidence).

use khata_engine::views::AdbDevice;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// The phones adb sees, authorised or not, for the device picker.
pub async fn phone_devices(state: State<'_, AppState>) -> CommandResult<Vec<AdbDevice>> {
    Ok(state.engine().await?.phone_devices().await?)
}
