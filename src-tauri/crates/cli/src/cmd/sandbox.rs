//! `khata sandbox`: runs the sandbox lender until Ctrl-C / SIGTERM; `khata sandbox
//! phone-report` writes what the borrower's phone would have recorded the lender's app doing,
//! for QA without a phone.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use khata_sandbox::phone_report::{self, ReportFormat};
use khata_sandbox::{Faults, SandboxConfig, Scenario};

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SandboxArgs {
    #[command(subcommand)]
    pub cmd: Option<SandboxCmd>,
    /// Port on 127.0.0.1 (0 picks a free one; the URL is printed on stdout).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// salaried-good | thin-file | declined | over-collector | flaky
    #[arg(long, default_value = "salaried-good")]
    pub scenario: Scenario,
    /// Seed for fault draws and value digests.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// NAME=VALUE, repeatable: latency=200ms, error-rate=0.3, drop-after-commit=0.5,
    /// malformed-json=0.1, oversize-body=0.1 (rates between 0 and 1), drop-next=N; a hostile
    /// lender: endless-pages=1|2, hostile-problems=RATE, foreign-origin=URL.
    #[arg(long = "fault", value_name = "NAME=VALUE")]
    pub faults: Vec<String>,
    /// State directory (SQLite + signing key); a temporary one when omitted.
    #[arg(long = "state", value_name = "PATH")]
    pub state: Option<PathBuf>,
    /// Pre-register this bearer token (for conformance runs; sandbox only).
    #[arg(long, env = "KHATA_SANDBOX_DEV_TOKEN", hide_env_values = true)]
    pub dev_token: Option<String>,
    /// Bearer token the admin routes (/_sandbox/…) require; a random one, printed at start,
    /// when omitted.
    #[arg(long, env = "KHATA_SANDBOX_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Run a collection round this often, in seconds (like a lender's periodic fetch).
    #[arg(long, value_name = "SECONDS")]
    pub collect_every: Option<u64>,
}

#[derive(Debug, clap::Subcommand)]
pub enum SandboxCmd {
    /// Write the phone report of the scenario's app (what the borrower's phone would have
    /// recorded it doing), to import on Your phone: from a sandbox's state, or from a run of
    /// the scenario of its own (consent three days ago; the over-collector revoked a day ago).
    PhoneReport(PhoneReportArgs),
}

#[derive(Debug, clap::Args)]
pub struct PhoneReportArgs {
    /// salaried-good | thin-file | declined | over-collector | flaky (with --state: the
    /// state's own, which this must match if given).
    #[arg(long)]
    pub scenario: Option<Scenario>,
    /// ios (App Privacy Report NDJSON) | android-appops (dumpsys appops --package) |
    /// android-cmd (cmd appops get) | android-capture (Khata's adb capture bundle: the phone's
    /// facts, its package, app-ops and cmd outputs).
    #[arg(long)]
    pub format: ReportFormat,
    /// A sandbox's state directory: the report follows its consents, revocations and
    /// collections.
    #[arg(long = "state", value_name = "DIR")]
    pub state: Option<PathBuf>,
    /// The file to write (a directory: the phone's own file name inside it); stdout when
    /// omitted.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The seed the sandbox ran with (it fixes the report's identifiers and jitter).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

impl SandboxArgs {
    pub fn to_config(&self) -> anyhow::Result<SandboxConfig> {
        let faults = if self.faults.is_empty() {
            None
        } else {
            let mut f = Faults::default();
            for spec in &self.faults {
                f.apply_spec(spec).map_err(anyhow::Error::msg)?;
            }
            Some(f)
        };
        Ok(SandboxConfig {
            port: self.port,
            scenario: self.scenario,
            seed: self.seed,
            faults,
            state_dir: self.state.clone(),
            dev_token: self.dev_token.clone(),
            admin_token: self.admin_token.clone(),
            collect_every: self.collect_every.map(Duration::from_secs),
            lender_id: None,
            keep_first_scenario: false,
        })
    }
}

pub fn run(args: SandboxArgs) -> anyhow::Result<ExitCode> {
    if let Some(SandboxCmd::PhoneReport(report)) = args.cmd {
        return phone_report(report);
    }
    let config = args.to_config()?;
    let print_admin_token = config.admin_token.is_none();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let sandbox = khata_sandbox::start(config).await?;
        println!("khata sandbox lender listening on {}", sandbox.base_url());
        println!(
            "discovery: {}/.well-known/khata-lender.json",
            sandbox.base_url()
        );
        println!("state: {}", sandbox.state_dir().display());
        if print_admin_token {
            // Made up at start: whoever drives the admin routes needs to be told it.
            println!(
                "admin token (Authorization: Bearer, for /_sandbox/…): {}",
                sandbox.admin_token()
            );
        }
        wait_for_signal().await;
        eprintln!("khata sandbox: shutting down");
        sandbox.shutdown().await?;
        Ok(ExitCode::SUCCESS)
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn phone_report(args: PhoneReportArgs) -> anyhow::Result<ExitCode> {
    let now = chrono::Utc::now();
    let input = match &args.state {
        Some(dir) => phone_report::from_state_dir(dir, args.scenario, args.seed, now)?,
        None => phone_report::scenario_run(
            args.scenario.unwrap_or(Scenario::SalariedGood),
            args.seed,
            now,
        ),
    };
    let bytes = phone_report::render(&input, args.format);
    match args.out {
        None => {
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
        }
        Some(path) => {
            let path = if path.is_dir() {
                path.join(args.format.file_name(input.now))
            } else {
                path
            };
            std::fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
            let (android, ios) = input.app_ids();
            let app = match args.format {
                ReportFormat::Ios => ios,
                ReportFormat::AndroidAppops
                | ReportFormat::AndroidCmd
                | ReportFormat::AndroidCapture => android,
            };
            println!(
                "wrote {} ({} phone report of {app}, scenario {}, {} bytes)",
                path.display(),
                args.format,
                input.scenario,
                bytes.len()
            );
            if args.format == ReportFormat::AndroidAppops {
                println!(
                    "its times are the phone's local time, UTC+05:30: import it with --time-zone +05:30"
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
