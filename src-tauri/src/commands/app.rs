//! Facts about the running app, for the About panel and bug reports.

use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::CommandResult;
use crate::state::AppState;

/// How this binary was built; shown in About so testers can tell builds apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename_all = "snake_case")]
pub enum BuildProfile {
    Debug,
    Release,
}

impl BuildProfile {
    pub const fn current() -> Self {
        if cfg!(debug_assertions) {
            Self::Debug
        } else {
            Self::Release
        }
    }
}

/// What the About panel shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct AppInfo {
    /// The app's version (`CARGO_PKG_VERSION`).
    pub version: String,
    /// Where the encrypted vault lives, `~/…` when under the home folder.
    pub vault_path: String,
    /// Where the log files are written.
    pub log_dir: String,
    pub build_profile: BuildProfile,
    /// Operating system and CPU architecture, e.g. `linux x86_64`.
    pub platform: String,
}

impl AppInfo {
    pub fn collect(state: &AppState) -> Self {
        Self {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            vault_path: crate::paths::display_path(&state.paths.vault_file()),
            log_dir: crate::paths::display_path(&state.paths.log_dir),
            build_profile: BuildProfile::current(),
            platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        }
    }
}

pub fn app_info(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    Ok(AppInfo::collect(&state))
}

/// The recovery key made when the vault was created, returned once (on first run) so the UI
/// shows it once; `None` afterwards. It is never stored or logged.
///
/// Up to here it sits in a buffer wiped on drop; the IPC layer needs a plain `String` to
/// serialise to the webview, so the buffer itself is handed over (no extra copy) and what
/// Tauri and the webview make of it is beyond wiping (docs/security-notes/hygiene.md).
pub async fn recovery_key(state: State<'_, AppState>) -> CommandResult<Option<String>> {
    state.engine().await?;
    Ok(state
        .take_recovery_key()
        .map(|mut key| std::mem::take(&mut *key)))
}

/// The home screen has shown its first data: logs the time since launch (startup regressions
/// show in bug reports' logs). For benchmarks, `KHATA_BENCH_READY=print` also prints
/// `ready <ms>` on stdout, and `=exit` prints it and quits, so a harness can time launch to
/// interactive (docs/BENCHMARKS.md). Only the first call counts.
pub fn app_ready(app: tauri::AppHandle) -> CommandResult<()> {
    static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if DONE.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return Ok(());
    }
    let ms = crate::since_start_ms();
    tracing::info!(ms = format!("{ms:.1}"), "home interactive");
    match std::env::var("KHATA_BENCH_READY").as_deref() {
        Ok("print") => println!("ready {ms:.1}"),
        Ok("exit") => {
            println!("ready {ms:.1}");
            app.exit(0);
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::AppPaths;

    #[test]
    fn reports_the_package_version_and_vault_location() {
        let state = AppState::new(AppPaths::resolve(
            Some("/srv/khata".into()),
            "/unused".into(),
            "/unused".into(),
        ));
        let info = AppInfo::collect(&state);
        assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(
            info.vault_path,
            format!("/srv/khata/{}", khata_engine::VAULT_FILE)
        );
        assert_eq!(info.log_dir, "/srv/khata/logs");
        let json = serde_json::to_value(&info).unwrap();
        assert!(
            json.get("buildProfile").is_some(),
            "camelCase keys for the UI: {json}"
        );
    }
}
