//! What both lending benchmarks start from: arguments `[COUNT] [PAGE]`, a sandbox lender with
//! a granted consent, a client holding its token, and `COUNT` disclosures seeded (timed).
//! The lender runs in this process, unless `KHATA_BENCH_LENDER` names one running as a process
//! of its own (`khata sandbox --port P --admin-token T`, with `KHATA_SANDBOX_ADMIN_TOKEN=T`
//! here): the same set-up as `bench_vault fill` with that variable, so the two compare.

use std::time::Instant;

use khata_lending::types::{ConsentDecisionBody, Decision, SignalDecision};
use khata_lending::{ClientConfig, LendingClient};
use khata_sandbox::{RunningSandbox, SandboxConfig, Scenario};

/// The lender the benchmark talks to.
pub enum Lender {
    InProcess(RunningSandbox),
    /// Base URL and admin token of a sandbox running as its own process.
    Remote(String, String),
}

impl Lender {
    pub fn base_url(&self) -> &str {
        match self {
            Lender::InProcess(sb) => sb.base_url(),
            Lender::Remote(url, _) => url,
        }
    }

    pub async fn shutdown(self) -> anyhow::Result<()> {
        match self {
            Lender::InProcess(sb) => sb.shutdown().await,
            Lender::Remote(..) => Ok(()),
        }
    }

    async fn seed(&self, count: u64) -> anyhow::Result<u64> {
        match self {
            Lender::InProcess(sb) => {
                Ok(tokio::task::block_in_place(|| sb.seed_disclosures(count))? as u64)
            }
            Lender::Remote(url, admin_token) => {
                let resp = reqwest::Client::new()
                    .post(format!("{url}/_sandbox/seed-disclosures?count={count}"))
                    .bearer_auth(admin_token)
                    .send()
                    .await?;
                anyhow::ensure!(
                    resp.status().is_success(),
                    "seeding: HTTP {}",
                    resp.status()
                );
                Ok(count)
            }
        }
    }
}

pub struct Bench {
    pub page: u32,
    pub sandbox: Lender,
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

    let sandbox = match std::env::var("KHATA_BENCH_LENDER") {
        Ok(url) => Lender::Remote(
            url,
            std::env::var("KHATA_SANDBOX_ADMIN_TOKEN").map_err(|_| {
                anyhow::anyhow!("KHATA_BENCH_LENDER needs KHATA_SANDBOX_ADMIN_TOKEN")
            })?,
        ),
        Err(_) => Lender::InProcess(
            khata_sandbox::start(SandboxConfig {
                scenario: Scenario::SalariedGood,
                ..SandboxConfig::default()
            })
            .await?,
        ),
    };
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
    let seeded = sandbox.seed(count).await?;
    let seed_s = t.elapsed().as_secs_f64();
    Ok(Bench {
        page,
        sandbox,
        client,
        token,
        seeded,
        seed_s,
    })
}
