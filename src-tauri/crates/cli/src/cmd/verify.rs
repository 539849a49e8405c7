//! `khata verify FILE`: offline check of an export — schema, lender signatures (batch-verified
//! on every core; one by one when something fails, to name the first bad record), the ledger's
//! hash chain and head. No vault, no network.
//!
//! Exit codes: 0 valid, 1 tampered or invalid (the first bad record is named), 2 unusable
//! input (unreadable, above the 2 GiB size cap, not JSON, not a Khata export).

use khata_contract::lender_text::clean;
use std::path::PathBuf;
use std::process::ExitCode;

use khata_evidence::verify::{self, VerifyError};

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The export file (`khata export --out FILE`, or the app's Export screen).
    pub file: PathBuf,
    /// Print the result as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Reads and verifies one export; returns the report and the file's bytes. Errors carry the
/// exit code.
pub fn verify_file(
    file: &std::path::Path,
    show_progress: bool,
) -> Result<(verify::VerifyReport, Vec<u8>), VerifyError> {
    // At most `verify::MAX_EXPORT_BYTES`, refused from the file's size before reading.
    let bytes = verify::read_export(file)?;
    let bar = super::progress_bar(show_progress && bytes.len() > 4 << 20, "verifying");
    let report = verify::verify_export_bytes(&bytes, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    });
    bar.finish_and_clear();
    report.map(|r| (r, bytes))
}

pub fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let result = verify_file(&args.file, !args.json);
    if args.json {
        let v = match &result {
            Ok((r, _)) => serde_json::json!({"valid": true, "report": r}),
            Err(e) => serde_json::json!({"valid": false, "error": e}),
        };
        println!("{v}");
    }
    Ok(match result {
        Ok((r, _)) => {
            if !args.json {
                println!(
                    "valid: {} lender signatures, {} disclosures, ledger of {} entries (head #{} {})",
                    r.signatures_checked, r.disclosures, r.ledger_entries, r.head_seq, r.head_hash
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            if !args.json {
                match &e {
                    VerifyError::Invalid { record, reason } => println!(
                        "INVALID: first bad record {}: {}",
                        clean(record),
                        clean(reason)
                    ),
                    VerifyError::Unusable { reason } => {
                        println!("UNUSABLE: {}", clean(reason))
                    }
                }
            }
            ExitCode::from(e.exit_code() as u8)
        }
    })
}
