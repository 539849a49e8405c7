//! What the borrower's own phone recorded: survey a file before importing it, import it with
//! progress, and read back the sources and observations held. Files are chosen in a native
//! open dialog ([`ask_open_path`]) or dropped on the window (Tauri's drag-drop event gives
//! paths); Rust reads them, so the UI needs no file-system permission.

use khata_engine::views::{Observation, PhoneImportSummary, PhoneSource, PhoneSurvey, Progress};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use super::forward;
use crate::error::{AppError, CommandResult, ErrorCode};
use crate::state::AppState;

pub async fn phone_survey(state: State<'_, AppState>, path: String) -> CommandResult<PhoneSurvey> {
    Ok(state.engine().await?.phone_survey(path).await?)
}

pub async fn phone_import(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
    app_id: Option<String>,
    lender_id: Option<String>,
    utc_offset_min: Option<i32>,
    on_progress: Channel<Progress>,
) -> CommandResult<PhoneImportSummary> {
    let engine = state.engine().await?;
    let summary = engine
        .phone_import(
            path,
            app_id,
            lender_id,
            utc_offset_min,
            forward(on_progress),
        )
        .await?;
    // What the phone showed may be news (and Home's findings change).
    crate::background::review_and_emit(&app, &engine).await;
    tracing::info!(
        new = summary.new,
        observations = summary.observations,
        "phone evidence imported"
    );
    Ok(summary)
}

pub async fn phone_sources(state: State<'_, AppState>) -> CommandResult<Vec<PhoneSource>> {
    Ok(state.engine().await?.phone_sources().await?)
}

pub async fn phone_observations(state: State<'_, AppState>) -> CommandResult<Vec<Observation>> {
    Ok(state.engine().await?.phone_observations().await?)
}

/// The file name a phone of that kind would give the report, so that the borrower's import
/// sees what it would see with a real one.
fn sandbox_report_name(format: &str) -> Option<String> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Some(match format {
        "ios" => format!("App_Privacy_Report_v4_{secs}.ndjson"),
        "android-appops" => format!("dumpsys-appops-{secs}.txt"),
        "android-cmd" => format!("cmd-appops-get-{secs}.txt"),
        "android-capture" => format!("android-capture-{secs}.txt"),
        _ => return None,
    })
}

/// QA without a phone: asks where to save, then writes the built-in sandbox lender's phone
/// report in `format` there; the path, or `None` when the borrower cancels.
pub async fn save_sandbox_phone_report(
    app: AppHandle,
    state: State<'_, AppState>,
    format: String,
) -> CommandResult<Option<String>> {
    let Some(name) = sandbox_report_name(&format) else {
        return Err(AppError::new(
            ErrorCode::InvalidInput,
            format!("The sandbox writes no phone report in the format {format:?}."),
        ));
    };
    let report = state.engine().await?.sandbox_phone_report(&format).await?;
    let extension = if format == "ios" { "ndjson" } else { "txt" };
    let Some(path) = super::ask_save_path(&app, &name, "Phone report", extension).await else {
        return Ok(None);
    };
    std::fs::write(&path, report).map_err(|e| {
        tracing::warn!(error = %e, "writing the sandbox phone report");
        AppError::new(
            ErrorCode::Io,
            format!("Khata could not write {}: {e}", path.display()),
        )
    })?;
    Ok(Some(path.display().to_string()))
}

/// The open dialog's filters for a purpose: `(label, extensions)`.
fn filters(purpose: &str) -> Option<&'static [(&'static str, &'static [&'static str])]> {
    match purpose {
        "phone" => Some(&[
            (
                "Phone reports (iOS report, Android text, bug report zip)",
                &["ndjson", "json", "txt", "zip"],
            ),
            ("All files", &["*"]),
        ]),
        _ => None,
    }
}

/// Asks which file to open in the native dialog, for `purpose` (`phone`: a phone report);
/// `None` when the borrower cancels.
pub async fn ask_open_path(app: AppHandle, purpose: String) -> CommandResult<Option<String>> {
    use tauri_plugin_dialog::DialogExt;
    let Some(filters) = filters(&purpose) else {
        return Err(AppError::new(
            ErrorCode::InvalidInput,
            format!("Khata does not open files for {purpose:?}."),
        ));
    };
    // End-to-end tests cannot drive a native GTK dialog through WebDriver; the E2E build (and
    // only it) takes the answer from the environment instead.
    #[cfg(feature = "e2e")]
    if let Some(path) = std::env::var_os("KHATA_E2E_OPEN_PATH") {
        return Ok(Some(std::path::PathBuf::from(path).display().to_string()));
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = app.dialog().file();
    for (label, extensions) in filters {
        dialog = dialog.add_filter(*label, extensions);
    }
    dialog.pick_file(move |path| {
        let _ = tx.send(path.and_then(|p| p.into_path().ok()));
    });
    Ok(rx.await.ok().flatten().map(|p| p.display().to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_known_purposes_open_a_dialog() {
        let phone = super::filters("phone").unwrap();
        assert!(phone[0].1.contains(&"ndjson") && phone[0].1.contains(&"zip"));
        assert!(super::filters("anything").is_none());
    }
}
