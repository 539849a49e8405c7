//! The baseline of the v2 sync goal: the real client fetching and checking the sandbox's whole
//! disclosure log over loopback (head, pages, every leaf revealed, hashed and its page's signed
//! root recomputed), storing nothing. The engine's sync into the vault is measured against this
//! rate. Then the same pages checked again from memory, to split the client's checks from the
//! server and the transport.
//!
//! `cargo run --release -p khata-sandbox --example log_sync_bench -- [COUNT] [PAGE]`

use std::time::Instant;

use khata_lending::LogChecker;
use serde_json::Value;

#[path = "common/bench_setup.rs"]
mod bench_setup;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let bench_setup::Bench {
        page,
        sandbox: sb,
        client,
        token,
        seeded,
        seed_s,
        ..
    } = bench_setup::start().await?;

    let t = Instant::now();
    let mut sync = client.log_sync(None, page).await?;
    let mut n = 0usize;
    let mut pages = 0usize;
    while let Some(p) = sync.next_page().await? {
        n += p.leaves.len();
        pages += 1;
    }
    let sync_s = t.elapsed().as_secs_f64();
    println!(
        "seeded {seeded} disclosures in {seed_s:.2} s; fetched+checked {n} leaves in {pages} \
         pages of {page} in {sync_s:.3} s ({:.0}/s)",
        n as f64 / sync_s
    );

    // The same pages, fetched raw and then checked from memory.
    let head = client.log_head().await?;
    let size = head.value.tree_size;
    let http = reqwest::Client::new();
    let mut raw_pages: Vec<(u32, Value)> = vec![];
    let t = Instant::now();
    let mut start = 0u64;
    while start < size {
        let limit = u64::from(page).min(size - start) as u32;
        let url = format!(
            "{}/v2/log/entries?start={start}&limit={limit}",
            sb.base_url()
        );
        let bytes = http
            .get(url)
            .bearer_auth(&token)
            .send()
            .await?
            .bytes()
            .await?;
        let v: Value = serde_json::from_slice(&bytes)?;
        start += v["entries"].as_array().map_or(0, Vec::len) as u64;
        raw_pages.push((limit, v));
    }
    let fetch_s = t.elapsed().as_secs_f64();
    let lender = client.discovery().lender_id.clone();
    let t = Instant::now();
    let mut checker = LogChecker::begin(client.keys(), &lender, None, &head.raw)?;
    for (limit, v) in raw_pages {
        checker.accept_page(limit, v)?;
    }
    let check_s = t.elapsed().as_secs_f64();
    println!(
        "raw fetch+parse of {size} in {fetch_s:.3} s ({:.0}/s); checks alone {check_s:.3} s ({:.0}/s)",
        size as f64 / fetch_s,
        size as f64 / check_s
    );
    sb.shutdown().await?;
    Ok(())
}
