//! Measures the lending path end to end on loopback: seeding signed disclosures in the sandbox,
//! then paging through all of them with the real client (signature checks included), raw, and
//! as the contract 2.x log (leaves hashed into a frontier, one signed head checked per page).
//!
//! `cargo run --release -p khata-sandbox --example sync_bench -- [COUNT] [PAGE]`

use std::time::Instant;

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
    let mut cursor: Option<String> = None;
    let mut n = 0usize;
    loop {
        let p = client.disclosures(cursor.as_deref(), page).await?;
        n += p.items.len();
        match p.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let sync_s = t.elapsed().as_secs_f64();
    println!(
        "seeded {seeded} signed disclosures in {seed_s:.2} s ({:.0}/s); fetched+verified {n} in pages of {page} in {sync_s:.2} s ({:.0}/s)",
        seeded as f64 / seed_s,
        n as f64 / sync_s
    );

    // The same pages fetched raw (HTTP + JSON parse only), to split server/transport time from
    // the client's signature checks.
    let http = reqwest::Client::new();
    let t = Instant::now();
    let mut cursor: Option<String> = None;
    let mut raw_n = 0usize;
    loop {
        let mut url = format!("{}/disclosures?limit={page}", sb.base_url());
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let bytes = http
            .get(url)
            .bearer_auth(&token)
            .send()
            .await?
            .bytes()
            .await?;
        let v: serde_json::Value = serde_json::from_slice(&bytes)?;
        raw_n += v["items"].as_array().map_or(0, Vec::len);
        match v.get("nextCursor").and_then(|c| c.as_str()) {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    let raw_s = t.elapsed().as_secs_f64();
    println!(
        "raw fetch+parse (no verification) of {raw_n} in {raw_s:.2} s ({:.0}/s)",
        raw_n as f64 / raw_s
    );
    // Contract 2.x: the same disclosures as log pages; each leaf's commitments checked and its
    // hash appended, each page's head signature and root checked (what a client does before
    // storing a page).
    let keys = client.keys().clone();
    let t = Instant::now();
    let mut frontier = khata_contract::merkle::Frontier::new();
    loop {
        let url = format!(
            "{}/v2/log/entries?start={}&limit={page}",
            sb.base_url(),
            frontier.size()
        );
        let bytes = http
            .get(url)
            .bearer_auth(&token)
            .send()
            .await?
            .bytes()
            .await?;
        let p: khata_contract::log::LogPage = serde_json::from_slice(&bytes)?;
        for leaf in &p.entries {
            let checked = khata_contract::log::DisclosureLeaf::check(leaf)?;
            anyhow::ensure!(checked.leaf.index == frontier.size(), "leaf out of place");
            frontier.push(checked.leaf_hash);
        }
        keys.verify(&p.tree_head)?;
        anyhow::ensure!(
            p.tree_head.tree_size == frontier.size() && p.tree_head.root()? == frontier.root(),
            "the page does not give its signed root"
        );
        if p.entries.is_empty() {
            break;
        }
    }
    let log_s = t.elapsed().as_secs_f64();
    println!(
        "v2 log fetch+check (no storing) of {} in {log_s:.2} s ({:.0}/s)",
        frontier.size(),
        frontier.size() as f64 / log_s
    );
    sb.shutdown().await?;
    Ok(())
}
