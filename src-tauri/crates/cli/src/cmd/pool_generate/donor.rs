//! One donor, through the same engine the app runs: a vault of their own (its key in process
//! memory, never the keychain), each lender of their plan connected over its real OAuth flow,
//! the consent request answered, synced, some of it revoked, synced again, the lender's app as
//! their phone recorded it imported, and finally one donation written.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use khata_engine::views::{DeliveryState, Progress, SignalChoice};
use khata_engine::{Engine, EngineConfig, MemoryTokenStore};
use khata_sandbox::phone_report::ReportFormat;
use khata_vault::MemoryKeyStore;

use super::lenders::{Lenders, Sandbox};
use super::plan::{Answer, DonorPlan, Revoke, Visit, phone_format};

fn noop(_: Progress) {}

/// Runs one donor's plan in `dir` (their data folder) and writes their donation into `out`.
/// Returns the donation's path.
pub async fn run(
    plan: &DonorPlan,
    lenders: &Lenders,
    dir: &Path,
    out: &Path,
    http: &reqwest::Client,
) -> anyhow::Result<PathBuf> {
    let mut cfg = EngineConfig::new(dir);
    // A throw-away vault: its key lives in this process only, and so do the lenders' tokens.
    cfg.key_store = Some(Arc::new(MemoryKeyStore::new()));
    cfg.token_store = Some(Arc::new(MemoryTokenStore::default()));
    cfg.sandbox = None;
    cfg.start_sandbox_on_open = false;
    let (engine, _recovery_key) = Engine::open(cfg).await.context("creating the vault")?;
    let result = visit_all(&engine, plan, lenders, dir, http).await;
    let donation = match result {
        Ok(()) => super::donation::write(&engine, plan, out).await,
        Err(e) => Err(e),
    };
    engine.close().await;
    donation
}

async fn visit_all(
    engine: &Engine,
    plan: &DonorPlan,
    lenders: &Lenders,
    dir: &Path,
    http: &reqwest::Client,
) -> anyhow::Result<()> {
    for visit in &plan.visits {
        let sandbox = lenders.get(visit.lender, visit.history);
        sandbox.wait_turn(visit.turn).await?;
        let done = visit_one(engine, sandbox, visit, dir, http)
            .await
            .with_context(|| format!("lender {}", visit.lender_id));
        // The lender's next borrower may go even when this one failed: the run stops anyway.
        sandbox.end_turn(visit.turn);
        done?;
    }
    Ok(())
}

/// One donor's dealings with one lender, while the lender serves only them.
async fn visit_one(
    engine: &Engine,
    sandbox: &Sandbox,
    visit: &Visit,
    dir: &Path,
    http: &reqwest::Client,
) -> anyhow::Result<()> {
    let lender_sb = &sandbox.running;
    lender_sb.next_borrower()?;
    let lender = engine
        .connect(lender_sb.base_url(), |authorize| async move {
            // The sandbox's authorize page approves at once and redirects to the engine's
            // loopback listener: following it is the browser's part.
            http.get(authorize.as_str())
                .send()
                .await
                .map(|_| ())
                .map_err(|e| khata_lending::LendingError::Network(e.to_string()))
        })
        .await
        .context("connecting")?;
    engine.sync(&lender.id, noop).await.context("syncing")?;
    let request = engine
        .consent_requests()
        .await?
        .into_iter()
        .find(|r| r.lender_id == lender.id)
        .context("the lender asked for no consent")?;
    let choices = request
        .signals
        .iter()
        .map(|s| SignalChoice {
            signal: s.signal.id.clone(),
            grant: match visit.answer {
                Answer::ShareAll => true,
                Answer::OnlyNeeded => s.required,
                Answer::Refuse => false,
            },
        })
        .collect();
    let consent = engine
        .decide(&request.id, choices)
        .await
        .context("answering the consent request")?;
    engine.sync(&lender.id, noop).await.context("syncing")?;
    let signals = match visit.revoke {
        Revoke::Nothing => None,
        Revoke::Consent => Some(Vec::new()),
        Revoke::OneSignal => Some(
            consent
                .granted
                .iter()
                .take(1)
                .map(|s| s.id.clone())
                .collect(),
        ),
    };
    if let Some(signals) = signals.filter(|_| !consent.granted.is_empty()) {
        let revocation = engine
            .revoke(&consent.id, signals)
            .await
            .context("revoking")?;
        if revocation.state != DeliveryState::Confirmed {
            engine
                .deliver_outbox()
                .await
                .context("delivering the revocation")?;
            let r = engine.revocation(&revocation.id).await?;
            anyhow::ensure!(
                r.state == DeliveryState::Confirmed,
                "the lender did not confirm the revocation: {}",
                r.last_error.as_deref().unwrap_or("no answer")
            );
        }
    }
    // The lender's next periodic collection (the over-collector's goes on after revocation).
    lender_sb.collect()?;
    engine
        .sync(&lender.id, noop)
        .await
        .context("syncing again")?;
    if let Some(format) = visit.phone_report {
        import_phone_report(engine, sandbox, &lender.id, phone_format(format), dir).await?;
    }
    Ok(())
}

/// What the donor's phone recorded the lender's app doing, saved and imported as a borrower
/// would (Android's app-ops times are the phone's local time: India's).
async fn import_phone_report(
    engine: &Engine,
    sandbox: &Sandbox,
    lender_id: &str,
    format: ReportFormat,
    dir: &Path,
) -> anyhow::Result<()> {
    let bytes = sandbox.running.phone_report(format)?;
    let path = dir.join(format!("phone-{lender_id}-{}", format.name()));
    std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    let offset = (format != ReportFormat::Ios).then_some(330);
    engine
        .phone_import(&path, None, Some(lender_id.into()), offset, noop)
        .await
        .with_context(|| format!("importing the {} phone report", format.name()))?;
    Ok(())
}
