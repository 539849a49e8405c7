//! `khata verify FILE`: offline check of an export — schema, lender signatures (batch-verified
//! on every core; one by one when something fails, to name the first bad record), the ledger's
//! hash chain and head. No vault, and no network unless `--lender-keys` names a URL.
//!
//! It says what "valid" rests on: for each lender, whether its keys were supplied
//! (`--lender-keys`), pinned by the exporting vault, or only the file's own; the holes in each
//! lender's disclosure sequence; and the parts of the file nothing covers.
//!
//! A version 2 export (a stream of lines) is read a piece at a time, whatever its size, and the
//! report adds each lender's disclosure log: leaves, signed tree heads checked, values withheld
//! and forks the vault kept proof of.
//!
//! Exit codes: 0 valid, 1 tampered or invalid (the first bad record is named), 2 unusable
//! input (unreadable, a version 1 export above the 2 GiB size cap, not JSON, not a Khata
//! export, unusable lender keys).

use khata_contract::lender_text::clean;
use std::path::PathBuf;
use std::process::ExitCode;

use khata_evidence::verify::{self, KeyTrust, SuppliedKeys, VerifyError, VerifyReport};

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The export file (`khata export --out FILE`, or the app's Export screen).
    pub file: PathBuf,
    /// Print the result as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Check lenders' statements against these keys instead of the file's own: a JSON file
    /// (lender id → list of keys, or a lender's discovery document) or a lender's URL (its
    /// discovery document is fetched over HTTPS, or plain HTTP on loopback).
    #[arg(long, value_name = "FILE|URL")]
    pub lender_keys: Option<String>,
}

/// The keys `--lender-keys` names, from a file or from the lender's discovery document.
fn supplied_keys(source: &str) -> Result<SuppliedKeys, VerifyError> {
    let unusable = |reason: String| VerifyError::Unusable {
        reason: format!("lender keys from {source}: {reason}"),
    };
    let doc: serde_json::Value = if source.starts_with("https://") || source.starts_with("http://")
    {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| unusable(e.to_string()))?;
        let client = rt
            .block_on(khata_lending::LendingClient::connect(
                source,
                khata_lending::ClientConfig::default(),
            ))
            .map_err(|e| unusable(e.to_string()))?;
        serde_json::to_value(client.discovery()).map_err(|e| unusable(e.to_string()))?
    } else {
        let bytes = std::fs::read(source).map_err(|e| unusable(e.to_string()))?;
        serde_json::from_slice(&bytes).map_err(|e| unusable(format!("not JSON: {e}")))?
    };
    SuppliedKeys::from_json(&doc).map_err(unusable)
}

/// Reads and verifies one export; returns the report and the file's bytes. Errors carry the
/// exit code.
pub fn verify_file(
    file: &std::path::Path,
    show_progress: bool,
) -> Result<(verify::VerifyReport, Vec<u8>), VerifyError> {
    verify_file_with(file, &SuppliedKeys::default(), show_progress)
}

/// [`verify_file`] with lender keys from outside the export.
pub fn verify_file_with(
    file: &std::path::Path,
    supplied: &SuppliedKeys,
    show_progress: bool,
) -> Result<(verify::VerifyReport, Vec<u8>), VerifyError> {
    // At most `verify::MAX_EXPORT_BYTES`, refused from the file's size before reading.
    let bytes = verify::read_export(file)?;
    let bar = super::progress_bar(show_progress && bytes.len() > 4 << 20, "verifying");
    let report = verify::verify_export_bytes_with(&bytes, supplied, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    });
    bar.finish_and_clear();
    report.map(|r| (r, bytes))
}

/// Verifies the export at `file` for `khata verify`: a version 2 stream without reading it
/// whole, a version 1 document as [`verify_file_with`] does.
fn verify_path(
    file: &std::path::Path,
    supplied: &SuppliedKeys,
    show_progress: bool,
) -> Result<VerifyReport, VerifyError> {
    let big = std::fs::metadata(file).is_ok_and(|m| m.len() > 4 << 20);
    let bar = super::progress_bar(show_progress && big, "verifying");
    let report = verify::verify_export_file(file, supplied, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    });
    bar.finish_and_clear();
    report
}

