//! What both lending benchmarks start from: arguments `[COUNT] [PAGE]`, a sandbox lender with
//! a granted consent, a client holding its token, and `COUNT` disclosures seeded (timed).

use std::time::Instant;

use khata_lending::types::{ConsentDecisionBody, Decision, SignalDecision};
use khata_lending::{ClientConfig, LendingClient};
use khata_sandbox::{RunningSandbox, SandboxConfig, Scenario};

pub struct Bench {
    pub page: u32,
    pub sandbox: RunningSandbox,
    pub client: LendingClient,
    pub token: String,
    pub seeded: u64,
    pub seed_s: f64,
}

pub async fn start() -> anyhow::Result<Bench> {
    let mut args = std::env::args().skip(1);
    let count: u64 = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(100_000);
    let page: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1000);

    let sandbox = khata_sandbox::start(SandboxConfig {
        scenario: Scenario::SalariedGood,
        ..SandboxConfig::default()
    })
    .await?;
    let client = LendingClient::connect(sandbox.base_url(), ClientConfig::default()).await?;
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
    let seeded = tokio::task::block_in_place(|| sandbox.seed_disclosures(count))?;
    let seed_s = t.elapsed().as_secs_f64();
    Ok(Bench {
        page,
        sandbox,
        client,
        token,
        seeded: seeded as u64,
        seed_s,
    })
}
