//! Tauri commands, grouped by domain. Each is a thin adapter: it takes UI input, calls the
//! engine, and maps failures to [`crate::error::AppError`]. No business logic lives here.

pub mod app;
pub mod audit;
pub mod consents;
pub mod export;
pub mod lenders;
pub mod offers;
pub mod rights;
pub mod timeline;
pub mod updates;
pub mod vault;
pub mod verify;

use khata_engine::views::Progress;
use tauri::ipc::Channel;

/// Forwards engine progress to the UI's channel; a closed channel (window gone) is ignored.
pub(crate) fn forward(channel: Channel<Progress>) -> impl Fn(Progress) + Send + Sync + 'static {
    move |progress| {
        let _ = channel.send(progress);
    }
}

/// Asks where to save a file in the native dialog; `None` when the user cancels. Rust writes
/// the file, so the UI never needs file-system permissions.
pub(crate) async fn ask_save_path(
    app: &tauri::AppHandle,
    file_name: &str,
    filter_label: &str,
    extension: &str,
) -> Option<std::path::PathBuf> {
    use tauri_plugin_dialog::DialogExt;
    // End-to-end tests cannot drive a native GTK dialog through WebDriver; the E2E build (and
    // only it) takes the answer from the environment instead.
    #[cfg(feature = "e2e")]
    if let Some(path) = std::env::var_os("KHATA_E2E_SAVE_PATH") {
        let path = std::path::PathBuf::from(path);
        // One folder for every save of a test: keep the suggested name unless a file was named.
        return Some(if path.is_dir() {
            path.join(file_name)
        } else {
            path
        });
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_file_name(file_name)
        .add_filter(filter_label, &[extension])
        .save_file(move |path| {
            let _ = tx.send(path.and_then(|p| p.into_path().ok()));
        });
    rx.await.ok().flatten()
}
