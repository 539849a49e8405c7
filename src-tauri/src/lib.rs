//! The Khata desktop shell: window, commands and logging. Thin by design: commands call the
//! engine crates; the UI only displays what they return.

pub mod bindings;
pub mod commands;
pub mod error;
pub mod logging;
pub mod paths;
pub mod state;

use tauri::Manager;

use crate::paths::AppPaths;
use crate::state::AppState;

/// Starts the app; returns when the last window closes.
pub fn run() {
    tauri::Builder::default()
        .setup(|app| {
            let resolver = app.path();
            let paths = AppPaths::resolve(
                paths::data_dir_override(),
                resolver.app_data_dir()?,
                resolver.app_log_dir()?,
            );
            paths.ensure_exist()?;
            let guard = logging::init(&paths.log_dir)?;
            app.manage(guard);
            tracing::info!(version = env!("CARGO_PKG_VERSION"), "khata starting");
            app.manage(AppState { paths });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![commands::app::app_info])
        .run(tauri::generate_context!())
        .unwrap_or_else(|error| {
            eprintln!("Khata could not start: {error}");
            std::process::exit(1);
        });
}
