//! Background sync and notices: once the vault is open (at start or on unlock), and then every
//! few minutes while the app runs, every lender is synced without the borrower asking, and what
//! is new since Khata last looked is handed to the window (`khata://notices`), which words it
//! and shows an OS notification. The shell has no words: notices are kinds and parameters.
//!
//! One sync at a time: a background pass skips its turn while the borrower's own sync holds
//! the gate, and the borrower's waits for a background pass to finish. A pass that fails waits
//! longer before the next one (doubling, up to [`MAX_BACKOFF`]).

use std::sync::Arc;
use std::time::Duration;

use khata_engine::Engine;
use khata_engine::views::{AppSettings, Notice, Progress};
use tauri::{AppHandle, Emitter, Manager};

use crate::state::AppState;

/// The event carrying new notices to the window.
pub const NOTICES_EVENT: &str = "khata://notices";
/// The event carrying a background sync's progress (as a manual sync's channel gives it).
pub const SYNC_PROGRESS_EVENT: &str = "khata://background-sync";
/// How often the loop looks whether the vault has been opened (unlocked).
const OPEN_POLL: Duration = Duration::from_secs(2);
/// The longest wait after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(4 * 3600);

/// Starts the loop; it runs until the app exits.
pub fn spawn(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let engine = loop {
            if let Some(engine) = app.state::<AppState>().opened_engine() {
                break engine;
            }
            tokio::time::sleep(OPEN_POLL).await;
        };
        run(app, engine).await;
    });
}

async fn run(app: AppHandle, engine: Arc<Engine>) {
    // On unlock: Home's summary and any notice left from the last run, even with background
    // sync off (no network then).
    review_and_emit(&app, &engine).await;
    let mut failures: u32 = 0;
    loop {
        let settings = engine.app_settings().await.unwrap_or_default();
        if settings.background_sync {
            match pass(&app, &engine).await {
                Some(true) => failures = 0,
                Some(false) => failures = failures.saturating_add(1),
                None => {}
            }
        }
        // A change of the settings (About) starts the next wait afresh.
        let state = app.state::<AppState>();
        let changed = state.settings_changed.notified();
        tokio::select! {
            () = tokio::time::sleep(wait(settings, failures)) => {}
            () = changed => {}
        }
    }
}

/// How long until the next pass: the interval, doubled for each failure in a row.
fn wait(settings: AppSettings, failures: u32) -> Duration {
    let base = Duration::from_secs(u64::from(settings.sync_interval_min.max(1)) * 60);
    base.saturating_mul(1u32 << failures.min(8))
        .min(MAX_BACKOFF.max(base))
}

/// One background pass: `None` when the borrower's own sync was running (skipped), else
/// whether every lender synced.
async fn pass(app: &AppHandle, engine: &Engine) -> Option<bool> {
    let state = app.state::<AppState>();
    let _gate = state.sync_gate.try_lock().ok()?;
    let emitter = app.clone();
    let progress = move |p: Progress| {
        let _ = emitter.emit(SYNC_PROGRESS_EVENT, p);
    };
    let ok = match engine.sync_all(progress).await {
        Ok(summaries) => {
            tracing::info!(lenders = summaries.len(), "background sync done");
            summaries.iter().all(|s| s.reachable)
        }
        Err(e) => {
            tracing::info!(error = %e, "background sync failed");
            false
        }
    };
    review_and_emit(app, engine).await;
    Some(ok)
}

/// Reviews the vault (what is new since the last look; Home's stored summary) and hands any
/// notice not yet shown to the window. A failure is logged: nothing is lost, the notices stay
/// in the vault for the next review.
pub async fn review_and_emit(app: &AppHandle, engine: &Engine) {
    match engine.review().await {
        Ok(notices) => emit(app, notices),
        Err(e) => tracing::warn!(error = %e, "review after sync failed"),
    }
}

fn emit(app: &AppHandle, notices: Vec<Notice>) {
    if notices.is_empty() {
        return;
    }
    tracing::info!(count = notices.len(), "notices for the window");
    if let Err(e) = app.emit(NOTICES_EVENT, notices) {
        tracing::warn!(error = %e, "could not hand notices to the window");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_stretch_the_wait_up_to_the_cap() {
        let s = AppSettings {
            sync_interval_min: 15,
            ..AppSettings::default()
        };
        assert_eq!(wait(s, 0), Duration::from_secs(15 * 60));
        assert_eq!(wait(s, 2), Duration::from_secs(60 * 60));
        assert_eq!(wait(s, 30), MAX_BACKOFF);
        // An interval longer than the cap is never shortened by failing.
        let daily = AppSettings {
            sync_interval_min: 24 * 60,
            ..s
        };
        assert_eq!(wait(daily, 3), Duration::from_secs(24 * 3600));
    }
}
