//! `khata pool <sub> ARGS…`: the advocates' pool lives in its own binary, `khata-pool`, so
//! `khata` carries neither Arrow, Parquet nor the query engine. Every subcommand but
//! `generate` (which needs the engine and the sandbox, and so runs here) is handed over: the
//! `khata-pool` beside the running `khata` first, else the one on `PATH`, with the arguments
//! as given. Its exit status is `khata`'s.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum PoolCommand {
    /// Make a pool of donations through real sandbox lenders on loopback and real engines,
    /// one vault per donor (sandbox data, for tests and benchmarks). Progress on stderr, the
    /// choices made as JSON on stdout.
    Generate(super::pool_generate::GenerateArgs),
    /// Any `khata-pool` subcommand (`add`, `status`, `check`, `report`, …), handed over.
    #[command(external_subcommand)]
    HandOver(Vec<OsString>),
}

fn binary_name() -> String {
    format!("khata-pool{}", std::env::consts::EXE_SUFFIX)
}

/// The `khata-pool` to run: beside this executable, else the first on `PATH`.
pub fn find_khata_pool() -> Option<PathBuf> {
    let name = binary_name();
    let beside = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(|d| d.join(&name)))
        .filter(|p| p.is_file());
    beside.or_else(|| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(&name))
                .find(|p| p.is_file())
        })
    })
}

pub fn run(command: PoolCommand) -> anyhow::Result<ExitCode> {
    let args = match command {
        PoolCommand::Generate(args) => return super::pool_generate::run(args),
        PoolCommand::HandOver(args) => args,
    };
    let Some(binary) = find_khata_pool() else {
        anyhow::bail!(
            "`khata pool` needs the {} program, found neither beside {} nor on PATH; \
             install it with khata (it is built from src-tauri/crates/pool)",
            binary_name(),
            std::env::current_exe()
                .map(|e| e.display().to_string())
                .unwrap_or_else(|_| "khata".into())
        );
    };
    hand_over(binary, &args)
}

#[cfg(unix)]
fn hand_over(binary: PathBuf, args: &[OsString]) -> anyhow::Result<ExitCode> {
    use std::os::unix::process::CommandExt;
    // Replaces this process: signals, stdin and the exit status are khata-pool's own.
    let e = std::process::Command::new(&binary).args(args).exec();
    Err(anyhow::anyhow!("cannot run {}: {e}", binary.display()))
}

#[cfg(not(unix))]
fn hand_over(binary: PathBuf, args: &[OsString]) -> anyhow::Result<ExitCode> {
    let status = std::process::Command::new(&binary)
        .args(args)
        .status()
        .map_err(|e| anyhow::anyhow!("cannot run {}: {e}", binary.display()))?;
    Ok(ExitCode::from(
        status.code().unwrap_or(1).clamp(0, 255) as u8
    ))
}
