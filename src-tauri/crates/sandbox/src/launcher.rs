//! This lender as the desktop app's built-in sandbox: the engine starts it through its
//! launcher contract ([`khata_engine::SandboxLauncher`]), so the engine does not link this
//! crate; the app and the CLI pass a [`Launcher`] in `EngineConfig::sandbox`.

use std::path::PathBuf;

use khata_engine::{BoxFuture, LaunchError, SandboxFaults, SandboxLauncher, SandboxLender};

use crate::{Faults, RunningSandbox, SandboxConfig, Scenario};

/// Starts this lender with a scenario (and faults) chosen by whoever configures the engine.
#[derive(Debug, Clone)]
pub struct Launcher {
    /// How the lender behaves on its first start (later starts keep their state).
    pub scenario: Scenario,
    /// Faults injected from the start (tests and demos).
    pub faults: Option<Faults>,
}

impl Launcher {
    pub fn new(scenario: Scenario) -> Self {
        Self {
            scenario,
            faults: None,
        }
    }
}

impl Default for Launcher {
    /// The borrower the app shows first: a salaried applicant with a good record.
    fn default() -> Self {
        Self::new(Scenario::SalariedGood)
    }
}

impl SandboxLauncher for Launcher {
    fn start(
        &self,
        state_dir: PathBuf,
    ) -> BoxFuture<'_, Result<Box<dyn SandboxLender>, LaunchError>> {
        let config = SandboxConfig {
            scenario: self.scenario,
            faults: self.faults.clone(),
            state_dir: Some(state_dir),
            ..SandboxConfig::default()
        };
        Box::pin(async move {
            let running = crate::start(config).await?;
            Ok(Box::new(running) as Box<dyn SandboxLender>)
        })
    }
}

impl SandboxLender for RunningSandbox {
    fn base_url(&self) -> &str {
        RunningSandbox::base_url(self)
    }

    fn set_faults(&self, faults: SandboxFaults) {
        RunningSandbox::set_faults(self, faults.into());
    }

    fn collect(&self) -> Result<usize, LaunchError> {
        Ok(RunningSandbox::collect(self)?)
    }

    fn stop(self: Box<Self>) -> BoxFuture<'static, Result<(), LaunchError>> {
        Box::pin(async move { Ok(RunningSandbox::shutdown(*self).await?) })
    }
}

impl From<SandboxFaults> for Faults {
    fn from(f: SandboxFaults) -> Self {
        Faults {
            latency_ms: f.latency_ms,
            error_rate: f.error_rate,
            drop_after_commit: f.drop_after_commit,
            malformed_json: f.malformed_json,
            oversize_body: f.oversize_body,
            drop_next: f.drop_next,
        }
    }
}
