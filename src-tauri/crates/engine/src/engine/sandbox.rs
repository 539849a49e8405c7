//! The built-in sandbox lender's lifecycle: started in-process on demand through the configured
//! [`crate::SandboxLauncher`], restarted on a new port with its kept state, faults and
//! collection rounds driven by tests and demos.

use std::collections::HashSet;

use khata_lending::LendingClient;
use khata_lending::types as wire;

use super::{Engine, SANDBOX_DIR, SANDBOX_LENDER_ID};
use crate::error::{EngineError, Result};
use crate::launcher::SandboxFaults;
use crate::views::SandboxScenarioView;

impl Engine {
    /// The built-in sandbox's base URL, when it runs.
    pub async fn sandbox_url(&self) -> Option<String> {
        self.sandbox
            .lock()
            .await
            .as_ref()
            .map(|s| s.base_url().to_string())
    }

    /// The scenarios the built-in sandbox lender can play (none in a build without one).
    pub fn sandbox_scenarios(&self) -> Vec<SandboxScenarioView> {
        self.cfg
            .sandbox
            .as_ref()
            .map(|l| l.scenarios())
            .unwrap_or_default()
    }

    /// Changes the built-in sandbox's faults at run time (tests and demos).
    pub async fn set_sandbox_faults(&self, faults: SandboxFaults) -> Result<()> {
        match self.sandbox.lock().await.as_ref() {
            Some(sb) => {
                sb.set_faults(faults);
                Ok(())
            }
            None => Err(EngineError::NotFound(
                "the sandbox lender is not running".into(),
            )),
        }
    }

    /// Runs one collection round at the built-in sandbox (tests and demos).
    pub async fn sandbox_collect(&self) -> Result<usize> {
        match self.sandbox.lock().await.as_ref() {
            Some(sb) => sb
                .collect()
                .map_err(|e| EngineError::Internal(e.to_string())),
            None => Err(EngineError::NotFound(
                "the sandbox lender is not running".into(),
            )),
        }
    }

    /// What the built-in sandbox lender's app would have left on the borrower's phone, as a
    /// report file in `format` (`ios`, `android-appops`, `android-cmd`, `android-capture`), from
    /// the lender's state now: QA of phone evidence without a phone.
    pub async fn sandbox_phone_report(&self, format: &str) -> Result<Vec<u8>> {
        match self.sandbox.lock().await.as_ref() {
            Some(sb) => sb
                .phone_report(format)
                .map_err(|e| EngineError::InvalidInput(e.to_string())),
            None => Err(EngineError::NotFound(
                "the sandbox lender is not running".into(),
            )),
        }
    }

    /// Stops the built-in sandbox (tests: the lender goes down).
    pub async fn stop_sandbox(&self) {
        if let Some(sb) = self.sandbox.lock().await.take() {
            let _ = sb.stop().await;
        }
        self.clients.lock().await.remove(SANDBOX_LENDER_ID);
    }

    /// Starts the built-in sandbox (if not running) on a new port with its kept state, and
    /// points its stored link at the new address. Returns its base URL.
    pub(super) async fn ensure_sandbox(&self, scenario: Option<&str>) -> Result<String> {
        let mut guard = self.sandbox.lock().await;
        if let Some(sb) = guard.as_ref() {
            if scenario.is_some() {
                return Err(EngineError::InvalidInput(
                    "the built-in sandbox lender is running already; its scenario was chosen \
                     when it first started"
                        .into(),
                ));
            }
            return Ok(sb.base_url().to_string());
        }
        let launcher = self.cfg.sandbox.as_ref().ok_or_else(|| {
            EngineError::NotFound("this build has no sandbox lender to start".into())
        })?;
        let state_dir = self.cfg.data_dir.join(SANDBOX_DIR);
        let sb = match scenario {
            None => launcher.start(state_dir).await,
            Some(name) => {
                if !launcher.scenarios().iter().any(|s| s.name == name) {
                    return Err(EngineError::InvalidInput(format!(
                        "the sandbox lender has no scenario {name:?}"
                    )));
                }
                launcher.start_scenario(state_dir, name).await
            }
        }
        .map_err(|e| EngineError::Internal(format!("the sandbox lender did not start: {e}")))?;
        let url = sb.base_url().to_string();
        *guard = Some(sb);
        drop(guard);
        self.clients.lock().await.remove(SANDBOX_LENDER_ID);
        // Re-point an existing link at the new port; keys must be the ones pinned before.
        let existing = self
            .with_vault(|v| Ok(v.lender_link(SANDBOX_LENDER_ID)?))
            .await?;
        if let Some(mut link) = existing {
            let client = LendingClient::connect(&url, self.cfg.client.clone()).await?;
            let disc = client.discovery().clone();
            let old: wire::Discovery = serde_json::from_str(&link.discovery)?;
            let old_ids: HashSet<_> = old.keys.iter().map(|k| &k.key_id).collect();
            if !disc.keys.iter().any(|k| old_ids.contains(&k.key_id)) {
                return Err(EngineError::SignatureInvalid(
                    "the sandbox lender's signing key changed since it was connected".into(),
                ));
            }
            link.api_base = disc.api_base.clone();
            link.discovery = serde_json::to_string(&disc)?;
            link.reachable = true;
            self.with_vault(move |v| Ok(v.upsert_lender_link(&link)?))
                .await?;
        }
        Ok(url)
    }
}
