//! The baseline of the app's cold-start and memory benchmarks (docs/BENCHMARKS.md, "App"): an
//! empty Tauri window, the same size as Khata's, loading a page with nothing on it
//! (`empty_window/dist/index.html`, embedded like the app's UI). It is ready at the same
//! milestone as the app: the app calls `app_ready` in the first animation frame after its home
//! screen has data, this page navigates to `https://ready.invalid/` in the first animation
//! frame after it has loaded, and the example cancels that navigation. With
//! `KHATA_BENCH_READY=print` it then prints `ready <ms>` (milliseconds since `main`), and with
//! `=exit` it prints that and quits: the same contract as the app's `app_ready` command.
//!
//! ```text
//! cargo build --release --features custom-protocol --example empty_window
//! KHATA_BENCH_READY=exit xvfb-run -a target/release/examples/empty_window
//! ```

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use tauri::Manager as _;

fn main() {
    let started = Instant::now();
    let mode = std::env::var("KHATA_BENCH_READY").ok();
    let done = AtomicBool::new(false);
    tauri::Builder::default()
        .plugin(
            tauri::plugin::Builder::<tauri::Wry, ()>::new("bench-ready")
                .on_navigation(move |webview, url| {
                    if url.host_str() != Some("ready.invalid") {
                        return true;
                    }
                    if !done.swap(true, Ordering::SeqCst) {
                        let ms = started.elapsed().as_secs_f64() * 1000.0;
                        match mode.as_deref() {
                            Some("print") => println!("ready {ms:.1}"),
                            Some("exit") => {
                                println!("ready {ms:.1}");
                                webview.app_handle().exit(0);
                            }
                            _ => {}
                        }
                    }
                    false
                })
                .build(),
        )
        .run(tauri::generate_context!(
            "src-tauri/examples/empty_window/tauri.conf.json"
        ))
        .unwrap_or_else(|error| {
            eprintln!("the empty window could not start: {error}");
            std::process::exit(1);
        });
}
