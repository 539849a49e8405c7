//! `khata donate`: gives an advocate your redacted record, named by a random id instead of
//! you (docs/export.md, "Sharing with an advocate"). `--preview` shows what it would hold and
//! leave out, writing nothing.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use khata_engine::Engine;
use khata_engine::views::{DonationOptions, DonationPreview, Removal, RemovalKind};

use super::Format;
use super::engine::{bar, print};

#[derive(Debug, clap::Args)]
pub struct DonateArgs {
    /// The folder to save the donation in (as `<donationId>.khata-donation.zip`).
    #[arg(long, required_unless_present = "preview")]
    pub out: Option<PathBuf>,
    /// Your words to the advocate (at most 2,000 characters; kept out of every published figure).
    #[arg(long)]
    pub note: Option<String>,
    /// Withhold this field too (repeatable), beyond the advocate defaults.
    #[arg(long = "redact", value_name = "FIELD", conflicts_with = "keep")]
    pub redact: Vec<String>,
    /// Do not withhold this default field (repeatable): valueDigest or bin. The customer id and
    /// free text are always withheld from a donation.
    #[arg(long = "keep", value_name = "FIELD")]
    pub keep: Vec<String>,
    /// Show what the donation would hold and leave out, and write nothing.
    #[arg(long)]
    pub preview: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// The end of `khata donate --help`.
pub const DONATE_HELP: &str = "\
A donation always withholds customerId and text (free text); by default also valueDigest and
bin (--keep either to leave it in), and onwardRecipient only with --redact onwardRecipient.
The lenders' tickets and your words in rights requests are blanked and the export's time is
the month's start. What the verifier checks against a signature or the ledger cannot be
removed and is listed as kept: the vault's id in the ledger, each phone file's name and device,
your consent actions, the ledger's digests of your details and nominee. A vault whose lenders
signed your customer id in the clear (contract v1) cannot donate.";

impl DonateArgs {
    /// The chosen patterns: the advocate defaults, less `--keep`, plus `--redact`.
    pub fn patterns(&self) -> anyhow::Result<Vec<String>> {
        let required = ["customerId", "text"];
        if let Some(k) = self.keep.iter().find(|k| required.contains(&k.as_str())) {
            anyhow::bail!("--keep {k}: a donation always withholds customerId and text");
        }
        let mut out: Vec<String> = khata_engine::redaction::advocate_patterns()
            .into_iter()
            .filter(|p| !self.keep.contains(p))
            .collect();
        for p in &self.redact {
            if !out.contains(p) {
                out.push(p.clone());
            }
        }
        Ok(out)
    }
}

fn how(r: &Removal) -> &'static str {
    match r.how {
        RemovalKind::Withheld => "withheld (its commitment stays: signatures still verify)",
        RemovalKind::Blanked => "blanked (written by Khata, not signed)",
        RemovalKind::Dropped => "dropped",
        RemovalKind::Kept => "KEPT (a signature or the ledger checks it; it cannot be removed)",
    }
}

fn say_removed(removed: &[Removal]) {
    eprintln!("Removed, and listed in the donation:");
    for r in removed.iter().filter(|r| r.how != RemovalKind::Kept) {
        eprintln!("  {} ×{}: {}", r.path, r.count, how(r));
    }
    for r in removed.iter().filter(|r| r.how == RemovalKind::Kept) {
        eprintln!("  {} ×{}: {}", r.path, r.count, how(r));
    }
}

fn say_preview(p: &DonationPreview) {
    eprintln!(
        "A donation now ({}) would hold a version {} export:",
        p.month, p.export_version
    );
    for l in &p.lenders {
        eprintln!(
            "  {} ({}): {} consent(s), {} disclosure(s), {} offer(s)",
            l.name, l.lender_id, l.consents, l.disclosures, l.offers
        );
    }
    eprintln!(
        "  {} consent action(s) of yours, {} phone observation(s), {} rights request(s)",
        p.consent_actions, p.phone_observations, p.rights_requests
    );
    say_removed(&p.removed);
    if p.blocking_statements > 0 {
        eprintln!(
            "No donation can be made: {} statement(s) in the contract v1 form sign your customer \
             id or free text in the clear.",
            p.blocking_statements
        );
    }
}

pub async fn run(engine: &Engine, a: DonateArgs) -> anyhow::Result<ExitCode> {
    let patterns = a.patterns()?;
    if a.preview {
        let p = engine.donation_preview(patterns).await?;
        return match a.format {
            Format::Json => print(&p),
            Format::Text => {
                say_preview(&p);
                Ok(ExitCode::SUCCESS)
            }
        };
    }
    let out = a.out.clone().unwrap_or_default();
    let (b, progress) = bar();
    let r = engine
        .write_donation_with(
            &out,
            DonationOptions {
                patterns,
                note: a.note,
            },
            progress,
            Arc::new(AtomicBool::new(false)),
        )
        .await?;
    b.finish_and_clear();
    match a.format {
        Format::Json => print(&r),
        Format::Text => {
            say_removed(&r.removed);
            println!("Donation {} saved to {}", r.donation_id, r.path);
            Ok(ExitCode::SUCCESS)
        }
    }
}
