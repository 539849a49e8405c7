//! Subcommands. Each module owns its clap arguments and its `run`.

pub mod sandbox;

use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Run the sandbox lender (the reference implementation of the lending API) on 127.0.0.1.
    Sandbox(sandbox::SandboxArgs),
}

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Sandbox(args) => sandbox::run(args),
    }
}
