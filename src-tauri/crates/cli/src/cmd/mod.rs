//! Subcommands. Each module owns its clap arguments and its `run`.

pub mod audit;
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
}

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Sandbox(args) => sandbox::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Audit(args) => audit::run(args),
    }
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
