//! The Khata desktop shell: window, commands and logging. Thin by design: commands call the
//! engine crates; the UI only displays what they return.

pub mod background;
pub mod bindings;
pub mod commands;
pub mod error;
pub mod logging;
pub mod paths;
pub mod state;

use tauri::Manager;

use crate::paths::AppPaths;
use crate::state::AppState;

/// When `run` started, for the startup time logged once the home screen is interactive.
pub(crate) static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Milliseconds since `run` started.
pub(crate) fn since_start_ms() -> f64 {
    STARTED
        .get()
        .map(|t| t.elapsed().as_secs_f64() * 1000.0)
        .unwrap_or_default()
}

/// Starts the app; returns when the last window closes.
pub fn run() {
    STARTED.get_or_init(std::time::Instant::now);
    tauri::Builder::default()
        // First: a second launch (e.g. double-clicking an export) hands its arguments to the
        // running app and exits, so one vault is never opened by two processes.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            app.state::<AppState>().open_files(argv.into_iter().skip(1));
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        // OS notifications: the window words each notice and sends it (`notify`).
        .plugin(tauri_plugin_notification::init())
        // Window size and position, remembered between runs.
        .plugin(tauri_plugin_window_state::Builder::default().build())
        // Signed updates; checked only when the borrower allows it (About).
        .plugin(tauri_plugin_updater::Builder::new().build())
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
            let state = AppState::new(paths);
            state.open_files(std::env::args().skip(1));
            commands::updates::check_at_startup(app.handle(), &state);
            app.manage(state);
            // Open the vault while WebKit starts, so the UI's first command finds it open. A
            // failure is not kept: the UI's own call tries again and shows the unlock screen.
            let handle = app.handle().clone();
            // Background sync and notices, once the vault is open (now or on unlock).
            background::spawn(handle.clone());
            tauri::async_runtime::spawn(async move {
                if let Err(e) = handle.state::<AppState>().engine().await {
                    tracing::info!(code = ?e.code, "vault not opened at start");
                }
            });
            Ok(())
        })
        // Startup timing in the log, beside "home interactive": what WebKit took to load the
        // page, so a slow start can be told apart from a slow vault or UI.
        .on_page_load(|_, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                tracing::info!(ms = format!("{:.1}", since_start_ms()), "page loaded");
            }
        })
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(commands::invoke_handler())
        .build(tauri::generate_context!())
        .unwrap_or_else(|error| {
            eprintln!("Khata could not start: {error}");
            std::process::exit(1);
        })
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                // Let an in-flight delivery finish so nothing is left half-sent.
                let state = app.state::<AppState>();
                tauri::async_runtime::block_on(state.shutdown());
            }
        });
}
