//! A large vault for the app benchmarks (docs/BENCHMARKS.md, "App"), made the way a user's
//! vault is: through the engine's normal code paths, nothing written behind its back.
//!
//! `fill DATA_DIR [COUNT] [SCENARIO]` opens (creates) the vault in DATA_DIR exactly as the app
//! does — key in the OS keychain, so run it inside `tests/support/with-keyring` with
//! `KHATA_KEYRING_DIR` kept, and the app finds the key again — connects the built-in sandbox
//! lender (its state in DATA_DIR, as in the app; SCENARIO defaults to `salaried-good`, and with
//! `over-collector` one collection round runs first, so an audit has findings of every kind),
//! grants its consent request, has the lender sign and store COUNT disclosures (default
//! 1,000,000), then times one `Engine::sync`: pages of 1,000 fetched over loopback, every
//! Ed25519 signature checked, each page stored in the SQLCipher vault with its ledger entries
//! in one transaction. The sandbox runs in this process, as in the app — unless
//! `KHATA_BENCH_LENDER` names a sandbox lender already running as a process of its own
//! (`khata sandbox --port P --admin-token T`, with `KHATA_SANDBOX_ADMIN_TOKEN=T` here too):
//! then the engine connects to it as to any lender (OAuth through its auto-approving
//! authorize page), which is how a lender on another machine shares nothing with the vault.
//!
//! `export DATA_DIR OUT json|csv|html` times `Engine::export` of that vault: with `json`, the
//! real export the verify and audit benchmarks read (every signature in it is the lender's own).
//!
//! `open DATA_DIR` times what the app does before its home screen has data: `Engine::open`
//! (keychain, SQLCipher, the sandbox lender restarted) and `Engine::overview`, twice (the
//! second with SQLite's page cache warm).
//!
//! All print what they measured on stderr, with the process's peak resident memory.
//!
//! ```text
//! cargo build --release -p khata-engine --example bench_vault
//! KHATA_KEYRING_DIR=/work/bench-data/keyring tests/support/with-keyring \
//!   target/release/examples/bench_vault fill /work/bench-data/vault-1m 1000000
//! ```

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use khata_engine::views::{ExportFormat, Progress, SignalChoice};
use khata_engine::{Engine, EngineConfig};
use khata_sandbox::Scenario;
use khata_sandbox::launcher::Launcher;

type Error = Box<dyn std::error::Error>;

/// The built-in sandbox's admin token here, for its seeding route.
const ADMIN_TOKEN: &str = "bench-admin-token";

fn noop(_: Progress) {}

/// The app's configuration: OS keychain for the vault key and lender tokens, the built-in
/// sandbox lender started in this process.
fn app_config(dir: &std::path::Path, scenario: Scenario) -> EngineConfig {
    let mut cfg = EngineConfig::new(dir);
    cfg.sandbox = Some(Arc::new(Launcher {
        admin_token: Some(ADMIN_TOKEN.into()),
        ..Launcher::new(scenario)
    }));
    cfg
}

/// `VmHWM` (peak resident set) of this process, from /proc (Linux only; "?" elsewhere).
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_owned())
        })
        .unwrap_or_else(|| "?".into())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["fill", dir] => fill(dir.into(), 1_000_000, Scenario::SalariedGood).await,
        ["fill", dir, count] => fill(dir.into(), count.parse()?, Scenario::SalariedGood).await,
        ["fill", dir, count, scenario] => fill(dir.into(), count.parse()?, scenario.parse()?).await,
        ["export", dir, out, format] => {
            let format = match format {
                "json" => ExportFormat::Json,
                "csv" => ExportFormat::Csv,
                "html" => ExportFormat::Html,
                other => return Err(format!("unknown format {other}").into()),
            };
            export(dir.into(), out.into(), format).await
        }
        ["open", dir] => open(dir.into()).await,
        _ => Err(
            "usage: bench_vault fill DATA_DIR [COUNT] [SCENARIO] | export DATA_DIR OUT json|csv|html | open DATA_DIR"
                .into(),
        ),
    }
}

