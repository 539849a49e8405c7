//! Tauri commands, grouped by domain. Each is a thin adapter: it takes UI input, calls the
//! engine, and maps failures to [`crate::error::AppError`]. No business logic lives here.

pub mod app;
