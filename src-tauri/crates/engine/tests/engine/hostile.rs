//! A hostile lender against the real engine: the sandbox's hostile faults (`endless-pages`,
//! `foreign-origin`, `hostile-problems`) over loopback HTTP, a real vault on disk. Each attack
//! is refused or cut short, and the borrower's data stays intact.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use khata_engine::views::*;
use khata_engine::*;
use khata_lending::lender_text::{MAX_CHARS, is_unsafe};
use khata_vault::MemoryKeyStore;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::{config, connect_through_browser, decide_first_request, journey, noop};

/// Long enough for any honest sync here; an endless listing never finishes in it.
const SYNC_DEADLINE: Duration = Duration::from_secs(30);

async fn sync_in_time(engine: &Engine) -> SyncSummary {
    tokio::time::timeout(SYNC_DEADLINE, engine.sync(SANDBOX_LENDER_ID, noop))
        .await
        .expect("the sync ended")
        .expect("the sync succeeded")
}

async fn ledger_entries(engine: &Engine) -> u64 {
    engine.verify_ledger().await.unwrap().1
}

/// An engine connected to an over-collecting sandbox (it discloses more every collection
/// round), its request granted in full and everything so far synced.
async fn over_collector(
    dir: &std::path::Path,
    keys: &Arc<MemoryKeyStore>,
    page_limit: u32,
    max_pages: u32,
) -> Engine {
    let mut cfg = config(dir, keys);
    cfg.sync_page_limit = page_limit;
    cfg.sync_max_pages = max_pages;
    // Contract 1.x: the page cap is the cursor listing's.
    cfg.sandbox = Some(Arc::new(crate::contract_v1(
        khata_sandbox::launcher::Launcher::new(khata_sandbox::Scenario::OverCollector),
    )));
    let (engine, _) = Engine::open(cfg).await.unwrap();
    let lender = engine.connect_sandbox(noop).await.unwrap();
    decide_first_request(&engine, &lender.id, |_| true).await;
    for _ in 0..1000 {
        if engine.sync(&lender.id, noop).await.unwrap().new_disclosures == 0 {
            return engine;
        }
    }
    panic!("the honest sync never caught up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_empty_pages_end_the_listing_without_ledger_entries() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let engine = over_collector(dir.path(), &keys, 1000, DEFAULT_SYNC_MAX_PAGES).await;
    let held = engine.overview().await.unwrap().disclosures;
    let collected = engine.sandbox_collect().await.unwrap() as u64;
    assert!(collected > 0);
    engine
        .set_sandbox_faults(SandboxFaults {
            endless_pages: 1,
            ..SandboxFaults::default()
        })
        .await
        .unwrap();
    let s = sync_in_time(&engine).await;
    assert!(s.reachable);
    assert_eq!(s.new_disclosures, collected, "every real record arrived");

    // Nothing new: the lender still pages on, and the vault records nothing for it.
    let before = ledger_entries(&engine).await;
    for _ in 0..3 {
        assert_eq!(sync_in_time(&engine).await.new_disclosures, 0);
    }
    assert_eq!(
        ledger_entries(&engine).await,
        before,
        "no ledger entry per empty page"
    );
    let overview = engine.overview().await.unwrap();
    assert_eq!(overview.disclosures, held + collected as i64);
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_cursor_ends_the_listing() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let engine = over_collector(dir.path(), &keys, 1000, DEFAULT_SYNC_MAX_PAGES).await;
    let collected = engine.sandbox_collect().await.unwrap() as u64;
    engine
        .set_sandbox_faults(SandboxFaults {
            endless_pages: 2,
            ..SandboxFaults::default()
        })
        .await
        .unwrap();
    let s = sync_in_time(&engine).await;
    assert!(s.reachable);
    assert_eq!(s.new_disclosures, collected);
    assert_eq!(sync_in_time(&engine).await.new_disclosures, 0);
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_sync_fetches_at_most_its_page_cap_and_the_next_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let engine = over_collector(dir.path(), &keys, 2, 2).await;
    let held = engine.overview().await.unwrap().disclosures;
    let collected = engine.sandbox_collect().await.unwrap() as u64;
    assert!(
        collected > 4,
        "{collected} disclosures: more than two pages of two"
    );
    // Each sync stores at most two pages of two (fewer when the lender repeats a record).
    let mut syncs = 0;
    for _ in 0..collected {
        let s = sync_in_time(&engine).await;
        syncs += 1;
        assert!(s.new_disclosures <= 4, "{} in one sync", s.new_disclosures);
        if s.new_disclosures == 0 {
            break;
        }
    }
    assert!(
        syncs > collected.div_ceil(4),
        "{syncs} syncs for {collected}"
    );
    assert_eq!(
        engine.overview().await.unwrap().disclosures,
        held + collected as i64,
        "later syncs resume from the stored cursor and miss nothing"
    );
    engine.close().await;
}

/// A loopback "service" that counts every connection and answers each with a 500.
async fn trap() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                let _ = sock
                    .write_all(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    (format!("http://{addr}"), hits)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_discovery_naming_another_origin_is_refused_before_any_secret_leaves() {
    let (elsewhere, hits) = trap().await;
    let mut faults = khata_sandbox::Faults::default();
    faults
        .apply_spec(&format!("foreign-origin={elsewhere}"))
        .unwrap();
    let sb = khata_sandbox::start(khata_sandbox::SandboxConfig {
        faults: Some(faults),
        ..khata_sandbox::SandboxConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let tokens: Arc<MemoryTokenStore> = Arc::new(MemoryTokenStore::default());
    let mut cfg = config(dir.path(), &keys);
    cfg.token_store = Some(tokens.clone());
    let (engine, _) = Engine::open(cfg).await.unwrap();
    let err = connect_through_browser(&engine, sb.base_url(), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input", "{err}");
    let msg = err.to_string();
    assert!(msg.contains("outside its own origin"), "{msg}");
    assert!(msg.contains(&elsewhere), "{msg}");
    assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing was sent elsewhere");
    assert!(
        engine.lenders().await.unwrap().is_empty(),
        "no lender recorded"
    );

    // The same lender, honest again, connects as before.
    sb.set_faults(khata_sandbox::Faults::default());
    let lender = connect_through_browser(&engine, sb.base_url(), None)
        .await
        .unwrap();
    assert!(engine.sync(&lender.id, noop).await.unwrap().reachable);
    engine.close().await;
    sb.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_problem_details_reach_the_vault_short_and_clean() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, consent) = journey(dir.path(), &keys).await;
    engine
        .set_sandbox_faults(SandboxFaults {
            hostile_problems: 1.0,
            ..SandboxFaults::default()
        })
        .await
        .unwrap();
    let s = sync_in_time(&engine).await;
    assert!(!s.reachable, "503 everywhere: the lender is down");
    let r = engine.revoke(&consent.id, vec![]).await.unwrap();
    assert_ne!(r.state, DeliveryState::Confirmed);
    let err = r.last_error.expect("the failure is kept");
    // Title and detail are each capped; the sentence around them is short.
    assert!(
        err.chars().count() <= 2 * MAX_CHARS + 200,
        "{} chars",
        err.len()
    );
    assert!(!err.chars().any(is_unsafe), "{err:?}");
    assert!(!err.contains('\n') && !err.contains('\x1b'));
    engine.close().await;
}
