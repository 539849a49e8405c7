//! This lender as the desktop app's built-in sandbox: the engine starts it through its
//! launcher contract ([`khata_engine::SandboxLauncher`]), so the engine does not link this
//! crate; the app and the CLI pass a [`Launcher`] in `EngineConfig::sandbox`.

use std::path::PathBuf;

use khata_engine::views::SandboxScenarioView;
use khata_engine::{
    BoxFuture, LaunchError, SandboxFaults, SandboxKeyRotation, SandboxLauncher, SandboxLender,
};

use crate::faults::KeyRotation;
use crate::{Faults, RunningSandbox, SandboxConfig, Scenario};

/// Starts this lender with a scenario (and faults) chosen by whoever configures the engine.
#[derive(Clone)]
pub struct Launcher {
    /// How the lender behaves on its first start (later starts keep their state).
    pub scenario: Scenario,
    /// Faults injected from the start (tests and demos).
    pub faults: Option<Faults>,
    /// The admin routes' bearer token (tests and QA that drive `/_sandbox/…` over HTTP); a
    /// random one, known to no one, when `None`. The engine itself never needs it: it sets
    /// faults and runs collection rounds in process.
    pub admin_token: Option<String>,
}

impl Launcher {
    pub fn new(scenario: Scenario) -> Self {
        Self {
            scenario,
            faults: None,
            admin_token: None,
        }
    }
}

impl std::fmt::Debug for Launcher {
    /// Without the admin token, which is a credential.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Launcher")
            .field("scenario", &self.scenario)
            .field("faults", &self.faults)
            .field("admin_token", &self.admin_token.as_ref().map(|_| "…"))
            .finish()
    }
}

impl Default for Launcher {
    /// The borrower the app shows first: a salaried applicant with a good record.
    fn default() -> Self {
        Self::new(Scenario::SalariedGood)
    }
}

impl Launcher {
    /// Starts the lender in `scenario`; a state directory started before keeps the scenario
    /// it was first started with unless `chosen` (a tester's explicit pick).
    fn launch(
        &self,
        state_dir: PathBuf,
        scenario: Scenario,
        chosen: bool,
    ) -> BoxFuture<'_, Result<Box<dyn SandboxLender>, LaunchError>> {
        let config = SandboxConfig {
            scenario,
            faults: self.faults.clone(),
            admin_token: self.admin_token.clone(),
            state_dir: Some(state_dir),
            keep_first_scenario: !chosen,
            ..SandboxConfig::default()
        };
        Box::pin(async move {
            let running = crate::start(config).await?;
            Ok(Box::new(running) as Box<dyn SandboxLender>)
        })
    }
}

impl SandboxLauncher for Launcher {
    fn start(
        &self,
        state_dir: PathBuf,
    ) -> BoxFuture<'_, Result<Box<dyn SandboxLender>, LaunchError>> {
        self.launch(state_dir, self.scenario, false)
    }

    fn scenarios(&self) -> Vec<SandboxScenarioView> {
        crate::scenario::ALL
            .iter()
            .map(|s| SandboxScenarioView {
                name: s.name().into(),
                description: s.summary().into(),
            })
            .collect()
    }

    fn start_scenario(
        &self,
        state_dir: PathBuf,
        scenario: &str,
    ) -> BoxFuture<'_, Result<Box<dyn SandboxLender>, LaunchError>> {
        match scenario.parse::<Scenario>() {
            Ok(s) => self.launch(state_dir, s, true),
            Err(e) => Box::pin(async move { Err(e.into()) }),
        }
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

    fn phone_report(&self, format: &str) -> Result<Vec<u8>, LaunchError> {
        let format: crate::phone_report::ReportFormat = format.parse()?;
        Ok(RunningSandbox::phone_report(self, format)?)
    }

    fn stop(self: Box<Self>) -> BoxFuture<'static, Result<(), LaunchError>> {
        Box::pin(async move { Ok(RunningSandbox::shutdown(*self).await?) })
    }
}

