//! Tauri commands, grouped by domain. Each is a thin adapter: it takes UI input, calls the
//! engine, and maps failures to [`crate::error::AppError`]. No business logic lives here.

pub mod app;
pub mod consents;
pub mod export;
pub mod lenders;
pub mod offers;
pub mod rights;
pub mod timeline;
pub mod vault;

use khata_engine::views::Progress;
use tauri::ipc::Channel;

/// Forwards engine progress to the UI's channel; a closed channel (window gone) is ignored.
pub(crate) fn forward(channel: Channel<Progress>) -> impl Fn(Progress) + Send + Sync + 'static {
    move |progress| {
        let _ = channel.send(progress);
    }
}
