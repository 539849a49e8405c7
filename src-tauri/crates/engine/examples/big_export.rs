//! Writes a large, real export for the verify/audit benchmarks: the engine connects the built-in
//! sandbox lender, grants its consent request, has the lender append COUNT signed disclosures,
//! syncs them over loopback through the real client (every Ed25519 signature checked, each
//! disclosure stored in the SQLCipher vault with its ledger entry) and exports the vault as
//! JSON. Nothing is synthesised: every signature in the file is the lender's own.
//!
//! ```text
//! CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
//!   cargo run --release -p khata-engine --example big_export -- OUT.json [COUNT] [SCENARIO]
//! ```
//!
//! COUNT defaults to 1,000,000, SCENARIO to `salaried-good` (with `over-collector`, one
//! collection round runs before the sync, so the audit has findings of every kind too). The
//! vault lives in a temporary directory that is removed at the end.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use khata_engine::views::{ExportFormat, Progress, SignalChoice};
use khata_engine::{Engine, EngineConfig, MemoryTokenStore, Scenario};
use khata_vault::MemoryKeyStore;

fn noop(_: Progress) {}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .ok_or("usage: big_export OUT.json [COUNT] [SCENARIO]")?;
    let count: u64 = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let scenario: Scenario = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(Scenario::SalariedGood);

    let dir = tempfile::Builder::new()
        .prefix("khata-big-export-")
        .tempdir()?;
    let mut cfg = EngineConfig::new(dir.path());
    cfg.key_store = Some(Arc::new(MemoryKeyStore::new()));
    cfg.token_store = Some(Arc::new(MemoryTokenStore::default()));
    cfg.sandbox_scenario = scenario;
    let (engine, _) = Engine::open(cfg).await?;

    let lender = engine.connect_sandbox(noop).await?;
    engine.sync(&lender.id, noop).await?;
    let req = engine.consent_requests().await?.remove(0);
    let choices = req
        .signals
        .iter()
        .map(|s| SignalChoice {
            signal: s.signal.id.clone(),
            // As in the engine's tests: two signals denied, the rest granted.
            grant: !["location_stability", "life_events"].contains(&s.signal.id.as_str()),
        })
        .collect();
    engine.decide(&req.id, choices).await?;
    if scenario == Scenario::OverCollector {
        engine.sandbox_collect().await?;
    }

    let url = engine
        .sandbox_url()
        .await
        .ok_or("the sandbox is not running")?;
    let t = Instant::now();
    let resp = reqwest::Client::new()
        .post(format!("{url}/_sandbox/seed-disclosures?count={count}"))
        .timeout(Duration::from_secs(6 * 3600))
        .send()
        .await?;
    if !resp.status().is_success() {
        return Err(format!("seeding failed: HTTP {}", resp.status()).into());
    }
    let seed = t.elapsed();
    eprintln!(
        "lender signed and stored {count} disclosures in {seed:.1?} ({:.0}/s)",
        count as f64 / seed.as_secs_f64()
    );

    let t = Instant::now();
    let s = engine.sync(&lender.id, noop).await?;
    let sync = t.elapsed();
    eprintln!(
        "engine synced {} new disclosures in {sync:.1?} ({:.0}/s)",
        s.new_disclosures,
        s.new_disclosures as f64 / sync.as_secs_f64()
    );

    let t = Instant::now();
    let sum = engine
        .export(
            &out,
            ExportFormat::Json,
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
        .await?;
    let export = t.elapsed();
    eprintln!(
        "exported {} records, {} bytes to {out} in {export:.1?} ({:.0} MB/s); ledger head {}",
        sum.records,
        sum.bytes,
        sum.bytes as f64 / 1e6 / export.as_secs_f64(),
        sum.ledger_head
    );
    engine.close().await;
    Ok(())
}