/// Each lender's disclosure log of a version 2 export, one line each, then its forks.
fn print_logs(r: &VerifyReport) {
    for log in r.logs.iter().flatten() {
        let lender = clean(&log.lender_id);
        let head = match &log.last_head {
            Some(h) => format!(
                "last head: size {}, root {}",
                h.tree_size,
                clean(&h.root_hash)
            ),
            None => "empty".to_string(),
        };
        println!(
            "log of lender {lender}: {} leaves, {} signed tree heads checked ({head})",
            log.leaves, log.heads_checked
        );
        if !log.withheld.is_empty() {
            let w = log
                .withheld
                .iter()
                .map(|w| format!("{} in {} leaves", clean(&w.path), w.count))
                .collect::<Vec<_>>()
                .join(", ");
            println!("  withheld by the borrower (commitments intact): {w}");
        }
        for f in &log.forks {
            let side = |h: &verify::HeadFacts| {
                format!(
                    "size {} root {} at {} (key {})",
                    h.tree_size,
                    clean(&h.root_hash),
                    clean(&h.timestamp),
                    clean(&h.key_id)
                )
            };
            let why = match f.kind {
                verify::ForkKind::SameSize => "two roots for one size".to_string(),
                verify::ForkKind::Rewritten => format!(
                    "the held log's root at that size is {}",
                    clean(f.held_root_at_size.as_deref().unwrap_or_default())
                ),
                verify::ForkKind::Unproven => {
                    "larger than the held log, never proven to extend it".to_string()
                }
            };
            println!(
                "FORK: lender {lender} signed {} against held {}: {why}",
                side(&f.conflicting),
                side(&f.held)
            );
        }
    }
}

/// What "valid" rests on, one line each: whose keys, holes in sequences, what nothing covers.
fn print_basis(r: &VerifyReport) {
    for t in &r.key_trust {
        let prints = t
            .fingerprints
            .iter()
            .map(|k| format!("{} [{}]", clean(&k.key_id), k.fingerprint))
            .collect::<Vec<_>>()
            .join(", ");
        let basis = match t.trust {
            KeyTrust::Supplied => "keys SUPPLIED to this check".to_string(),
            KeyTrust::Pinned => format!(
                "keys PINNED by the exporting vault (ledger entry {}; as trustworthy as the ledger head: compare it with one shared earlier)",
                t.pinned_at_seq.unwrap_or_default()
            ),
            KeyTrust::SelfAttested => {
                "keys SELF-ATTESTED: only the file's own list (check them with --lender-keys)"
                    .to_string()
            }
        };
        println!("lender {}: {basis}; {prints}", clean(&t.lender_id));
    }
    for g in &r.sequence_gaps {
        let range = if g.from == g.to {
            format!("#{}", g.from)
        } else {
            format!("#{}–#{}", g.from, g.to)
        };
        println!(
            "GAP: lender {} never delivered disclosure {range} of its sequence",
            clean(&g.lender_id)
        );
    }
    println!(
        "not covered by any signature or the ledger (display only): {}",
        r.unverified.join(", ")
    );
    if !r.withheld.is_empty() {
        println!(
            "withheld (signed as commitments, values not in the file): {}",
            r.withheld
                .iter()
                .map(|w| clean(w))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

pub fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let supplied = match args.lender_keys.as_deref().map(supplied_keys).transpose() {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => {
            if args.json {
                println!("{}", serde_json::json!({"valid": false, "error": e}));
            } else if let VerifyError::Unusable { reason } = &e {
                println!("UNUSABLE: {}", clean(reason));
            }
            return Ok(ExitCode::from(e.exit_code() as u8));
        }
    };
    let result = verify_path(&args.file, &supplied, !args.json);
    if args.json {
        let v = match &result {
            Ok(r) => serde_json::json!({"valid": true, "report": r}),
            Err(e) => serde_json::json!({"valid": false, "error": e}),
        };
        println!("{v}");
    }
    Ok(match result {
        Ok(r) => {
            if !args.json {
                println!(
                    "valid: {} lender signatures, {} disclosures, ledger of {} entries (head #{} {})",
                    r.signatures_checked, r.disclosures, r.ledger_entries, r.head_seq, r.head_hash
                );
                print_logs(&r);
                print_basis(&r);
                // A misspelt lender id would leave that lender pinned or self-attested.
                let mut unused: Vec<&String> = supplied
                    .0
                    .keys()
                    .filter(|id| !r.key_trust.iter().any(|t| &t.lender_id == *id))
                    .collect();
                unused.sort();
                for id in unused {
                    println!(
                        "note: keys were supplied for lender {}, which this export does not list",
                        clean(id)
                    );
                }
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
