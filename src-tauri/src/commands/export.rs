//! Exporting every record: the user picks the file in a native save dialog, Rust writes it;
//! an export to share with an advocate withholds the fields the borrower ticked.

use std::path::PathBuf;

use khata_engine::views::{ExportFormat, ExportOptions, ExportSummary, Progress, RedactableField};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use super::forward;
use crate::error::{AppError, CommandResult, ErrorCode};
use crate::state::AppState;

const EXPORT_TASK: &str = "export";

/// The suggested file name, the dialog's filter label and extension; an export for an advocate
/// gets a name of its own, so it is not mistaken for (or saved over) the full one.
fn default_name(
    format: ExportFormat,
    redacted: bool,
) -> (&'static str, &'static str, &'static str) {
    match format {
        ExportFormat::Json if redacted => (
            "khata-for-advocate.khata.json",
            "Khata export (JSON)",
            "json",
        ),
        ExportFormat::Json => ("khata-export.khata.json", "Khata export (JSON)", "json"),
        ExportFormat::Csv => ("khata-export.zip", "CSV files (zipped)", "zip"),
        ExportFormat::Html => ("khata-report.html", "Printable report (HTML)", "html"),
    }
}

/// Asks where to save an export; `None` when the user cancels.
async fn ask_path(app: &AppHandle, format: ExportFormat, redacted: bool) -> Option<PathBuf> {
    let (name, label, extension) = default_name(format, redacted);
    super::ask_save_path(app, name, label, extension).await
}

/// Exports every record in `format` (withholding what `options` asks); `None` when the user
/// cancelled the save dialog.
pub async fn export_records(
    app: AppHandle,
    state: State<'_, AppState>,
    format: ExportFormat,
    options: ExportOptions,
    on_progress: Channel<Progress>,
) -> CommandResult<Option<ExportSummary>> {
    let engine = state.engine().await?;
    let redacted = options.redact.iter().any(|p| !p.trim().is_empty());
    let Some(path) = ask_path(&app, format, redacted).await else {
        return Ok(None);
    };
    let cancel = state.cancel_flag(EXPORT_TASK);
    let summary = engine
        .export(&path, format, options, forward(on_progress), cancel)
        .await?;
    tracing::info!(
        bytes = summary.bytes,
        records = summary.records,
        "export written"
    );
    Ok(Some(summary))
}

/// The fields an export for an advocate may withhold, with their defaults.
pub fn redactable_fields() -> CommandResult<Vec<RedactableField>> {
    Ok(khata_engine::redaction::redactable_fields())
}

/// Stops a running long task: `export` (its partial file is removed) or `sync` (pages already
/// stored stay; the next sync resumes after them).
pub fn cancel_task(state: State<'_, AppState>, task: String) -> CommandResult<()> {
    if state.cancel(&task) {
        Ok(())
    } else {
        Err(AppError::new(
            ErrorCode::NotFound,
            format!("No task named {task} is running."),
        ))
    }
}
