//! How the engine starts the built-in sandbox lender without linking it.
//!
//! The sandbox is a whole lender (an HTTP server with its own database); the engine only needs
//! to start one, learn its address, and pass on the test controls. So the engine defines this
//! small launcher contract, the sandbox crate implements it, and the app and the CLI hand an
//! implementation in through [`crate::EngineConfig::sandbox`]. A build without one simply has
//! no sandbox lender to connect.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use crate::views::SandboxScenarioView;

/// A boxed future, so the launcher traits stay object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a sandbox lender could not start or do what it was asked.
pub type LaunchError = Box<dyn std::error::Error + Send + Sync>;

/// Starts sandbox lenders for the engine.
pub trait SandboxLauncher: Send + Sync {
    /// Starts a sandbox lender on 127.0.0.1 (a free port) that keeps its state, signing key
    /// included, in `state_dir`, so a restart is the same lender at a new address.
    fn start(
        &self,
        state_dir: PathBuf,
    ) -> BoxFuture<'_, Result<Box<dyn SandboxLender>, LaunchError>>;

    /// The behaviours (scenarios) this launcher can start a lender in, for a tester to pick
    /// one; empty when it plays only its own.
    fn scenarios(&self) -> Vec<SandboxScenarioView> {
        Vec::new()
    }

    /// [`SandboxLauncher::start`] playing `scenario` (one of [`SandboxLauncher::scenarios`]'
    /// names) rather than the launcher's own. A launcher without scenarios refuses any.
    fn start_scenario(
        &self,
        state_dir: PathBuf,
        scenario: &str,
    ) -> BoxFuture<'_, Result<Box<dyn SandboxLender>, LaunchError>> {
        let err: LaunchError = format!("this sandbox lender plays no scenario {scenario:?}").into();
        let _ = state_dir;
        Box::pin(async move { Err(err) })
    }
}

/// A running sandbox lender. Dropping it stops it too; [`SandboxLender::stop`] waits until it
/// has.
pub trait SandboxLender: Send + Sync {
    /// Where the lender answers (its discovery document is below this).
    fn base_url(&self) -> &str;
    /// Replaces the faults it injects (tests and demos).
    fn set_faults(&self, faults: SandboxFaults);
    /// Runs one of the lender's collection rounds now; returns how many disclosures it made.
    fn collect(&self) -> Result<usize, LaunchError>;
    /// What the borrower's phone would have recorded the lender's app doing, as a file in
    /// `format` (`ios`, `android-appops`, `android-cmd`, `android-capture`), from the lender's
    /// state now: QA of phone evidence without a phone. A lender that cannot write one says so.
    fn phone_report(&self, format: &str) -> Result<Vec<u8>, LaunchError> {
        let _ = format;
        Err("this sandbox lender writes no phone report".into())
    }
    /// Stops serving and waits for the server to finish.
    fn stop(self: Box<Self>) -> BoxFuture<'static, Result<(), LaunchError>>;
}

/// Faults a sandbox lender injects into its answers, so the engine is tested against the
/// failures real networks and lenders produce. Zero everywhere is a well-behaved lender.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SandboxFaults {
    /// Delay before every response.
    pub latency_ms: u64,
    /// Share of requests answered 503 before any work is done.
    pub error_rate: f64,
    /// Share of successful POSTs that commit, then drop the connection mid-body.
    pub drop_after_commit: f64,
    /// Share of successful responses carrying truncated JSON.
    pub malformed_json: f64,
    /// Share of successful responses carrying a body above the client's size cap.
    pub oversize_body: f64,
    /// Drop the next N successful POST responses after commit, then stop (for exact tests).
    pub drop_next: u32,
    // --- a hostile lender's faults
    /// Never list a disclosure whose `seq` is a multiple of N (0: list all).
    pub withhold_disclosures: u64,
    /// 1: the disclosure log never ends (empty pages, fresh cursors); 2: a repeated cursor.
    pub endless_pages: u8,
    /// Share of requests answered with a huge problem document full of control characters.
    pub hostile_problems: f64,
    /// Another origin the discovery document names for the API base and the token endpoint.
    pub foreign_origin: Option<String>,
    /// Consent-action receipts claim an `effectiveAt` years ahead.
    pub future_receipts: bool,
    /// A revocation's receipt (and the lender's consent) stay ACTIVE.
    pub receipt_keeps_active: bool,
    /// A decision's consent grants every requested signal.
    pub widen_consent: bool,
    /// Revocations are answered 503 forever.
    pub never_acknowledge: bool,
    /// Claim this lender id instead of its own (an impostor).
    pub claim_lender_id: Option<String>,
    /// Switch to a new signing key, with or without an endorsement by the old one.
    pub rotate_key: SandboxKeyRotation,
    /// Give the consents it grants this id (one another lender already uses).
    pub reuse_consent_id: Option<String>,
    /// Publish the signal catalogue without regulatory flags (`hide-rbi-flags`).
    pub hide_rbi_flags: bool,
    /// After a client has fetched the v2 disclosure log, rewrite an earlier leaf and rebuild
    /// the tree, so later tree heads contradict earlier ones (`forked-history`).
    pub forked_history: bool,
    /// The same, removing an earlier leaf and renumbering the rest (`drop-leaf`).
    pub drop_leaf: bool,
    /// The same, swapping two earlier leaves (`reorder-leaves`).
    pub reorder_leaves: bool,
    /// Publish contract 1.x in discovery (`contract-v1`): clients sync `/disclosures`.
    pub contract_v1: bool,
}

/// A sandbox lender's key rotation (see [`SandboxFaults::rotate_key`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SandboxKeyRotation {
    #[default]
    None,
    /// A new key, endorsed by a statement signed with the old key.
    Endorsed,
    /// A new key with no endorsement.
    Unendorsed,
}
