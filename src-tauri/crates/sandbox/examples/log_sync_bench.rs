//! The baseline of the v2 sync goal: the real client fetching and checking the sandbox's whole
//! disclosure log over loopback (head, pages, every leaf revealed, hashed and its page's signed
//! root recomputed), storing nothing. The engine's sync into the vault is measured against this
//! rate. Then the same pages checked again from memory, to split the client's checks from the
//! server and the transport.
//!
//! `cargo run --release -p khata-sandbox --example log_sync_bench -- [COUNT] [PAGE]`

use std::time::Instant;

use khata_lending::types::{ConsentDecisionBody, Decision, SignalDecision};
use khata_lending::{ClientConfig, LendingClient, LogChecker};
use khata_sandbox::{SandboxConfig, Scenario};
use serde_json::Value;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let count: u64 = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(100_000);
    let page: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1000);

    let sb = khata_sandbox::start(SandboxConfig {
        scenario: Scenario::SalariedGood,
        ..SandboxConfig::default()
    })
    .await?;
    let client = LendingClient::connect(sb.base_url(), ClientConfig::default()).await?;
    let tok = client.authorize_headless("bench").await?;
    let token = tok.access_token.clone();
    let client = client.with_access_token(tok.access_token);
    let req = client.consent_requests().await?.items.remove(0);
    let decisions = req
        .signals
        .iter()
        .map(|s| SignalDecision {
            signal: s.clone(),
            decision: Decision::Grant,
        })
        .collect();
    client
        .decide(
            &req.request_id,
            &ConsentDecisionBody { decisions },
            &uuid::Uuid::new_v4().to_string(),
        )
        .await?;

    let t = Instant::now();
    let seeded = tokio::task::block_in_place(|| sb.seed_disclosures(count))?;
    let seed_s = t.elapsed().as_secs_f64();

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
