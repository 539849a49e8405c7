//! The scale check, ignored by default: many signed disclosures synced, paged and exported.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use khata_engine::views::*;
use khata_vault::MemoryKeyStore;

use crate::{journey, noop};

/// Scale check (ignored by default): `KHATA_ENGINE_SCALE=200000 cargo test -p khata-engine
/// --release --test engine scale -- --ignored --nocapture`. Seeds signed disclosures at the
/// sandbox, syncs them over loopback, pages the timeline and exports, printing timings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn scale() {
    let n: u64 = std::env::var("KHATA_ENGINE_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = journey(dir.path(), &keys).await;
    let url = engine.sandbox_url().await.unwrap();
    let t = std::time::Instant::now();
    let resp = reqwest::Client::new()
        .post(format!("{url}/_sandbox/seed-disclosures?count={n}"))
        .bearer_auth(crate::SANDBOX_ADMIN_TOKEN)
        .timeout(Duration::from_secs(3600))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
    println!("seed {n}: {:?}", t.elapsed());
    let lender = engine.lenders().await.unwrap().remove(0);
    let t = std::time::Instant::now();
    let s = engine.sync(&lender.id, noop).await.unwrap();
    let el = t.elapsed();
    println!(
        "sync {} new: {:?} ({:.0}/s)",
        s.new_disclosures,
        el,
        s.new_disclosures as f64 / el.as_secs_f64()
    );
    assert!(s.new_disclosures >= n);
    let t = std::time::Instant::now();
    let p = engine
        .timeline(TimelineQuery {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    println!("timeline first page (total {}): {:?}", p.total, t.elapsed());
    let mut cursor = p.next_cursor;
    let t = std::time::Instant::now();
    for _ in 0..50 {
        let p = engine
            .timeline(TimelineQuery {
                cursor: cursor.clone(),
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap();
        cursor = p.next_cursor;
    }
    println!("timeline 50 more pages: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let p = engine
        .timeline(TimelineQuery {
            signal: Some("sms_income".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    println!("timeline by signal (total {}): {:?}", p.total, t.elapsed());
    let t = std::time::Instant::now();
    let out = dir.path().join("export.json");
    let sum = engine
        .export(
            &out,
            ExportFormat::Json,
            Default::default(),
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
        .await
        .unwrap();
    let el = t.elapsed();
    println!(
        "export {} bytes, {} records: {:?} ({:.1} MB/s)",
        sum.bytes,
        sum.records,
        el,
        sum.bytes as f64 / 1e6 / el.as_secs_f64()
    );
    engine.close().await;
}
