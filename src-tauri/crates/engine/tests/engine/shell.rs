//! What the Tauri shell relies on: every view renders as TypeScript, and engine futures are
//! `Send`.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use khata_engine::views::*;
use khata_engine::*;

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
    send(e.request_right("l", RightsKindView::Erasure, String::new()));
    send(e.export(
        "x",
        ExportFormat::Json,
        |_| {},
        Arc::new(AtomicBool::new(false)),
    ));
    send(e.connect("https://x", |_u| async { Ok(()) }));
}
