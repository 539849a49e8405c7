//! State shared by all commands: where files live, the engine (opened on first use so the
//! window appears at once), the first-run recovery key, and cancel flags of long tasks.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use khata_engine::{Engine, EngineConfig, OutboxWorker, VaultUnlock, spawn_outbox_worker};
use khata_sandbox::launcher::Launcher;
use tokio::sync::OnceCell;
use zeroize::Zeroizing;

use crate::error::CommandResult;
use crate::paths::AppPaths;

/// How often the outbox is retried in the background (each item keeps its own backoff).
const OUTBOX_PASS: Duration = Duration::from_secs(3);

pub struct AppState {
    pub paths: AppPaths,
    engine: OnceCell<Arc<Engine>>,
    worker: Mutex<Option<OutboxWorker>>,
    /// Wiped when taken and dropped, or when the app exits without showing it.
    recovery_key: Mutex<Option<Zeroizing<String>>>,
    cancels: Mutex<HashMap<String, Arc<AtomicBool>>>,
    /// Files the app was asked to open, waiting for the UI to pick them up.
    opened_files: Mutex<Vec<String>>,
    /// Held by whichever sync runs, the borrower's or the background one: never two at once.
    pub sync_gate: tokio::sync::Mutex<()>,
    /// Told when the borrower changes the app settings, so background sync follows at once.
    pub settings_changed: tokio::sync::Notify,
}

impl AppState {
    pub fn new(paths: AppPaths) -> Self {
        Self {
            paths,
            engine: OnceCell::new(),
            worker: Mutex::new(None),
            recovery_key: Mutex::new(None),
            cancels: Mutex::new(HashMap::new()),
            opened_files: Mutex::new(Vec::new()),
            sync_gate: tokio::sync::Mutex::new(()),
            settings_changed: tokio::sync::Notify::new(),
        }
    }

    /// The engine, opening the vault (and the built-in sandbox, if connected before) on first
    /// use. A failure is not cached: the next command tries again (e.g. after unlocking the
    /// keychain).
    pub async fn engine(&self) -> CommandResult<Arc<Engine>> {
        self.open_engine(VaultUnlock::Keychain).await
    }

    /// The engine, opening the vault with `unlock` unless it is open already.
    pub async fn open_engine(&self, unlock: VaultUnlock) -> CommandResult<Arc<Engine>> {
        let engine = self
            .engine
            .get_or_try_init(|| async {
                let mut config = EngineConfig::new(self.paths.data_dir.clone());
                config.unlock = unlock;
                let mut sandbox = Launcher::default();
                // QA: which behaviour the built-in sandbox lender plays on its first start
                // (salaried-good, thin-file, declined, over-collector, flaky, wrong-apr).
                if let Some(name) = std::env::var("KHATA_SANDBOX_SCENARIO")
                    .ok()
                    .filter(|s| !s.is_empty())
                {
                    sandbox.scenario = name.parse().map_err(|e| {
                        crate::error::AppError::new(
                            crate::error::ErrorCode::InvalidInput,
                            format!("KHATA_SANDBOX_SCENARIO: {e}"),
                        )
                    })?;
                }
                // QA and the E2E tests: the admin token of the built-in sandbox's `/_sandbox/…`
                // routes (a random one nobody knows otherwise).
                sandbox.admin_token = std::env::var("KHATA_SANDBOX_ADMIN_TOKEN")
                    .ok()
                    .filter(|s| !s.is_empty());
                config.sandbox = Some(Arc::new(sandbox));
                // The sandbox lender restarts in the background, below: the home screen needs
                // only the vault (a sandbox holding a million disclosures takes seconds).
                config.start_sandbox_on_open = false;
                let (engine, recovery_key) = Engine::open(config).await?;
                let engine = Arc::new(engine);
                let restarting = engine.clone();
                tokio::spawn(async move {
                    if let Err(e) = restarting.restart_sandbox().await {
                        tracing::warn!(code = e.code(), "the sandbox lender was not restarted");
                    }
                });
                *self.recovery_key.lock().expect("lock") = recovery_key;
                *self.worker.lock().expect("lock") =
                    Some(spawn_outbox_worker(engine.clone(), OUTBOX_PASS));
                tracing::info!("engine open");
                Ok::<_, crate::error::AppError>(engine)
            })
            .await?;
        Ok(engine.clone())
    }

    /// The engine if the vault is open, without opening it.
    pub fn opened_engine(&self) -> Option<Arc<Engine>> {
        self.engine.get().cloned()
    }

    /// Queues files from a command line (this launch's, or a second launch's handed over by
    /// the single-instance plugin): existing files only, so stray arguments are ignored.
    pub fn open_files<I: IntoIterator<Item = String>>(&self, args: I) {
        let files = args
            .into_iter()
            .filter(|a| !a.starts_with('-') && std::path::Path::new(a).is_file());
        self.opened_files.lock().expect("lock").extend(files);
    }

    /// The queued files, handed out once.
    pub fn take_opened_files(&self) -> Vec<String> {
        std::mem::take(&mut *self.opened_files.lock().expect("lock"))
    }

    /// The recovery key created on first run, handed out once so it is shown once.
    pub fn take_recovery_key(&self) -> Option<Zeroizing<String>> {
        self.recovery_key.lock().expect("lock").take()
    }

    /// A fresh cancel flag for `task`, replacing any earlier one.
    pub fn cancel_flag(&self, task: &str) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        self.cancels
            .lock()
            .expect("lock")
            .insert(task.to_owned(), flag.clone());
        flag
    }

    /// Asks `task` to stop; returns false when no such task is running.
    pub fn cancel(&self, task: &str) -> bool {
        match self.cancels.lock().expect("lock").get(task) {
            Some(flag) => {
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
                true
            }
            None => false,
        }
    }

    /// Stops the outbox worker (an in-flight delivery finishes first) before the app exits.
    pub async fn shutdown(&self) {
        let worker = self.worker.lock().expect("lock").take();
        if let Some(worker) = worker {
            worker.stop().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_existing_files_from_a_command_line_are_opened_and_handed_out_once() {
        let dir = tempfile::tempdir().unwrap();
        let export = dir.path().join("mine.khata.json");
        std::fs::write(&export, b"{}").unwrap();
        let state = AppState::new(AppPaths::resolve(
            Some(dir.path().into()),
            "/unused".into(),
            "/unused".into(),
        ));
        state.open_files([
            "--some-flag".to_owned(),
            dir.path().join("missing.json").display().to_string(),
            dir.path().display().to_string(),
            export.display().to_string(),
        ]);
        assert_eq!(
            state.take_opened_files(),
            vec![export.display().to_string()]
        );
        assert!(state.take_opened_files().is_empty());
    }
}