/// Field by field, destructured on both sides: a fault added to either type and not the other
/// stops this from compiling.
impl From<SandboxFaults> for Faults {
    fn from(f: SandboxFaults) -> Self {
        let SandboxFaults {
            latency_ms,
            error_rate,
            drop_after_commit,
            malformed_json,
            oversize_body,
            drop_next,
            withhold_disclosures,
            endless_pages,
            hostile_problems,
            foreign_origin,
            future_receipts,
            receipt_keeps_active,
            widen_consent,
            never_acknowledge,
            claim_lender_id,
            rotate_key,
            reuse_consent_id,
            hide_rbi_flags,
            forked_history,
            drop_leaf,
            reorder_leaves,
            contract_v1,
        } = f;
        Faults {
            latency_ms,
            error_rate,
            drop_after_commit,
            malformed_json,
            oversize_body,
            drop_next,
            withhold_disclosures,
            endless_pages,
            hostile_problems,
            foreign_origin,
            future_receipts,
            receipt_keeps_active,
            widen_consent,
            never_acknowledge,
            claim_lender_id,
            reuse_consent_id,
            rotate_key: match rotate_key {
                SandboxKeyRotation::None => KeyRotation::None,
                SandboxKeyRotation::Endorsed => KeyRotation::Endorsed,
                SandboxKeyRotation::Unendorsed => KeyRotation::Unendorsed,
            },
            hide_rbi_flags,
            forked_history,
            drop_leaf,
            reorder_leaves,
            contract_v1,
            // Not in the engine's contract: set with `--fault` or `PUT /_sandbox/faults`.
            offer_off_quote: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Through the engine's contract: the lender keeps its state in the given directory, runs a
    /// collection round, and a restart on the same directory is the same lender (same signing
    /// key) at a new address.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_launcher_starts_and_restarts_the_same_lender() {
        let dir = tempfile::tempdir().unwrap();
        let launcher: &dyn SandboxLauncher = &Launcher::new(Scenario::OverCollector);
        let lender = launcher.start(dir.path().to_path_buf()).await.unwrap();
        assert!(lender.base_url().starts_with("http://127.0.0.1:"));
        assert!(dir.path().join(crate::DB_FILE).exists());
        let key = std::fs::read(dir.path().join(crate::KEY_FILE)).unwrap();
        // No consent yet: the round has nothing to collect, but it runs.
        assert_eq!(lender.collect().unwrap(), 0);
        // Its phone report, by format name: the over-collector's app read contacts at sign-up.
        let report = String::from_utf8(lender.phone_report("android-cmd").unwrap()).unwrap();
        assert!(report.contains("READ_CONTACTS: allow; time=+"), "{report}");
        let err = lender.phone_report("pdf").unwrap_err().to_string();
        assert!(err.contains("unknown phone report format"), "{err}");
        lender.stop().await.unwrap();

        let again = launcher.start(dir.path().to_path_buf()).await.unwrap();
        assert_eq!(
            std::fs::read(dir.path().join(crate::KEY_FILE)).unwrap(),
            key
        );
        again.stop().await.unwrap();
    }

    /// Faults set through the engine's contract reach the running lender, every field intact.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn faults_set_through_the_contract_reach_the_lender() {
        let running = crate::start(SandboxConfig::default()).await.unwrap();
        SandboxLender::set_faults(
            &running,
            SandboxFaults {
                latency_ms: 3,
                error_rate: 0.25,
                drop_after_commit: 0.5,
                malformed_json: 0.125,
                oversize_body: 0.0625,
                drop_next: 2,
                withhold_disclosures: 4,
                endless_pages: 1,
                hostile_problems: 0.03125,
                foreign_origin: Some("http://127.0.0.1:9".into()),
                future_receipts: true,
                receipt_keeps_active: true,
                widen_consent: true,
                never_acknowledge: true,
                claim_lender_id: Some("someone-else".into()),
                rotate_key: SandboxKeyRotation::Unendorsed,
                reuse_consent_id: Some("cons-1".into()),
                hide_rbi_flags: true,
                forked_history: true,
                drop_leaf: true,
                reorder_leaves: true,
                contract_v1: true,
            },
        );
        let mut expected = Faults::default();
        for spec in [
            "latency=3ms",
            "error-rate=0.25",
            "drop-after-commit=0.5",
            "malformed-json=0.125",
            "oversize-body=0.0625",
            "withhold-disclosures=4",
            "drop-next=2",
            "endless-pages=1",
            "hostile-problems=0.03125",
            "foreign-origin=http://127.0.0.1:9",
            "future-receipts=1",
            "receipt-keeps-active=1",
            "widen-consent=1",
            "never-acknowledge=1",
            "claim-lender-id=someone-else",
            "rotate-key=unsigned",
            "reuse-consent-id=cons-1",
            "hide-rbi-flags=1",
            "forked-history=1",
            "drop-leaf=1",
            "reorder-leaves=1",
            "contract-v1=1",
        ] {
            expected.apply_spec(spec).unwrap();
        }
        assert_eq!(running.faults(), expected);
        SandboxLender::stop(Box::new(running)).await.unwrap();
    }
}
