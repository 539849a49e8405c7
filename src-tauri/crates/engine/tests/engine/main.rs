//! The engine end to end against real components: the sandbox lender over real HTTP on
//! loopback and a real SQLCipher vault on disk.
//!
//! Key custody uses `MemoryKeyStore` (and tokens `MemoryTokenStore`): custody is the vault
//! crate's tested concern (its keychain tests run against the real Secret Service), and these
//! tests must never touch the developer's real keychain.
//!
//! One test binary (each extra one costs a link); its modules group the tests by use case and
//! share the set-up functions below.

mod audit;
mod catalogues;
mod custody;
mod donate;
mod export;
mod hostile;
mod identity;
mod informed;
mod journey;
mod keychain;
mod local_access;
mod log;
mod outages;
mod phone;
mod phone_capture;
mod profile;
mod quotes;
mod receipts;
mod redaction;
mod regulatory;
mod revocation;
mod sandbox_scenarios;
mod scale;
mod share;
mod shell;
#[cfg(target_os = "linux")]
mod silent_keychain;
mod trust;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use khata_engine::views::*;
use khata_engine::*;
use khata_lending::types as wire;
use khata_lending::{ClientConfig, LendingClient};
use khata_vault::MemoryKeyStore;

fn fast_client() -> ClientConfig {
    ClientConfig {
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(2),
        max_retries: 4,
        backoff_base: Duration::from_millis(5),
        backoff_cap: Duration::from_millis(50),
        ..ClientConfig::default()
    }
}

fn config(dir: &Path, keys: &Arc<MemoryKeyStore>) -> EngineConfig {
    let mut c = EngineConfig::new(dir);
    c.key_store = Some(keys.clone());
    c.token_store = Some(Arc::new(MemoryTokenStore::default()));
    c.client = fast_client();
    c.sandbox = Some(Arc::new(khata_sandbox::launcher::Launcher {
        admin_token: Some(SANDBOX_ADMIN_TOKEN.into()),
        ..Default::default()
    }));
    c.outbox_backoff_base = Duration::from_millis(5);
    c.outbox_backoff_cap = Duration::from_millis(50);
    c
}

/// The built-in sandbox's admin token in these tests, for the `/_sandbox/…` routes.
const SANDBOX_ADMIN_TOKEN: &str = "engine-tests-admin-token";

fn noop(_: Progress) {}

/// A sandbox lender speaking contract 1.x (fault `contract-v1`): each disclosure signed on its
/// own and exported in a version 1 document, for the tests that read that format's structure.
fn contract_v1(
    mut launcher: khata_sandbox::launcher::Launcher,
) -> khata_sandbox::launcher::Launcher {
    let mut faults = launcher.faults.take().unwrap_or_default();
    faults.contract_v1 = true;
    launcher.faults = Some(faults);
    launcher
}

/// An export's document: the whole file for version 1, its first line for version 2.
fn document(bytes: &[u8]) -> serde_json::Value {
    let end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(bytes.len());
    serde_json::from_slice(&bytes[..end]).unwrap()
}

/// Syncs `lender_id`, then decides its first pending consent request: each signal granted
/// where `grant` says so. Returns the consent the lender answered with.
async fn decide_first_request(
    engine: &Engine,
    lender_id: &str,
    grant: impl Fn(&str) -> bool,
) -> ConsentView {
    engine.sync(lender_id, noop).await.unwrap();
    let req = engine
        .consent_requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.lender_id == lender_id)
        .expect("a pending request");
    let choices = req
        .signals
        .iter()
        .map(|s| SignalChoice {
            signal: s.signal.id.clone(),
            grant: grant(&s.signal.id),
        })
        .collect();
    engine.decide(&req.id, choices).await.unwrap()
}

/// Exports the vault as JSON to `out` and reads the file back.
async fn export_json(engine: &Engine, out: &Path) -> Vec<u8> {
    engine
        .export(
            out,
            ExportFormat::Json,
            Default::default(),
            |_| {},
            Arc::new(std::sync::atomic::AtomicBool::new(false)),
        )
        .await
        .unwrap();
    std::fs::read(out).unwrap()
}

/// Connects the lender at `url` through its real OAuth flow, as the app does: the authorize URL
/// opens in a "browser" that approves at once and follows the redirect to Khata's loopback
/// listener. `repin` is the fingerprint the borrower accepted, if any.
async fn connect_through_browser(
    engine: &Engine,
    url: &str,
    repin: Option<String>,
) -> khata_engine::Result<LenderView> {
    let http = reqwest::Client::new();
    engine
        .connect_repinning(url, repin, |authorize| async move {
            http.get(authorize.as_str())
                .send()
                .await
                .map(|_| ())
                .map_err(|e| khata_lending::LendingError::Network(e.to_string()))
        })
        .await
}

const DENY: [&str; 2] = ["location_stability", "life_events"];

/// Opens an engine, connects the sandbox, syncs and grants its request with two signals denied.
async fn journey(dir: &Path, keys: &Arc<MemoryKeyStore>) -> (Engine, ConsentView) {
    let (engine, recovery) = Engine::open(config(dir, keys)).await.unwrap();
    assert!(recovery.is_some(), "first open shows the recovery key");
    let lender = engine.connect_sandbox(noop).await.unwrap();
    assert!(lender.is_sandbox);
    let s = engine.sync(&lender.id, noop).await.unwrap();
    assert!(s.reachable);
    let reqs = engine.consent_requests().await.unwrap();
    assert_eq!(reqs.len(), 1);
    let req = &reqs[0];
    let choices = req
        .signals
        .iter()
        .map(|s| SignalChoice {
            signal: s.signal.id.clone(),
            grant: !DENY.contains(&s.signal.id.as_str()),
        })
        .collect();
    let consent = engine.decide(&req.id, choices).await.unwrap();
    (engine, consent)
}

/// The lender's own view of a consent, straight from the sandbox.
async fn lender_consent(engine: &Engine, consent_id: &str) -> wire::Consent {
    let url = engine.sandbox_url().await.expect("sandbox runs");
    let c = LendingClient::connect(&url, fast_client()).await.unwrap();
    let tok = c.authorize_headless("khata-tests").await.unwrap();
    c.with_access_token(tok.access_token)
        .consent(consent_id)
        .await
        .unwrap()
}

async fn wait_confirmed(engine: &Engine, revocation_id: &str) -> RevocationView {
    for _ in 0..200 {
        let r = engine.revocation(revocation_id).await.unwrap();
        if r.state == DeliveryState::Confirmed {
            return r;
        }
        let _ = engine.deliver_outbox().await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("revocation {revocation_id} never confirmed");
}
