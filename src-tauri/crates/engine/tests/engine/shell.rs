//! What the Tauri shell relies on: every view renders as TypeScript, and engine futures are
//! `Send`.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use khata_engine::views::*;
use khata_engine::*;
use khata_vault::MemoryKeyStore;

use crate::{config, noop};

/// The sandbox lender comes only from an injected launcher: without one there is nothing to
/// start, and the engine says so instead of failing somewhere deeper.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_sandbox_launcher_connecting_the_sandbox_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let mut cfg = config(dir.path(), &keys);
    cfg.sandbox = None;
    let (engine, _) = Engine::open(cfg).await.unwrap();
    let err = engine.connect_sandbox(noop).await.unwrap_err();
    assert_eq!(err.code(), "not_found", "{err}");
    assert!(engine.sandbox_url().await.is_none());
    assert!(engine.lenders().await.unwrap().is_empty());
    let err = engine
        .set_sandbox_faults(SandboxFaults::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_found", "{err}");
    engine.close().await;
}

#[test]
fn ts_types_render_every_view() {
    let types = khata_engine::ts_types();
    assert!(types.len() >= 28);
    assert!(
        types
            .iter()
            .any(|(p, ts)| p.ends_with("Overview.ts") && ts.contains("latestOffer"))
    );
}

/// The shell spawns engine calls from Tauri's async commands, which need `Send` futures.
#[allow(dead_code, clippy::let_underscore_future)]
fn engine_futures_are_send(e: &'static Engine) {
    fn send<T: Send>(_: T) {}
    send(e.overview());
    send(e.connect_sandbox(|_| {}));
    send(e.sync("l", |_| {}));
    send(e.sync_all(|_| {}));
    send(e.consent_requests());
    send(e.decide("r", vec![]));
    send(e.consents());
    send(e.revoke("c", vec![]));
    send(e.pause("c"));
    send(e.resume("c"));
    send(e.deliver_outbox());
    send(e.timeline(TimelineQuery::default()));
    send(e.evidence(1));
    send(e.latest_offer());
    send(e.what_if(vec![]));
    send(e.rights_requests());
    send(e.request_right(
        "l",
        RightsKindView::Erasure,
        String::new(),
        Default::default(),
        None,
    ));
    send(e.escalation_draft("r"));
    send(e.rights_calendar(None, &[]));
    send(e.correction_context("l", "s"));
    send(e.export(
        "x",
        ExportFormat::Json,
        Default::default(),
        |_| {},
        Arc::new(AtomicBool::new(false)),
    ));
    send(e.connect("https://x", |_u| async { Ok(()) }));
}
