//! `khata pool generate`: a pool of donations made the way real ones are, for tests and
//! benchmarks of the advocates' pool. Sandbox lenders run on loopback in this process (several
//! scenarios; one lender shows two histories), and each donor is a real engine with a vault of
//! its own that connects, decides, syncs, revokes, imports its phone's report and writes one
//! donation with the engine's donation writer. The plan is drawn from the seed first
//! (`plan`), so two runs with one seed make the same choices; donors run on `--jobs` workers.

mod donation;
mod donor;
mod lenders;
pub mod plan;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::Context as _;
use serde::Serialize;

use lenders::{Aborted, Lenders};
use plan::{DonorPlan, LENDERS, LenderSpec};

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// How many donors (one donation each).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub donors: u32,
    /// The directory the donations are written to (created; must be empty).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Seeds every choice: lenders per donor, consent answers, revocations, phone reports.
    #[arg(long, default_value_t = 17)]
    pub seed: u64,
    /// How many lenders take part, 1 to 6, in this order: two-histories-lender (shows two
    /// histories), over-collecting-lender, fair-lender, wrong-apr-lender, thin-file-lender,
    /// declining-lender.
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u8).range(1..=6))]
    pub lenders: u8,
    /// Donors worked on at once (the lenders serve one borrower at a time each).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=16))]
    pub jobs: u8,
}

/// What a run did, on stdout as JSON: the lenders, each donor's choices, the donations.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary<'a> {
    seed: u64,
    lenders: &'a [LenderSpec],
    plans: &'a [DonorPlan],
    /// File names in `out`, in donor order.
    donations: Vec<String>,
}

pub fn run(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    prepare_out(&args.out)?;
    let donors = args.donors as usize;
    let lender_count = usize::from(args.lenders);
    let plans = Arc::new(plan::draw(args.seed, donors, lender_count));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let work = tempfile::Builder::new()
        .prefix("khata-pool-generate-")
        .tempdir()
        .context("creating a working directory")?;
    let started = Instant::now();
    let donations = rt.block_on(generate(
        plans.clone(),
        lender_count,
        args.seed,
        usize::from(args.jobs),
        work.path().to_path_buf(),
        args.out.clone(),
    ))?;
    eprintln!(
        "khata pool generate: {donors} donations in {} ({:.1} s)",
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    super::engine::print(&Summary {
        seed: args.seed,
        lenders: &LENDERS[..lender_count],
        plans: &plans,
        donations,
    })
}

/// The output directory, created, and empty: donations from another run would mix into one
/// pool unseen.
fn prepare_out(out: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut entries =
        std::fs::read_dir(out).with_context(|| format!("reading {}", out.display()))?;
    if entries.next().is_some() {
        anyhow::bail!(
            "{} is not empty: give a new or empty directory for the donations",
            out.display()
        );
    }
    Ok(())
}

async fn generate(
    plans: Arc<Vec<DonorPlan>>,
    lender_count: usize,
    seed: u64,
    jobs: usize,
    work: PathBuf,
    out: PathBuf,
) -> anyhow::Result<Vec<String>> {
    let lenders = Arc::new(Lenders::start(&work.join("lenders"), lender_count, seed).await?);
    for spec in &LENDERS[..lender_count] {
        eprintln!("lender {} ({}): {}", spec.id, spec.scenario, spec.about);
    }
    let http = reqwest::Client::new();
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let total = plans.len();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..jobs.min(total) {
        let (plans, lenders, http, next, done) = (
            plans.clone(),
            lenders.clone(),
            http.clone(),
            next.clone(),
            done.clone(),
        );
        let (work, out) = (work.clone(), out.clone());
        workers.spawn(async move {
            let mut written = Vec::new();
            // Donors are taken in order, so every turn a donor waits for is already taken.
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(plan) = plans.get(i) else { break };
                let dir = work.join(format!("donor-{i}"));
                let path = donor::run(plan, &lenders, &dir, &out, &http)
                    .await
                    .with_context(|| format!("donor {i}"));
                let path = match path {
                    Ok(p) => p,
                    Err(e) => {
                        lenders.abort();
                        return Err(e);
                    }
                };
                let _ = std::fs::remove_dir_all(&dir);
                let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                let lenders_seen: Vec<&str> = plan.visits.iter().map(|v| v.lender_id).collect();
                eprintln!(
                    "donor {n}/{total}: {} → {}",
                    lenders_seen.join(", "),
                    path.file_name().unwrap_or_default().to_string_lossy()
                );
                written.push((i, path));
            }
            Ok::<_, anyhow::Error>(written)
        });
    }
    let mut names = vec![String::new(); total];
    let mut first_error = None;
    while let Some(joined) = workers.join_next().await {
        match joined.context("a donor's worker panicked").and_then(|r| r) {
            Ok(written) => {
                for (i, path) in written {
                    names[i] = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                }
            }
            Err(e) => {
                lenders.abort();
                // The failure is the cause; the donors stopped because of it only follow it.
                let stopped = |e: &anyhow::Error| e.chain().any(|c| c.is::<Aborted>());
                let replace = first_error
                    .as_ref()
                    .is_none_or(|prev| stopped(prev) && !stopped(&e));
                if replace {
                    first_error = Some(e);
                }
            }
        }
    }
    if let Ok(lenders) = Arc::try_unwrap(lenders) {
        lenders.shutdown().await;
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(names),
    }
}