async fn fill(dir: PathBuf, count: u64, scenario: Scenario) -> Result<(), Error> {
    if dir.join(khata_engine::VAULT_FILE).exists() {
        return Err(format!("{} already holds a vault", dir.display()).into());
    }
    let remote = std::env::var("KHATA_BENCH_LENDER").ok();
    let admin_token = match &remote {
        Some(_) => std::env::var("KHATA_SANDBOX_ADMIN_TOKEN")
            .map_err(|_| "KHATA_BENCH_LENDER needs KHATA_SANDBOX_ADMIN_TOKEN")?,
        None => ADMIN_TOKEN.to_owned(),
    };
    let cfg = match &remote {
        Some(_) => EngineConfig::new(&dir),
        None => app_config(&dir, scenario),
    };
    let (engine, _recovery_key) = Engine::open(cfg).await?;

    let lender = match &remote {
        // The lender's authorize page approves at once and redirects to the engine's loopback
        // listener: following the redirect is the browser's whole part.
        Some(url) => {
            engine
                .connect(url, |authorize| async move {
                    reqwest::get(authorize).await.map(drop).map_err(|e| {
                        khata_lending::LendingError::Network(format!("authorize: {e}"))
                    })
                })
                .await?
        }
        None => engine.connect_sandbox(noop).await?,
    };
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
    if scenario == Scenario::OverCollector && remote.is_none() {
        engine.sandbox_collect().await?;
    }
    // Pick up the consent and the offer that followed it, so the first timed sync below
    // carries the disclosures and little else.
    engine.sync(&lender.id, noop).await?;
    let before = engine.overview().await?.disclosures;

    let url = match remote {
        Some(url) => url,
        None => engine
            .sandbox_url()
            .await
            .ok_or("the sandbox is not running")?,
    };
    let t = Instant::now();
    let resp = reqwest::Client::new()
        .post(format!("{url}/_sandbox/seed-disclosures?count={count}"))
        .bearer_auth(&admin_token)
        .timeout(Duration::from_secs(6 * 3600))
        .send()
        .await?;
    if !resp.status().is_success() {
        return Err(format!("seeding failed: HTTP {}", resp.status()).into());
    }
    let seed = t.elapsed();
    eprintln!(
        "seed: the lender signed and stored {count} disclosures in {:.1} s ({:.0}/s)",
        seed.as_secs_f64(),
        count as f64 / seed.as_secs_f64()
    );

    let t = Instant::now();
    let s = engine.sync(&lender.id, noop).await?;
    let sync = t.elapsed();
    eprintln!(
        "sync: {} new disclosures in {:.1} s ({:.0}/s), reachable {}",
        s.new_disclosures,
        sync.as_secs_f64(),
        s.new_disclosures as f64 / sync.as_secs_f64(),
        s.reachable
    );
    let after = engine.overview().await?;
    eprintln!(
        "vault: {} disclosures ({} before the timed sync), {} active consent(s), offer {}",
        after.disclosures,
        before,
        after.active_consents,
        after.latest_offer.is_some()
    );
    engine.close().await;
    let size = std::fs::metadata(dir.join(khata_engine::VAULT_FILE))?.len();
    eprintln!(
        "vault file: {size} bytes; peak resident memory of this process: {}",
        peak_rss()
    );
    Ok(())
}

async fn export(dir: PathBuf, out: PathBuf, format: ExportFormat) -> Result<(), Error> {
    let mut cfg = app_config(&dir, Scenario::SalariedGood);
    // As `khata export` does.
    cfg.start_sandbox_on_open = true;
    let (engine, _) = Engine::open(cfg).await?;
    let t = Instant::now();
    let sum = engine
        .export(
            &out,
            format,
            Default::default(),
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
        .await?;
    let took = t.elapsed();
    eprintln!(
        "export {format:?}: {} records, {} bytes in {:.1} s ({:.1} MB/s); peak resident memory {}",
        sum.records,
        sum.bytes,
        took.as_secs_f64(),
        sum.bytes as f64 / 1e6 / took.as_secs_f64(),
        peak_rss()
    );
    engine.close().await;
    Ok(())
}

async fn open(dir: PathBuf) -> Result<(), Error> {
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let (engine, _) = Engine::open(app_config(&dir, Scenario::SalariedGood)).await?;
    let open = ms(t);
    let t = Instant::now();
    let first = engine.overview().await?;
    let overview = ms(t);
    let t = Instant::now();
    engine.overview().await?;
    let again = ms(t);
    eprintln!(
        "open {open:.1} ms, overview {overview:.1} ms ({} disclosures), overview again {again:.1} ms",
        first.disclosures
    );
    engine.close().await;
    Ok(())
}
