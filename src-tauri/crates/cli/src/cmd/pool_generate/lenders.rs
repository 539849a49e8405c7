//! The sandbox lenders of a generated pool, on loopback in this process: one sandbox per lender,
//! two for the lender that shows two histories (the second started on a copy of the first's
//! signing key, under the same lender id). A sandbox serves one borrower at a time, so donors
//! take turns on it in the plan's order (`Visit::turn`), and the lender's log grows the same way
//! in every run with one seed.

use std::path::Path;

use anyhow::Context as _;
use khata_sandbox::{RunningSandbox, SandboxConfig};
use tokio::sync::watch;

use super::plan::{LENDERS, LenderSpec};

/// A turn no donor holds: set when the run fails, so no donor waits for it for ever.
const ABORTED: usize = usize::MAX;

/// A donor stopped because another one failed (not a cause worth reporting on its own).
#[derive(Debug, thiserror::Error)]
#[error("stopped: another donor failed")]
pub struct Aborted;

pub struct Sandbox {
    pub spec: &'static LenderSpec,
    pub running: RunningSandbox,
    /// The turn being served: donors wait for theirs.
    turn: watch::Sender<usize>,
}

impl Sandbox {
    /// Waits until it is donor `turn`'s go; an error once the run has failed.
    pub async fn wait_turn(&self, turn: usize) -> anyhow::Result<()> {
        let mut rx = self.turn.subscribe();
        let now = *rx
            .wait_for(|t| *t == turn || *t == ABORTED)
            .await
            .context("the lender's turns ended")?;
        if now == ABORTED {
            return Err(Aborted.into());
        }
        Ok(())
    }

    /// Hands the sandbox to the next donor in line.
    pub fn end_turn(&self, turn: usize) {
        self.turn.send_replace(turn + 1);
    }
}

/// Every lender of the run: `sandboxes[lender][history]`.
pub struct Lenders {
    sandboxes: Vec<Vec<Sandbox>>,
}

impl Lenders {
    /// Starts the first `count` of [`LENDERS`], their state under `dir`.
    pub async fn start(dir: &Path, count: usize, seed: u64) -> anyhow::Result<Lenders> {
        let mut sandboxes = Vec::with_capacity(count);
        for (i, spec) in LENDERS.iter().take(count).enumerate() {
            let mut histories: Vec<Sandbox> = Vec::with_capacity(spec.histories);
            for history in 0..spec.histories {
                let state = dir.join(format!("{}-{history}", spec.id));
                std::fs::create_dir_all(&state)
                    .with_context(|| format!("creating {}", state.display()))?;
                if let Some(first) = histories.first() {
                    // Same key, same lender id: the second history is signed as the lender.
                    let key = khata_sandbox::KEY_FILE;
                    std::fs::copy(first.running.state_dir().join(key), state.join(key))
                        .with_context(|| format!("sharing {}'s signing key", spec.id))?;
                }
                let running = khata_sandbox::start(SandboxConfig {
                    scenario: spec.scenario(),
                    seed: seed.wrapping_add(i as u64),
                    state_dir: Some(state),
                    lender_id: Some(spec.id.into()),
                    ..SandboxConfig::default()
                })
                .await
                .with_context(|| format!("starting the sandbox lender {}", spec.id))?;
                histories.push(Sandbox {
                    spec,
                    running,
                    turn: watch::Sender::new(0),
                });
            }
            sandboxes.push(histories);
        }
        Ok(Lenders { sandboxes })
    }

    pub fn get(&self, lender: usize, history: usize) -> &Sandbox {
        &self.sandboxes[lender][history]
    }

    /// Releases every donor waiting for a turn (with an error): the run has failed.
    pub fn abort(&self) {
        for s in self.sandboxes.iter().flatten() {
            s.turn.send_replace(ABORTED);
        }
    }

    pub async fn shutdown(self) {
        for s in self.sandboxes.into_iter().flatten() {
            if let Err(e) = s.running.shutdown().await {
                tracing::warn!(lender = s.spec.id, error = %e, "sandbox did not stop cleanly");
            }
        }
    }
}
