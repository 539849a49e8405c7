//! `khata-pool`: the advocates' pool (docs/pool.md). `khata pool …` hands over to this binary.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "khata-pool",
    version,
    about = "The advocates' pool of donated Khata exports"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    #[command(flatten)]
    Report(khata_pool::report::cli::Command),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Report(command) => khata_pool::report::cli::run(command),
    }
}
