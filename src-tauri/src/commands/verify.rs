//! Verifying an export offline (the same check as `khata verify`): a file opened with the app
//! (file association `.khata.json`, or handed to the running instance), or one chosen in the
//! native open dialog.

use std::path::PathBuf;

use khata_engine::audit::verify::{SuppliedKeys, VerifyError, VerifyReport, verify_export_file};
use khata_engine::views::Progress;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;

use crate::error::{AppError, CommandResult, ErrorCode};
use crate::state::AppState;

/// The result of verifying one file, for the Verify screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(
    tag = "outcome",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
#[ts(
    tag = "outcome",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum VerifyOutcome {
    /// Schema, every lender signature and the ledger chain check out.
    Valid { path: String, report: VerifyReport },
    /// Altered or inconsistent: `record` is a JSON pointer to the first bad record.
    Invalid {
        path: String,
        record: String,
        reason: String,
    },
    /// Not a Khata export (or unreadable).
    Unusable { path: String, reason: String },
}

/// Files the app was asked to open (command line, file association, a second launch),
/// handed over once.
pub fn opened_files(state: State<'_, AppState>) -> CommandResult<Vec<String>> {
    Ok(state.take_opened_files())
}

fn verify_path(path: PathBuf, progress: Channel<Progress>) -> VerifyOutcome {
    let shown = path.display().to_string();
    let mut report = |done: u64, total: u64| {
        let _ = progress.send(Progress {
            task: "verify".into(),
            phase: "signatures".into(),
            done,
            total: Some(total),
        });
    };
    // A version 1 export is capped (a huge file, say one opened by file association, is refused
    // from its size); a version 2 export is streamed with flat memory, whatever its size.
    match verify_export_file(&path, &SuppliedKeys::default(), &mut report) {
        Ok(report) => VerifyOutcome::Valid {
            path: shown,
            report,
        },
        Err(VerifyError::Invalid { record, reason }) => VerifyOutcome::Invalid {
            path: shown,
            record,
            reason,
        },
        Err(VerifyError::Unusable { reason }) => VerifyOutcome::Unusable {
            path: shown,
            reason,
        },
    }
}

/// Verifies the export at `path` offline: no vault, no network.
pub async fn verify_export(
    path: String,
    on_progress: Channel<Progress>,
) -> CommandResult<VerifyOutcome> {
    tokio::task::spawn_blocking(move || verify_path(PathBuf::from(path), on_progress))
        .await
        .map_err(|e| AppError::new(ErrorCode::Internal, format!("verification stopped: {e}")))
}

/// Asks for an export in the native open dialog, then verifies it; `None` if cancelled.
pub async fn choose_and_verify(
    app: AppHandle,
    on_progress: Channel<Progress>,
) -> CommandResult<Option<VerifyOutcome>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .add_filter("Khata export (JSON)", &["json"])
        .pick_file(move |path| {
            let _ = tx.send(path.and_then(|p| p.into_path().ok()));
        });
    let Some(path) = rx.await.ok().flatten() else {
        return Ok(None);
    };
    Ok(Some(
        verify_export(path.display().to_string(), on_progress).await?,
    ))
}
