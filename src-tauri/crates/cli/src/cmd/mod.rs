//! Subcommands. Each module owns its clap arguments and its `run`.

pub mod audit;
pub mod donate;
pub mod engine;
pub mod finding_text;
pub mod journey;
pub mod phone;
pub mod phone_capture;
pub mod pool;
pub mod pool_generate;
pub mod rights;
pub mod sandbox;
pub mod verify;

use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Run the sandbox lender (the reference implementation of the lending API) on 127.0.0.1.
    Sandbox(sandbox::SandboxArgs),
    /// Check an export offline: schema, lender signatures, ledger chain (exit 0 valid,
    /// 1 tampered/invalid, 2 unusable input).
    Verify(verify::VerifyArgs),
    /// Audit exports: what was collected, by whom, when, and every violation found.
    Audit(audit::AuditArgs),
    /// The advocates' pool of donations: handed over to the `khata-pool` program.
    Pool {
        #[command(subcommand)]
        cmd: pool::PoolCommand,
    },
    /// Connect a lender (`sandbox` for the built-in one, no browser needed).
    Connect {
        #[command(flatten)]
        opts: engine::EngineOpts,
        #[command(flatten)]
        args: engine::ConnectArgs,
    },
    /// Sync every connected lender (disclosures, consents, offers; signatures verified).
    Sync {
        #[command(flatten)]
        opts: engine::EngineOpts,
    },
    /// List consents (JSON).
    Consents {
        #[command(flatten)]
        opts: engine::EngineOpts,
    },
    /// Consent requests waiting for your answer: the lender, the purpose, each signal asked
    /// for (marked when required for a decision or prohibited).
    Requests {
        #[command(flatten)]
        opts: engine::EngineOpts,
        #[command(flatten)]
        args: journey::RequestsArgs,
    },
    /// Answer a consent request: share the signals named with --share, refuse every other.
    Decide {
        #[command(flatten)]
        opts: engine::EngineOpts,
        #[command(flatten)]
        args: journey::DecideArgs,
    },
    /// Your rights requests to lenders: list them, or make one.
    Rights {
        #[command(flatten)]
        opts: engine::EngineOpts,
        #[command(subcommand)]
        cmd: rights::RightsCmd,
    },
    /// What lenders disclosed collecting, newest first.
    Timeline {
        #[command(flatten)]
        opts: engine::EngineOpts,
        #[command(flatten)]
        args: journey::TimelineArgs,
    },
    /// Revoke a consent, or some of its signals.
    Revoke {
        #[command(flatten)]
        opts: engine::EngineOpts,
        #[command(flatten)]
        args: engine::RevokeArgs,
    },
    /// Show the latest offer, or a what-if quote with signals withheld.
    Offer {
        #[command(flatten)]
        opts: engine::EngineOpts,
        #[command(flatten)]
        args: engine::OfferArgs,
    },
    /// Export the vault: JSON (verify it with `khata verify`), CSV (zipped) or HTML; with
    /// --advocate or --redact, a JSON export to share without the fields that identify you.
    #[command(after_help = engine::REDACT_HELP)]
    Export {
        #[command(flatten)]
        opts: engine::EngineOpts,
        #[command(flatten)]
        args: engine::ExportArgs,
    },
    /// Give an advocate your redacted record, named by a random id instead of you: a zip of a
    /// manifest and an export that `khata verify` checks (`--preview` first to read it).
    #[command(after_help = donate::DONATE_HELP)]
    Donate {
        #[command(flatten)]
        opts: engine::EngineOpts,
        #[command(flatten)]
        args: donate::DonateArgs,
    },
    /// What your phone recorded the lenders' apps doing: import saved reports, capture a
    /// connected Android phone, list them.
    Phone {
        #[command(flatten)]
        opts: engine::EngineOpts,
        #[command(subcommand)]
        cmd: phone::PhoneCmd,
    },
    /// The vault itself.
    Vault {
        #[command(flatten)]
        opts: engine::EngineOpts,
        #[command(subcommand)]
        cmd: engine::VaultCmd,
    },
}

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Sandbox(args) => sandbox::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Pool { cmd } => pool::run(cmd),
        Command::Connect { opts, args } => engine::run(opts, engine::Op::Connect(args)),
        Command::Sync { opts } => engine::run(opts, engine::Op::Sync),
        Command::Consents { opts } => engine::run(opts, engine::Op::Consents),
        Command::Requests { opts, args } => engine::run(opts, engine::Op::Requests(args)),
        Command::Decide { opts, args } => engine::run(opts, engine::Op::Decide(args)),
        Command::Rights { opts, cmd } => engine::run(opts, engine::Op::Rights(cmd)),
        Command::Timeline { opts, args } => engine::run(opts, engine::Op::Timeline(args)),
        Command::Revoke { opts, args } => engine::run(opts, engine::Op::Revoke(args)),
        Command::Offer { opts, args } => engine::run(opts, engine::Op::Offer(args)),
        Command::Export { opts, args } => engine::run(opts, engine::Op::Export(args)),
        Command::Donate { opts, args } => engine::run(opts, engine::Op::Donate(args)),
        Command::Phone { opts, cmd } => engine::run(opts, engine::Op::Phone(cmd)),
        Command::Vault { opts, cmd } => match cmd {
            engine::VaultCmd::Status => engine::run(opts, engine::Op::VaultStatus),
            engine::VaultCmd::Restore(args) => engine::run(opts, engine::Op::VaultRestore(args)),
        },
    }
}

/// `--format` of the journey's commands: sentences, or the engine's view types as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// A progress bar on stderr (hidden when not wanted or stderr is not a terminal).
pub fn progress_bar(show: bool, msg: &'static str) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(msg);
    bar
}
