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
    Add(cmd::AddArgs),
    Status(cmd::PoolArgs),
    Check(cmd::PoolArgs),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Add(a) => cmd::add(a),
        Command::Status(a) => cmd::status(a),
        Command::Check(a) => cmd::check(a),
    };
    result.unwrap_or_else(|e| {
        eprintln!("khata-pool: {e:#}");
        ExitCode::from(1)
    })
}
