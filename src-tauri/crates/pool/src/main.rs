//! `khata-pool`: the advocates' pool (docs/pool.md). `khata pool …` hands over to this binary.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use khata_pool::cmd;

#[derive(Parser)]
#[command(
    name = "khata-pool",
    version,
    about = "The advocates' pool of donated Khata exports"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verifies donations and adds them to the pool, each whole or not at all.
    Add(cmd::AddArgs),
    /// What the pool holds: donations, rows per table, rejections by reason.
    Status(cmd::PoolArgs),
    /// Recovers an interrupted add, then re-reads every committed file.
    Check(cmd::PoolArgs),
    #[command(flatten)]
    Report(khata_pool::report::cli::Command),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Add(a) => cmd::add(a),
        Command::Status(a) => cmd::status(a),
        Command::Check(a) => cmd::check(a),
        Command::Report(command) => return khata_pool::report::cli::run(command),
    };
    result.unwrap_or_else(|e| {
        eprintln!("khata-pool: {e:#}");
        ExitCode::from(1)
    })
}
